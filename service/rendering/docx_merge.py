"""Generic merging of .docx documents: append whole documents to a master, each in its own section(s).

An appended document keeps its own section properties (page size, orientation, margins, grid) and its
look: styles that differ from the master's are copied under new ids, list definitions under fresh ids,
images and hyperlinks are related again in the master package, bookmark and drawing ids stay unique. What
a document type adds around the appended content (headers, marks, page-number rules) is the caller's: see
`service.rendering.compose` for the 公文 of GB/T 9704. Property elements are placed in ECMA-376 schema
order (`service.rendering.ooxml_order`).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from copy import deepcopy
from dataclasses import dataclass
from typing import Any, Protocol, cast

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.opc.phys_pkg import PhysPkgWriter
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.parts.styles import StylesPart
from lxml import etree

from service.errors import DocgenError, ErrorKind
from service.output.zips import FIXED_ZIP_TIME, ZipWriter
from service.rendering import ooxml_order
from service.rendering.values import clean_text

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_R_PREFIX = f"{{{R_NS}}}"
_R_ATTRIBUTES = etree.XPath(f".//@*[namespace-uri() = '{R_NS}']")
_SECT_PR = qn("w:sectPr")


class ComposeError(DocgenError):
    """An appended document holds content the merger cannot carry over (a bug of a template, not of the payload)."""

    code = "compose_error"
    kind = ErrorKind.INTERNAL
    title = "公文排版失败"


def save_deterministic(document: Document, properties: dict[str, str]) -> bytes:
    """Fixed core properties and timestamps, entries in python-docx's stable order: same input, same bytes."""
    core = document.core_properties
    for key, value in properties.items():
        setattr(core, key, clean_text(value))
    # python-docx's own save steps, collected instead of zipped: the entries, in the order `document.save`
    # writes them, go straight into the deterministic ZIP (no deflate, inflate and deflate again).
    package = document.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    collected = _Entries()
    writer = cast(PhysPkgWriter, collected)  # only its write() is called
    PackageWriter._write_content_types_stream(writer, parts)  # type: ignore[no-untyped-call]
    PackageWriter._write_pkg_rels(writer, package.rels)  # type: ignore[no-untyped-call]
    PackageWriter._write_parts(writer, parts)
    out = io.BytesIO()
    with ZipWriter(out, FIXED_ZIP_TIME) as archive:
        for name, blob in collected.entries:
            # every part but the text and the properties is the same in most documents (styles, theme, fonts)
            archive.data(name, blob, reuse=name not in _OWN_PARTS)
    return out.getvalue()


_OWN_PARTS = {"word/document.xml", "docProps/core.xml"}


