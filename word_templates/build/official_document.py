"""official_document.docx: a 公文 laid out per GB/T 9704-2012.

The template holds the notice itself (版头, 标题, 主送机关, 正文, 附件说明, 署名, 成文日期, 附注, 公开方式);
`service.rendering.compose` renders it and appends the forwarded documents and the attachments. Values that
depend on the text's width (the size of the 发文机关标志, the indents of 附件说明, 署名 and 成文日期) are set by
the composer after rendering: the template holds valid default numbers there (a Jinja tag inside a numeric
attribute breaks the OOXML schema) and marks each such paragraph with a hidden bookmark (`compose.ANCHORS`),
which the composer finds, fills in and removes.

The same template renders a text attachment (`mode == "attachment"`): only its title and body blocks.
"""

from __future__ import annotations

from pathlib import Path

from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from service.rendering import ooxml_order
from service.rendering.compose import ANCHORS, FOOTER_TWIPS, TEMPLATE_DEFAULTS, TYPE_AREA_BOTTOM_TWIPS
from service.rendering.letter import NUMBER_BEFORE_TWIPS, NUMBER_LINE_TWIPS
from word_templates.build import kit

# GB/T 9704-2012 page in twips (official-formats.md): the kit's millimetres round 28 mm down to 1587. The
# footer distance puts the page number's dash 7 mm below the type area: 35 mm − 7 mm − the 2.73 mm the dash
# sits above the bottom of its footer line (measured; service.rendering.compose applies the same rule to
# every appended section).
PAGE_TWIPS = {
    "top": "2098",
    "bottom": str(TYPE_AREA_BOTTOM_TWIPS),
    "left": "1588",
    "right": "1474",
    "footer": str(FOOTER_TWIPS),
    "header": "850",
}
LINE_TWIPS = 579  # 28.95 pt: 22 lines in the 225 mm type area
BODY_STYLE = "Body Text Indent 2 Chars"
DISCLOSURE_STYLE = "Disclosure"
HEADING_FACES = {1: kit.HEITI, 2: kit.KAITI, 3: kit.FANGSONG, 4: kit.FANGSONG}


def exact_page_setup(doc, *, mirror: bool = True) -> None:
    """GB/T 9704 margins in exact twips, a line grid of 28.95 pt, and (for double-sided print) mirrored margins
    so that the 28 mm side is always the binding side (订口)."""
    for section in doc.sections:
        pg_mar = section._sectPr.find(qn("w:pgMar"))
        for key, value in PAGE_TWIPS.items():
            pg_mar.set(qn(f"w:{key}"), value)
        ooxml_order.child(section._sectPr, "w:docGrid", type="lines", linePitch=str(LINE_TWIPS))
    if mirror:
        ooxml_order.child(doc.settings.element, "w:mirrorMargins")


def odd_even_page_numbers(doc) -> None:
    """GB/T 9704 page numbers "— N —": odd pages right, even pages left (w:evenAndOddHeaders)."""
    kit.page_numbers(doc.sections[0], odd_even=True)


def _ind(p, **attrs: str) -> None:
    """Replace the paragraph's w:ind with the given attributes (values may be Jinja expressions)."""
    ooxml_order.replace_child(p._p.get_or_add_pPr(), "w:ind", **attrs)


def _anchor(p, key: str) -> None:
    """Mark the paragraph for the composer with a hidden bookmark; each key marks one template paragraph, so
    its position in ANCHORS is a unique, stable bookmark id."""
    bookmark_id = str(list(ANCHORS).index(key) + 1)
    start = ooxml_order.new_element("w:bookmarkStart")
    start.set(qn("w:id"), bookmark_id)
    start.set(qn("w:name"), ANCHORS[key])
    end = ooxml_order.new_element("w:bookmarkEnd")
    end.set(qn("w:id"), bookmark_id)
    p._p.append(start)
    p._p.append(end)


def _tag(doc, text: str) -> None:
    kit.paragraph(doc, text)


def _run(p, text: str, face: str | None = None, *, size: float | None = None, color=None, tight: bool = True):
    run = p.add_run(text)
    if face is not None or size is not None or color is not None:
        kit.set_fonts(run, face or kit.FANGSONG, size, color=color)
    if tight:
        # 28 characters of 三号 per 156 mm line: condense by 0.25 pt (official-formats.md).
        ooxml_order.child(run._r.get_or_add_rPr(), "w:spacing", val="-5")
    return run


