"""Strip everything from a user-supplied .docx that could make LibreOffice fetch or read something.

A .docx may point outside itself: relationships with TargetMode="External" (linked images `a:blip
r:link`, VML `v:imagedata`, linked OLE objects, `attachedTemplate`, `subDocument`, `altChunk`, frames,
chart data) and fields that include other files (INCLUDETEXT, INCLUDEPICTURE, LINK, DDE, DATABASE…).
Measured with LibreOffice 7.4 and a stock profile: a linked image to http://127.0.0.1 is fetched (GET)
and one to file:///… is read and embedded into the PDF.

Removed here: every external relationship except plain hyperlinks (kept as links: nothing fetches them
during conversion), the XML that refers to a removed relationship, including fields (their cached result
text stays), mail-merge data sources and URL attributes of VML images. Embedded documents (w:altChunk) are
sanitized the same way when they are .docx files and removed otherwise (HTML/MHT/RTF chunks can load images
from anywhere). The hardened LibreOffice profile (profile.py) is the second layer.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from posixpath import basename, dirname, join, normpath

from lxml import etree

from service.conversion.errors import InvalidDocument
from service.conversion.slim import CORE_PART, STYLES_PART, slim_styles, with_core_properties

MAX_ENTRIES = 10_000
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024

PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_NAMESPACES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
W_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
)
VML_OFFICE = "urn:schemas-microsoft-com:office:office"
HYPERLINK_TYPE_SUFFIX = "/hyperlink"
ALT_CHUNK_SUFFIX = "/aFChunk"
MAX_DEPTH = 2
"""Embedded documents inside embedded documents: two levels are sanitized, deeper ones removed."""

# Field codes that load another file or URL, or talk to another program or a database.
DANGEROUS_FIELDS = frozenset(
    {"INCLUDETEXT", "INCLUDEPICTURE", "INCLUDE", "IMPORT", "LINK", "DDE", "DDEAUTO", "DATABASE"}
)
# Reference attributes whose removal leaves a valid element (the link beside an embedded copy).
_DROP_ATTRIBUTE_ONLY = frozenset({"link"})
_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=False)


@dataclass
class SanitizeReport:
    removed_relationships: list[str] = field(default_factory=list)
    """"part: Type → Target" of every relationship removed."""
    removed_fields: list[str] = field(default_factory=list)
    """Field instructions neutralized (their result text kept)."""
    removed_elements: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.removed_relationships or self.removed_fields or self.removed_elements)


@dataclass(frozen=True)
class SanitizedDocx:
    data: bytes
    report: SanitizeReport
    core_properties_set: bool = False
    """The core_properties asked for are in docProps/core.xml of data."""


def _is_outside(relationship: etree._Element) -> bool:
    if relationship.get("TargetMode", "").lower() == "external":
        return True
    target = relationship.get("Target", "")
    # An internal target is a part name; a scheme (http:, file:, …) or a UNC path points elsewhere.
    return bool(_URI_SCHEME.match(target)) or target.startswith(("\\\\", "//"))


def _source_part(rels_name: str) -> str:
    """word/_rels/document.xml.rels → word/document.xml; _rels/.rels → '' (the package)."""
    folder = dirname(dirname(rels_name))
    source = basename(rels_name)[: -len(".rels")]
    return join(folder, source) if source else ""


def _tag(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _clean_relationships(data: bytes, part: str, report: SanitizeReport) -> tuple[bytes | None, set[str]]:
    root = etree.fromstring(data, _PARSER)
    removed: set[str] = set()
    for relationship in list(root):
        if not isinstance(relationship.tag, str) or not _is_outside(relationship):
            continue
        kind = relationship.get("Type", "")
        if kind.endswith(HYPERLINK_TYPE_SUFFIX):
            relationship.set("TargetMode", "External")
            continue
        removed.add(relationship.get("Id", ""))
        report.removed_relationships.append(f"{part or '/'}: {kind.rsplit('/', 1)[-1]} → {relationship.get('Target')}")
        root.remove(relationship)
    if not removed:
        return None, removed
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), removed


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _unwrap(element: etree._Element) -> None:
    """Replace element by its children (a w:fldSimple by its result runs)."""
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    parent.remove(element)


def _field_name(instruction: str) -> str:
    words = instruction.strip().split(None, 1)
    return words[0].upper().lstrip("\\") if words else ""


def _drop_references(root: etree._Element, removed: set[str], report: SanitizeReport) -> bool:
    changed = False
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        for name, value in list(element.attrib.items()):
            qname = etree.QName(name)
            is_reference = qname.namespace in REL_NAMESPACES or (
                qname.namespace == VML_OFFICE and qname.localname == "relid"
            )
            if not is_reference or value not in removed:
                continue
            changed = True
            if qname.localname in _DROP_ATTRIBUTE_ONLY:
                del element.attrib[name]
                report.removed_elements.append(f"{_tag(element)}@{qname.localname}")
            else:
                _remove(element)
                report.removed_elements.append(_tag(element))
                break
    return changed


def _neutralize_simple_fields(root: etree._Element, report: SanitizeReport) -> bool:
    changed = False
    for ns in W_NAMESPACES:
        for element in list(root.iter(f"{{{ns}}}fldSimple")):
            instruction = element.get(f"{{{ns}}}instr", "")
            if _field_name(instruction) in DANGEROUS_FIELDS:
                report.removed_fields.append(instruction.strip())
                _unwrap(element)
                changed = True
    return changed


@dataclass
class _OpenField:
    nodes: list[etree._Element]
    instruction: list[str] = field(default_factory=list)
    in_instruction: bool = True


def _neutralize_complex_fields(root: etree._Element, report: SanitizeReport) -> bool:
    """w:fldChar begin … instrText … separate … result … end: drop everything but the result."""
    changed = False
    stack: list[_OpenField] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        qname = etree.QName(element)
        if qname.namespace not in W_NAMESPACES:
            continue
        name = qname.localname
        if name == "fldChar":
            kind = element.get(f"{{{qname.namespace}}}fldCharType")
            if kind == "begin":
                stack.append(_OpenField(nodes=[element]))
            elif kind == "separate" and stack:
                stack[-1].nodes.append(element)
                stack[-1].in_instruction = False
            elif kind == "end" and stack:
                done = stack.pop()
                done.nodes.append(element)
                instruction = "".join(done.instruction)
                if _field_name(instruction) in DANGEROUS_FIELDS:
                    report.removed_fields.append(instruction.strip())
                    for node in done.nodes:
                        _remove(node)
                    changed = True
                elif stack and stack[-1].in_instruction:
                    # A field nested in another field's instruction belongs to that instruction.
                    stack[-1].nodes.extend(done.nodes)
        elif name == "instrText" and stack:
            stack[-1].instruction.append(element.text or "")
            stack[-1].nodes.append(element)
        elif name == "t":
            # Text inside an instruction (e.g. the result of a nested field) belongs to that instruction.
            owner = next((open_field for open_field in reversed(stack) if open_field.in_instruction), None)
            if owner is not None:
                owner.nodes.append(element)
    return changed


def _clean_settings(root: etree._Element, report: SanitizeReport) -> bool:
    changed = False
    for ns in W_NAMESPACES:
        for tag in ("attachedTemplate", "mailMerge"):
            for element in list(root.iter(f"{{{ns}}}{tag}")):
                _remove(element)
                report.removed_elements.append(tag)
                changed = True
    return changed


def _clean_vml_urls(root: etree._Element, report: SanitizeReport) -> bool:
    changed = False
    for element in root.iter("{urn:schemas-microsoft-com:vml}imagedata", "{urn:schemas-microsoft-com:vml}fill"):
        for name in ("src", f"{{{VML_OFFICE}}}href", f"{{{VML_OFFICE}}}althref"):
            if element.get(name):
                del element.attrib[name]
                report.removed_elements.append(f"{_tag(element)}@{etree.QName(name).localname}")
                changed = True
    return changed


_CACHE_FROM = 32 * 1024


def _mentions_any(data: bytes, needles: tuple[bytes, ...]) -> bool:
    """Whether data contains any of the needles. The large parts of a template (styles.xml, 350 KB, and its
    copy stylesWithEffects.xml) are the same in every document rendered from it: their answer is remembered,
    keyed by the whole content (not a checksum a crafted part could match), which saves ~2.5 ms a document."""
    if len(data) >= _CACHE_FROM:
        return _mentions_any_cached(data, needles)
    return any(needle in data for needle in needles)


@lru_cache(maxsize=16)
def _mentions_any_cached(data: bytes, needles: tuple[bytes, ...]) -> bool:
    return any(needle in data for needle in needles)


def _clean_part(data: bytes, removed: set[str], is_settings: bool, report: SanitizeReport) -> bytes | None:
    # Parse only parts that can hold something to remove.
    needles = [b"fldSimple", b"instrText", b"imagedata", b"v:fill"]
    if is_settings:
        needles += [b"attachedTemplate", b"mailMerge"]
    needles += [rid.encode() for rid in removed if rid]
    if not _mentions_any(data, tuple(needles)):
        return None
    root = etree.fromstring(data, _PARSER)
    changed = _drop_references(root, removed, report) if removed else False
    changed |= _neutralize_simple_fields(root, report)
    changed |= _neutralize_complex_fields(root, report)
    changed |= _clean_vml_urls(root, report)
    if is_settings:
        changed |= _clean_settings(root, report)
    if not changed:
        return None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def sanitize_docx(data: bytes, *, slim: bool = False, core_properties: dict[str, str] | None = None) -> SanitizedDocx:
    """The document without external references; raises InvalidDocument when it is not a .docx.

    slim: also leave out the styles the document does not use (slim.py; the PDF stays the same, the
    conversion is faster). Not part of the report: nothing the user would need to know was removed.
    core_properties: title / author / subject written into docProps/core.xml (slim.with_core_properties);
    the result says whether they could be."""
    return _sanitize(data, depth=0, budget=[MAX_UNCOMPRESSED_BYTES], slim=slim, core=core_properties)


def _part_name(source: str, target: str) -> str:
    """A relationship's internal target as a part name (relative to its source part's folder)."""
    if target.startswith("/"):
        return normpath(target.lstrip("/"))
    return normpath(join(dirname(source), target))


def _clean_alt_chunks(
    parts: dict[str, bytes], replaced: dict[str, bytes], depth: int, budget: list[int], report: SanitizeReport
) -> dict[str, set[str]]:
    """Embedded documents (w:altChunk): a .docx is sanitized like the outer one (to MAX_DEPTH); anything else
    (HTML, MHT, RTF, plain text: they can load images from anywhere) is removed with its w:altChunk, and so is
    a .docx nested too deep. Returns the relationship IDs removed, by source part."""
    removed_by_part: dict[str, set[str]] = {}
    for rels_name in sorted(name for name in parts if name.endswith(".rels")):
        source = _source_part(rels_name)
        root = etree.fromstring(replaced.get(rels_name, parts[rels_name]), _PARSER)
        removed: set[str] = set()
        for relationship in list(root):
            if not isinstance(relationship.tag, str) or not relationship.get("Type", "").endswith(ALT_CHUNK_SUFFIX):
                continue
            target = _part_name(source, relationship.get("Target", ""))
            inner = parts.get(target)
            if inner is not None and inner.startswith(b"PK") and depth < MAX_DEPTH:
                nested = _sanitize(inner, depth + 1, budget)
                report.removed_relationships += [f"{target} » {line}" for line in nested.report.removed_relationships]
                report.removed_fields += [f"{target} » {line}" for line in nested.report.removed_fields]
                report.removed_elements += [f"{target} » {line}" for line in nested.report.removed_elements]
                if nested.report.changed:
                    replaced[target] = nested.data
                continue
            why = "nested too deep" if inner is not None and inner.startswith(b"PK") else "not a .docx"
            report.removed_relationships.append(f"{source}: aFChunk → {relationship.get('Target')} ({why})")
            removed.add(relationship.get("Id", ""))
            root.remove(relationship)
        if removed:
            replaced[rels_name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            removed_by_part[source] = removed
    return removed_by_part


def _sanitize(
    data: bytes, depth: int, budget: list[int], slim: bool = False, core: dict[str, str] | None = None
) -> SanitizedDocx:
    """`budget`: bytes still allowed to inflate, shared with the documents embedded in this one."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise InvalidDocument(detail=f"not a zip archive: {exc}") from exc
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if "word/document.xml" not in names or "[Content_Types].xml" not in names:
            raise InvalidDocument(detail="no word/document.xml: not a Word document")
        declared = sum(info.file_size for info in infos)
        if len(infos) > MAX_ENTRIES or declared > budget[0]:
            raise InvalidDocument("文档过大或结构异常（解压后超过 256 MB 或文件条目过多），无法转换。")
        budget[0] -= declared
        try:
            parts = {info.filename: archive.read(info) for info in infos}
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
            raise InvalidDocument(detail=f"unreadable zip entry: {exc}") from exc

    report = SanitizeReport()
    replaced: dict[str, bytes] = {}
    removed_by_part: dict[str, set[str]] = {}
    try:
        for name in sorted(parts):
            if name.endswith(".rels"):
                source = _source_part(name)
                new, removed = _clean_relationships(parts[name], source, report)
                if new is not None:
                    replaced[name] = new
                    removed_by_part[source] = removed
        for source, removed in _clean_alt_chunks(parts, replaced, depth, budget, report).items():
            removed_by_part.setdefault(source, set()).update(removed)
        for name in sorted(parts):
            if not name.endswith(".xml") or not name.startswith("word/"):
                continue
            new = _clean_part(parts[name], removed_by_part.get(name, set()), name == "word/settings.xml", report)
            if new is not None:
                replaced[name] = new
    except etree.XMLSyntaxError as exc:
        raise InvalidDocument(detail=f"malformed XML: {exc}") from exc
    stored = False
    if slim:
        styles = slim_styles({**parts, **replaced})
        if styles is not None:
            replaced[STYLES_PART] = styles
            # Written uncompressed: deflating the parts again cost more (~7 ms) than the slimming saves in
            # Python, and LibreOffice reads a stored part faster than a deflated one.
            stored = True
    core_set = False
    if core:
        core_xml = with_core_properties({**parts, **replaced}, core)
        if core_xml is not None:
            replaced[CORE_PART] = core_xml
            core_set = True
            stored = True

    if not replaced:
        return SanitizedDocx(data, report)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as result:
        for info in infos:
            if stored:
                info.compress_type = zipfile.ZIP_STORED
            result.writestr(info, replaced.get(info.filename, parts[info.filename]))
    return SanitizedDocx(output.getvalue(), report, core_set)
