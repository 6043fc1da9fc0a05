"""GET /v1/templates/{id}/workbook: the template's fill-in Excel workbook (see `service.excel`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import Response

from service.api.dependencies import XLSX, RuntimeDep, TemplateDep, content_disposition, etag_for, etag_matches
from service.api.problems import problem_responses

router = APIRouter(prefix="/v1/templates", tags=["模板"])


@router.get(
    "/{template_id}/workbook",
    operation_id="getTemplateWorkbook",
    summary="Excel 填报表",
    response_class=Response,
    responses={
        200: {"description": "空白的 Excel 填报表：每个部分一个工作表，黄色单元格为填写区，带下拉列表和数值校验，"
                             "近三年平均值为公式；隐藏工作表记录模板 ID 和版本。"
                             "填好后用 POST /v1/imports/{template_id} 导入",
              "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}},
        304: {"description": "If-None-Match 与当前 ETag 相同：内容未变"},
        **problem_responses(404, 422),
    },
)  # fmt: skip
async def get_template_workbook(
    info: TemplateDep,
    runtime: RuntimeDep,
    if_none_match: Annotated[str | None, Header(description="上次响应的 ETag")] = None,
) -> Response:
    """模板的 Excel 填报表（公文因含嵌套附件不提供，返回 422 workbook_unsupported）。"""
    from service.excel.workbook import workbook_for

    etag = etag_for(info.version, "xlsx-workbook")
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if etag_matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    data = await runtime.in_thread(workbook_for, info.spec.id)
    headers["Content-Disposition"] = content_disposition(
        f"{info.spec.file_stem}-填报表.xlsx", f"{info.spec.id}-workbook.xlsx"
    )
    return Response(data, media_type=XLSX, headers=headers)
