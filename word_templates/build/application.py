"""Builder code shared by the two application forms (附件2 示范园区, 附件3 示范企业).

Both forms have the same cover, 二、创建工作方案 (five parts, each with an instruction line that differs
slightly per form), 三、附件清单 (eight items, different per form) and 四、推荐单位意见; the per-form texts
come in a `FormTexts`.

Table layout: every block of 一、基本情况 (a seed row such as "近三年主要发展指标" that spans the table and
the rows under it) is its own table. Blocks of numbers share one 5-column grid (`GRID`), so that they
line up as one form: the year rows use the five columns (项目/年度, 2023 年, 2024 年, 2025 年, 近三年平均值); a
row with two label/value pairs uses four cells (label, value, label spanning two columns, value), as the
seed lays them out. The 基本信息 blocks hold names, addresses and phones and use a 4-column grid of two
equal label/value pairs (`TEXT_GRID`). Separate tables (with a 1-pt paragraph between them: Word and
LibreOffice join adjacent tables into one) let each block's title row and column-header row repeat when
the block crosses a page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import Table, _Cell

from word_templates.build import kit
from word_templates.build.kit import C

# Type area 156 mm: label | 2023 | 2024 | 2025 | 近三年平均值 (wide enough for that header on one line).
GRID = (52, 25, 25, 25, 29)
WIDTH = len(GRID)
# Blocks of text values (基本信息: names, addresses, dates, phones) use four columns, two label/value pairs.
TEXT_GRID = (38, 44, 32, 42)
YEAR_FIELDS = ("y2023", "y2024", "y2025", "average")
NARRATIVE_INSTRUCTION = "详细描述有关情况（不超过 2000 字）。"
IDEOGRAPHIC_SPACE = "\u3000"
BLANK_NARRATIVE_LINES = 8
BLANK_OPINION_LINES = 12


@dataclass(frozen=True)
class FormTexts:
    """What differs between the two forms in the shared parts."""

    mark: str
    """附件2 / 附件3"""
    kind: str
    """示范园区 / 示范企业"""
    plan_instructions: Sequence[str]
    """The instruction line under each of the five parts of 二、创建工作方案."""
    attachment_items: Sequence[str]
    """The eight items of 三、附件清单, with their numbers and punctuation as in the seed."""


TITLE = "国家新兴产业发展示范基地创建申请书"
PLAN_PARTS = (
    ("（一）发展基础", "development_basis"),
    ("（二）总体思路", "overall_approach"),
    ("（三）重点任务", "key_tasks"),
    ("（四）进度安排", "schedule"),
    ("（五）保障措施", "safeguards"),
)


# --- Cover ----------------------------------------------------------------------------------------------------

# label | value (underlined by a bottom border, wraps within its column) | （盖章）
COVER_GRID = (32, 96, 28)
COVER_LINES = (
    ("申报单位：", "{{ p.cover.applicant }}", "（盖章）"),
    ("申报领域：", "{{ p.cover.creation_field }}", ""),
    ("推荐单位：", "{{ p.cover.recommender }}", "（盖章）"),
    ("填报日期：", "{{ p.cover.fill_date|date_cn }}", ""),
)


def _set_borders(element, tag: str, edges: dict[str, str]) -> None:
    """Replace the borders (`w:tblBorders` or `w:tcBorders`) of a table or cell property element."""
    for old in element.findall(qn(f"w:{tag}")):
        element.remove(old)
    borders = OxmlElement(f"w:{tag}")
    for edge, val in edges.items():
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), val)
        if val != "nil":
            el.set(qn("w:sz"), "6")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        borders.append(el)
    element.append(borders)


def _cover_table(doc) -> None:
    """The four cover lines as a borderless table: long names wrap under themselves, not under the label."""
    tbl = kit.table(doc, COVER_GRID, [[C(label), C(value), C(suffix)] for label, value, suffix in COVER_LINES])
    tbl_pr = tbl._tbl.tblPr
    _set_borders(tbl_pr, "tblBorders", {e: "nil" for e in ("top", "left", "bottom", "right", "insideH", "insideV")})
    normal = doc.styles["Normal"]
    for index, row in enumerate(tbl.rows):
        height = OxmlElement("w:trHeight")
        height.set(qn("w:val"), str(int(15 * 56.7)))
        height.set(qn("w:hRule"), "atLeast")
        row._tr.get_or_add_trPr().append(height)
        for col, cell in enumerate(row.cells):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
            for p in cell.paragraphs:
                p.style = normal
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER if col == 1 else WD_ALIGN_PARAGRAPH.LEFT
            if col == 1 and index < len(COVER_LINES) - 1:  # the date line has its own 年 月 日
                _set_borders(cell._tc.get_or_add_tcPr(), "tcBorders", {"bottom": "single"})


def cover(doc, texts: FormTexts) -> None:
    """The cover page as in the seed, then a new section whose pages are numbered from 1."""
    kit.paragraph(doc, texts.mark, font=kit.HEITI, size=kit.SIZE["三号"], indent_chars=0, align="left")
    kit.paragraph(doc, TITLE, style="Title", indent_chars=0, space_before_pt=84)
    kit.paragraph(doc, f"（{texts.kind}）", style="Title", indent_chars=0)
    kit.paragraph(doc, "", indent_chars=0, space_before_pt=60)
    _cover_table(doc)
    last = kit.paragraph(doc, "工业和信息化部制", align="center", indent_chars=0, space_before_pt=96)

    body = kit.new_section(doc)
    # python-docx ends the cover section with an extra empty paragraph holding its w:sectPr; move that
    # w:sectPr into the last cover paragraph so that the cover keeps its room for wrapped lines.
    holder = last._p.getnext()
    last._p.get_or_add_pPr().append(holder.pPr.sectPr)
    holder.getparent().remove(holder)
    body.footer.is_linked_to_previous = False
    kit.page_numbers(body, odd_even=False)


# --- Table rows -------------------------------------------------------------------------------------------------


def section_row(title: str, width: int = WIDTH) -> list[C]:
    return [C(title, span=width, kind="section")]


def year_header() -> list[C]:
    return (
        [C("项目/年度", kind="header")]
        + [C(f"{y} 年", kind="header") for y in (2023, 2024, 2025)]
        + [C("近三年平均值", kind="header")]
    )


def year_row(label: str, series: str) -> list[C]:
    """A row of a year table: the label, the three years and the computed 近三年平均值."""
    return [C(label)] + [C("{{ " + f"{series}.{field}" + " }}", kind="value") for field in YEAR_FIELDS]


def pair_row(label1: str, value1: str, label2: str, value2: str) -> list[C]:
    """Two label/number pairs in four cells of `GRID` (the second label spans two grid columns)."""
    return [
        C(label1),
        C("{{ " + value1 + " }}", kind="value"),
        C(label2, span=2),
        C("{{ " + value2 + " }}", kind="value"),
    ]


def text_row(label: str, value: str, width: int = len(TEXT_GRID)) -> list[C]:
    """A label and a text value spanning the rest of the row (名称, 地址 …)."""
    return [C(label), C("{{ " + value + " }}", span=width - 1, kind="value", align="left")]


def text_pair_row(label1: str, value1: str, label2: str, value2: str) -> list[C]:
    """Two label/text-value pairs on the 4-column `TEXT_GRID`."""
    return [
        C(label1),
        C("{{ " + value1 + " }}", kind="value", align="left"),
        C(label2),
        C("{{ " + value2 + " }}", kind="value", align="left"),
    ]


def number_row(label: str, value: str) -> list[C]:
    """A long label and one value in the last column (加权数量, 专利数量 …)."""
    return [C(label, span=WIDTH - 1), C("{{ " + value + " }}", kind="value")]


# --- Blocks ---------------------------------------------------------------------------------------------------


class Blocks:
    """Adds the blocks of a form's table one after the other, with a 1-pt paragraph between them."""

    def __init__(self, doc) -> None:
        self.doc = doc
        self.count = 0

    def _gap(self) -> None:
        if self.count:
            p = kit.paragraph(self.doc, "", style="Table Text", line_pt=1)
            rpr = OxmlElement("w:rPr")
            size = OxmlElement("w:sz")
            size.set(qn("w:val"), "2")
            rpr.append(size)
            p._p.get_or_add_pPr().append(rpr)
        self.count += 1

    def table(self, rows: Sequence[Sequence[C] | str], *, header_rows: int = 1, grid: Sequence[float] = GRID) -> Table:
        self._gap()
        return kit.table(self.doc, grid, rows, header_rows=header_rows)

    def years(self, title: str, rows: Sequence[tuple[str, str]], extra: Sequence[Sequence[C]] = ()) -> Table:
        """A year table: title row, column headers (both repeat on a new page), year rows, other rows."""
        body: list[Sequence[C]] = [section_row(title), year_header()]
        body += [year_row(label, expr) for label, expr in rows]
        body += list(extra)
        return self.table(body, header_rows=2)

    def narrative(self, title: str, expression: str) -> Table:
        """A title row and one cell with the instruction and the applicant's text, one paragraph per line."""
        tbl = self.table([section_row(title), [C("", span=WIDTH, kind="narrative")]], header_rows=1)
        narrative_cell(tbl.rows[1].cells[0], expression)
        return tbl


