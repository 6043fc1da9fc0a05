"""Errors of the application package: a stable machine-readable `code`, the file concerned and a Chinese reason.

Every problem with an attachment is raised before anything is written, so a failed call leaves no output.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service.errors import DocgenError, ErrorKind

# Codes that are over a size, amount or page limit (kind limit, HTTP 413), whichever class raises them; their
# problem titles. A file that would unpack beyond the limits is a limit too: the same content in a smaller file
# would pass.
LIMIT_TITLES: dict[str, str] = {
    "attachment_too_large": "附件过大",
    "package_too_large": "附件过大",
    "attachment_too_many_pages": "页数超过上限",
    "package_too_many_pages": "页数超过上限",
    "attachment_too_large_decompressed": "附件解压后过大",
    "docx_zip_bomb": "附件解压后过大",
}


class PackageError(DocgenError):
    """Base of every packaging error: `code` (stable, for programs) and `message` (Chinese, for people)."""

    code = "package_error"
    kind = ErrorKind.INTERNAL
    title = "申报材料包生成失败"

    def __init__(self, code: str, message: str, *, kind: ErrorKind | None = None) -> None:
        if code in LIMIT_TITLES:
            kind, self.title = ErrorKind.LIMIT, LIMIT_TITLES[code]
        super().__init__(message, code=code, kind=kind)


class AttachmentError(PackageError):
    """An attachment that cannot go into the package: names the file and gives the reason.

    Codes (kind invalid unless marked limit, see `LIMIT_TITLES`): attachment_encrypted, attachment_corrupt,
    attachment_type_unsupported, attachment_too_large (limit), package_too_large (limit),
    attachment_too_many_pages (limit), package_too_many_pages (limit), attachment_too_large_decompressed (limit:
    a PDF's streams inflate beyond the limits, or a predictor row needs huge memory), docx_zip_bomb (limit: a
    .docx's entry count, unpacked size or compression ratio beyond the limits), image_too_many_pixels,
    attachment_conversion_failed, attachment_invalid (bad item number or title), attachment_missing,
    attachment_font_not_embedded.
    """

    kind = ErrorKind.INVALID
    title = "附件有误"

    def __init__(self, code: str, filename: str, reason: str) -> None:
        self.filename = filename
        self.reason = reason
        super().__init__(code, f"附件“{filename}”：{reason}")

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "file": self.filename, "reason": self.reason, "message": self.message}


class AttachmentListError(PackageError):
    """The attachment directory or its attachments.json cannot be read (CLI input)."""

    kind = ErrorKind.INVALID
    title = "附件清单有误"

    def __init__(self, message: str, *, code: str = "attachment_list_invalid") -> None:
        super().__init__(code, message)


class ApplicationRenderError(PackageError):
    """The 申请书 itself could not be produced (conversion failure, unstable page references)."""


@dataclass(frozen=True)
class Repair:
    """A damaged PDF that qpdf could repair: reported to the user, the package is still built."""

    filename: str
    item: int
    message: str
    """Chinese, e.g. 文件结构有损坏（交叉引用表错误），已自动修复；请核对该附件内容是否完整。"""
    details: tuple[str, ...] = ()
    """qpdf's own warnings (English), for support."""

    def to_dict(self) -> dict[str, object]:
        return {"file": self.filename, "item": self.item, "message": self.message, "details": list(self.details)}
