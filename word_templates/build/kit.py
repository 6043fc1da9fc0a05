"""Building blocks for authoring the Word templates with python-docx.

The committed .docx files under word_templates/ are what the service loads; this kit only makes them
reproducible. Typography follows the official forms: body 仿宋_GB2312, section headings 黑体,
sub-headings 楷体_GB2312, titles 方正小标宋简体, each set as the East Asian font (w:eastAsia) with Latin
text in Times New Roman; A4; exact line spacing (Noto CJK lines are tall otherwise).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from service.output.zips import FIXED_ZIP_TIME, write_zip
from service.rendering import ooxml_order as order

TEMPLATES_DIR = Path(__file__).resolve().parent.parent

FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
SONGTI = "宋体"
LATIN = "Times New Roman"

# Chinese type sizes in points (official-formats.md).
SIZE = {
    "初号": 42,
    "小初": 36,
    "一号": 26,
    "小一": 24,
    "二号": 22,
    "小二": 18,
    "三号": 16,
    "小三": 15,
    "四号": 14,
    "小四": 12,
    "五号": 10.5,
    "小五": 9,
}
RED = RGBColor(0xFF, 0x00, 0x00)
THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")

ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def set_fonts(
    target,
    east_asia: str,
    size_pt: float | None = None,
    *,
    bold: bool | None = None,
    latin: str = LATIN,
    color: RGBColor | None = None,
) -> None:
    """Set a run's or a style's fonts: East Asian face in w:eastAsia, Latin face for digits and letters."""
    font = target.font
    font.name = latin
    if size_pt is not None:
        font.size = Pt(size_pt)
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color.rgb = color
    rpr = target.element.get_or_add_rPr()
    rfonts = order.child(rpr, "w:rFonts", ascii=latin, hAnsi=latin, cs=latin, eastAsia=east_asia, hint="eastAsia")
    # Theme fonts inherited from python-docx's default styles override the named faces in Word and
    # LibreOffice alike (a heading would come out in the theme's Japanese font): drop them.
    for theme_attr in THEME_FONT_ATTRS:
        rfonts.attrib.pop(qn(theme_attr), None)


def _line_spacing(pf, exact_pt: float | None) -> None:
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    if exact_pt:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(exact_pt)


def _first_line_chars(pf_element, chars: int) -> None:
    """First-line indent in character units (w:firstLineChars), as Word and WPS write it."""
    # w:firstLine is the fallback for readers without *Chars (2 × 16 pt).
    order.child(pf_element.get_or_add_pPr(), "w:ind", firstLineChars=chars * 100, firstLine=chars * 320)


@dataclass(frozen=True)
class PageSetup:
    top_mm: float = 37
    bottom_mm: float = 35
    left_mm: float = 28
    right_mm: float = 26
    footer_mm: float = 28  # distance of the footer from the page edge: 7 mm below the type area


GBT9704 = PageSetup()


# GB/T 9704-2012 page in twips (official-formats.md): millimetres would round 28 mm down to 1587.
GBT9704_TWIPS = {"top": 2098, "bottom": 1984, "left": 1588, "right": 1474, "header": 850, "footer": 1587}
# The same type area turned a quarter (225 × 156 mm on a landscape sheet); the footer stays 7 mm below it.
GBT9704_LANDSCAPE_TWIPS = {"top": 1588, "bottom": 1474, "left": 2098, "right": 1984, "header": 850, "footer": 1077}
LINE_TWIPS = 579  # 28.95 pt: 22 lines in the 225 mm type area
A4_TWIPS = (11906, 16838)


def exact_page(
    doc,
    *,
    landscape: bool = False,
    margins: dict[str, int] | None = None,
    line_twips: int = LINE_TWIPS,
    mirror: bool = True,
) -> None:
    """Every section on A4 (portrait or landscape) with exact GB/T 9704 margins and a line grid; mirrored
    margins for double-sided print keep the binding side (订口) on the same edge of the sheet."""
    width, height = A4_TWIPS[::-1] if landscape else A4_TWIPS
    margins = margins or (GBT9704_LANDSCAPE_TWIPS if landscape else GBT9704_TWIPS)
    for section in doc.sections:
        sect = section._sectPr
        order.child(sect, "w:pgSz", w=width, h=height, orient="landscape" if landscape else None)
        order.child(sect, "w:pgMar", **margins, gutter=0)
        order.child(sect, "w:docGrid", type="lines", linePitch=line_twips)
    if mirror:
        setting(doc, "w:mirrorMargins")


def new_document(
    *,
    page: PageSetup = GBT9704,
    body_size: float = SIZE["三号"],
    line_pt: float = 28.95,
    title: str = "",
    subject: str = "",
) -> Document:
    """An A4 document whose styles carry the official fonts.

    Styles: Normal (body, 仿宋 三号, first-line indent 2 chars), "Body Text" (same), "Table Text" (小四,
    no indent), "Heading 1" (黑体, outline level 1), "Heading 2" (楷体, outline level 2), Title
    (方正小标宋简体 二号, centred). Headings use the built-in names so that PDF export makes bookmarks.
    """
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(page.top_mm), Mm(page.bottom_mm)
    section.left_margin, section.right_margin = Mm(page.left_mm), Mm(page.right_mm)
    section.footer_distance = Mm(page.footer_mm)
    section.header_distance = Mm(15)

    styles = doc.styles
    normal = styles["Normal"]
    set_fonts(normal, FANGSONG, body_size)
    _line_spacing(normal.paragraph_format, line_pt)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    # docDefaults too, so runs without a style still use the official faces.
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = rpr_default.find(qn("w:rFonts"))
    for attr, val in (("w:ascii", LATIN), ("w:hAnsi", LATIN), ("w:cs", LATIN), ("w:eastAsia", FANGSONG)):
        rfonts.attrib.pop(qn(attr.replace("w:", "w:") + "Theme"), None)
        rfonts.set(qn(attr), val)
    for theme_attr in THEME_FONT_ATTRS:
        rfonts.attrib.pop(qn(theme_attr), None)
    # Also in the styles we do not restyle (Heading 4–9, linked "… Char" styles): a user who applies one in
    # Word gets the official faces of the document defaults, not a theme font.
    for rfonts_el in doc.styles.element.iter(qn("w:rFonts")):
        for theme_attr in THEME_FONT_ATTRS:
            rfonts_el.attrib.pop(qn(theme_attr), None)
    # The default template declares Japanese as the East Asian theme language; these forms are Chinese.
    setting(doc, "w:themeFontLang", eastAsia="zh-CN")

    body = styles.add_style("Body Text Indent 2 Chars", 1)
    body.base_style = normal
    _first_line_chars(body.element, 2)

    table_text = styles.add_style("Table Text", 1)
    table_text.base_style = normal
    set_fonts(table_text, FANGSONG, SIZE["小四"])
    _line_spacing(table_text.paragraph_format, 18)
    table_text.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT

    table_narrative = styles.add_style("Table Narrative", 1)
    table_narrative.base_style = table_text
    table_narrative.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _first_line_chars(table_narrative.element, 2)

    for name, face, level in (("Heading 1", HEITI, 0), ("Heading 2", KAITI, 1), ("Heading 3", FANGSONG, 2)):
        h = styles[name]
        set_fonts(h, face, body_size, bold=False, color=RGBColor(0, 0, 0))
        h.font.italic = False
        _line_spacing(h.paragraph_format, line_pt)
        h.paragraph_format.keep_with_next = True
        h.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        order.replace_child(h.element.get_or_add_pPr(), "w:outlineLvl", val=level)
        _first_line_chars(h.element, 2)

    title_style = styles["Title"]
    set_fonts(title_style, XIAOBIAOSONG, SIZE["二号"], bold=False, color=RGBColor(0, 0, 0))
    _line_spacing(title_style.paragraph_format, 36)
    title_style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    tppr = title_style.element.get_or_add_pPr()
    for border in tppr.findall(qn("w:pBdr")):
        tppr.remove(border)

    doc.core_properties.title = title
    doc.core_properties.subject = subject
    doc.core_properties.author = "国家新兴产业发展示范基地申报材料生成服务"
    return doc


def paragraph(
    container,
    text: str = "",
    *,
    style: str | None = None,
    align: str | None = None,
    font: str | None = None,
    size: float | None = None,
    bold: bool | None = None,
    indent_chars: int | None = None,
    color: RGBColor | None = None,
    space_before_pt: float | None = None,
    space_after_pt: float | None = None,
    line_pt: float | None = None,
) -> Paragraph:
    """Add a paragraph with one run (the run holds any Jinja tag untouched)."""
    p = container.add_paragraph(style=style)
    if align:
        p.alignment = ALIGN[align]
    if indent_chars is not None:
        if indent_chars:
            _first_line_chars(p._p, indent_chars)
        else:
            order.child(p._p.get_or_add_pPr(), "w:ind", firstLineChars=0, firstLine=0)
    if space_before_pt is not None:
        p.paragraph_format.space_before = Pt(space_before_pt)
    if space_after_pt is not None:
        p.paragraph_format.space_after = Pt(space_after_pt)
    if line_pt is not None:
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        p.paragraph_format.line_spacing = Pt(line_pt)
    if text:
        run = p.add_run(text)
        if font or size or bold is not None or color is not None:
            set_fonts(run, font or FANGSONG, size, bold=bold, color=color)
    return p


def setting(doc, tag: str, **attrs: str | int | None):
    """A w:settings child (e.g. w:mirrorMargins) at its schema position, with `attrs` set."""
    return order.child(doc.settings.element, tag, **attrs)


def annex_mark(doc, default: str) -> Paragraph | None:
    """The annex mark ("附件1") of a standalone form: 三号黑体 flush left on the first line (GB/T 9704).

    The paragraph's whole text is the mark, so that the 公文 composer can renumber it; `p.annex_mark` empty
    leaves the paragraph out. A blank form prints the default.
    """
    paragraph(doc, "{%p if blank or p.annex_mark %}")
    mark = paragraph(
        doc,
        "{% if blank %}" + default + "{% else %}{{ p.annex_mark }}{% endif %}",
        font=HEITI,
        size=SIZE["三号"],
        indent_chars=0,
        align="left",
    )
    paragraph(doc, "{%p endif %}")
    return mark


def page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def new_section(doc, *, restart_numbering: bool = True):
    """A section break (new page) after which page numbers restart at 1 (e.g. after a cover)."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    if restart_numbering:
        order.child(section._sectPr, "w:pgNumType", start=1)
    return section


