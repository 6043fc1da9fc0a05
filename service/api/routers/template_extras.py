"""What a form client needs besides the schema: a thumbnail of the form and the items of 三、附件清单.

GET /v1/templates/{id}/thumbnail.png        first page of the blank form, as a small PNG
GET /v1/templates/{id}/attachment-items     the eight items of the 附件清单 and the upload limits
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import Annotated

from anyio.to_thread import run_sync
from fastapi import APIRouter, Header
from fastapi.responses import Response
from pydantic import BaseModel, Field

from service.api.dependencies import RuntimeDep, TemplateDep, etag_for, etag_matches
from service.api.problems import ProblemError, problem_responses
from service.packaging.attachments import KNOWN_EXTENSIONS
from service.packaging.listing import ITEM_TEXTS

router = APIRouter(prefix="/v1/templates", tags=["模板"])

PNG = "image/png"
THUMBNAIL_WIDTH = 360
"""Pixels: sharp in a catalog card (about 180 CSS pixels wide on a 2× screen)."""


def first_page_png(pdf: bytes, width: int = THUMBNAIL_WIDTH) -> bytes:
    """Rasterise page 1 with poppler's pdftoppm (a system package the service already needs)."""
    with tempfile.TemporaryDirectory(prefix="docgen-thumb-") as tmp:
        source = Path(tmp) / "form.pdf"
        source.write_bytes(pdf)
        target = Path(tmp) / "page"
        subprocess.run(
            ["pdftoppm", "-png", "-f", "1", "-l", "1", "-singlefile", "-scale-to-x", str(width), "-scale-to-y", "-1",
             str(source), str(target)],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        return target.with_suffix(".png").read_bytes()


@router.get(
    "/{template_id}/thumbnail.png",
    operation_id="getTemplateThumbnail",
    summary="表格首页缩略图",
    response_class=Response,
    responses={
        200: {"description": f"空白表格第一页的 PNG 图片（宽 {THUMBNAIL_WIDTH} 像素）",
              "content": {PNG: {"schema": {"type": "string", "format": "binary"}}},
              "headers": {"ETag": {"description": "模板版本的哈希", "schema": {"type": "string"}}}},
        304: {"description": "If-None-Match 与当前 ETag 相同：内容未变"},
        **problem_responses(404, 503, 504),
    },
)  # fmt: skip
async def get_template_thumbnail(
    info: TemplateDep,
    runtime: RuntimeDep,
    if_none_match: Annotated[str | None, Header(description="上次响应的 ETag；内容未变时返回 304")] = None,
) -> Response:
    """空白表格第一页的缩略图，供模板目录显示；随模板版本变化，可按 ETag 缓存。"""
    spec = info.spec
    etag = etag_for(info.version, "thumbnail", str(THUMBNAIL_WIDTH))
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if etag_matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    key = (spec.id, "thumbnail.png")
    png = runtime.blank_cache.get(key)
    if png is None:
        pdf = runtime.blank_cache.get((spec.id, "pdf"))
        if pdf is None:
            docx = await runtime.render(spec.id, None)
            pdf = await runtime.to_pdf(spec.id, docx, pdfa=False, title=spec.title, author="")
            runtime.blank_cache[(spec.id, "pdf")] = pdf
        try:
            png = await run_sync(first_page_png, pdf)
        except (OSError, subprocess.SubprocessError):
            detail = "无法生成表格缩略图（服务器缺少 pdftoppm 或转换失败），请稍后重试。"
            raise ProblemError(503, "thumbnail_unavailable", "缩略图暂不可用", detail) from None
        runtime.blank_cache[key] = png
    return Response(png, media_type=PNG, headers=headers)


class AttachmentItem(BaseModel):
    item: int = Field(description="附件清单中的序号（1–8）")
    title: str = Field(description="该项的名称（与表格“三、附件清单”一致）")


class AttachmentItems(BaseModel):
    template_id: str = Field(description="模板 ID")
    items: list[AttachmentItem] = Field(description="附件清单的八项")
    accepted_types: list[str] = Field(description="可上传的附件类型（扩展名）")
    max_file_bytes: int = Field(description="单个附件的大小上限（字节）")
    max_files: int = Field(description="一个申报材料包中附件文件的数量上限")
    max_request_bytes: int = Field(description="申报材料包请求（含全部附件）的大小上限（字节）")


@router.get(
    "/{template_id}/attachment-items",
    operation_id="getAttachmentItems",
    summary="附件清单各项",
    response_model=AttachmentItems,
    responses=problem_responses(404),
)
async def get_attachment_items(info: TemplateDep, runtime: RuntimeDep) -> AttachmentItems:
    """申请书“三、附件清单”的八项及附件的类型和大小上限，供上传附件的页面使用（`POST /v1/packages/{template_id}`）。
    只有申请书模板（示范园区、示范企业）有附件清单，其他模板返回 404。"""
    texts = ITEM_TEXTS.get(info.spec.id)
    if texts is None:
        raise ProblemError(404, "package_unsupported", "该模板没有附件清单",
                           f"模板“{info.spec.id}”不是申请书，不能生成申报材料包。")  # fmt: skip
    s = runtime.settings
    return AttachmentItems(
        template_id=info.spec.id,
        items=[AttachmentItem(item=i, title=t) for i, t in enumerate(texts, start=1)],
        accepted_types=list(KNOWN_EXTENSIONS),
        max_file_bytes=s.max_attachment_bytes,
        max_files=s.max_attachments,
        max_request_bytes=s.max_package_bytes,
    )
