"""Compose a 公文 with its forwarded documents and attachments into one .docx.

The notice is rendered from official_document.docx; then, each starting on a new page, every forwarded
document (composed the same way, with its own attachments) and every attachment of the notice follow in
the seed's order. An attachment page begins with "附件N" (三号黑体, flush left; plain "附件" when it is the only
one, as in its 附件说明) on line 1 and its title centred on line 3: a text attachment is rendered by the same
template in attachment mode (title and blocks); a document of this service is rendered by its own template,
and its own title — already on its first page — stands on line 3 (a "附件N" mark it carries itself is
replaced by the composer's number).

Each attachment keeps its own section properties (page size, orientation, margins, grid); every section uses
the notice's footers and none restarts the numbering, so page numbers "— N —" run through the whole file.
Styles of an attachment that differ from the notice's are copied under new ids, so it keeps its own look.
The 公开方式 line moves to the very end, after the attachments, as in the seed.

The result is deterministic: fixed document properties and timestamps, and a stable entry order.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from service.payloads.official_document import (
    Attachment,
    NumberedBlock,
    OfficialDocument,
    _Document,
    display_width,
    number_blocks,
    plain_title,
)
from service.rendering.catalog import get_template
from service.rendering.engine import TEMPLATES
from service.rendering.values import Blank, clean_text

TEMPLATE_ID = "official_document"
CHAR_TWIPS = 320  # one character of the 三号 body font
MARK_WIDTH_PT = 442  # the type area, 156 mm
MARK_MAX_HALF_POINTS = 84  # 初号
TYPE_AREA_TOP_TO_MARK_TWIPS = 1984  # 35 mm
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ATTACHMENT_MARK = re.compile(r"附件\s*\d*")
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class ComposeError(Exception):
    """An attachment holds content the composer cannot carry over (a bug of a template, not of the payload)."""

    code = "compose_error"


# --- Layout values the template cannot compute ---------------------------------------------------------------


@dataclass(frozen=True)
class AttachmentLine:
    """One line of 附件说明, with its hanging indent so that wrapped text aligns under the item's name."""

    text: str
    left_chars: int
    hanging_chars: int

    @property
    def left(self) -> int:
        return self.left_chars * CHAR_TWIPS // 100

    @property
    def hanging(self) -> int:
        return self.hanging_chars * CHAR_TWIPS // 100


def attachment_lines(titles: list[str]) -> list[AttachmentLine]:
    """ "附件：1.XXX" two characters in, further items aligned under the first item's number (GB/T 9704 7.3.4)."""
    lines = []
    label = "附件："
    for i, title in enumerate(titles, start=1):
        number = f"{i}." if len(titles) > 1 else ""
        prefix = label if i == 1 else ""
        left = 2 + display_width(label) + display_width(number)
        hanging = display_width(prefix) + display_width(number)
        lines.append(AttachmentLine(f"{prefix}{number}{title}", round(left * 100), round(hanging * 100)))
    return lines


@dataclass(frozen=True)
class Layout:
    mark_half_points: int
    mark_line: int
    mark_before: int
    signed: bool
    lines_before_signature: int
    name_right_chars: int
    date_right_chars: int

    @property
    def name_right(self) -> int:
        return self.name_right_chars * CHAR_TWIPS // 100

    @property
    def date_right(self) -> int:
        return self.date_right_chars * CHAR_TWIPS // 100