def _page_number_paragraph(footer, align: str) -> None:
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = ALIGN[align]
    pf = p.paragraph_format
    _line_spacing(pf, None)
    side: dict[str, int] = {}
    if align == "right":
        side = {"rightChars": 100, "right": 280}
    elif align == "left":
        side = {"leftChars": 100, "left": 280}
    order.replace_child(p._p.get_or_add_pPr(), "w:ind", **side, firstLineChars=0, firstLine=0)
    for piece in ("— ", None, " —"):
        if piece is None:
            fld = OxmlElement("w:fldSimple")
            fld.set(qn("w:instr"), " PAGE ")
            r = OxmlElement("w:r")
            t = OxmlElement("w:t")
            t.text = "1"
            r.append(t)
            fld.append(r)
            p._p.append(fld)
            # style the field result like the dashes
            run_rpr = OxmlElement("w:rPr")
            order.child(run_rpr, "w:sz", val=int(SIZE["四号"] * 2))
            order.child(run_rpr, "w:rFonts", ascii=SONGTI, hAnsi=SONGTI, eastAsia=SONGTI, cs=SONGTI)
            r.insert(0, run_rpr)  # w:rPr is the first child of a run
        else:
            run = p.add_run(piece)
            set_fonts(run, SONGTI, SIZE["四号"], latin=SONGTI)


