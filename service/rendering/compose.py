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

The generic merging of documents (styles, numbering, sections, relationships) is `docx_merge`'s; this
module holds the GB/T 9704 rules: 版头 and 信函格式, title lines, 附件 marks, page-number position.

The result is deterministic: fixed document properties and timestamps, and a stable entry order.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from docx.document import Document
from docx.oxml.ns import nsmap, qn
from docx.oxml.text.paragraph import CT_P
from lxml import etree

from service.payloads.official_document import (
    LETTER,
    TITLE_LINE_CHARS,
    Attachment,
    NumberedBlock,
    OfficialDocument,
    _Document,
    display_width,
    number_blocks,
    plain_title,
)
from service.payloads.registry import DOCUMENT_TITLES
from service.rendering import ooxml_order, parts
from service.rendering.docx_merge import ComposeError, DocumentMerger, Source, as_source, save_deterministic
from service.rendering.engine import TEMPLATES
from service.rendering.titles import document_title
from service.rendering.type_metrics import EM_BELOW_BASELINE, MARK_EM_ABOVE_LINE_EM
from service.rendering.values import Blank

__all__ = ["ComposeError", "attachment_lines", "break_title", "compose_official_document", "layout_for"]

Render = Callable[..., Source]
"""Renders an embedded document (`render(template_id, payload)` or `render(template_id, blank=True)`) as parts;
handed in by the caller (`service.rendering`) so that this module does not import the package back."""

TEMPLATE_ID = "official_document"
CHAR_TWIPS = 320  # one character of the 三号 body font
MARK_WIDTH_PT = 442  # the type area, 156 mm
MARK_MAX_HALF_POINTS = 84  # 初号
MARK_LINE_FACTOR = 1.0  # exact line height of the 发文机关标志, × its size
TYPE_AREA_TOP_TO_MARK_TWIPS = 1984  # 35 mm
MM_TWIPS = 1440 / 25.4
BODY_SIZE_MM = 16 * 25.4 / 72  # 三号
# The red rule 4 mm below the 发文字号: its baseline lies 2.96 mm above the bottom of its 28.95 pt line (measured),
# the characters reach 0.12 em below it.
RULE_LINE_TWIPS = round((4 - 2.96 + EM_BELOW_BASELINE * BODY_SIZE_MM) * MM_TWIPS)
# Page numbers: the dash 7 mm below the type area (GB/T 9704 7.5), measured at the middle of its stroke (the
# ink of 宋体's "—" lies 0.25–0.31 em above the baseline, near the bottom of the PDF's character box, not at its
# middle); the stroke sits 2.73 mm above the bottom of the footer paragraph (四号 in a single line, measured on
# LibreOffice's PDF).
PAGE_NUMBER_BELOW_TYPE_AREA_TWIPS = round(7 * MM_TWIPS)
DASH_ABOVE_FOOTER_BOTTOM_TWIPS = round(2.73 * MM_TWIPS)
TYPE_AREA_BOTTOM_TWIPS = 1984  # 35 mm, the template's bottom margin
FOOTER_TWIPS = TYPE_AREA_BOTTOM_TWIPS - PAGE_NUMBER_BELOW_TYPE_AREA_TWIPS - DASH_ABOVE_FOOTER_BOTTOM_TWIPS
_ATTACHMENT_MARK = re.compile(r"附件\s*\d*")

# Hidden bookmarks that mark the template's paragraphs whose numbers the composer sets after rendering (a Jinja
# tag inside a numeric attribute would make the template itself schema-invalid); removed once applied.
ANCHORS = {
    "mark": "_layout_issuer_mark",
    "rule": "_layout_red_rule",
    "attachment": "_layout_attachment_line",
    "name": "_layout_signature",
    "date": "_layout_date",
}


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
    title: str
    """The title with a line break between its lines."""
    letter: bool

    @property
    def rule_line(self) -> int:
        """Height of the paragraph whose bottom border is the red rule, right under the 发文字号's line."""
        return RULE_LINE_TWIPS

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
    line = round(half_points * 10 * MARK_LINE_FACTOR)
    before = mark_before(half_points, line)
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
        title="\n".join(title_lines(doc)),
        letter=not isinstance(doc, Blank) and getattr(doc, "format", None) == LETTER,
    )


def mark_before(half_points: int, line: int) -> int:
    """Spacing before the 发文机关标志 that puts the top edge of its characters (their em box, not the PDF's
    character box) 35 mm below the top of the type area (GB/T 9704 7.2.1). LibreOffice centres the glyphs in
    an exact line: the leading beyond the size is shared above and below."""
    em_above_line = MARK_EM_ABOVE_LINE_EM * half_points * 10
    return max(round(TYPE_AREA_TOP_TO_MARK_TWIPS + em_above_line - (line - half_points * 10) / 2), 0)