def _blank_line(doc, count: int = 1) -> None:
    for _ in range(count):
        kit.paragraph(doc, "", indent_chars=0)


def _off_grid(p) -> None:
    """Lines not snapped to the document grid (a 初号 line would take two grid lines)."""
    ooxml_order.child(p._p.get_or_add_pPr(), "w:snapToGrid", val="0")


def _header(doc) -> None:
    """版头: red 发文机关标志, 发文字号 two lines below it, red rule 4 mm below the 发文字号. A 函 in 信函格式
    gets its mark and double lines from the composer (first-page header and footer); its 发文字号 stands flush
    right under the double line."""
    _tag(doc, "{%p if layout.letter %}")
    _tag(doc, "{%p if p.document_number %}")
    number = kit.paragraph(doc, "", align="right", indent_chars=0)
    # under the double line, which ends the first page's header (the body starts below it), at 7/8 of a
    # character's height from it
    _off_grid(number)
    ooxml_order.child(
        number._p.get_or_add_pPr(),
        "w:spacing",
        before=NUMBER_BEFORE_TWIPS,
        line=NUMBER_LINE_TWIPS,
        lineRule="exact",
    )
    _run(number, "{{ p.document_number }}", tight=False)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p else %}")
    mark = kit.paragraph(doc, "", align="center", indent_chars=0)
    _off_grid(mark)
    # top of the mark 35 mm below the top of the type area; line height follows the mark's size (the composer
    # sets both and the size for the actual name; the defaults are those of a 初号 mark)
    ooxml_order.child(
        mark._p.get_or_add_pPr(),
        "w:spacing",
        before=TEMPLATE_DEFAULTS["mark_before"],
        after="0",
        line=TEMPLATE_DEFAULTS["mark_line"],
        lineRule="exact",
    )
    _anchor(mark, "mark")
    run = _run(mark, "{{ p.issuer_mark }}", kit.XIAOBIAOSONG, size=kit.SIZE["初号"], color=kit.RED, tight=False)
    rpr = run._r.get_or_add_rPr()
    ooxml_order.child(rpr, "w:sz", val=TEMPLATE_DEFAULTS["mark_half_points"])
    ooxml_order.child(rpr, "w:szCs", val=TEMPLATE_DEFAULTS["mark_half_points"])
    _blank_line(doc, 2)
    _tag(doc, "{%p if p.document_number %}")
    kit.paragraph(doc, "{{ p.document_number }}", align="center", indent_chars=0)
    _tag(doc, "{%p endif %}")
    # the rule is the bottom border of a 4 mm high paragraph right under the 发文字号's line
    rule = kit.paragraph(doc, "", indent_chars=0)
    _off_grid(rule)
    rule_ppr = rule._p.get_or_add_pPr()
    ooxml_order.child(
        rule_ppr, "w:spacing", before="0", after="0", line=TEMPLATE_DEFAULTS["rule_line"], lineRule="exact"
    )
    _anchor(rule, "rule")
    border = ooxml_order.child(rule_ppr, "w:pBdr")
    ooxml_order.child(border, "w:bottom", val="single", sz="12", space="0", color="FF0000")
    _tag(doc, "{%p endif %}")
    _blank_line(doc, 2)
    kit.paragraph(doc, "{{ layout.title }}", style="Title", indent_chars=0)
    _blank_line(doc)
    _tag(doc, "{%p if p.addressees %}")
    p = kit.paragraph(doc, "", indent_chars=0, align="justify")
    _run(p, "{{ p.addressee_line }}")
    _tag(doc, "{%p endif %}")


def _body(doc) -> None:
    """The blocks: plain paragraphs (with an optional 黑体 lead-in) and headings of four levels, each either on
    its own line (heading style) or run into the text of its paragraph (heading face on the first run)."""
    _tag(doc, "{%p for b in body %}")
    _tag(doc, "{%p if b.level == 0 and b.lead %}")
    p = kit.paragraph(doc, "", style=BODY_STYLE)
    _run(p, "{{ b.lead }}", kit.HEITI)
    _run(p, "{{ b.text }}")
    _tag(doc, "{%p elif b.level == 0 %}")
    p = kit.paragraph(doc, "", style=BODY_STYLE)
    _run(p, "{{ b.text }}")
    for level, face in HEADING_FACES.items():
        _tag(doc, f"{{%p elif b.level == {level} and b.text %}}")
        p = kit.paragraph(doc, "", style=BODY_STYLE)
        _run(p, "{{ b.number }}{{ b.heading }}", face)
        _run(p, "{{ b.text }}")
        _tag(doc, f"{{%p elif b.level == {level} %}}")
        p = kit.paragraph(doc, "", style=f"Heading {level}")
        _run(p, "{{ b.number }}{{ b.heading }}")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endfor %}")