class _Entries:
    """Stands in for python-docx's PhysPkgWriter: keeps (member name, bytes) in the order written."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, bytes]] = []

    def write(self, pack_uri: PackURI, blob: bytes) -> None:
        self.entries.append((pack_uri.membername, blob))


# --- What the merger reads: styles, numbering, relationships ------------------------------------------------------


class Styles:
    """A styles part as the merger reads it: the first style of each id, the default styles, the document defaults
    and each style's canonical form (computed once per style).

    Over a template's own styles part one instance is shared by every render and thread (`shared=True`): then it
    is only read, never appended to (a composed document appends through `LayeredStyles`)."""

    def __init__(self, root: etree._Element, *, shared: bool = False) -> None:
        self.root = root
        self.shared = shared
        self._index: dict[str | None, etree._Element] = {}
        for style in root.iter(_STYLE):
            self._index.setdefault(style.get(_STYLE_ID), style)
        self._canonical: dict[etree._Element, bytes] = {}
        self._folded: dict[bytes, Styles] = {}
        self._lock = threading.Lock()
        self._defaults_c14n: bytes | None = None
        self._paragraph_styles: dict[str | None, str | None] = {}
        self._defaults: dict[str, str | None] = {}

    def find(self, style_id: str) -> etree._Element | None:
        """The first style with this id, as a scan in document order finds it."""
        return self._index.get(style_id)

    def add(self, style: etree._Element) -> None:
        if self.shared:
            raise ComposeError("内部错误：共享的样式表不可修改")
        self.root.append(style)
        self._index.setdefault(style.get(_STYLE_ID), style)

    def default_id(self, kind: str) -> str | None:
        """The id of the first style of this type marked default."""
        if not self.shared:
            return _default_id(self.root.iter(_STYLE), kind)
        if kind not in self._defaults:
            self._defaults[kind] = _default_id(self.root.iter(_STYLE), kind)
        return self._defaults[kind]

    def defaults_c14n(self) -> bytes:
        if self._defaults_c14n is None:
            defaults = self.root.find(qn("w:docDefaults"))
            self._defaults_c14n = b"" if defaults is None else etree.tostring(defaults, method="c14n")
        return self._defaults_c14n

    def canonical(self, style: etree._Element) -> bytes:
        """`_canonical_style` of one of this part's styles (the styles of a shared part never change)."""
        found = self._canonical.get(style)
        if found is None:
            found = self._canonical[style] = _canonical_style(style)
        return found

    def folded(self, master: Styles) -> Styles:
        """These styles with their document defaults folded into the root paragraph styles (`_fold_defaults`),
        for a master whose defaults differ: a copy, made once per master defaults when shared."""
        key = master.defaults_c14n()
        with self._lock:
            found = self._folded.get(key) if self.shared else None
        if found is not None:
            return found
        copy = deepcopy(self.root)
        _fold_defaults(master.root, copy, self.default_id("paragraph"))
        folded = Styles(copy, shared=self.shared)
        if self.shared:
            with self._lock:
                folded = self._folded.setdefault(key, folded)
        return folded

    def paragraph_style_id(self, style_id: str | None) -> str | None:
        """The id of the style python-docx gives a paragraph with this w:pStyle (`Paragraph.style`): the style if
        it exists as a paragraph style, else the default paragraph style (the last one marked default)."""
        if style_id in self._paragraph_styles:
            return self._paragraph_styles[style_id]
        root: Any = self.root  # python-docx's CT_Styles
        style = None if style_id is None else root.get_by_id(style_id)
        if style is None or style.type != WD_STYLE_TYPE.PARAGRAPH:
            style = root.default_for(WD_STYLE_TYPE.PARAGRAPH)
        resolved = None if style is None else style.get(_STYLE_ID)
        self._paragraph_styles[style_id] = resolved
        return resolved


class LayeredStyles(Styles):
    """The styles of a composed document: a template's shared styles part and the styles appended to it, kept
    apart. Serialized as python-docx would serialize the part with the styles appended to its root, without copying
    or writing out the template's part again."""

    def __init__(self, base: Styles) -> None:
        self.base = base
        self.added: list[etree._Element] = []
        self._added_index: dict[str | None, etree._Element] = {}
        self._own_canonical: dict[etree._Element, bytes] = {}  # the added styles'
        self._container: etree._Element | None = None

    @property
    def root(self) -> etree._Element:  # type: ignore[override]
        """Only the template's part (its document defaults): the appended styles are in `added`."""
        return self.base.root

    @property
    def shared(self) -> bool:  # type: ignore[override]
        return False

    def find(self, style_id: str) -> etree._Element | None:
        found = self.base.find(style_id)
        return found if found is not None else self._added_index.get(style_id)

    def add(self, style: etree._Element) -> None:
        if self._container is None:
            self._container = parse_xml(self.base_open_tag() + self.base_close_tag())
        # appended to a root like the template's (same namespace declarations), as it would be to the part itself
        self._container.append(style)
        self.added.append(style)
        self._added_index.setdefault(style.get(_STYLE_ID), style)
        self._own_canonical[style] = b""

    def default_id(self, kind: str) -> str | None:
        found = self.base.default_id(kind)
        return found if found is not None else _default_id(self.added, kind)

    def defaults_c14n(self) -> bytes:
        return self.base.defaults_c14n()

    def canonical(self, style: etree._Element) -> bytes:
        found = self._own_canonical.get(style)
        if found is None:
            return self.base.canonical(style)
        if not found:
            found = self._own_canonical[style] = _canonical_style(style)
        return found

    def folded(self, master: Styles) -> Styles:
        return self.materialized().folded(master)

    def paragraph_style_id(self, style_id: str | None) -> str | None:
        return self.materialized().paragraph_style_id(style_id)

    def materialized(self) -> Styles:
        """A standalone copy of the whole part (for the rare uses that need one tree)."""
        return Styles(parse_xml(self.xml()))

    # serialization

    def _base_xml(self) -> bytes:
        return _serialized(self.base)

    def base_open_tag(self) -> bytes:
        xml = self._base_xml()
        start = xml.index(b"<", xml.index(b"?>") + 2)
        return xml[start : xml.index(b">", start) + 1]

    def base_close_tag(self) -> bytes:
        return b"</" + self.base_open_tag()[1:].split(b" ", 1)[0].rstrip(b">") + b">"

    def xml(self) -> bytes:
        """What `serialize_part_xml` gives for the template's part with the added styles appended to its root."""
        base = self._base_xml()
        if self._container is None:
            return base
        close = self.base_close_tag()
        container = etree.tostring(self._container, encoding="UTF-8", standalone=True)
        head = base[: base.index(self.base_open_tag()) + len(self.base_open_tag())]
        if not (base.endswith(close) and container.startswith(head) and container.endswith(close)):
            raise ComposeError("内部错误：样式表无法按原样序列化")
        return base[: -len(close)] + container[len(head) :]