def _template_defaults() -> dict[str, int]:
    """The numbers the template holds until the composer sets them: a 初号 mark, one attachment, a sealed
    document's date."""
    mark_line = MARK_MAX_HALF_POINTS * 10
    one = attachment_lines(["附件"])[0]
    return {
        "mark_half_points": MARK_MAX_HALF_POINTS,
        "mark_line": mark_line,
        "mark_before": mark_before(MARK_MAX_HALF_POINTS, mark_line),
        "rule_line": RULE_LINE_TWIPS,
        "attachment_left_chars": one.left_chars,
        "attachment_left": one.left,
        "attachment_hanging_chars": one.hanging_chars,
        "attachment_hanging": one.hanging,
        "right_chars": 400,
        "right": 400 * CHAR_TWIPS // 100,
    }


TEMPLATE_DEFAULTS = _template_defaults()


def _anchored(body: Any) -> dict[str, list[etree._Element]]:
    """The paragraphs each anchor marks, in document order; the anchors themselves are removed."""
    names = {name: key for key, name in ANCHORS.items()}
    found: dict[str, list[etree._Element]] = {key: [] for key in ANCHORS}
    ids: set[str] = set()
    for start in list(body.iter(qn("w:bookmarkStart"))):
        key = names.get(start.get(qn("w:name")) or "")
        if key is None:
            continue
        found[key].append(start.getparent())
        ids.add(start.get(qn("w:id")) or "")
        start.getparent().remove(start)
    for end in list(body.iter(qn("w:bookmarkEnd"))):
        if end.get(qn("w:id")) in ids:
            end.getparent().remove(end)
    return found


def _set(parent: etree._Element, path: str, **attrs: int) -> None:
    """Set numbers on an element the template already holds (so attribute order, hence the bytes, stay)."""
    element = parent.find(path, namespaces={"w": nsmap["w"]})
    if element is None:
        raise ComposeError(f"公文模板缺少排版元素（{path}）")
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), str(value))


def apply_layout(body: etree._Element, layout: Layout | None, attlist: list[AttachmentLine]) -> None:
    """Write the computed sizes and indents into the rendered notice's marked paragraphs (of its body)."""
    found = _anchored(body)
    if layout is None:
        return
    for p in found["mark"]:
        _set(p, "w:pPr/w:spacing", before=layout.mark_before, line=layout.mark_line)
        for r in p.iter(qn("w:r")):
            _set(r, "w:rPr/w:sz", val=layout.mark_half_points)
            _set(r, "w:rPr/w:szCs", val=layout.mark_half_points)
    for p in found["rule"]:
        _set(p, "w:pPr/w:spacing", line=layout.rule_line)
    if len(found["attachment"]) != len(attlist):
        raise ComposeError("公文模板的附件说明行数与附件数不符")
    for p, line in zip(found["attachment"], attlist, strict=True):
        _set(p, "w:pPr/w:ind", leftChars=line.left_chars, left=line.left)
        _set(p, "w:pPr/w:ind", hangingChars=line.hanging_chars, hanging=line.hanging)
    for key, chars, twips in (
        ("name", layout.name_right_chars, layout.name_right),
        ("date", layout.date_right_chars, layout.date_right),
    ):
        for p in found[key]:
            _set(p, "w:pPr/w:ind", rightChars=chars, right=twips)


# --- Rendering the parts ---------------------------------------------------------------------------------------


def _render_notice(doc: _Document | Blank, titles: list[str], layout: Layout, template: Path) -> Document:
    prepared = TEMPLATES.get(template)
    blank = isinstance(doc, Blank)
    listed = [] if isinstance(doc, Blank) else (doc.attachment_list if doc.attachment_list is not None else titles)
    attlist = attachment_lines(listed)
    context: dict[str, Any] = {
        "p": doc,
        "blank": blank,
        "mode": "document",
        "body": [] if isinstance(doc, Blank) else number_blocks(doc.body),
        "attlist": attlist,
        "layout": layout,
    }
    document = parts.open_document(prepared, prepared.render_trees(context))
    apply_layout(document.element.body, layout, attlist)
    return document


def _render_text_attachment(title: str, blocks: list[NumberedBlock], template: Path) -> Source:
    prepared = TEMPLATES.get(template)
    context = {"mode": "attachment", "title": "\n".join(break_title(title)), "body": blocks, "blank": False}
    part = parts.source(prepared, prepared.render_trees(context))
    apply_layout(part.body, None, [])
    return part


def _render_attachment(att: Attachment, render: Render, template: Path) -> tuple[str, Source]:
    """The attachment as its own document, and the title it is listed under."""
    if att.document is not None:
        ref = att.document
        part = render(ref.template_id, blank=True) if ref.blank else render(ref.template_id, ref.payload)
        return att.title or _own_title(part) or DOCUMENT_TITLES[ref.template_id], part
    title = att.title or ""
    return title, _render_text_attachment(title, number_blocks(att.blocks or []), template)