def _closing(doc) -> None:
    """附件说明, 署名 and 成文日期 (indents from the composer), 附注, 公开方式."""
    _tag(doc, "{%p if attlist %}")
    _blank_line(doc)
    _tag(doc, "{%p for a in attlist %}")
    p = kit.paragraph(doc, "", align="justify")
    # indents per line from the composer (defaults: a single attachment, "附件：" hanging)
    _ind(
        p,
        leftChars=TEMPLATE_DEFAULTS["attachment_left_chars"],
        left=TEMPLATE_DEFAULTS["attachment_left"],
        hangingChars=TEMPLATE_DEFAULTS["attachment_hanging_chars"],
        hanging=TEMPLATE_DEFAULTS["attachment_hanging"],
    )
    _anchor(p, "attachment")
    _run(p, "{{ a.text }}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")

    _tag(doc, "{%p if layout.signed %}")
    _tag(doc, "{%p for _ in range(layout.lines_before_signature) %}")
    kit.paragraph(doc, "", indent_chars=0).paragraph_format.keep_with_next = True
    _tag(doc, "{%p endfor %}")
    # 署名, 成文日期 and 附注 stay on one page
    for text, key in (("{{ p.signature }}", "name"), ("{{ p.date|date_cn }}", "date")):
        p = kit.paragraph(doc, "", align="right")
        p.paragraph_format.keep_with_next = True
        # right indents from the composer (defaults: 4 characters, the date of a sealed document)
        _ind(
            p,
            firstLineChars="0",
            firstLine="0",
            rightChars=TEMPLATE_DEFAULTS["right_chars"],
            right=TEMPLATE_DEFAULTS["right"],
        )
        _anchor(p, key)
        _run(p, text, tight=False)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if p.note_text %}")
    p = kit.paragraph(doc, "", style=BODY_STYLE)
    _run(p, "（{{ p.note_text }}）")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if p.disclosure %}")
    p = kit.paragraph(doc, "", style=DISCLOSURE_STYLE)
    _run(p, "公开方式：{{ p.disclosure }}", tight=False)
    _tag(doc, "{%p endif %}")


def _styles(doc) -> None:
    styles = doc.styles
    h4 = styles["Heading 4"]
    h4.base_style = styles["Heading 3"]
    kit.set_fonts(h4, kit.FANGSONG, kit.SIZE["三号"], bold=False, color=kit.RGBColor(0, 0, 0))
    h4.font.italic = False
    ppr = h4.element.get_or_add_pPr()
    ooxml_order.replace_child(ppr, "w:outlineLvl", val="3")
    h4.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    h4.paragraph_format.line_spacing = Pt(28.95)
    h4.paragraph_format.space_before = Pt(0)
    h4.paragraph_format.space_after = Pt(0)

    disclosure = styles.add_style(DISCLOSURE_STYLE, 1)
    disclosure.base_style = styles["Normal"]
    disclosure.paragraph_format.space_before = Pt(28.95)
    ooxml_order.child(disclosure.element.get_or_add_pPr(), "w:ind", firstLineChars="0", firstLine="0")

    # title lines one body line apart (GB/T 9704 7.2.x 行距适当), not two grid lines
    title = styles["Title"]
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    title.paragraph_format.line_spacing = Pt(LINE_TWIPS / 20)
    ooxml_order.child(title.element.get_or_add_pPr(), "w:snapToGrid", val="0")


def build(path: Path) -> None:
    doc = kit.new_document(title="公文", subject="按 GB/T 9704-2012 排版的公文")
    _styles(doc)
    exact_page_setup(doc)
    odd_even_page_numbers(doc)

    _tag(doc, "{%p if mode == 'attachment' %}")
    kit.paragraph(doc, "{{ title }}", style="Title", indent_chars=0)
    _blank_line(doc)
    _tag(doc, "{%p else %}")
    _header(doc)
    _tag(doc, "{%p endif %}")
    _body(doc)
    _tag(doc, "{%p if mode != 'attachment' %}")
    _closing(doc)
    _tag(doc, "{%p endif %}")
    kit.save_deterministic(doc, path)