def _serialized(styles: Styles) -> bytes:
    """The shared part as python-docx serializes it (computed once)."""
    found = getattr(styles, "_xml", None)
    if found is None:
        found = etree.tostring(styles.root, encoding="UTF-8", standalone=True)
        styles._xml = found  # type: ignore[attr-defined]
    return cast(bytes, found)


def _default_id(styles: Iterable[etree._Element], kind: str) -> str | None:
    for s in styles:
        if s.get(_TYPE) == kind and s.get(_DEFAULT) in ("1", "true"):
            return s.get(_STYLE_ID)
    return None


_TYPE, _DEFAULT = qn("w:type"), qn("w:default")


class LayeredStylesPart(StylesPart):
    """A composed document's styles part: its bytes come from `LayeredStyles` (python-docx never parses them)."""

    def __init__(self, partname: PackURI, content_type: str, styles: LayeredStyles, package: Any) -> None:
        Part.__init__(self, partname, content_type, package=package)
        self.layered = styles

    @property
    def blob(self) -> bytes:
        return self.layered.xml()

    @property
    def _element(self) -> Any:  # type: ignore[override]
        raise ComposeError("内部错误：合成文档的样式表只能通过 LayeredStyles 访问")


class Relationship(Protocol):
    """What the merger reads of a relationship (python-docx's `_Relationship` has it)."""

    @property
    def is_external(self) -> bool: ...
    @property
    def reltype(self) -> str: ...
    @property
    def target_ref(self) -> str: ...
    @property
    def target_part(self) -> Any: ...


@dataclass
class Source:
    """A document to append: its body, styles, list definitions and the relationships of its main part.
    `owned`: the body is the caller's to give away (rendered for this composition only), so its elements move into
    the master instead of being copied."""

    body: etree._Element
    styles: Styles
    numbering: etree._Element | None
    rels: Mapping[str, Relationship]
    owned: bool = False
    related: bool | None = None
    """Whether its body (outside section properties) refers to relationships; None: look."""


def styles_of(document: Document) -> Styles:
    """The merger's view of a python-docx Document's styles."""
    part = document.part._styles_part
    if isinstance(part, LayeredStylesPart):
        return part.layered
    return Styles(part.element)


def numbering_of(document: Document) -> etree._Element | None:
    try:
        root: etree._Element = document.part.numbering_part.element
        return root
    except (KeyError, NotImplementedError):
        return None


def as_source(part: Document | Source, *, owned: bool = False, related: bool | None = None) -> Source:
    if isinstance(part, Source):
        return part
    return Source(part.element.body, styles_of(part), numbering_of(part), part.part.rels, owned, related)


# --- Composition at the XML level ------------------------------------------------------------------------------


def is_empty_paragraph(el: etree._Element) -> bool:
    """A paragraph without text, drawings, breaks, fields or section properties."""
    if el.tag != _P:
        return False
    if el.find(_PPR_SECT_PR) is not None:
        return False
    if next(el.iter(*_CONTENT_TAGS), None) is not None:  # a descendant (the paragraph is none of these)
        return False
    # its text nodes, joined (what itertext() yields; XPath's string value is far faster on python-docx elements)
    return not str(_STRING_VALUE(el)).strip()


_PPR_SECT_PR = f"{qn('w:pPr')}/{qn('w:sectPr')}"
_STRING_VALUE = etree.XPath("string()")
_CONTENT_TAGS = tuple(qn(tag) for tag in ("w:drawing", "w:pict", "w:br", "w:object", "w:fldSimple", "w:fldChar"))


