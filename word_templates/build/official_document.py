"""official_document.docx: a 公文 laid out per GB/T 9704-2012.

The template holds the notice itself (版头, 标题, 主送机关, 正文, 附件说明, 署名, 成文日期, 附注, 公开方式);
`service.rendering.compose` renders it and appends the forwarded documents and the attachments. Values that
depend on the text's width (the size of the 发文机关标志, the indents of 附件说明, 署名 and 成文日期) come from
the composer as context (`layout`, `attlist`), so the template stays declarative.

The same template renders a text attachment (`mode == "attachment"`): only its title and body blocks.
"""

from __future__ import annotations

from pathlib import Path

from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from word_templates.build import kit

# GB/T 9704-2012 page in twips (official-formats.md): the kit's millimetres round 28 mm down to 1587.
PAGE_TWIPS = {"top": "2098", "bottom": "1984", "left": "1588", "right": "1474", "footer": "1587", "header": "850"}
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
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            section._sectPr.append(grid)
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_TWIPS))
    if mirror:
        settings = doc.settings.element
        if settings.find(qn("w:mirrorMargins")) is None:
            mirror_el = OxmlElement("w:mirrorMargins")
            # schema order: mirrorMargins comes after w:zoom … w:removePersonalInformation; before w:defaultTabStop
            tab_stop = settings.find(qn("w:defaultTabStop"))
            if tab_stop is not None:
                tab_stop.addprevious(mirror_el)
            else:
                settings.append(mirror_el)


def odd_even_page_numbers(doc) -> None:
    """GB/T 9704 page numbers "— N —": odd pages right, even pages left (w:evenAndOddHeaders)."""
    kit.page_numbers(doc.sections[0], odd_even=True)


def _ind(p, **attrs: str) -> None:
    """Replace the paragraph's w:ind with the given attributes (values may be Jinja expressions)."""
    ppr = p._p.get_or_add_pPr()
    for old in ppr.findall(qn("w:ind")):
        ppr.remove(old)
    ind = OxmlElement("w:ind")
    for key, value in attrs.items():
        ind.set(qn(f"w:{key}"), value)
    ppr.append(ind)


def _tag(doc, text: str) -> None:
    kit.paragraph(doc, text)


def _run(p, text: str, face: str | None = None, *, size: float | None = None, color=None, tight: bool = True):
    run = p.add_run(text)
    if face is not None or size is not None or color is not None:
        kit.set_fonts(run, face or kit.FANGSONG, size, color=color)
    if tight:
        # 28 characters of 三号 per 156 mm line: condense by 0.25 pt (official-formats.md).
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), "-5")
        run._r.get_or_add_rPr().append(spacing)
    return run


def _blank_line(doc, count: int = 1) -> None:
    for _ in range(count):
        kit.paragraph(doc, "", indent_chars=0)


def _header(doc) -> None:
    """版头: red 发文机关标志, 发文字号 two lines below it, red rule 4 mm below the 发文字号."""
    mark = kit.paragraph(doc, "", align="center", indent_chars=0)
    mark.paragraph_format.space_before = Pt(0)
    ppr = mark._p.get_or_add_pPr()
    spacing = ppr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        ppr.append(spacing)
    # top of the mark 35 mm below the top of the type area; line height follows the mark's size
    spacing.set(qn("w:before"), "{{ layout.mark_before }}")
    spacing.set(qn("w:line"), "{{ layout.mark_line }}")
    spacing.set(qn("w:lineRule"), "exact")
    run = _run(mark, "{{ p.issuer_mark }}", kit.XIAOBIAOSONG, size=kit.SIZE["初号"], color=kit.RED, tight=False)
    run.font.size = None
    rpr = run._r.get_or_add_rPr()
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "{{ layout.mark_half_points }}")
        rpr.append(el)
    _blank_line(doc, 2)
    _tag(doc, "{%p if p.document_number %}")
    kit.paragraph(doc, "{{ p.document_number }}", align="center", indent_chars=0)
    _tag(doc, "{%p endif %}")
    rule = kit.paragraph(doc, "", indent_chars=0, line_pt=11.35)  # 4 mm
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "12"), ("space", "0"), ("color", "FF0000")):
        bottom.set(qn(f"w:{key}"), value)
    border.append(bottom)
    rule_ppr = rule._p.get_or_add_pPr()
    rule_ppr.insert(0, border)
    _blank_line(doc, 2)
    kit.paragraph(doc, "{{ p.title }}", style="Title", indent_chars=0)
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
    _ind(
        p,
        leftChars="{{ a.left_chars }}",
        left="{{ a.left }}",
        hangingChars="{{ a.hanging_chars }}",
        hanging="{{ a.hanging }}",
    )
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
        _ind(
            p,
            firstLineChars="0",
            firstLine="0",
            rightChars=f"{{{{ layout.{key}_right_chars }}}}",
            right=f"{{{{ layout.{key}_right }}}}",
        )
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
    for old in ppr.findall(qn("w:outlineLvl")):
        ppr.remove(old)
    lvl = OxmlElement("w:outlineLvl")
    lvl.set(qn("w:val"), "3")
    ppr.append(lvl)
    h4.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    h4.paragraph_format.line_spacing = Pt(28.95)
    h4.paragraph_format.space_before = Pt(0)
    h4.paragraph_format.space_after = Pt(0)

    disclosure = styles.add_style(DISCLOSURE_STYLE, 1)
    disclosure.base_style = styles["Normal"]
    disclosure.paragraph_format.space_before = Pt(28.95)
    ind = OxmlElement("w:ind")
    ind.set(qn("w:firstLineChars"), "0")
    ind.set(qn("w:firstLine"), "0")
    disclosure.element.get_or_add_pPr().append(ind)


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
