"""The template catalog: list, details, JSON Schema, sample payload and the blank form."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from service.api.dependencies import (
    DOCX,
    PDF,
    RuntimeDep,
    TemplateDep,
    TemplateInfo,
    content_disposition,
    etag_for,
    etag_matches,
)
from service.api.problems import ProblemError, problem_responses

router = APIRouter(prefix="/v1/templates", tags=["模板"])


class TemplateLinks(BaseModel):
    schema_: str = Field(alias="schema", description="JSON Schema 的地址")
    sample: str = Field(description="示例数据的地址")
    blank: str = Field(description="空白表格的地址")
    documents: str = Field(description="生成文档的地址（POST）")


class TemplateSummary(BaseModel):
    id: str = Field(description="模板 ID", examples=["park_application"])
    title: str = Field(description="文档标题", examples=["国家新兴产业发展示范基地创建申请书（示范园区）"])
    formats: list[str] = Field(description="支持的输出格式", examples=[["docx", "pdf", "pdfa"]])
    version: str = Field(description="模板版本哈希：Word 模板或数据模型变化时改变", examples=["3f2a9c0d1b4e5f60"])


class TemplateDetail(TemplateSummary):
    description: str = Field(description="文档说明")
    links: TemplateLinks = Field(description="相关地址")


class BlankFormat(StrEnum):
    docx = "docx"
    pdf = "pdf"


def summary(info: TemplateInfo) -> TemplateSummary:
    spec = info.spec
    return TemplateSummary(id=spec.id, title=spec.title, formats=list(spec.formats), version=info.version)


@router.get("", operation_id="listTemplates", summary="模板列表", response_model=list[TemplateSummary])
async def list_templates(runtime: RuntimeDep) -> list[TemplateSummary]:
    """全部可用模板（固定目录）及其标题、输出格式和版本哈希。"""
    return [summary(info) for info in runtime.templates.values()]


@router.get(
    "/{template_id}",
    operation_id="getTemplate",
    summary="模板详情",
    response_model=TemplateDetail,
    response_model_by_alias=True,
    responses=problem_responses(404),
)
async def get_template(info: TemplateDep) -> TemplateDetail:
    """模板的标题、说明、输出格式、版本哈希和相关地址。"""
    spec = info.spec
    base = f"/v1/templates/{spec.id}"
    links = TemplateLinks.model_validate(
        {"schema": f"{base}/schema", "sample": f"{base}/sample", "blank": f"{base}/blank",
         "documents": f"/v1/documents/{spec.id}"}
    )  # fmt: skip
    return TemplateDetail(**summary(info).model_dump(), description=spec.description, links=links)


@router.get(
    "/{template_id}/schema",
    operation_id="getTemplateSchema",
    summary="数据的 JSON Schema",
    response_class=JSONResponse,
    responses={
        200: {"description": "JSON Schema（2020-12）", "content": {"application/json": {"schema": {"type": "object"}}}},
        **problem_responses(404),
    },
)
async def get_template_schema(info: TemplateDep) -> dict[str, Any]:
    """生成文档所需数据（请求体）的 JSON Schema，字段带中文标题和说明，可用于生成门户表单。"""
    return info.schema


@router.get(
    "/{template_id}/sample",
    operation_id="getTemplateSample",
    summary="示例数据",
    response_class=JSONResponse,
    responses={
        200: {"description": "虚构单位的完整示例数据", "content": {"application/json": {"schema": {"type": "object"}}}},
        **problem_responses(404),
    },
)
async def get_template_sample(info: TemplateDep) -> dict[str, Any]:
    """一份能通过校验的完整示例数据（虚构单位），可直接作为 `POST /v1/documents/{template_id}` 的请求体。"""
    if info.sample is None:
        raise ProblemError(404, "sample_missing", "没有示例数据", f"模板“{info.spec.id}”没有示例数据。")
    return info.sample


@router.get(
    "/{template_id}/blank",
    operation_id="getBlankForm",
    summary="空白表格",
    response_class=Response,
    responses={
        200: {
            "description": "空白表格文件（Content-Disposition 带中文文件名）",
            "content": {DOCX: {"schema": {"type": "string", "format": "binary"}},
                        PDF: {"schema": {"type": "string", "format": "binary"}}},
            "headers": {"ETag": {"description": "模板版本与格式的哈希", "schema": {"type": "string"}}},
        },
        304: {"description": "If-None-Match 与当前 ETag 相同：内容未变"},
        **problem_responses(404, 422, 503, 504),
    },
)  # fmt: skip
async def get_blank_form(
    info: TemplateDep,
    runtime: RuntimeDep,
    format: Annotated[BlankFormat, Query(description="输出格式：docx 或 pdf")] = BlankFormat.docx,
    if_none_match: Annotated[str | None, Header(description="上次响应的 ETag；内容未变时返回 304")] = None,
) -> Response:
    """官方表格的空白版本（不需要数据），供手工填写。"""
    spec = info.spec
    fmt = format.value
    if fmt not in spec.formats:
        raise ProblemError(422, "format_unsupported", "不支持的输出格式", f"模板“{spec.id}”不提供 {fmt} 格式。")
    etag = etag_for(info.version, "blank", fmt)
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if etag_matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    key = (spec.id, fmt)
    data = runtime.blank_cache.get(key)
    if data is None:
        data = await runtime.render(spec.id, None)
        if fmt == "pdf":
            data = await runtime.to_pdf(spec.id, data, pdfa=False, title=spec.title, author="")
        runtime.blank_cache[key] = data
    name = f"{spec.file_stem}（空白）.{fmt}"
    headers["Content-Disposition"] = content_disposition(name, f"{spec.id}-blank.{fmt}")
    return Response(data, media_type=DOCX if fmt == "docx" else PDF, headers=headers)