_ID = qn("w:id")
_BOOKMARK_START, _BOOKMARK_END = qn("w:bookmarkStart"), qn("w:bookmarkEnd")
_DOC_PR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


def _max_bookmark_id(elements: Iterable[etree._Element]) -> int:
    ids = [int(v) for el in elements for b in el.iter(_BOOKMARK_START) if (v := b.get(_ID) or "").isdigit()]
    return max(ids, default=0)


def _max_drawing_id(elements: Iterable[etree._Element]) -> int:
    ids = [int(v) for el in elements for d in el.iter(_DOC_PR) if (v := d.get("id") or "").isdigit()]
    return max(ids, default=0)


def _references(el: etree._Element) -> Iterator[tuple[Any, etree._Element]]:
    """Every attribute in the relationships namespace, in document order (XPath: no Python loop over nodes), with
    its element, outside section properties (whose references are the master's business)."""
    for value in cast(list[Any], _R_ATTRIBUTES(el)):
        node = value.getparent()
        if node.tag != _SECT_PR and next(node.iterancestors(_SECT_PR), None) is None:
            yield value, node


def refers_to_relationships(body: etree._Element) -> bool:
    """Whether anything in the body but section properties refers to a relationship (an image, a hyperlink)."""
    return next(_references(body), None) is not None


def _parent(el: etree._Element) -> etree._Element:
    parent = el.getparent()
    assert parent is not None, "a body element has a parent"
    return parent


def paragraph_text(el: etree._Element) -> str:
    return "".join(t.text or "" for t in el.iter(qn("w:t")))


SectionHook = Callable[[etree._Element], None]
_REFERENCES = (qn("w:headerReference"), qn("w:footerReference"))


