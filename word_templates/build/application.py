"""Builder code shared by the two application forms (附件2 示范园区, 附件3 示范企业).

Both forms have the same cover, 二、创建工作方案 (five parts, each with an instruction line that differs
slightly per form), 三、附件清单 (eight items, different per form) and 四、推荐单位意见; the per-form texts
come in a `FormTexts`.

Table layout: 一、基本情况 is ONE ruled table, as the seed prints it, so that there are no doubled rules
between blocks and every vertical rule stands on one fine grid (`GRID`, the union of the column edges the
blocks need). Each block (a seed row such as "近三年主要发展指标" that spans the table and the rows under
it) merges grid columns with gridSpan: year rows are 项目/年度 | 2023 年 | 2024 年 | 2025 年 | 近三年平均值;
number pairs are label | value | label | value; the 基本信息 rows are two text label/value pairs. No row
repeats on a new page (a repeated header row is only possible at the top of a table, and the year header
would then stand above rows without years); instead a block's title row and column-header row keep with
the row after them, so a header never ends a page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import Table, _Cell

from service.rendering import ooxml_order
from word_templates.build import kit
from word_templates.build.kit import C

# Type area 156 mm. Column edges (mm from the left): number blocks 0 | 52 | 77 | 102 | 127 | 156 (label, 2023,
# 2024, 2025, 近三年平均值 wide enough for that header on one line); text blocks 0 | 38 | 77 | 109 | 156 (two
# label/value pairs; 38 mm holds 统一社会信用代码, 32 mm holds 负责人及职务). The fine grid is their union.
GRID = (38, 14, 25, 25, 7, 18, 29)
WIDTH = len(GRID)
# Spans on `GRID` of the cells of a number row (label, three years, average) and of a text-pair row.
YEAR_SPANS = (2, 1, 1, 2, 1)
TEXT_SPANS = (1, 2, 2, 2)
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

# label | value (underlined by a bottom border) | （盖章）. A name too long for one line comes as several lines
# broken between words (CoverInfo.applicant_lines), one table row each, every line underlined, the label
# on the first and （盖章） on the last, as offices write a long name by hand.
COVER_GRID = (32, 96, 28)


def _cover_lines(field: str, label: str, suffix: str) -> list[Sequence[C] | str]:
    # A blank form has no lines: one empty underlined line to write on ([none] prints as nothing).
    return [
        f"{{%tr for line in p.cover.{field}_lines or [none] %}}",
        [
            C("{% if loop.first %}" + label + "{% endif %}"),
            C("{{ line }}"),
            C("{% if loop.last %}" + suffix + "{% endif %}" if suffix else ""),
        ],
        "{%tr endfor %}",
    ]


COVER_ROWS: list[Sequence[C] | str] = [
    *_cover_lines("applicant", "申报单位：", "（盖章）"),
    [C("申报领域："), C("{{ p.cover.creation_field }}"), C("")],
    *_cover_lines("recommender", "推荐单位：", "（盖章）"),
    [C("填报日期："), C("{{ p.cover.fill_date|date_cn }}"), C("")],
]


def _set_borders(element, tag: str, edges: dict[str, str]) -> None:
    """Replace the borders (`w:tblBorders` or `w:tcBorders`) of a table or cell property element."""
    borders = ooxml_order.replace_child(element, f"w:{tag}")
    for edge, val in edges.items():
        attrs = {"val": val} if val == "nil" else {"val": val, "sz": "6", "space": "0", "color": "000000"}
        ooxml_order.child(borders, f"w:{edge}", **attrs)


def _cover_table(doc) -> None:
    """The cover lines as a borderless table: long names wrap under themselves, not under the label."""
    tbl = kit.table(doc, COVER_GRID, COVER_ROWS)
    tbl_pr = tbl._tbl.tblPr
    _set_borders(tbl_pr, "tblBorders", {e: "nil" for e in ("top", "left", "bottom", "right", "insideH", "insideV")})
    normal = doc.styles["Normal"]
    for index, row in enumerate(tbl.rows):
        if isinstance(COVER_ROWS[index], str):
            continue  # a row tag: docxtpl replaces the whole row
        ooxml_order.child(row._tr.get_or_add_trPr(), "w:trHeight", val=str(int(15 * 56.7)), hRule="atLeast")
        for col, cell in enumerate(row.cells):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
            for p in cell.paragraphs:
                p.style = normal
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER if col == 1 else WD_ALIGN_PARAGRAPH.LEFT
            if col == 1 and index < len(COVER_ROWS) - 1:  # the date line has its own 年 月 日
                _set_borders(cell._tc.get_or_add_tcPr(), "tcBorders", {"bottom": "single"})


def cover(doc, texts: FormTexts) -> None:
    """The cover page as in the seed, then a new section whose pages are numbered from 1.

    The annex mark (附件2/附件3, `p.annex_mark`, may be empty) is the first paragraph, top left of the
    cover as in the seed; the 公文 composer replaces it with its own number. A blank form prints the default.
    An empty mark leaves its line empty rather than removing it, so that the rest of the cover stays in place.
    """
    mark = "{% if blank %}" + texts.mark + "{% else %}{{ p.annex_mark }}{% endif %}"
    kit.paragraph(doc, mark, font=kit.HEITI, size=kit.SIZE["三号"], indent_chars=0, align="left")
    kit.paragraph(doc, TITLE, style="Title", indent_chars=0, space_before_pt=84)
    kit.paragraph(doc, f"（{texts.kind}）", style="Title", indent_chars=0)
    kit.paragraph(doc, "", indent_chars=0, space_before_pt=60)
    _cover_table(doc)
    last = kit.paragraph(doc, "工业和信息化部制", align="center", indent_chars=0, space_before_pt=96)

    body = kit.new_section(doc)
    # python-docx ends the cover section with an extra empty paragraph holding its w:sectPr; move that
    # w:sectPr into the last cover paragraph so that the cover keeps its room for wrapped lines.
    holder = last._p.getnext()
    ooxml_order.set_child(last._p.get_or_add_pPr(), holder.pPr.sectPr)
    holder.getparent().remove(holder)
    body.footer.is_linked_to_previous = False
    kit.page_numbers(body, odd_even=False)


# --- Table rows -------------------------------------------------------------------------------------------------


def section_row(title: str) -> list[C]:
    return [C(title, span=WIDTH, kind="section")]


def year_header() -> list[C]:
    labels = ["项目/年度", "2023 年", "2024 年", "2025 年", "近三年平均值"]
    return [C(text, span=span, kind="header") for text, span in zip(labels, YEAR_SPANS, strict=True)]


def year_row(label: str, series: str) -> list[C]:
    """A row of a year block: the label, the three years and the computed 近三年平均值."""
    texts = [label] + ["{{ " + f"{series}.{field}" + " }}" for field in YEAR_FIELDS]
    kinds = ["label"] + ["value"] * len(YEAR_FIELDS)
    return [C(text, span=span, kind=kind) for text, span, kind in zip(texts, YEAR_SPANS, kinds, strict=True)]


def pair_row(label1: str, value1: str, label2: str, value2: str) -> list[C]:
    """Two label/number pairs; the second label spans the columns of 2024 and 2025, as in the seed."""
    return [
        C(label1, span=YEAR_SPANS[0]),
        C("{{ " + value1 + " }}", kind="value"),
        C(label2, span=YEAR_SPANS[2] + YEAR_SPANS[3]),
        C("{{ " + value2 + " }}", kind="value"),
    ]


def text_row(label: str, value: str) -> list[C]:
    """A label and a text value spanning the rest of the row (名称, 地址 …)."""
    return [C(label), C("{{ " + value + " }}", span=WIDTH - 1, kind="value", align="left")]


def text_pair_row(label1: str, value1: str, label2: str, value2: str) -> list[C]:
    """Two label/text-value pairs (dates, names, phones)."""
    texts = [label1, "{{ " + value1 + " }}", label2, "{{ " + value2 + " }}"]
    kinds = ["label", "value", "label", "value"]
    return [
        C(text, span=span, kind=kind, align="left") for text, span, kind in zip(texts, TEXT_SPANS, kinds, strict=True)
    ]


def number_row(label: str, value: str) -> list[C]:
    """A long label and one value in the last column (加权数量, 专利数量 …)."""
    return [C(label, span=WIDTH - 1), C("{{ " + value + " }}", kind="value")]


# --- The form -------------------------------------------------------------------------------------------------

CellHook = Callable[[_Cell], None]


class Form:
    """Collects the blocks of 一、基本情况 in order and builds them as one table on `GRID`.

    `hook(row, col, fn)` runs fn on a cell once the table exists (checkbox runs, narrative paragraphs):
    row counts from the block's first row, col is a grid column.
    """

    def __init__(self) -> None:
        self.rows: list[Sequence[C] | str] = []
        self.keep: set[int] = set()
        self.hooks: list[tuple[int, int, CellHook]] = []

    def block(self, rows: Sequence[Sequence[C] | str], *, lead_rows: int = 1) -> int:
        """Add a block; its first `lead_rows` rows (title, column headers) keep with the row after them."""
        first = len(self.rows)
        self.rows += list(rows)
        self.keep.update(range(first, first + lead_rows))
        return first

    def hook(self, first: int, row: int, col: int, fn: CellHook) -> None:
        self.hooks.append((first + row, col, fn))

    def years(self, title: str, rows: Sequence[tuple[str, str]], extra: Sequence[Sequence[C]] = ()) -> int:
        """A year block: title row, column headers, year rows, other rows."""
        body: list[Sequence[C]] = [section_row(title), year_header()]
        body += [year_row(label, expr) for label, expr in rows]
        body += list(extra)
        return self.block(body, lead_rows=2)

    def narrative(self, title: str, expression: str) -> int:
        """A title row and one cell with the instruction and the applicant's text, one paragraph per line."""
        first = self.block([section_row(title), [C("", span=WIDTH, kind="narrative")]])
        self.hook(first, 1, 0, lambda cell: narrative_cell(cell, expression))
        return first

    def build(self, doc) -> Table:
        tbl = kit.table(doc, GRID, self.rows)
        for index in sorted(self.keep):
            for tc in tbl.rows[index]._tr.tc_lst:
                for p in tc.iter(qn("w:p")):
                    ooxml_order.child(p.get_or_add_pPr(), "w:keepNext")
        for row, col, fn in self.hooks:
            fn(tbl.rows[row].cells[col])
        fix_cell_widths(tbl, GRID)
        return tbl


def fix_cell_widths(tbl: Table, grid_mm: Sequence[float]) -> None:
    """Each cell's tcW is the sum of the grid columns it spans (Word lays out merged cells from tcW)."""
    twips = [int(w * 56.7) for w in grid_mm]
    for tr in tbl._tbl.tr_lst:
        col = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            ooxml_order.child(tc.get_or_add_tcPr(), "w:tcW", w=sum(twips[col : col + span]), type="dxa")
            col += span


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
