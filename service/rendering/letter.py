"""信函格式 of GB/T 9704-2012 chapter 10, for a 函: the first page of the composed document gets its own header
and footer.

- 发文机关标志 centred, red 小标宋, its top edge 30 mm below the top edge of the page (not of the type area):
  it lies above the type area, so it goes into the first page's header, whose distance is 30 mm.
- a red double line, thick over thin, 4 mm below the mark; a red double line, thin over thick, 20 mm above the
  bottom edge of the page (in the first page's footer); both 170 mm long, centred on the type area.
- no page number on the first page (its footer holds only the double line); later pages keep "— N —".

The footer distance of a section is shared by all its pages, so the page numbers of later pages move by
spacing after their paragraph instead: they stay 7 mm below the type area.
"""

from __future__ import annotations

from typing import Protocol

from docx.document import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

from service.rendering import ooxml_order
from service.rendering.type_metrics import MARK_EM_ABOVE_LINE_EM

MM_TWIPS = 1440 / 25.4
# The mark's edges are those of its characters' em box (0.12 em below the PDF's character box, see
# type_metrics.EM_BELOW_BASELINE): in an exact line of its size the em box starts MARK_EM_ABOVE_LINE_EM above the
# line's top and ends as far above its bottom. LibreOffice draws a border 0.9 mm beyond the edge of its 1 pt
# paragraph (measured on the PDF).
BORDER_OFFSET_MM = 0.9
FOOTER_LINE_TWIPS = round((20 - BORDER_OFFSET_MM) * MM_TWIPS)
LINE_OVERHANG_TWIPS = round(7 * MM_TWIPS)  # (170 mm − 156 mm) / 2 on either side of the type area
RED = "FF0000"
# 发文字号 7/8 of a 三号 character's height (4.94 mm) below the double line (GB/T 9704 10.1), on an exact 16 pt line
# whose character box starts at the line's top: the body starts 3.1 mm below the double line's thin stroke
# (measured), and a character's em box starts 0.12 em below its box
BODY_SIZE_MM = 16 * 25.4 / 72
NUMBER_LINE_TWIPS = 320
NUMBER_BEFORE_TWIPS = round((7 / 8 * BODY_SIZE_MM - 3.1 - 0.12 * BODY_SIZE_MM) * MM_TWIPS)


class LetterLayout(Protocol):
    @property
    def mark_half_points(self) -> int: ...


def header_to_mark(half_points: int) -> int:
    """Header distance that puts the top edge of the mark's characters 30 mm below the top of the page."""
    return round(30 * MM_TWIPS + MARK_EM_ABOVE_LINE_EM * half_points * 10)


def mark_to_line(half_points: int) -> int:
    """Spacing before the double line's paragraph: 4 mm from the bottom edge of the mark's characters."""
    return round((4 - BORDER_OFFSET_MM) * MM_TWIPS - MARK_EM_ABOVE_LINE_EM * half_points * 10)


def _clear(paragraph: Paragraph) -> etree._Element:
    p = paragraph._p
    for child in list(p):
        if child.tag != qn("w:pPr"):
            p.remove(child)
    return p.get_or_add_pPr()


def _double_line(ppr: etree._Element, side: str, style: str) -> None:
    """A 170 mm red double rule on one side of an empty, 1 pt high paragraph."""
    ooxml_order.child(ppr, "w:snapToGrid", val="0")
    ooxml_order.child(ppr, "w:spacing", before="0", after="0", line="20", lineRule="exact")
    ooxml_order.child(
        ppr, "w:ind", left=-LINE_OVERHANG_TWIPS, right=-LINE_OVERHANG_TWIPS, firstLine="0", firstLineChars="0"
    )
    borders = ooxml_order.child(ppr, "w:pBdr")
    ooxml_order.child(borders, f"w:{side}", val=style, sz="18", space="0", color=RED)


def letter_first_page(master: Document, layout: LetterLayout, issuer_mark: str) -> int:
    """Set up the first page as a letter's; returns the spacing (twips) the page-number footers of later pages
    and of appended sections need on top of the usual footer distance."""
    section = master.sections[0]
    sect = section._sectPr
    margins = sect.find(qn("w:pgMar"))
    assert margins is not None, "the template's section sets its margins"
    footer_distance = margins.get(qn("w:footer"))
    assert footer_distance is not None, "the template's section sets its footer distance"
    usual_footer = int(footer_distance)
    section.different_first_page_header_footer = True
    margins.set(qn("w:header"), str(header_to_mark(layout.mark_half_points)))
    margins.set(qn("w:footer"), str(FOOTER_LINE_TWIPS))
    extra = max(usual_footer - FOOTER_LINE_TWIPS, 0)

    header = section.first_page_header
    header.is_linked_to_previous = False
    mark = header.paragraphs[0]
    ppr = _clear(mark)
    ooxml_order.child(ppr, "w:snapToGrid", val="0")
    size_twips = layout.mark_half_points * 10
    ooxml_order.child(ppr, "w:spacing", before="0", after="0", line=size_twips, lineRule="exact")
    ooxml_order.child(ppr, "w:ind", left="0", right="0", firstLine="0", firstLineChars="0")
    ooxml_order.child(ppr, "w:jc", val="center")
    run = mark._p.add_r()  # the paragraph holds only its pPr now: the run goes last, as append would put it
    rpr = run.get_or_add_rPr()
    ooxml_order.child(
        rpr,
        "w:rFonts",
        ascii="方正小标宋简体",
        hAnsi="方正小标宋简体",
        eastAsia="方正小标宋简体",
        cs="方正小标宋简体",
        hint="eastAsia",
    )
    ooxml_order.child(rpr, "w:color", val=RED)
    ooxml_order.child(rpr, "w:sz", val=layout.mark_half_points)
    ooxml_order.child(rpr, "w:szCs", val=layout.mark_half_points)
    text = etree.SubElement(run, qn("w:t"))
    text.text = issuer_mark

    rule = header.add_paragraph()
    rule_ppr = rule._p.get_or_add_pPr()
    _double_line(rule_ppr, "bottom", "thickThinSmallGap")
    ooxml_order.child(
        rule_ppr, "w:spacing", before=mark_to_line(layout.mark_half_points), after="0", line="20", lineRule="exact"
    )

    footer = section.first_page_footer
    footer.is_linked_to_previous = False
    _double_line(_clear(footer.paragraphs[0]), "top", "thinThickSmallGap")

    # later pages: page numbers stay 7 mm below the type area although the footer distance is now 20 mm
    for later in (section.footer, section.even_page_footer):
        for paragraph in later.paragraphs:
            if paragraph.text.strip():
                ooxml_order.child(paragraph._p.get_or_add_pPr(), "w:spacing", after=extra)
    return extra
