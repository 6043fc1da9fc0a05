"""POST /v1/documents/{template_id}: a payload in, the finished .docx / PDF / PDF/A out."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import Response

from service.api.dependencies import (
    DOCX,
    PAYLOAD_REQUEST_BODY,
    PDF,
    XLSX,
    JsonPayload,
    RuntimeDep,
    TemplateIdPath,
    TemplateInfo,
    canonical_json,
    content_disposition,
    download_name,
    etag_for,
    etag_matches,
)
from service.api.problems import ProblemError, problem_responses

router = APIRouter(prefix="/v1/documents", tags=["文档"])


def document_template(template_id: TemplateIdPath, runtime: RuntimeDep) -> TemplateInfo | None:
    """A built-in template's info; None for an uploaded template of its own (rendered from the template store,
    which answers 404 when it has no version either)."""
    from service.rendering.catalog import CATALOG

    return runtime.info(template_id) if template_id in CATALOG else None


class DocumentFormat(StrEnum):
    docx = "docx"
    pdf = "pdf"
    pdfa = "pdfa"
    xlsx = "xlsx"


BINARY = {"schema": {"type": "string", "format": "binary"}}


@router.post(
    "/{template_id}",
    operation_id="createDocument",
    summary="生成文档",
    response_class=Response,
    openapi_extra={"requestBody": PAYLOAD_REQUEST_BODY},
    responses={
        200: {
            "description": "生成的文档；Content-Disposition 带 UTF-8 中文文件名，"
                           "如 创建申请书（示范园区）-<申报单位>.pdf",
            "content": {DOCX: BINARY, PDF: BINARY, XLSX: BINARY},
            "headers": {
                "ETag": {"description": "模板版本 + 数据 + 格式的哈希", "schema": {"type": "string"}},
                "Content-Disposition": {"description": "RFC 6266 附件文件名（filename* 为 UTF-8）",
                                        "schema": {"type": "string"}},
            },
        },
        304: {"description": "If-None-Match 与本次结果的 ETag 相同：内容未变，不重新生成"},
        **problem_responses(400, 404, 413, 415, 422, 503, 504),
    },
)  # fmt: skip
async def create_document(
    template_id: TemplateIdPath,
    info: Annotated[TemplateInfo | None, Depends(document_template)],
    runtime: RuntimeDep,
    payload: JsonPayload,
    format: Annotated[
        DocumentFormat,
        Query(description="输出格式：docx（Word）、pdf、pdfa（PDF/A-2b，长期归档）、xlsx（仅推荐汇总表）"),
    ] = DocumentFormat.docx,
    if_none_match: Annotated[str | None, Header(description="上次响应的 ETag；内容未变时返回 304")] = None,
    version: Annotated[
        str | None, Query(description="上传的模板版本（内容哈希，见 /v1/templates/{id}/versions）；缺省为最新版本")
    ] = None,
) -> Response:
    """校验数据并生成文档。数据有误时返回 422，`errors` 列出全部错误（JSON 路径、中文字段名、错误代码、说明）。

    相同的模板版本、数据和格式得到相同的 ETag；请求头 If-None-Match 与之相同时返回 304，不重新生成。
    上传过新版本的模板用最新版本（或 ?version= 指定的版本）在隔离进程中生成，响应头 X-Template-Version 为所用版本。
    """
    from service.api.routers.template_store import uploaded_document

    uploaded = await uploaded_document(runtime, template_id, payload, format.value, version)
    if uploaded is not None:
        return uploaded
    assert info is not None  # an id outside the catalog without versions was answered 404 above
    spec = info.spec
    fmt = format.value
    if fmt == "xlsx":
        return await _summary_xlsx(info, runtime, payload, if_none_match)
    if fmt not in spec.formats:
        raise ProblemError(422, "format_unsupported", "不支持的输出格式", f"模板“{spec.id}”不提供 {fmt} 格式。")
    validated = await runtime.validate(spec.id, payload)
    etag = etag_for(info.version, fmt, canonical_json(payload))
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if etag_matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    applicant = validated.model.applicant_name()
    # The ETag already hashes template version, format and payload: it addresses the render cache too.
    cached = runtime.render_cache.get(spec.id, etag) if runtime.render_cache is not None else None
    if cached is not None:
        data = cached
    else:
        data = await runtime.render(spec.id, validated)
        if fmt != "docx":
            from service.rendering.titles import document_title

            title = document_title(spec.id, validated)  # a 公文's own 标题, as in its .docx
            data = await runtime.to_pdf(spec.id, data, pdfa=fmt == "pdfa", title=title, author=applicant)
        if runtime.render_cache is not None:
            runtime.render_cache.put(etag, data)
    ext = "docx" if fmt == "docx" else "pdf"
    headers["Content-Disposition"] = content_disposition(
        download_name(spec.file_stem, applicant, ext), f"{spec.id}.{ext}"
    )
    return Response(data, media_type=DOCX if fmt == "docx" else PDF, headers=headers)


async def _summary_xlsx(info: TemplateInfo, runtime: RuntimeDep, payload: Any, if_none_match: str | None) -> Response:
    """A 推荐汇总表 as real Excel cells (the same title, captions and columns as the Word form)."""
    from service.excel.summaries import SUMMARY_TEMPLATES, summary_workbook

    spec = info.spec
    if spec.id not in SUMMARY_TEMPLATES:
        raise ProblemError(
            422,
            "format_unsupported",
            "不支持的输出格式",
            f"模板“{spec.id}”不提供 xlsx 格式，只有推荐汇总表可导出为 Excel。",
        )
    validated = await runtime.validate(spec.id, payload)
    etag = etag_for(info.version, "xlsx", canonical_json(payload))
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if etag_matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    data = await runtime.in_thread(summary_workbook, validated.model)
    applicant = validated.model.applicant_name()
    headers["Content-Disposition"] = content_disposition(
        download_name(spec.file_stem, applicant, "xlsx"), f"{spec.id}.xlsx"
    )
    return Response(data, media_type=XLSX, headers=headers)
