"""POST /v1/imports/{id}: a filled-in Excel workbook (multipart) in, the JSON payload out."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile

from service.api.dependencies import RuntimeDep, TemplateDep
from service.api.problems import ProblemError, problem_responses
from service.excel.safety import MAX_WORKBOOK_BYTES

router = APIRouter(prefix="/v1/imports", tags=["Excel"])


@router.post(
    "/{template_id}",
    operation_id="importWorkbook",
    summary="导入 Excel 填报表",
    responses={
        200: {"description": "填报表中的 JSON 数据（已通过校验），可直接用于 POST /v1/documents/{template_id}"},
        **problem_responses(404, 413, 422),
    },
)
async def import_workbook(
    info: TemplateDep,
    runtime: RuntimeDep,
    file: Annotated[UploadFile, File(description="用 GET /v1/templates/{template_id}/workbook 下载并填好的 .xlsx")],
) -> dict[str, Any]:
    """把填好的填报表转换为 JSON 数据。有错误时返回 422，`errors` 列出全部错误：`cell`（工作表!单元格）、
    `loc`（JSON 路径）、`label`（中文字段名）、`code` 和 `message`。其他模板或旧版本的填报表、含宏或外部链接的
    工作簿被拒绝。"""
    from service.excel.importer import read_payload

    data = await file.read(MAX_WORKBOOK_BYTES + 1)
    if len(data) > MAX_WORKBOOK_BYTES:
        raise ProblemError(
            413, "workbook_too_large", "Excel 文件过大", f"Excel 文件超过 {MAX_WORKBOOK_BYTES // 1048576} MB 上限。"
        )
    name = file.filename or "Excel 文件"
    return await runtime.in_thread(read_payload, info.spec.id, data, name)