def _own_title(part: Source) -> str:
    """The text of the first run of Title-style paragraphs (a title set on two lines is one title), the
    paragraphs' styles resolved as python-docx resolves them."""
    texts: list[str] = []
    for p in part.body.iterchildren(_P):
        ppr = p.find(_PPR)
        style = None if ppr is None else ppr.find(_PSTYLE)
        if part.styles.paragraph_style_id(None if style is None else style.get(_VAL)) == "Title":
            text = cast(CT_P, p).text.strip()
            if text:
                texts.append(text)
        elif texts:
            break
    return plain_title("".join(texts))


_P, _PPR, _PSTYLE, _VAL = qn("w:p"), qn("w:pPr"), qn("w:pStyle"), qn("w:val")


# --- GB/T 9704 rules applied to the merged document -------------------------------------------------------------


def attachment_mark_paragraphs(mark: str) -> list[etree._Element]:
    """ "附件N" in 三号黑体 flush left on line 1, an empty line 2 (the title follows on line 3)."""
    return [deepcopy(p) for p in _mark_paragraphs(mark)]


@lru_cache(maxsize=64)
def _mark_paragraphs(mark: str) -> tuple[etree._Element, ...]:
    """The paragraphs of one mark, built once (copied for each use: these are never modified)."""
    # python-docx's element class lookup makes a w:p a CT_P; its signature only promises an lxml element
    p = cast(CT_P, ooxml_order.new_element("w:p"))
    ppr = p.get_or_add_pPr()
    ooxml_order.child(ppr, "w:jc", val="left")
    ooxml_order.child(ppr, "w:ind", firstLineChars="0", firstLine="0")
    r = p.add_r()
    rpr = r.get_or_add_rPr()
    ooxml_order.child(rpr, "w:rFonts", ascii="黑体", hAnsi="黑体", eastAsia="黑体", cs="黑体", hint="eastAsia")
    ooxml_order.child(rpr, "w:sz", val="32")
    ooxml_order.child(rpr, "w:szCs", val="32")
    t = etree.SubElement(r, qn("w:t"))
    t.text = mark
    return (p, ooxml_order.new_element("w:p"))


def is_attachment_mark(text: str) -> bool:
    """A document's own "附件N" first paragraph (number optional); an empty text is no mark."""
    return bool(text.strip()) and _ATTACHMENT_MARK.fullmatch(text.strip()) is not None


def footer_for_page_numbers(sect: etree._Element, extra_twips: int = 0) -> None:
    """Footer distance that puts the page number's dash 7 mm below this section's type area."""
    margins = sect.find(qn("w:pgMar"))
    if margins is None or not (margins.get(qn("w:bottom")) or "").lstrip("-").isdigit():
        return
    bottom = abs(int(margins.get(qn("w:bottom"), "")))  # checked above: an integer
    footer = bottom - PAGE_NUMBER_BELOW_TYPE_AREA_TWIPS - DASH_ABOVE_FOOTER_BOTTOM_TWIPS - extra_twips
    margins.set(qn("w:footer"), str(max(footer, 0)))


def compose_document(doc: _Document | Blank, render: Render, template: Path) -> Document:
    """The notice with its forwarded documents and attachments, as a python-docx Document. `template` is the
    catalog's .docx of the 公文 (an office suite may have re-saved it), handed in so this module needs no catalog."""
    return _compose(doc, render, template)[0]


def _compose(doc: _Document | Blank, render: Render, template: Path) -> tuple[Document, bool | None]:
    """`compose_document`, and whether the result refers to relationships outside section properties (images,
    hyperlinks; None: unknown)."""
    attachments = [] if isinstance(doc, Blank) else [_render_attachment(a, render, template) for a in doc.attachments]
    layout = layout_for(doc)
    master = _render_notice(doc, [title for title, _ in attachments], layout, template)
    extra = 0
    if layout.letter:
        from service.rendering.letter import letter_first_page

        extra = letter_first_page(master, layout, str(doc.issuer_mark))
    merger = DocumentMerger(master, section_hook=lambda sect: footer_for_page_numbers(sect, extra))
    disclosure = merger.detach_style("Disclosure")
    forwarded = [] if isinstance(doc, Blank) else getattr(doc, "forwarded", [])
    for fwd in forwarded:
        # composed for this document only: its content moves into the master instead of being copied
        composed, related = _compose(fwd, render, template)
        merger.append(as_source(composed, owned=True, related=related))
    for number, (_, part) in enumerate(attachments, start=1):
        # a single attachment carries no sequence number, in its mark as in 附件说明 (GB/T 9704 7.3.4, 8); the
        # document's own mark (if it prints one) gives way to it, so that a page never shows two marks
        mark = f"附件{number}" if len(attachments) > 1 else "附件"
        merger.append(part, lead=attachment_mark_paragraphs(mark), drop_first=is_attachment_mark)
    for p in disclosure:
        merger.append_paragraph(p)
    own = parts.references_outside_sections(TEMPLATES.get(template))
    return master, None if own is None else own or merger.appended_related


