"""What a workbook must not be before openpyxl reads it: not an .xlsx, too big when unpacked, with macros, with
external links, or with XML document type declarations (entity expansion)."""

from __future__ import annotations

import io
import zipfile

from service.errors import DocgenError, ErrorKind

MAX_WORKBOOK_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_PARTS = 2000


class WorkbookRefused(DocgenError):
    """The file is not a workbook this service reads, or carries macros or external links."""

    code = "workbook_refused"
    kind = ErrorKind.INVALID
    title = "Excel 文件被拒绝"


def check_workbook_bytes(data: bytes, name: str = "Excel 文件") -> None:
    """Raise WorkbookRefused unless `data` is a plain .xlsx within the limits."""
    if len(data) > MAX_WORKBOOK_BYTES:
        raise WorkbookRefused(
            f"{name} 过大（{len(data) / 1048576:.1f} MB），上限 {MAX_WORKBOOK_BYTES // 1048576} MB",
            code="workbook_too_large",
            kind=ErrorKind.LIMIT,
        )
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise WorkbookRefused(
            f"{name} 是旧版 .xls 格式，请在 Excel 或 WPS 中另存为 .xlsx 后上传", code="workbook_not_xlsx"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise WorkbookRefused(f"{name} 不是 .xlsx 文件（无法打开）", code="workbook_not_xlsx") from None
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/workbook") for n in names):
        raise WorkbookRefused(f"{name} 不是 Excel 工作簿（.xlsx）", code="workbook_not_xlsx")
    if len(infos) > MAX_PARTS or sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
        raise WorkbookRefused(f"{name} 解压后过大", code="workbook_too_large", kind=ErrorKind.LIMIT)
    content_types = archive.read("[Content_Types].xml")
    if any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in content_types:
        raise WorkbookRefused(
            f"{name} 含有宏（VBA）：出于安全考虑不接受带宏的工作簿，请另存为不含宏的 .xlsx 后上传",
            code="workbook_has_macros",
        )
    if any(n.startswith("xl/externalLinks/") for n in names):
        raise WorkbookRefused(
            f"{name} 含有指向其他文件的外部链接：请在 Excel 中“断开链接”（将公式转为数值）后上传",
            code="workbook_external_links",
        )
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            with archive.open(info) as part:
                head = part.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise WorkbookRefused(f"{name} 含有不允许的 XML 声明（{info.filename}）", code="workbook_not_xlsx")
