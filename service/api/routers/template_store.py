"""Uploaded templates: POST /v1/templates (upload), POST /v1/templates/lint, GET /v1/templates/{id}/versions,
DELETE /v1/templates/{id}/versions/{version}; and the rendering of an uploaded version for /v1/documents."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Header, UploadFile
from fastapi.responses import JSONResponse, Response

from service.api.dependencies import DOCX, PDF, RuntimeDep, SettingsDep, content_disposition, download_name
from service.api.problems import ProblemError, problem_responses
from service.api.settings import Settings
from service.templates.store import TemplateStore, TemplateVersion, store_for

router = APIRouter(prefix="/v1/templates", tags=["模板"])


def template_store(settings: Settings) -> TemplateStore:
    return store_for(settings.batch_storage_dir() / "templates", settings.batch_database_url())


def uploader(settings: Settings, key: str | None) -> str:
    """Who uploaded: the name part of a key written `名称:密钥` in DOCGEN_API_KEYS, else a short hash of the key."""
    if not key or not settings.api_key_values():
        return "匿名"
    name, sep, _ = key.partition(":")
    return name if sep and name else "key-" + hashlib.sha256(key.encode()).hexdigest()[:8]


def _json_field(value: str | None, what: str) -> Any:
    if value is None or value == "":
        return None
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise ProblemError(
            422, "malformed_json", "JSON 格式错误", f"{what} 不是合法的 JSON：第 {exc.lineno} 行。"
        ) from None


async def _read(upload: UploadFile | None, what: str) -> bytes | None:
    if upload is None:
        return None
    from service.templates.container import MAX_FILE_BYTES

    data = await upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ProblemError(413, "template_too_large", "模板文件过大", f"{what} 超过 {MAX_FILE_BYTES // 1048576} MiB。")
    return data


@router.post(
    "",
    operation_id="uploadTemplate",
    summary="上传模板（新模板或已有模板的新版本）",
    status_code=201,
    responses=problem_responses(413, 422),
)
async def upload_template(
    runtime: RuntimeDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="Word 模板（.docx）")],
    schema_file: Annotated[
        UploadFile | None, File(alias="schema", description="数据的 JSON Schema（可选；缺省时由模板变量推断）")
    ] = None,
    id: Annotated[str | None, Form(description="模板 ID；与内置模板相同时为其新版本")] = None,
    title: Annotated[str | None, Form(description="标题")] = None,
    description: Annotated[str | None, Form(description="说明")] = None,
    sample: Annotated[str | None, Form(description="试渲染用的示例数据（JSON，可选）")] = None,
    x_api_key: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> JSONResponse:
    """检查模板（全部问题一次列出，422）、用示例数据在隔离进程中试渲染，然后保存为一个不可变的版本（内容哈希）。"""
    data = await _read(file, "模板文件")
    assert data is not None
    schema_bytes = await _read(schema_file, "Schema 文件")
    schema_doc = _json_field(schema_bytes.decode("utf-8", "replace") if schema_bytes else None, "Schema 文件")
    sample_doc = _json_field(sample, "示例数据")
    store = template_store(settings)
    result = await runtime.in_thread(
        lambda: store.upload(
            data,
            filename=file.filename or "",
            template_id=id or None,
            title=title or "",
            description=description or "",
            schema=schema_doc,
            sample=sample_doc,
            uploaded_by=uploader(settings, x_api_key),
        )
    )
    return JSONResponse(result.to_dict(), status_code=201 if result.created else 200)


@router.post("/lint", operation_id="lintTemplate", summary="检查模板（不保存）", responses=problem_responses(413, 422))
async def lint_template(
    runtime: RuntimeDep,
    file: Annotated[UploadFile, File(description="Word 模板（.docx）")],
    model: Annotated[str | None, Form(description="按此内置模板的数据模型检查变量")] = None,
    schema_file: Annotated[UploadFile | None, File(alias="schema", description="按此 JSON Schema 检查变量")] = None,
) -> JSONResponse:
    """与 `docgen template lint` 相同的检查：每个问题带代码、位置（部件、段落、表格行列）和周围的文字。"""
    from service.rendering.catalog import get_template
    from service.templates.lint import lint_docx
    from service.templates.rendering import builtin_paths

    data = await _read(file, "模板文件")
    assert data is not None
    schema_bytes = await _read(schema_file, "Schema 文件")
    schema_doc = _json_field(schema_bytes.decode("utf-8", "replace") if schema_bytes else None, "Schema 文件")
    spec = get_template(model) if model else None
    report = await runtime.in_thread(
        lambda: lint_docx(
            data,
            file.filename or "",
            model=spec.model if spec else None,
            baseline=builtin_paths(spec.id) if spec and not spec.composer else None,
            schema=schema_doc,
        )
    )
    return JSONResponse(report.to_dict())


@router.get("/{template_id}/versions", operation_id="listTemplateVersions", summary="模板的全部版本",
            responses=problem_responses(404))  # fmt: skip
async def list_versions(template_id: str, runtime: RuntimeDep, settings: SettingsDep) -> JSONResponse:
    """最新的在前；停用的版本仍列出（retired_at），只有指定 ?version= 时才用它生成文档。"""
    from service.rendering.catalog import CATALOG, UnknownTemplate

    records = await runtime.in_thread(template_store(settings).versions, template_id)
    if not records and template_id not in CATALOG:
        raise UnknownTemplate(template_id)
    return JSONResponse({"id": template_id, "versions": [r.to_dict() for r in records]})


@router.delete("/{template_id}/versions/{version}", operation_id="retireTemplateVersion", summary="停用一个版本",
               responses=problem_responses(404))  # fmt: skip
async def retire_version(template_id: str, version: str, runtime: RuntimeDep, settings: SettingsDep) -> JSONResponse:
    """文件和记录保留（旧批次可复现）；停用后不再是默认版本，只有用 ?version= 指定时才能使用。"""
    record = await runtime.in_thread(template_store(settings).retire, template_id, version)
    return JSONResponse(record.to_dict())


async def uploaded_document(
    runtime: RuntimeDep, template_id: str, payload: Any, fmt: str, version: str | None
) -> Response | None:
    """The document rendered with an uploaded version, or None when the template is a built-in without uploads."""
    from service.rendering.catalog import CATALOG

    store = template_store(runtime.settings)
    from service.templates.rendering import pick, render_version

    record: TemplateVersion | None = await runtime.in_thread(pick, store, template_id, version)
    if record is None:
        return None
    if fmt not in ("docx", "pdf", "pdfa"):
        raise ProblemError(422, "format_unsupported", "不支持的输出格式", "上传的模板只提供 docx、pdf、pdfa 格式。")
    data, applicant = await runtime.in_thread(render_version, store, record, payload)
    spec = CATALOG.get(template_id)
    title = spec.title if spec else record.title
    if fmt != "docx":
        data = await runtime.to_pdf(template_id, data, pdfa=fmt == "pdfa", title=title, author=applicant)
    ext = "docx" if fmt == "docx" else "pdf"
    stem = spec.file_stem if spec else record.title
    headers = {
        "X-Template-Version": record.version,
        "Content-Disposition": content_disposition(download_name(stem, applicant, ext), f"{template_id}.{ext}"),
    }
    return Response(data, media_type=DOCX if ext == "docx" else PDF, headers=headers)
