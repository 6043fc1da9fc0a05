"""A rendered template as parts, for a document composed at once (a 公文 and its attachments): no .docx written
and read back.

A template's static parts are parsed once per template version and shared by every render (never modified):
its styles, list definitions, relationships and the package structure. A render evaluates only the templated
parts (`PreparedTemplate.render_trees`) and gets

- `source(...)`: what `docx_merge` reads of a document to append (body, styles, numbering, relationships);
- `open_document(...)`: a python-docx Document to compose into, whose styles part is a `LayeredStyles` over the
  template's (the styles appended by the composition are kept apart and spliced in when it is saved), so that the
  template's large styles part is neither parsed nor copied per render.

Either gives the bytes `docx.Document(BytesIO(prepared.render(context)))` would give when saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.package import Unmarshaller
from docx.opc.packuri import PACKAGE_URI, PackURI
from docx.opc.part import Part, PartFactory
from docx.opc.pkgreader import PackageReader, _ContentTypeMap
from docx.oxml.parser import parse_xml
from docx.package import Package
from lxml import etree

from service.rendering.docx_merge import (
    LayeredStyles,
    LayeredStylesPart,
    Relationship,
    Source,
    Styles,
    refers_to_relationships,
)
from service.rendering.engine import PreparedTemplate

__all__ = ["open_document", "references_outside_sections", "source"]

DOCUMENT_PART = "word/document.xml"


class _MemoryReader:
    """python-docx's physical package reader over a template's entries (no ZIP)."""

    def __init__(self, entries: dict[str, bytes]) -> None:
        self.entries = entries

    @property
    def content_types_xml(self) -> bytes:
        return self.entries["[Content_Types].xml"]

    def blob_for(self, pack_uri: PackURI) -> bytes:
        return self.entries[pack_uri.membername]

    def rels_xml_for(self, source_uri: PackURI) -> bytes | None:
        return self.entries.get(source_uri.rels_uri.membername)

    def close(self) -> None:
        return None


@dataclass(frozen=True)
class _StaticRel:
    """A relationship of the template's main part (the same in every render of it)."""

    reltype: str
    target_ref: str
    is_external: bool
    blob: bytes | None

    @property
    def target_part(self) -> _StaticRel:
        return self


@dataclass(frozen=True)
class _Static:
    """What every render of one template shares."""

    reader: PackageReader
    styles: Styles
    numbering: etree._Element | None
    rels: dict[str, Relationship]
    related: bool | None
    """Whether the body refers to relationships outside section properties: a render only fills in text (values
    are escaped), so this is the template's own markup's answer; None when its source is not plain XML."""


def _static(prepared: PreparedTemplate) -> _Static:
    return prepared.derived("parts", lambda: _load_static(prepared))


def _load_static(prepared: PreparedTemplate) -> _Static:
    entries = prepared.entries
    physical = _MemoryReader(entries)
    content_types = _ContentTypeMap.from_xml(physical.content_types_xml)  # type: ignore[no-untyped-call]
    package_rels = PackageReader._srels_for(physical, PACKAGE_URI)  # type: ignore[no-untyped-call]
    parts = PackageReader._load_serialized_parts(physical, package_rels, content_types)  # type: ignore[no-untyped-call]
    reader = PackageReader(content_types, package_rels, parts)  # type: ignore[no-untyped-call]
    main = next(p for p in parts if p.partname.membername == DOCUMENT_PART)
    rels: dict[str, Relationship] = {}
    related: dict[str, str] = {}
    for rel in main.srels:
        blob = None if rel.is_external else entries.get(rel.target_partname.membername)
        rels[rel.rId] = _StaticRel(rel.reltype, rel.target_ref, rel.is_external, blob)
        if not rel.is_external:
            related.setdefault(rel.reltype, rel.target_partname.membername)
    styles_name, numbering_name = related.get(RT.STYLES), related.get(RT.NUMBERING)
    if styles_name is None:
        raise ValueError(f"模板 {prepared.name} 没有样式表")
    styles = Styles(parse_xml(entries[styles_name]), shared=True)
    numbering = None if numbering_name is None else parse_xml(entries[numbering_name])
    try:
        template_body = parse_xml(entries[DOCUMENT_PART]).find(_BODY)
        refers = None if template_body is None else refers_to_relationships(template_body)
    except etree.XMLSyntaxError:
        refers = None
    return _Static(reader, styles, numbering, rels, refers)


def references_outside_sections(prepared: PreparedTemplate) -> bool | None:
    """Whether a render of this template refers to relationships (images, hyperlinks); None: unknown."""
    return _static(prepared).related


def source(prepared: PreparedTemplate, trees: dict[str, etree._Element]) -> Source:
    """The rendered document to append; its body is the caller's (rendered for this composition)."""
    static = _static(prepared)
    body = trees[DOCUMENT_PART].find(_BODY)
    if body is None:
        raise ValueError(f"模板 {prepared.name} 的正文缺失")
    return Source(body, static.styles, static.numbering, static.rels, owned=True, related=static.related)


_BODY = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body"


def open_document(prepared: PreparedTemplate, trees: dict[str, etree._Element]) -> Document:
    """The rendered document as python-docx would open it from the rendered .docx, to compose into."""
    static = _static(prepared)

    def make_part(partname: PackURI, content_type: str, reltype: str, blob: bytes, package: Package) -> Part:
        if content_type == CT.WML_STYLES:
            return LayeredStylesPart(partname, content_type, LayeredStyles(static.styles), package)
        tree = trees.get(partname.membername)
        if tree is None:
            return cast(Part, PartFactory(partname, content_type, reltype, blob, package))
        selector = PartFactory.part_class_selector
        part_class = (selector(content_type, reltype) if selector else None) or PartFactory._part_cls_for(content_type)
        part: Part = cast(Any, part_class)(partname, content_type, tree, package)  # an XmlPart of the parsed tree
        return part

    package = Package()
    Unmarshaller.unmarshal(static.reader, package, make_part)  # type: ignore[no-untyped-call]
    document: Document = package.main_document_part.document
    return document