def layout_for(doc: _Document | Blank) -> Layout:
    """Size of the 发文机关标志 (初号, smaller when a long name would overflow the type area) and the right
    indents of 署名 and 成文日期: with a seal the date 4 characters in from the right and the 署名 centred above
    it; without a seal the 署名 2 characters in and the date's first character 2 characters right of the
    署名's (GB/T 9704 7.3.5)."""
    mark = str(doc.issuer_mark or "")
    width = max(display_width(mark), 1)
    half_points = min(MARK_MAX_HALF_POINTS, int(2 * MARK_WIDTH_PT / width))
    line = half_points * 10 * 5 // 4  # 1.25 × the size, in twips
    before = max(TYPE_AREA_TOP_TO_MARK_TWIPS - (line - half_points * 10) // 2, 0)
    name = str(doc.signature or "")
    date = f"{doc.date.year}年{doc.date.month}月{doc.date.day}日" if doc.date else ""
    w_name, w_date = display_width(name), display_width(date)
    if doc.with_seal:
        date_right = 4.0
        name_right = max(0.0, date_right + (w_date - w_name) / 2)
    else:
        name_right = 2.0
        date_right = name_right + w_name - 2 - w_date
        if date_right < 2:
            date_right = 2.0
            name_right = date_right + w_date + 2 - w_name
    return Layout(
        mark_half_points=half_points,
        mark_line=line,
        mark_before=before,
        signed=bool(name and date),
        lines_before_signature=2 if doc.with_seal else 1,
        name_right_chars=round(name_right * 100),
        date_right_chars=round(date_right * 100),
    )


# --- Rendering the parts ---------------------------------------------------------------------------------------


def _render_notice(doc: _Document | Blank, titles: list[str]) -> bytes:
    prepared = TEMPLATES.get(get_template(TEMPLATE_ID).docx_path)
    blank = isinstance(doc, Blank)
    listed = [] if blank else (doc.attachment_list if doc.attachment_list is not None else titles)
    context: dict[str, Any] = {
        "p": doc,
        "blank": blank,
        "mode": "document",
        "body": [] if blank else number_blocks(doc.body),
        "attlist": attachment_lines(listed),
        "layout": layout_for(doc),
    }
    return prepared.render(context)


def _render_text_attachment(title: str, blocks: list[NumberedBlock]) -> bytes:
    prepared = TEMPLATES.get(get_template(TEMPLATE_ID).docx_path)
    return prepared.render({"mode": "attachment", "title": title, "body": blocks, "blank": False})


def _render_attachment(att: Attachment) -> tuple[str, Document]:
    """The attachment as its own document, and the title it is listed under."""
    from service.rendering import render

    if att.document is not None:
        ref = att.document
        data = render(ref.template_id, blank=True) if ref.blank else render(ref.template_id, ref.payload)
        part = docx.Document(io.BytesIO(data))
        return att.title or _own_title(part) or get_template(ref.template_id).title, part
    title = att.title or ""
    return title, docx.Document(io.BytesIO(_render_text_attachment(title, number_blocks(att.blocks or []))))


def _own_title(part: Document) -> str:
    """The text of the first run of Title-style paragraphs (a title set on two lines is one title)."""
    texts: list[str] = []
    for p in part.paragraphs:
        if p.style is not None and p.style.style_id == "Title":
            if p.text.strip():
                texts.append(p.text.strip())
        elif texts:
            break
    return plain_title("".join(texts))


def compose_document(doc: _Document | Blank) -> Document:
    """The notice with its forwarded documents and attachments, as a python-docx Document."""
    attachments = [] if isinstance(doc, Blank) else [_render_attachment(a) for a in doc.attachments]
    master = docx.Document(io.BytesIO(_render_notice(doc, [title for title, _ in attachments])))
    composer = _Composer(master)
    disclosure = composer.detach_style("Disclosure")
    forwarded = [] if isinstance(doc, Blank) else getattr(doc, "forwarded", [])
    for fwd in forwarded:
        composer.append(compose_document(fwd), mark=None)
    for number, (_, part) in enumerate(attachments, start=1):
        # a single attachment carries no sequence number, in its mark as in 附件说明 (GB/T 9704 7.3.4, 8)
        composer.append(part, mark=f"附件{number}" if len(attachments) > 1 else "附件")
    for p in disclosure:
        composer.append_paragraph(p)
    return master


def compose_official_document(doc: OfficialDocument | Blank) -> bytes:
    """`render("official_document", …)`: the composed 公文 as deterministic .docx bytes."""
    master = compose_document(doc)
    spec = get_template(TEMPLATE_ID)
    title = spec.title if isinstance(doc, Blank) else doc.document_title()
    creator = "" if isinstance(doc, Blank) else doc.applicant_name()
    return save_deterministic(master, {"title": title, "author": creator, "subject": spec.title})


def save_deterministic(document: Document, properties: dict[str, str]) -> bytes:
    """Fixed core properties and timestamps, entries in python-docx's stable order: same input, same bytes."""
    core = document.core_properties
    for key, value in properties.items():
        setattr(core, key, clean_text(value))
    raw = io.BytesIO()
    document.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


# --- Composition at the XML level ------------------------------------------------------------------------------


def _is_empty_paragraph(el: etree._Element) -> bool:
    if el.tag != qn("w:p"):
        return False
    if el.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
        return False
    for tag in ("w:drawing", "w:pict", "w:br", "w:object", "w:fldSimple", "w:fldChar"):
        if el.find(f".//{qn(tag)}") is not None:
            return False
    return not "".join(el.itertext()).strip()


def _paragraph_text(el: etree._Element) -> str:
    return "".join(t.text or "" for t in el.iter(qn("w:t")))


class _Composer:
    """Appends documents to a master Document, each in its own section(s) starting on a new page."""

    def __init__(self, master: Document) -> None:
        self.master = master
        self.body = master.element.body
        final = self.body.find(qn("w:sectPr"))
        if final is None:
            raise ComposeError("公文模板缺少节属性（w:sectPr）")
        self.references = [
            deepcopy(ref) for ref in final if ref.tag in (qn("w:headerReference"), qn("w:footerReference"))
        ]
        self._style_suffix = 0
        self._next_num_id, self._next_abstract_id = self._numbering_counters()

    # paragraphs of the master

    def detach_style(self, style_id: str) -> list[etree._Element]:
        found = [
            p
            for p in self.body.iterchildren(qn("w:p"))
            if p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") is not None
            and p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) == style_id
        ]
        for p in found:
            self.body.remove(p)
        return found

    def empty_paragraph(self) -> etree._Element:
        return OxmlElement("w:p")

    def append_paragraph(self, p: etree._Element) -> None:
        self.body.find(qn("w:sectPr")).addprevious(p)

    def _mark_paragraphs(self, mark: str) -> list[etree._Element]:
        """ "附件N" in 三号黑体 flush left on line 1, an empty line 2 (the title follows on line 3)."""
        p = OxmlElement("w:p")
        ppr = OxmlElement("w:pPr")
        ind = OxmlElement("w:ind")
        ind.set(qn("w:firstLineChars"), "0")
        ind.set(qn("w:firstLine"), "0")
        jc = OxmlElement("w:jc")
        jc.set(qn("w:val"), "left")
        ppr.append(ind)
        ppr.append(jc)
        p.append(ppr)
        r = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        fonts = OxmlElement("w:rFonts")
        for attr, face in (
            ("ascii", "黑体"),
            ("hAnsi", "黑体"),
            ("eastAsia", "黑体"),
            ("cs", "黑体"),
            ("hint", "eastAsia"),
        ):
            fonts.set(qn(f"w:{attr}"), face)
        rpr.append(fonts)
        for tag in ("w:sz", "w:szCs"):
            size = OxmlElement(tag)
            size.set(qn("w:val"), "32")
            rpr.append(size)
        r.append(rpr)
        t = OxmlElement("w:t")
        t.text = mark
        r.append(t)
        p.append(r)
        return [p, self.empty_paragraph()]

    # sections

    def _adapt_section(self, sect: etree._Element) -> etree._Element:
        """The notice's footers, no restart of the page numbers, a new page; page size and margins kept."""
        sect = deepcopy(sect)
        for child in list(sect):
            if child.tag in (qn("w:headerReference"), qn("w:footerReference"), qn("w:titlePg"), qn("w:type")):
                sect.remove(child)
        for i, ref in enumerate(self.references):
            sect.insert(i, deepcopy(ref))
        page_numbers = sect.find(qn("w:pgNumType"))
        if page_numbers is not None:
            page_numbers.attrib.pop(qn("w:start"), None)
        kind = OxmlElement("w:type")
        kind.set(qn("w:val"), "nextPage")
        anchor = next(
            (
                c
                for c in sect
                if c.tag
                not in (qn("w:headerReference"), qn("w:footerReference"), qn("w:footnotePr"), qn("w:endnotePr"))
            ),
            None,
        )
        if anchor is not None:
            anchor.addprevious(kind)
        else:
            sect.append(kind)
        return sect

    def _close_section(self) -> None:
        """End the section so far with the current final properties; what follows starts on a new page."""
        final = self.body.find(qn("w:sectPr"))
        last = final.getprevious()
        if last is None or last.tag != qn("w:p") or last.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            last = self.empty_paragraph()
            final.addprevious(last)
        ppr = last.find(qn("w:pPr"))
        if ppr is None:
            ppr = OxmlElement("w:pPr")
            last.insert(0, ppr)
        closing = deepcopy(final)
        kind = closing.find(qn("w:type"))
        if kind is None:
            kind = OxmlElement("w:type")
            anchor = next((c for c in closing if c.tag not in (qn("w:headerReference"), qn("w:footerReference"))), None)
            if anchor is not None:
                anchor.addprevious(kind)
            else:
                closing.append(kind)
        kind.set(qn("w:val"), "nextPage")
        # w:sectPr comes after the paragraph's other properties except w:pPrChange
        change = ppr.find(qn("w:pPrChange"))
        if change is not None:
            change.addprevious(closing)
        else:
            ppr.append(closing)

    # appending a document

    def append(self, part: Document, *, mark: str | None) -> None:
        elements = list(part.element.body)
        final = next((e for e in reversed(elements) if e.tag == qn("w:sectPr")), None)
        content = [e for e in elements if e.tag != qn("w:sectPr")]
        while content and _is_empty_paragraph(content[0]):
            content.pop(0)
        if mark is not None and content and content[0].tag == qn("w:p"):
            if _ATTACHMENT_MARK.fullmatch(_paragraph_text(content[0]).strip()):
                content.pop(0)
                while content and _is_empty_paragraph(content[0]):
                    content.pop(0)
        styles = _StyleMerger(self.master, part, self)
        copies = [deepcopy(e) for e in content]
        for el in copies:
            styles.apply(el)
            self._carry_relationships(part, el)
            for sect in list(el.iter(qn("w:sectPr"))):
                sect.getparent().replace(sect, self._adapt_section(sect))
        self._renumber_ids(copies)
        self._close_section()
        anchor = self.body.find(qn("w:sectPr"))
        for el in ([*self._mark_paragraphs(mark)] if mark else []) + copies:
            anchor.addprevious(el)
        if final is not None:
            self.body.replace(anchor, self._adapt_section(final))

    def _carry_relationships(self, part: Document, el: etree._Element) -> None:
        """Images and hyperlinks referenced by the copied content, re-related in the master package."""
        for node in el.iter():
            if any(a.tag == qn("w:sectPr") for a in node.iterancestors()) or node.tag == qn("w:sectPr"):
                continue  # section references are replaced by the notice's footers
            for attr, rid in list(node.attrib.items()):
                if not attr.startswith(f"{{{R_NS}}}"):
                    continue
                rel = part.part.rels.get(rid)
                if rel is None:
                    continue
                if rel.is_external:
                    new = self.master.part.relate_to(rel.target_ref, rel.reltype, is_external=True)
                elif rel.reltype == RT.IMAGE:
                    new, _ = self.master.part.get_or_add_image(io.BytesIO(rel.target_part.blob))
                else:
                    raise ComposeError(f"附件中含有无法合并的内容（{rel.reltype.rsplit('/', 1)[-1]}）")
                node.set(attr, new)

    def _renumber_ids(self, copies: Iterable[etree._Element]) -> None:
        """Bookmark and drawing ids stay unique in the composed document."""
        existing_bm = [
            int(b.get(qn("w:id"))) for b in self.body.iter(qn("w:bookmarkStart")) if (b.get(qn("w:id")) or "").isdigit()
        ]
        offset = max(existing_bm, default=0) + 1
        wp_docpr = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
        existing_dp = [int(d.get("id")) for d in self.body.iter(wp_docpr) if (d.get("id") or "").isdigit()]
        dp_offset = max(existing_dp, default=0) + 1
        for el in copies:
            for node in el.iter(qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
                value = node.get(qn("w:id"))
                if value and value.isdigit():
                    node.set(qn("w:id"), str(int(value) + offset))
            for node in el.iter(wp_docpr):
                value = node.get("id")
                if value and value.isdigit():
                    node.set("id", str(int(value) + dp_offset))

    # numbering

    def _numbering_root(self) -> etree._Element | None:
        try:
            return self.master.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return None

    def _numbering_counters(self) -> tuple[int, int]:
        root = self._numbering_root()
        if root is None:
            return 1, 0
        nums = [int(n.get(qn("w:numId"))) for n in root.iter(qn("w:num"))]
        abstracts = [int(a.get(qn("w:abstractNumId"))) for a in root.iter(qn("w:abstractNum"))]
        return max(nums, default=0) + 1, max(abstracts, default=-1) + 1

    def copy_numbering(self, part: Document, num_id: str, mapping: dict[str, str]) -> str:
        """Copy a list definition (w:num and its w:abstractNum) under fresh ids; deterministic nsid."""
        if num_id in mapping or num_id == "0":
            return mapping.get(num_id, num_id)
        root = self._numbering_root()
        try:
            src = part.part.numbering_part.element
        except (KeyError, NotImplementedError):
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

    def __init__(self, master: Document, part: Document, composer: _Composer) -> None:
        self.master_styles = master.styles.element
        self.part_styles = part.styles.element
        self.part = part
        self.composer = composer
        self.mapping: dict[str, str] = {}
        self.num_mapping: dict[str, str] = {}
        self.default_paragraph = self._default_id(self.part_styles, "paragraph")
        self.master_default_paragraph = self._default_id(self.master_styles, "paragraph")
        if _canonical_defaults(master) != _canonical_defaults(part):
            raise ComposeError("附件文档的默认字体或段落格式与公文模板不同，无法保持其原有格式")

    @staticmethod
    def _default_id(styles: etree._Element, kind: str) -> str | None:
        for s in styles.iter(qn("w:style")):
            if s.get(qn("w:type")) == kind and s.get(qn("w:default")) in ("1", "true"):
                return s.get(qn("w:styleId"))
        return None

    def _find(self, styles: etree._Element, style_id: str) -> etree._Element | None:
        return next((s for s in styles.iter(qn("w:style")) if s.get(qn("w:styleId")) == style_id), None)

    def map(self, style_id: str) -> str:
        if style_id in self.mapping:
            return self.mapping[style_id]
        source = self._find(self.part_styles, style_id)
        if source is None:
            return style_id
        self.mapping[style_id] = style_id  # provisional: breaks cycles through basedOn
        copy = deepcopy(source)
        based_on = copy.find(qn("w:basedOn"))
        if based_on is not None:
            based_on.set(qn("w:val"), self.map(based_on.get(qn("w:val"))))
        for tag in ("w:next", "w:link"):
            for el in copy.findall(qn(tag)):
                copy.remove(el)
        for num_id in copy.iter(qn("w:numId")):
            num_id.set(qn("w:val"), self.composer.copy_numbering(self.part, num_id.get(qn("w:val")), self.num_mapping))
        existing = self._find(self.master_styles, style_id)
        if existing is None:
            self.master_styles.append(copy)
            return style_id
        if _canonical_style(existing) == _canonical_style(copy):
            return style_id
        self.composer._style_suffix += 1
        new_id = f"{style_id}Att{self.composer._style_suffix}"
        copy.set(qn("w:styleId"), new_id)
        copy.attrib.pop(qn("w:default"), None)
        name = copy.find(qn("w:name"))
        if name is not None:
            name.set(qn("w:val"), f"{name.get(qn('w:val'))} (附件 {self.composer._style_suffix})")
        self.master_styles.append(copy)
        self.mapping[style_id] = new_id
        return new_id

    def apply(self, el: etree._Element) -> None:
        for tag in _STYLE_REFS:
            for ref in el.iter(qn(tag)):
                ref.set(qn("w:val"), self.map(ref.get(qn("w:val"))))
        for num_id in el.iter(qn("w:numId")):
            num_id.set(qn("w:val"), self.composer.copy_numbering(self.part, num_id.get(qn("w:val")), self.num_mapping))
        # paragraphs without a style use the default paragraph style: make that explicit when it differs
        if self.default_paragraph:
            mapped = self.map(self.default_paragraph)
            if mapped != self.master_default_paragraph:
                for p in el.iter(qn("w:p")):
                    ppr = p.find(qn("w:pPr"))
                    if ppr is None:
                        ppr = OxmlElement("w:pPr")
                        p.insert(0, ppr)
                    if ppr.find(qn("w:pStyle")) is None:
                        style = OxmlElement("w:pStyle")
                        style.set(qn("w:val"), mapped)
                        ppr.insert(0, style)


def _canonical_style(style: etree._Element) -> bytes:
    copy = deepcopy(style)
    for tag in _STYLE_NOISE:
        for el in copy.findall(qn(tag)):
            copy.remove(el)
    for attr in list(copy.attrib):
        if attr not in (qn("w:type"), qn("w:styleId")):
            del copy.attrib[attr]
    return etree.tostring(copy, method="c14n")


def _canonical_defaults(document: Document) -> bytes:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    return b"" if defaults is None else etree.tostring(defaults, method="c14n")