class DocumentMerger:
    """Appends documents to a master Document, each in its own section(s) starting on a new page.

    Every appended section takes `references` (header/footer references; default: the master's final
    section's, without its first-page ones) and no restart of the page numbers, so that headers, footers
    and numbering run through the file; `section_hook` may adjust each appended section further.
    """

    def __init__(
        self,
        master: Document,
        *,
        references: Sequence[etree._Element] | None = None,
        section_hook: SectionHook | None = None,
    ) -> None:
        self.master = master
        self.body = master.element.body
        final = self.body.find(qn("w:sectPr"))
        if final is None:
            raise ComposeError("主文档缺少节属性（w:sectPr）")
        if references is None:
            references = [ref for ref in final if ref.tag in _REFERENCES and ref.get(qn("w:type")) != "first"]
        self.references = [deepcopy(ref) for ref in references]
        self.section_hook = section_hook
        self.styles = styles_of(master)
        self.appended_related = False
        """Whether anything appended refers to a relationship (an image, a hyperlink)."""
        self._max_ids: tuple[int, int] | None = None
        self._style_suffix = 0
        self._next_num_id, self._next_abstract_id = self._numbering_counters()

    # paragraphs of the master

    def detach_style(self, style_id: str) -> list[etree._Element]:
        """Remove the master's body paragraphs of a paragraph style (to append them again later)."""
        found = []
        for p in self.body.iterchildren(qn("w:p")):
            style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            if style is not None and style.get(qn("w:val")) == style_id:
                found.append(p)
        for p in found:
            self.body.remove(p)
        self._max_ids = None
        return found

    def append_paragraph(self, p: etree._Element) -> None:
        self.body.find(_SECT_PR).addprevious(p)
        self._max_ids = None

    # sections

    def adapt_section(self, sect: etree._Element) -> etree._Element:
        """The master's headers and footers, no restart of the page numbers, a new page; page size and
        margins kept."""
        sect = deepcopy(sect)
        for child in list(sect):
            if child.tag in (*_REFERENCES, qn("w:titlePg"), qn("w:type")):
                sect.remove(child)
        for ref in self.references:
            ooxml_order.add_child(sect, deepcopy(ref))
        page_numbers = sect.find(qn("w:pgNumType"))
        if page_numbers is not None:
            page_numbers.attrib.pop(qn("w:start"), "")
        ooxml_order.child(sect, "w:type", val="nextPage")
        if self.section_hook is not None:
            self.section_hook(sect)
        return sect

    def _close_section(self) -> None:
        """End the section so far with the current final properties; what follows starts on a new page."""
        final = self.body.find(qn("w:sectPr"))
        last = final.getprevious()
        if last is None or last.tag != qn("w:p") or last.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            last = OxmlElement("w:p")
            final.addprevious(last)
        ppr = last.find(qn("w:pPr"))
        if ppr is None:
            ppr = OxmlElement("w:pPr")
            last.insert(0, ppr)
        closing = deepcopy(final)
        ooxml_order.child(closing, "w:type", val="nextPage")
        ooxml_order.set_child(ppr, closing)

    # appending a document

    def append(
        self,
        document: Document | Source,
        *,
        lead: Sequence[etree._Element] = (),
        drop_first: Callable[[str], bool] | None = None,
    ) -> None:
        """Append a document on a new page: `lead` paragraphs first, then its content (leading empty paragraphs
        dropped, and its first paragraph too when `drop_first(text)` says so, with the empty ones after it)."""
        part = as_source(document)
        elements = list(part.body)
        final = next((e for e in reversed(elements) if e.tag == _SECT_PR), None)
        content = [e for e in elements if e.tag != _SECT_PR]
        while content and is_empty_paragraph(content[0]):
            content.pop(0)
        if drop_first is not None and content and content[0].tag == _P:
            if drop_first(paragraph_text(content[0])):
                content.pop(0)
                while content and is_empty_paragraph(content[0]):
                    content.pop(0)
        styles = _StyleMerger(self.styles, part, self)
        adopted = self._adopt(part) if part.owned else None
        copies = content if part.owned else [deepcopy(e) for e in content]
        related = part.related if part.related is not None else refers_to_relationships(part.body)
        with_ids: list[etree._Element] = []
        for el in copies:
            with_ids += styles.apply(el)
            if related:
                self._carry_relationships(part, el)
            for sect in list(el.iter(_SECT_PR)):
                _parent(sect).replace(sect, self.adapt_section(sect))
        self._renumber_ids(with_ids)
        self._close_section()
        anchor = self.body.find(_SECT_PR)
        for el in [*lead, *copies]:
            anchor.addprevious(el)
        self._ids_added(list(lead))
        if final is not None:
            self.body.replace(anchor, self.adapt_section(final))
        if adopted is not None:
            _parent(adopted).remove(adopted)
        self.appended_related = self.appended_related or related

    def _adopt(self, part: Source) -> etree._Element | None:
        """Move an owned part's whole document element into the master's tree (beside its body, until its content
        has moved into the body). Moving single elements out of another tree makes lxml look up every node's
        namespace again (quadratic in the size of the element); moving the element that declares them is fast,
        and so are moves inside one tree."""
        root = part.body.getparent()
        if root is None or root.getparent() is not None:
            return None
        _parent(self.body).append(root)
        return root

    def _carry_relationships(self, part: Source, el: etree._Element) -> None:
        """Images and hyperlinks referenced by the copied content, re-related in the master package."""
        # section references are not carried: they are replaced by the notice's footers
        for value, node in _references(el):
            rel = part.rels.get(str(value))
            if rel is None:
                continue
            if rel.is_external:
                new = self.master.part.relate_to(rel.target_ref, rel.reltype, is_external=True)
            elif rel.reltype == RT.IMAGE:
                new, _ = self.master.part.get_or_add_image(io.BytesIO(rel.target_part.blob))
            else:
                raise ComposeError(f"附件中含有无法合并的内容（{rel.reltype.rsplit('/', 1)[-1]}）")
            node.set(value.attrname, new)

    def _renumber_ids(self, nodes: Iterable[etree._Element]) -> None:
        """Bookmark and drawing ids stay unique in the composed document (`nodes`: the copies' bookmark starts
        and ends and drawings, found by `_StyleMerger.apply` on its walk)."""
        if self._max_ids is None:
            self._max_ids = (_max_bookmark_id([self.body]), _max_drawing_id([self.body]))
        bm_max, dp_max = self._max_ids
        offset, dp_offset = bm_max + 1, dp_max + 1
        for node in nodes:
            attr = "id" if node.tag == _DOC_PR else _ID
            value = node.get(attr)
            if value and value.isdigit():
                new = int(value) + (dp_offset if attr == "id" else offset)
                node.set(attr, str(new))
                if attr == "id":
                    dp_max = max(dp_max, new)
                elif node.tag == _BOOKMARK_START:
                    bm_max = max(bm_max, new)
        # the largest ids once the copies are in the body (the next append needs no scan of the whole body)
        self._max_ids = (bm_max, dp_max)

    def _ids_added(self, elements: list[etree._Element]) -> None:
        """The largest ids in the body, after these elements (not renumbered: the lead) went into it."""
        if self._max_ids is not None:
            bm, dp = self._max_ids
            self._max_ids = (max(bm, _max_bookmark_id(elements)), max(dp, _max_drawing_id(elements)))

    # numbering

    def _numbering_root(self) -> Any:
        return numbering_of(self.master)

    def _numbering_counters(self) -> tuple[int, int]:
        root = self._numbering_root()
        if root is None:
            return 1, 0
        nums = [int(n.get(qn("w:numId"), "")) for n in root.iter(qn("w:num"))]
        abstracts = [int(a.get(qn("w:abstractNumId"), "")) for a in root.iter(qn("w:abstractNum"))]
        return max(nums, default=0) + 1, max(abstracts, default=-1) + 1

    def copy_numbering(self, part: Source, num_id: str, mapping: dict[str, str]) -> str:
        """Copy a list definition (w:num and its w:abstractNum) under fresh ids; deterministic nsid."""
        if num_id in mapping or num_id == "0":
            return mapping.get(num_id, num_id)
        root = self._numbering_root()
        src: Any = part.numbering  # python-docx's CT_Numbering
        if src is None:
            return num_id
        num = next((n for n in src.iter(qn("w:num")) if n.get(qn("w:numId")) == num_id), None)
        if root is None or num is None:
            return num_id
        abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        abstract = next(a for a in src.iter(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id)
        new_abstract = deepcopy(abstract)
        new_abstract.set(qn("w:abstractNumId"), str(self._next_abstract_id))
        nsid = new_abstract.find(qn("w:nsid"))
        if nsid is not None:
            nsid.set(qn("w:val"), f"{0x5A000000 + self._next_abstract_id:08X}")
        new_num = deepcopy(num)
        new_num.set(qn("w:numId"), str(self._next_num_id))
        new_num.find(qn("w:abstractNumId")).set(qn("w:val"), str(self._next_abstract_id))
        first_num = root.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(new_abstract)
        else:
            root.append(new_abstract)
        root.append(new_num)
        mapping[num_id] = str(self._next_num_id)
        self._next_num_id += 1
        self._next_abstract_id += 1
        return mapping[num_id]


_STYLE_REFS = ("w:pStyle", "w:rStyle", "w:tblStyle")
_STYLE = qn("w:style")
_STYLE_ID = qn("w:styleId")
_STYLE_LINKS = ("w:basedOn", "w:next", "w:link")
_STYLE_NOISE = (
    "w:name",
    "w:aliases",
    "w:uiPriority",
    "w:semiHidden",
    "w:unhideWhenUsed",
    "w:qFormat",
    "w:rsid",
    "w:locked",
    "w:autoRedefine",
    "w:hidden",
    "w:personal",
    "w:personalCompose",
    "w:personalReply",
    "w:next",
    "w:link",
)


class _StyleMerger:
    """Maps an attachment's style ids onto the master's: same id and same formatting → shared; different
    formatting → a copy under a new id (the attachment keeps its look); missing → copied as is."""

    def __init__(self, master: Styles, part: Source, composer: DocumentMerger) -> None:
        self.master_styles = master
        self.part = part
        self.composer = composer
        self.mapping: dict[str, str] = {}
        self.num_mapping: dict[str, str] = {}
        self.default_paragraph = part.styles.default_id("paragraph")
        self.master_default_paragraph = master.default_id("paragraph")
        # the attachment's own defaults are folded into its root styles (a copy, not the part's own styles)
        folded = master.defaults_c14n() != part.styles.defaults_c14n()
        self.part_styles = part.styles.folded(master) if folded else part.styles

    def map(self, style_id: str) -> str:
        if style_id in self.mapping:
            return self.mapping[style_id]
        source = self.part_styles.find(style_id)
        if source is None:
            return style_id
        self.mapping[style_id] = style_id  # provisional: breaks cycles through basedOn
        copy = deepcopy(source)
        changed = False  # in anything its canonical form shows (w:next and w:link are not)
        based_on = copy.find(qn("w:basedOn"))
        if based_on is not None and (base := based_on.get(qn("w:val"))) is not None:
            mapped = self.map(base)
            changed = mapped != base
            based_on.set(qn("w:val"), mapped)
        for tag in ("w:next", "w:link"):
            for el in copy.findall(qn(tag)):
                copy.remove(el)
        for num_id in copy.iter(qn("w:numId")):
            if (num := num_id.get(qn("w:val"))) is not None:
                new_num = self.composer.copy_numbering(self.part, num, self.num_mapping)
                changed = changed or new_num != num
                num_id.set(qn("w:val"), new_num)
        existing = self.master_styles.find(style_id)
        if existing is None:
            self.master_styles.add(copy)
            return style_id
        canonical = _canonical_style(copy) if changed else self.part_styles.canonical(source)
        if self.master_styles.canonical(existing) == canonical:
            return style_id
        self.composer._style_suffix += 1
        new_id = f"{style_id}Att{self.composer._style_suffix}"
        copy.set(qn("w:styleId"), new_id)
        copy.attrib.pop(qn("w:default"), "")
        name = copy.find(qn("w:name"))
        if name is not None:
            name.set(qn("w:val"), f"{name.get(qn('w:val'))} (附件 {self.composer._style_suffix})")
        self.master_styles.add(copy)
        self.mapping[style_id] = new_id
        return new_id

    def apply(self, el: etree._Element) -> list[etree._Element]:
        """Map the element's style and list references; returns its bookmarks and drawings (whose ids the merger
        renumbers), found on the same walk."""
        # one walk of the element; the references are then mapped in the order of one walk per kind (pStyle,
        # rStyle, tblStyle, numId): the order in which the styles are first met is the order they are added in
        found: dict[str, list[etree._Element]] = {tag: [] for tag in _WALK_TAGS}
        for node in el.iter(*_WALK_TAGS):
            found[node.tag].append(node)
        # (an attribute is set only when its value changes: setting the same value changes nothing)
        for tag in _STYLE_REF_TAGS:
            for ref in found[tag]:
                if (style_id := ref.get(_VAL)) is not None and (mapped := self.map(style_id)) != style_id:
                    ref.set(_VAL, mapped)
        for num_id in found[_NUM_ID]:
            if (num := num_id.get(_VAL)) is not None:
                new_num = self.composer.copy_numbering(self.part, num, self.num_mapping)
                if new_num != num:
                    num_id.set(_VAL, new_num)
        # paragraphs without a style use the default paragraph style: make that explicit when it differs
        if self.default_paragraph:
            mapped = self.map(self.default_paragraph)
            if mapped != self.master_default_paragraph:
                for p in el.iter(_P):
                    ppr = p.find(_PPR)
                    if ppr is None:
                        ppr = OxmlElement("w:pPr")
                        p.insert(0, ppr)
                    if ppr.find(_PSTYLE) is None:
                        style = OxmlElement("w:pStyle")
                        style.set(_VAL, mapped)
                        ppr.insert(0, style)
        return [*found[_BOOKMARK_START], *found[_BOOKMARK_END], *found[_DOC_PR]]


_VAL, _NUM_ID, _P, _PPR, _PSTYLE = qn("w:val"), qn("w:numId"), qn("w:p"), qn("w:pPr"), qn("w:pStyle")
_STYLE_REF_TAGS = tuple(qn(tag) for tag in _STYLE_REFS)
_WALK_TAGS = (*_STYLE_REF_TAGS, _NUM_ID, _BOOKMARK_START, _BOOKMARK_END, _DOC_PR)


def _canonical_style(style: etree._Element) -> bytes:
    copy = deepcopy(style)
    for tag in _STYLE_NOISE:
        for el in copy.findall(qn(tag)):
            copy.remove(el)
    for attr in list(copy.attrib):
        if attr not in (qn("w:type"), qn("w:styleId")):
            del copy.attrib[attr]
    return etree.tostring(copy, method="c14n")


# --- Document defaults --------------------------------------------------------------------------------------------

# The values a property takes when no level of the style hierarchy sets it (ECMA-376 17.3.1, 17.3.2): what a
# master's default must be reset to under an attachment whose defaults leave it unset. Properties without such a
# neutral value (fonts) cannot be carried over; language tags are not formatting and are left as they are.
_UNSET_ATTRS = {
    "pPr": {
        "w:spacing": dict.fromkeys(
            ("before", "after", "beforeLines", "afterLines", "beforeAutospacing", "afterAutospacing"), "0"
        )
        | {"line": "240", "lineRule": "auto"},
        "w:ind": dict.fromkeys(
            (
                *("left", "right", "start", "end", "hanging", "firstLine"),
                *("leftChars", "rightChars", "startChars", "endChars", "hangingChars", "firstLineChars"),
            ),
            "0",
        ),
        "w:jc": {"val": "left"},
        "w:textAlignment": {"val": "auto"},
    },
    "rPr": {
        "w:sz": {"val": "20"},
        "w:szCs": {"val": "20"},
        "w:color": {"val": "auto"},
        "w:kern": {"val": "0"},
        "w:spacing": {"val": "0"},
        "w:w": {"val": "100"},
        "w:position": {"val": "0"},
    },
}
# on/off properties (ST_OnOff), and those of them that apply when never set (all others are off then)
_ON_OFF = {
    *("w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike", "w:dstrike", "w:outline", "w:shadow"),
    *("w:emboss", "w:imprint", "w:noProof", "w:vanish", "w:webHidden", "w:specVanish", "w:rtl", "w:cs"),
    *("w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:widowControl", "w:suppressLineNumbers"),
    *("w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE"),
    *("w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:contextualSpacing", "w:mirrorIndents"),
}
_ON_WHEN_UNSET = {"w:snapToGrid", "w:autoSpaceDE", "w:autoSpaceDN", "w:kinsoku", "w:wordWrap", "w:overflowPunct"}
_NOT_FORMATTING = {"w:lang", "w:rsid"}


def _defaults_of(styles: etree._Element, kind: str) -> etree._Element | None:
    """The w:pPr or w:rPr of a styles part's w:docDefaults."""
    return styles.find(f"{qn('w:docDefaults')}/{qn(f'w:{kind}Default')}/{qn(f'w:{kind}')}")


def _fold_properties(
    target: etree._Element, own: etree._Element | None, foreign: etree._Element | None, kind: str
) -> None:
    """Give `target` (a root style's w:pPr or w:rPr) the attachment's default properties `own` where it sets
    none itself, and reset what the master's defaults `foreign` would add on top of them. Attribute by
    attribute: a level of the hierarchy overrides single attributes of w:spacing, w:ind, w:rFonts."""
    for prop in [] if own is None else list(own):
        if not isinstance(prop.tag, str) or prop.tag in (qn("w:rPrChange"), qn("w:pPrChange")):
            continue
        present = target.find(prop.tag)
        if present is None:
            ooxml_order.set_child(target, deepcopy(prop))
        elif len(prop) == 0:
            for name, value in prop.attrib.items():
                if present.get(name) is None:
                    present.set(name, value)
    for prop in [] if foreign is None else list(foreign):
        if not isinstance(prop.tag, str):
            continue
        tag = f"w:{etree.QName(prop).localname}"
        if tag in _NOT_FORMATTING or prop.tag != qn(tag):
            continue
        present = target.find(prop.tag)
        if tag in _ON_OFF:
            if present is None:
                ooxml_order.child(target, tag, val="1" if tag in _ON_WHEN_UNSET else "0")
            continue
        unset = _UNSET_ATTRS[kind].get(tag)
        missing = [name for name in prop.attrib if present is None or name not in present.attrib]
        if not missing:
            continue
        names = [etree.QName(name).localname for name in missing]
        if unset is None or any(name not in unset for name in names):
            raise ComposeError(f"附件文档未设置公文模板默认设置的格式（{tag.removeprefix('w:')}），无法保持其原有格式")
        ooxml_order.child(target, tag, **{name: unset[name] for name in names})


def _fold_defaults(master_styles: etree._Element, part_styles: etree._Element, default_paragraph: str | None) -> None:
    """An attachment whose w:docDefaults differ from the master's: its defaults move into its root paragraph
    styles (those based on no other), with the master's defaults reset where the attachment leaves them unset, so
    that in the master's defaults its paragraphs print as they did in their own. Its unstyled paragraphs use its
    default paragraph style, which the merger then names on them."""
    if default_paragraph is None:
        raise ComposeError("附件文档的默认格式与公文模板不同，且没有默认段落样式，无法保持其原有格式")
    for kind in ("pPr", "rPr"):
        own, foreign = _defaults_of(part_styles, kind), _defaults_of(master_styles, kind)
        for style in part_styles.iter(qn("w:style")):
            if style.get(qn("w:type")) != "paragraph" or style.find(qn("w:basedOn")) is not None:
                continue
            target = ooxml_order.child(style, f"w:{kind}")
            _fold_properties(target, own, foreign, kind)