def compose_official_document(doc: OfficialDocument | Blank, render: Render, template: Path) -> bytes:
    """`render("official_document", …)`: the composed 公文 as deterministic .docx bytes; its title (PDF Title
    after conversion) is the notice's own."""
    master = compose_document(doc, render, template)
    kind = DOCUMENT_TITLES[TEMPLATE_ID]
    title = document_title(TEMPLATE_ID, None if isinstance(doc, Blank) else doc)
    creator = "" if isinstance(doc, Blank) else doc.applicant_name()
    return save_deterministic(master, {"title": title, "author": creator, "subject": kind})


# --- Title lines ------------------------------------------------------------------------------------------------

# No line may start with closing punctuation or end with opening punctuation (标点禁则).
_NO_LINE_START = set("、，。；：？！）》〕」』”’·…—")
_NO_LINE_END = set("（《〔「『“‘")
_CONJUNCTIONS = {"和", "与", "及", "暨"}


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def title_words(title: str) -> list[str]:
    """The title cut into words (jieba, dictionary only: no guessed words), punctuation attached to the word
    it belongs to so that no line starts with a closing or ends with an opening mark."""
    words: list[str] = []
    glue = False
    for word in _segmenter().cut(title, HMM=False):
        # a lone character (部, 厅, 的, 函 …) belongs to the word before it: "信息化/部" is one name; a
        # conjunction (和, 与, 及) also to the word after it: "工业和信息化部" stays whole
        lone = len(word) == 1 and "\u4e00" <= word <= "\u9fff"
        if words and (glue or lone or word[0] in _NO_LINE_START or words[-1][-1] in _NO_LINE_END):
            words[-1] += word
        else:
            words.append(word)
        glue = word in _CONJUNCTIONS
    return words


def break_title(title: str, width: float = TITLE_LINE_CHARS) -> list[str]:
    """GB/T 9704 7.3.1: a title that does not fit on one line wraps at word boundaries into the fewest lines,
    as equal in length as the words allow (词意完整，排列对称，长短适宜)."""
    return list(_break_title(title, width))


@lru_cache(maxsize=256)
def _break_title(title: str, width: float) -> tuple[str, ...]:
    """`break_title`, computed once per title (a pure function of the text: segmentation and balancing)."""
    return tuple(_break_title_lines(title, width))


def _break_title_lines(title: str, width: float) -> list[str]:
    title = plain_title(title)
    if display_width(title) <= width:
        return [title]
    words = title_words(title)
    sizes = [display_width(w) for w in words]
    total = sum(sizes)
    for count in range(math.ceil(total / width), len(words) + 1):
        best = _balanced(sizes, count, width, total / count)
        if best is not None:
            cuts = [0, *best, len(words)]
            return ["".join(words[a:b]) for a, b in itertools.pairwise(cuts)]
    return [title]  # a single word longer than a line: leave the wrapping to the word processor


def _balanced(sizes: list[float], count: int, width: float, target: float) -> list[int] | None:
    """Cut points splitting `sizes` into `count` lines of at most `width`, minimising the squared deviation
    from the mean line length; ties prefer longer lines on top (a trapezoid)."""
    n = len(sizes)
    prefix = [0.0, *itertools.accumulate(sizes)]
    inf = float("inf")
    # best[k][i]: (cost, cuts) for the first i words in k lines
    best: list[list[tuple[float, tuple[int, ...]]]] = [[(inf, ())] * (n + 1) for _ in range(count + 1)]
    best[0][0] = (0.0, ())
    for k in range(1, count + 1):
        for i in range(1, n + 1):
            for j in range(k - 1, i):
                cost_before, cuts = best[k - 1][j]
                length = prefix[i] - prefix[j]
                if cost_before == inf or length > width:
                    continue
                # the small positional term makes the shape a trapezoid (longer lines first) among equals
                cost = cost_before + (length - target) ** 2 + 1e-6 * k * length
                if cost < best[k][i][0]:
                    best[k][i] = (cost, (*cuts, j) if j else cuts)
    cost, cuts = best[count][n]
    return None if cost == inf else list(cuts)


def title_lines(doc: _Document | Blank) -> list[str]:
    """The lines of the title: as the payload sets them (`title_lines`, or line breaks in the title), else
    broken at word boundaries."""
    if isinstance(doc, Blank):
        return []
    if doc.title_lines:
        return list(doc.title_lines)
    if "\n" in doc.title:
        return [line.strip() for line in doc.title.split("\n") if line.strip()]
    return break_title(doc.title)
