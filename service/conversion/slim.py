"""Leave out of the .docx what LibreOffice would import but the PDF never shows: unused styles.

Word's default template (and so every python-docx / docxtpl document) carries about 160 style definitions
and 140 latent-style entries in a 350 KB styles.xml; a one-page form uses ten of them. LibreOffice turns
every definition into a Writer style through its UNO API, whether used or not: measured on the generated
one-page table, soffice.bin CPU per conversion 163 ms → 100 ms with only the used styles (park 申请书 413 →
382 ms), same PDF text, fonts, outline and pages.

Kept: every style whose ID appears as any `val` attribute in any other part of the document (over-inclusive:
pStyle, rStyle, tblStyle, numbering's pStyle/styleLink, anything else that names a style), the default
styles, styles Writer applies by itself (header, footer, footnotes, hyperlinks, captions, tables of
contents and indexes: a refreshed TOC uses "toc N"), styles whose name a field instruction mentions
(STYLEREF, TOC \\t), and everything these are based on, link to or are followed by. Removed: the rest, and
w:latentStyles (only Word's UI uses them; Writer keeps them for round trips). A styles.xml this code does
not understand is left as it is.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

STYLES_PART = "word/styles.xml"
# Word 2010 writes a copy of the styles for itself; LibreOffice does not read it.
_STYLE_PARTS = frozenset({STYLES_PART, "word/stylesWithEffects.xml"})
W_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
)
# Any attribute named val (w:val) in the other parts: a style ID there may be a style reference.
_VAL = re.compile(rb'val="([^"]*)"')
_INSTRUCTION = re.compile(rb"<(?:\w+:)?instrText\b[^>]*>([^<]*)<|(?<![\w-])(?:\w+:)?instr=\"([^\"]*)\"")
# Styles Writer uses without a reference in the document (lower-case w:name).
_IMPLICIT_NAMES = frozenset(
    {
        "normal",
        "default paragraph font",
        "normal table",
        "table normal",
        "no list",
        "header",
        "footer",
        "footnote text",
        "footnote reference",
        "endnote text",
        "endnote reference",
        "hyperlink",
        "followedhyperlink",
        "caption",
        "toc heading",
        "table of figures",
        "table of authorities",
        "index heading",
        "page number",
        "line number",
        "annotation text",
        "annotation reference",
        "list paragraph",
    }
)
_IMPLICIT_PREFIXES = ("toc ", "index ")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=False)


def slim_styles(parts: dict[str, bytes]) -> bytes | None:
    """A styles.xml with only what the document can use, or None to keep the original."""
    styles = parts.get(STYLES_PART)
    if styles is None:
        return None
    referenced: set[bytes] = set()
    instructions: set[bytes] = set()
    for name, data in parts.items():
        if name in _STYLE_PARTS or not name.startswith("word/") or not name.endswith(".xml"):
            continue
        referenced.update(_VAL.findall(data))
        if b"instr" in data:
            instructions.update(a or b for a, b in _INSTRUCTION.findall(data))
    return _slimmed(styles, frozenset(referenced), b" ".join(sorted(instructions)).lower())


@lru_cache(maxsize=64)
def _slimmed(styles: bytes, referenced: frozenset[bytes], instructions: bytes) -> bytes | None:
    """Cached: a template renders the same styles.xml and references the same styles every time."""
    try:
        root = etree.fromstring(styles, _PARSER)
    except etree.XMLSyntaxError:
        return None
    namespace = etree.QName(root).namespace
    if namespace not in W_NAMESPACES or etree.QName(root).localname != "styles":
        return None

    def w(name: str) -> str:
        return f"{{{namespace}}}{name}"

    by_id: dict[str, etree._Element] = {}
    for style in root.findall(w("style")):
        style_id = style.get(w("styleId"))
        if style_id is None or style_id in by_id:
            return None  # not a styles.xml this code understands
        by_id[style_id] = style
    wanted = {style_id for style_id in by_id if style_id.encode() in referenced}
    for style_id, style in by_id.items():
        if style.get(w("default")) in ("1", "true", "on"):
            wanted.add(style_id)
        name_element = style.find(w("name"))
        name = (name_element.get(w("val"), "") if name_element is not None else "").lower()
        if name in _IMPLICIT_NAMES or name.startswith(_IMPLICIT_PREFIXES):
            wanted.add(style_id)
        elif name and instructions and name.encode() in instructions:
            wanted.add(style_id)
    # Close over basedOn / link / next (and anything else a kept style names).
    pending = list(wanted)
    while pending:
        for element in by_id[pending.pop()].iter():
            value = element.get(w("val")) if isinstance(element.tag, str) else None
            if value is not None and value in by_id and value not in wanted:
                wanted.add(value)
                pending.append(value)

    latent = root.findall(w("latentStyles"))
    if len(wanted) == len(by_id) and not latent:
        return None
    for element in latent:
        root.remove(element)
    for style_id, style in by_id.items():
        if style_id not in wanted:
            root.remove(style)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


CORE_PART = "docProps/core.xml"
_CORE_ELEMENTS = {
    # PdfOptions field → core.xml element (LibreOffice imports them as Title, Author, Subject).
    "title": "{http://purl.org/dc/elements/1.1/}title",
    "author": "{http://purl.org/dc/elements/1.1/}creator",
    "subject": "{http://purl.org/dc/elements/1.1/}subject",
}
_CORE_ROOT = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}coreProperties"


def with_core_properties(parts: dict[str, bytes], values: dict[str, str]) -> bytes | None:
    """docProps/core.xml with these values (keys of _CORE_ELEMENTS), or None when the package has no core
    properties part this code understands (then the caller sets them through UNO after loading).

    Setting them in the file instead of on the loaded document: each property set through UNO after loading
    is a modification Writer broadcasts to fields and layout (12–35 ms on the park application)."""
    core = parts.get(CORE_PART)
    if core is None or b"docProps/core.xml" not in parts.get("_rels/.rels", b""):
        return None
    try:
        root = etree.fromstring(core, _PARSER)
    except etree.XMLSyntaxError:
        return None
    if root.tag != _CORE_ROOT:
        return None
    for key, value in values.items():
        tag = _CORE_ELEMENTS[key]
        elements = root.findall(tag)
        if len(elements) > 1:
            return None
        element = elements[0] if elements else etree.SubElement(root, tag)
        for child in list(element):
            element.remove(child)
        element.attrib.clear()
        element.text = value
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