def page_numbers(section, *, odd_even: bool = True, skip_first_page: bool = False) -> None:
    """Footer page numbers "— N —" in 四号宋体: odd pages right, even pages left (GB/T 9704), or centred."""
    section.different_first_page_header_footer = skip_first_page
    if odd_even:
        # python-docx 1.2: a Section reaches the document's settings through its document part.
        section._document_part.settings.odd_and_even_pages_header_footer = True
        _page_number_paragraph(section.footer, "right")
        _page_number_paragraph(section.even_page_footer, "left")
    else:
        _page_number_paragraph(section.footer, "center")


# --- Tables ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class C:
    """A table cell: text (may hold a Jinja tag), how many grid columns it spans, and its role."""

    text: str = ""
    span: int = 1
    kind: str = "label"  # label | value | section | header | narrative
    align: str | None = None


def _set_cell_borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = order.replace_child(tbl_pr, "w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        order.child(borders, f"w:{edge}", val="single", sz=4, space=0, color="000000")
    margins = order.replace_child(tbl_pr, "w:tblCellMar")
    for edge, width in (("left", 80), ("right", 80), ("top", 30), ("bottom", 30)):
        order.child(margins, f"w:{edge}", w=width, type="dxa")


def twips(mm: float) -> int:
    """Millimetres to twentieths of a point, as grid columns and cell widths are written."""
    return int(mm * 56.7)


def _fixed_layout(table: Table, widths_mm: Sequence[float]) -> None:
    tbl_pr = table._tbl.tblPr
    order.child(tbl_pr, "w:tblLayout", type="fixed")
    # A fixed table's width is the sum of its grid: say so rather than "auto", which some readers widen.
    order.child(tbl_pr, "w:tblW", w=sum(twips(w) for w in widths_mm), type="dxa")
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(twips(width)))


