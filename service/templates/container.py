"""The template file itself, before any of its XML is read: a .docx ZIP within limits, no macros, no external
relationships (an image or link fetched from elsewhere when the document is opened or converted)."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

from service.errors import ErrorKind
from service.templates.errors import TemplateRejected

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest template file accepted (10 MiB): the built-in forms are under 100 KiB."""
MAX_PARTS = 300
"""Most ZIP entries in a template (a Word document has a few dozen)."""
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
"""Largest total of the entries' uncompressed sizes (a ZIP bomb is small on the wire and huge once opened)."""
MAX_RATIO = 200
"""Largest compression ratio of one entry (XML compresses 5-20 times; a bomb thousands of times)."""

_MACRO_TYPES = re.compile(r"macroEnabled|vbaProject|vbaData", re.I)
_RELS = re.compile(r"(^|/)_rels/[^/]*\.rels$")
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


@dataclass(frozen=True)
class ContainerProblem:
    """A problem with the file: its code, Chinese message and the entry it is in."""

    code: str
    message: str
    part: str = ""
    fatal: bool = False
    """The file cannot be read as a template at all (lint exit status 2)."""


def container_problems(data: bytes, filename: str = "") -> list[ContainerProblem]:
    """Every problem of the file; an empty list when it is a .docx within the limits."""
    problems: list[ContainerProblem] = []
    if filename.lower().endswith((".docm", ".dotm")):
        problems.append(ContainerProblem("template_macros", f"{filename} 是启用宏的文档（.docm），不接受含宏的模板。"))
    if len(data) > MAX_FILE_BYTES:
        return [
            *problems,
            ContainerProblem("template_too_large", f"模板文件超过 {MAX_FILE_BYTES // 1048576} MiB。", fatal=True),
        ]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return [*problems, ContainerProblem("template_file_invalid", "文件不是 Word 文档（.docx）。", fatal=True)]
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            return [
                *problems,
                ContainerProblem(
                    "template_too_many_parts", f"模板包含 {len(infos)} 个部件，超过上限 {MAX_PARTS}。", fatal=True
                ),
            ]
        total = sum(i.file_size for i in infos)
        bomb = next((i for i in infos if i.compress_size and i.file_size / i.compress_size > MAX_RATIO), None)
        if total > MAX_UNCOMPRESSED_BYTES or bomb is not None:
            where = bomb.filename if bomb is not None else ""
            return [
                *problems,
                ContainerProblem(
                    "template_zip_bomb",
                    f"模板解压后过大（上限 {MAX_UNCOMPRESSED_BYTES // 1048576} MiB，"
                    f"压缩比上限 {MAX_RATIO}），疑似压缩炸弹。",
                    where,
                    fatal=True,
                ),
            ]
        names = {i.filename for i in infos}
        if "word/document.xml" not in names or "[Content_Types].xml" not in names:
            return [
                *problems,
                ContainerProblem("template_file_invalid", "文件不是 Word 文档（缺少 word/document.xml）。", fatal=True),
            ]
        try:
            content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
        except (zipfile.BadZipFile, OSError, RuntimeError):
            return [*problems, ContainerProblem("template_file_invalid", "文件已损坏，无法读取。", fatal=True)]
        if _MACRO_TYPES.search(content_types) or any(n.lower().endswith("vbaproject.bin") for n in names):
            if not any(p.code == "template_macros" for p in problems):
                problems.append(
                    ContainerProblem(
                        "template_macros", "模板含有宏（VBA 工程），不接受含宏的模板。", "word/vbaProject.bin"
                    )
                )
        for name in sorted(n for n in names if _RELS.search(n)):
            problems.extend(_external_relationships(archive, name))
    return problems


def _external_relationships(archive: zipfile.ZipFile, name: str) -> list[ContainerProblem]:
    try:
        root = etree.fromstring(archive.read(name), etree.XMLParser(resolve_entities=False, no_network=True))
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, RuntimeError):
        return [ContainerProblem("template_file_invalid", f"{name} 不是合法的 XML。", name, fatal=True)]
    found = []
    for rel in root.iter(_REL_NS):
        if (rel.get("TargetMode") or "").lower() == "external":
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1] or "关系"
            found.append(
                ContainerProblem(
                    "template_external_link",
                    f"模板引用外部资源（{kind}：{rel.get('Target', '')[:120]}），"
                    "上传的模板不得含有外部链接或外部图片。",
                    name,
                )
            )
    return found


def check_container(data: bytes, filename: str = "") -> None:
    """Raise `TemplateRejected` with the first problem of the file, if any (the upload's quick refusal)."""
    problems = container_problems(data, filename)
    if problems:
        first = problems[0]
        limit = first.code in ("template_too_large", "template_too_many_parts", "template_zip_bomb")
        raise TemplateRejected(first.message, code=first.code, kind=ErrorKind.LIMIT if limit else ErrorKind.INVALID)