def narrative_cell(cell: _Cell, expression: str) -> None:
    """Instruction line, then the text split into indented paragraphs (blank form: empty lines to write on)."""
    first = cell.paragraphs[0]
    first.style = cell.part.document.styles["Table Text"]
    first.add_run(NARRATIVE_INSTRUCTION)
    kit.paragraph(cell, "{%p if blank %}", style="Table Text")
    for _ in range(BLANK_NARRATIVE_LINES):
        kit.paragraph(cell, "", style="Table Text")
    kit.paragraph(cell, "{%p else %}", style="Table Text")
    kit.narrative_paragraphs(cell, expression)
    kit.paragraph(cell, "{%p endif %}", style="Table Text")


def fill_runs(cell: _Cell, parts: Sequence[tuple[str, bool]]) -> None:
    """Write (text, underlined) runs into a cell's first paragraph (checkbox rows with an '其他____' blank)."""
    p = cell.paragraphs[0]
    for text, underline in parts:
        run = p.add_run(text)
        if underline:
            run.font.underline = True


def underlined_blank(expression: str, width: int = 8) -> list[tuple[str, bool]]:
    """An underlined value, or underlined spaces to write on when it is empty.

    No quoted string inside the tags: LibreOffice writes quotes in text as &apos;/&quot; when it re-saves
    the template, which Jinja then cannot parse; the spaces are literal text between the tags instead.
    """
    tags = "{{ " + expression + " }}{% if not " + expression + " %}" + IDEOGRAPHIC_SPACE * width + "{% endif %}"
    return [(tags, True)]