def repeat_header(row) -> None:
    """Mark a row as a header row: Word and LibreOffice repeat it on every page the table spans."""
    order.child(row._tr.get_or_add_trPr(), "w:tblHeader")


def cant_split(row) -> None:
    order.child(row._tr.get_or_add_trPr(), "w:cantSplit")


def keep_with_next(row) -> None:
    """Keep a row on the page of the next row (every paragraph of the row gets w:keepNext): a header row
    never ends a page without a body row under it."""
    for p in row._tr.iter(qn("w:p")):
        order.child(p.get_or_add_pPr(), "w:keepNext")


def _cell_widths(tbl: Table, widths_mm: Sequence[float]) -> None:
    """w:tcW of each cell = the sum of the grid columns it spans (Word takes tcW over the grid)."""
    for tr in tbl._tbl.tr_lst:
        col = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            width = sum(twips(w) for w in widths_mm[col : col + span])
            order.child(tc.get_or_add_tcPr(), "w:tcW", w=width, type="dxa")
            col += span


def _fill_cell(cell: _Cell, spec: C) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    style = "Table Narrative" if spec.kind == "narrative" else "Table Text"
    p.style = cell.part.document.styles[style]
    align = (
        spec.align
        or {"section": "left", "header": "center", "value": "center", "label": "left", "narrative": "justify"}[
            spec.kind
        ]
    )
    p.alignment = ALIGN[align]
    if spec.text:
        run = p.add_run(spec.text)
        if spec.kind in ("section", "header"):
            set_fonts(run, HEITI if spec.kind == "section" else FANGSONG, SIZE["小四"], bold=spec.kind == "header")


def table(doc, widths_mm: Sequence[float], rows: Iterable[Sequence[C] | str], *, header_rows: int = 0) -> Table:
    """A bordered, fixed-layout table; each row is a list of cells whose spans add up to the grid.

    A row given as a plain string becomes a Jinja row tag (e.g. "{%tr for e in p.top %}"), which
    docxtpl replaces by the tag itself: the loop body is the row between the tags.
    The first `header_rows` rows repeat at the top of every page.
    """
    rows = list(rows)
    tbl = doc.add_table(rows=0, cols=len(widths_mm))
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_cell_borders(tbl)
    _fixed_layout(tbl, widths_mm)
    for index, spec_row in enumerate(rows):
        row = tbl.add_row()
        if isinstance(spec_row, str):
            merged = row.cells[0].merge(row.cells[-1]) if len(widths_mm) > 1 else row.cells[0]
            merged.paragraphs[0].add_run(spec_row)
            continue
        if sum(c.span for c in spec_row) != len(widths_mm):
            raise ValueError(f"row {index} spans {sum(c.span for c in spec_row)} of {len(widths_mm)} columns")
        col = 0
        for spec in spec_row:
            cell = row.cells[col]
            if spec.span > 1:
                cell = cell.merge(row.cells[col + spec.span - 1])
            _fill_cell(cell, spec)
            col += spec.span
        if index < header_rows:
            repeat_header(row)
            keep_with_next(row)
        cant_split(row) if spec_row and spec_row[0].kind != "narrative" else None
    _cell_widths(tbl, widths_mm)
    return tbl


def narrative_paragraphs(cell_or_doc, expression: str, *, style: str = "Table Narrative") -> None:
    """Paragraph loop: one paragraph per line of the applicant's text, each indented two characters."""
    paragraph(cell_or_doc, "{%p for para in " + expression + "|paragraphs %}", style=style)
    paragraph(cell_or_doc, "{{ para }}", style=style)
    paragraph(cell_or_doc, "{%p endfor %}", style=style)


def save_deterministic(doc, path: Path, *, created: str = "2026-03-18T00:00:00Z") -> None:
    """Save with fixed timestamps and entry order so that rebuilding gives identical bytes."""
    doc.core_properties.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    buf.seek(0)
    entries: list[tuple[str, bytes]] = []
    with zipfile.ZipFile(buf) as src:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "docProps/core.xml":
                data = _fixed_core_dates(data, created)
            entries.append((info.filename, data))
    # python-docx's entry order ([Content_Types].xml first); written beside and renamed, so a server rendering
    # from the template never reads half of one
    write_zip(path, entries, FIXED_ZIP_TIME, sort=False)


def _fixed_core_dates(data: bytes, created: str) -> bytes:
    import re

    text = data.decode("utf-8")
    text = re.sub(r"(<dcterms:created[^>]*>)[^<]*(</dcterms:created>)", rf"\g<1>{created}\g<2>", text)
    text = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rf"\g<1>{created}\g<2>", text)
    return text.encode("utf-8")
