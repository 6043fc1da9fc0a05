"""POST /v1/packages/{template_id}: payload + attachments (multipart) → the package ZIP or the merged PDF."""

from __future__ import annotations

import time
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

from anyio.to_thread import run_sync
from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import Response

from service.api.dependencies import (
    PDF,
    ZIP,
    RuntimeDep,
    TemplateDep,
    content_disposition,
    download_name,
    parse_json,
)
from service.api.problems import ProblemError, problem_responses, size_text
from service.errors import FieldError
from service.packaging import Attachment, PackageLimits, assemble_package
from service.packaging.attachments import title_from_filename
from service.packaging.errors import AttachmentError

if TYPE_CHECKING:
    from service.templates.rendering import UploadedRenderer

router = APIRouter(prefix="/v1/packages", tags=["申报材料包"])


class PackageFormat(StrEnum):
    zip = "zip"
    pdf = "pdf"
    pdfa = "pdfa"


def require_multipart(request: Request) -> None:
    content_type = (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    if content_type != "multipart/form-data":
        raise ProblemError(
            415, "unsupported_media_type", "不支持的内容类型",
            "请求体应为 multipart/form-data（payload 部分为 JSON，附件为文件部分）；"
            f"收到：{content_type or '未设置'}。",
        )  # fmt: skip


def name_file(exc: AttachmentError, attachments: list[Attachment]) -> AttachmentError:
    """The attachment error with the upload it concerns as a field error (`$.files[i]`), for the client's form.
    Status and title come from its kind in the one problem handler."""
    index = next((i for i, a in enumerate(attachments) if a.name == exc.filename), None)
    loc = f"$.files[{index}]" if index is not None else "$.files"
    exc.errors = [FieldError(loc, exc.filename, exc.code, exc.reason)]
    return exc


@router.post(
    "/{template_id}",
    operation_id="createPackage",
    summary="生成申报材料包",
    response_class=Response,
    dependencies=[Depends(require_multipart)],
    responses={
        200: {
            "description": "申报材料包（ZIP：<序号>_<申报单位>/ 目录，含完整申报材料.pdf）或合并后的 PDF",
            "content": {ZIP: {"schema": {"type": "string", "format": "binary"}},
                        PDF: {"schema": {"type": "string", "format": "binary"}}},
            "headers": {"Content-Disposition": {"description": "RFC 6266 附件文件名（filename* 为 UTF-8）",
                                                "schema": {"type": "string"}},
                        "X-Template-Version": {"description": "申请书所用的模板版本（上传的版本或内置模板的版本）",
                                               "schema": {"type": "string"}}},
        },
        **problem_responses(400, 404, 413, 415, 422, 503, 504),
    },
)  # fmt: skip
async def create_package(
    info: TemplateDep,
    runtime: RuntimeDep,
    payload: Annotated[
        str, Form(description="申请书数据（JSON 文本，与 POST /v1/documents/{template_id} 的请求体相同）")
    ],
    files: Annotated[
        list[UploadFile], File(description="附件文件（PDF、JPG、PNG、DOCX），可多个；顺序即同一序号内的排列顺序")
    ] = [],  # noqa: B006 - FastAPI copies defaults
    items: Annotated[list[int], Form(description="每个附件在“三、附件清单”中的序号（1–8），与 files 一一对应")] = [],  # noqa: B006
    titles: Annotated[
        list[str], Form(description="每个附件的标题，与 files 一一对应；省略时取文件名（去掉扩展名和序号前缀）")
    ] = [],  # noqa: B006
    format: Annotated[
        PackageFormat,
        Query(description="zip：完整申报材料包；pdf：只要合并后的 PDF；pdfa：合并后的 PDF，PDF/A-2b 格式"),
    ] = PackageFormat.zip,
    version: Annotated[
        str | None,
        Query(description="申请书的模板版本（见 /v1/templates/{id}/versions，或内置模板的版本）；缺省为最新版本"),
    ] = None,
) -> Response:
    """用申请书数据和附件生成完整的申报材料包：申请书与全部附件合并为一个带页码和书签的 PDF，
    并按报送要求打包为 ZIP。附件有误时返回 422（或超过大小/页数上限时 413），说明是哪个文件、什么问题。

    multipart 各部分：`payload`（JSON）、`files`（附件，可多个）、`items`（每个附件的序号 1–8）、
    `titles`（可选，每个附件的标题）。
    申请书与 POST /v1/documents/{template_id} 一样，用最新上传的版本（或 ?version= 指定的版本）在隔离进程中生成，
    响应头 X-Template-Version 为所用版本。
    """
    settings = runtime.settings
    spec = info.spec
    data: Any = parse_json(payload.encode("utf-8"), "payload 部分")
    if len(items) != len(files):
        raise ProblemError(
            422, "attachment_items_mismatch", "附件序号与文件不对应",
            f"items 应为每个附件各给出一个序号（1–8）：收到 {len(files)} 个文件、{len(items)} 个序号。",
        )  # fmt: skip
    if titles and len(titles) != len(files):
        raise ProblemError(
            422, "attachment_titles_mismatch", "附件标题与文件不对应",
            f"titles 可以省略，或为每个附件各给出一个标题：收到 {len(files)} 个文件、{len(titles)} 个标题。",
        )  # fmt: skip
    if len(files) > settings.max_attachments:
        raise ProblemError(
            413, "too_many_attachments", "附件过多", f"附件最多 {settings.max_attachments} 个，收到 {len(files)} 个。"
        )
    attachments: list[Attachment] = []
    try:
        for index, (upload, item) in enumerate(zip(files, items, strict=True)):
            name = upload.filename or f"附件{index + 1}"
            if upload.size is not None and upload.size > settings.max_attachment_bytes:
                raise AttachmentError("attachment_too_large", name,
                                      f"文件大小超过 {size_text(settings.max_attachment_bytes)} 的上限")  # fmt: skip
            content = await upload.read()
            title = titles[index] if titles else title_from_filename(name)
            attachments.append(Attachment(item=item, title=title, data=content, filename=name))
    except AttachmentError as exc:
        raise name_file(exc, attachments) from None

    limits = PackageLimits(
        max_file_bytes=settings.max_attachment_bytes,
        max_package_bytes=settings.max_package_bytes,
        max_file_pages=settings.max_pages,
        max_package_pages=settings.max_pages,
    )
    renderer = await _renderer(runtime, spec.id, version)
    converter = runtime.require_pool()
    start = time.perf_counter()
    try:
        package = await run_sync(
            lambda: assemble_package(
                spec.id,
                data,
                attachments,
                limits=limits,
                converter=converter,
                pdfa=format == PackageFormat.pdfa,
                renderer=renderer,
            ),
            limiter=runtime.package_limiter,
        )
    except AttachmentError as exc:
        raise name_file(exc, attachments) from exc
    runtime.metrics.package.labels(spec.id).observe(time.perf_counter() - start)
    headers = {"X-Template-Version": package.template_version}
    if format in (PackageFormat.pdf, PackageFormat.pdfa):
        name = download_name("完整申报材料", package.applicant, "pdf")
        headers["Content-Disposition"] = content_disposition(name, f"{spec.id}-package.pdf")
        return Response(package.merged_pdf, media_type=PDF, headers=headers)
    headers["Content-Disposition"] = content_disposition(package.zip_name, f"{spec.id}-package.zip")
    return Response(package.bundle_zip, media_type=ZIP, headers=headers)


async def _renderer(runtime: RuntimeDep, template_id: str, version: str | None) -> UploadedRenderer | None:
    """What renders the 申请书 as POST /v1/documents would: the pinned or newest active uploaded version (in the
    isolated process); None: the built-in file."""
    from service.api.routers.template_store import template_store
    from service.templates.rendering import UploadedRenderer, pick

    store = template_store(runtime.settings)
    record = await runtime.in_thread(pick, store, template_id, version)
    return UploadedRenderer(store, record) if record is not None else None