# --- 二、三、四 -------------------------------------------------------------------------------------------------


def creation_plan(doc, texts: FormTexts) -> None:
    kit.paragraph(doc, "二、创建工作方案（每部分不超过 2000 字）", style="Heading 1")
    for (heading, field), instruction in zip(PLAN_PARTS, texts.plan_instructions, strict=True):
        kit.paragraph(doc, heading, style="Heading 2")
        kit.paragraph(doc, instruction, style="Body Text Indent 2 Chars")
        kit.narrative_paragraphs(doc, f"p.creation_plan.{field}", style="Body Text Indent 2 Chars")


def attachment_list(doc, texts: FormTexts) -> None:
    """三、附件清单: the seed's eight lines; with page references (`attachments`), each item's files below it."""
    if len(texts.attachment_items) != 8:
        raise ValueError("附件清单 has eight items")
    kit.paragraph(doc, "三、附件清单", style="Heading 1")
    kit.paragraph(doc, "有关说明或证明材料，包括但不限于：", style="Body Text Indent 2 Chars")
    style = "Body Text Indent 2 Chars"
    for number, item in enumerate(texts.attachment_items, start=1):
        kit.paragraph(doc, item, style=style)
        for line in (
            "{%p if attachments is not none %}",
            f"{{%p for a in attachments if a.item == {number} %}}",
            "{%p for f in a.files %}",
            "（{{ loop.index }}）{{ f.title }}（第 {{ f.first_page }}"
            "{% if f.last_page != f.first_page %}–{{ f.last_page }}{% endif %} 页）",
            "{%p else %}",
            "（未提供）",
            "{%p endfor %}",
            "{%p endfor %}",
            "{%p endif %}",
        ):
            p = kit.paragraph(doc, line, style=style)
            p.paragraph_format.left_indent = Mm(11)


def recommendation(doc) -> None:
    """四、推荐单位意见: a box with 推荐意见, the opinion (or room to write it), the seal mark and the date."""
    # On a page of its own, to be signed and sealed: the box fits there whole, and a long opinion may
    # still continue on the next page (the row may split; Word would cut off a row taller than a page).
    heading = kit.paragraph(doc, "四、推荐单位意见", style="Heading 1")
    heading.paragraph_format.page_break_before = True
    tbl = kit.table(doc, (28, 128), [[C("推荐意见", align="center"), C("", kind="narrative")]])
    row = tbl.rows[0]
    tr_pr = row._tr.get_or_add_trPr()
    for cant in tr_pr.findall(qn("w:cantSplit")):
        tr_pr.remove(cant)
    cell = row.cells[1]
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    first = cell.paragraphs[0]
    first.style = doc.styles["Table Text"]
    first.add_run("{%p if p.recommendation.opinion %}")
    kit.narrative_paragraphs(cell, "p.recommendation.opinion")
    kit.paragraph(cell, "{%p else %}", style="Table Text")
    for _ in range(BLANK_OPINION_LINES):
        kit.paragraph(cell, "", style="Table Text")
    kit.paragraph(cell, "{%p endif %}", style="Table Text")
    for text, before, after in (("[章]", 36, 0), ("{{ p.recommendation.date|date_cn }}", 0, 12)):
        p = kit.paragraph(cell, text, style="Table Text", space_before_pt=before, space_after_pt=after)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.right_indent = Mm(12)


def finish(doc, texts: FormTexts) -> None:
    """The parts after 一、基本情况, identical in structure for both forms."""
    creation_plan(doc, texts)
    attachment_list(doc, texts)
    recommendation(doc)
