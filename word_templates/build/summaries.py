"""The two 推荐汇总表: city_recommendation_summary.docx (广东 附件1) and province_recommendation_summary.docx
(工业和信息化部 附件1).

A filled table lists parks and enterprises in two separate tables (园区类, 企业类), each in priority order and
numbered from 1; the header row repeats on every page a table spans. A blank form is the table as published:
one table with rows 1, 2, 3 and "…".
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from word_templates.build import kit
from word_templates.build.kit import C

IDEOGRAPHIC_SPACE = "\u3000"
# The category header breaks before its parenthesis (an explicit line break), never inside a word.
CITY_COLUMNS = ("序号", "申报单位名称", "园区/企业名称", "申报类别\n（园区/企业）", "申报创建领域", "备注")
# Landscape type area 225 mm. 小四 is 4.23 mm a Chinese character, cells lose 2.8 mm to margins: 序号 (bold)
# needs 11.3 mm, （园区/企业） 29.4 mm, the longest 创建领域 (智能网联新能源汽车, 9 characters) 41 mm so that a
# field name never wraps; the names of applicants and objects take the rest.
CITY_WIDTHS = (13, 58, 58, 30, 41, 25)
PROVINCE_COLUMNS = CITY_COLUMNS[:5]
PROVINCE_WIDTHS = (13, 70, 70, 30, 41)
DEFAULT_ANNEX_MARK = "附件1"
ROW_FIELDS = ("{{ r.priority }}", "{{ r.applicant }}", "{{ r.name }}", "{{ r.category }}", "{{ r.creation_field }}")
BLANK_ROWS = ("1", "2", "3", "…")
CITY_NOTE = "注：请按推荐优先级排序，园区类和企业类分别单独列表。"


def _header_row(columns: Sequence[str]) -> list[C]:
    return [C(text, kind="header") for text in columns]


def _blank_table(doc, columns: Sequence[str], widths: Sequence[float]) -> None:
    rows: list[Sequence[C] | str] = [_header_row(columns)]
    rows += [[C(n, kind="value")] + [C("", kind="value") for _ in columns[1:]] for n in BLANK_ROWS]
    kit.table(doc, widths, rows, header_rows=1)


def _filled_table(doc, collection: str, columns: Sequence[str], widths: Sequence[float], *, remark: bool) -> None:
    cells = [C(text, kind="value", align="center" if i in (0, 3) else "left") for i, text in enumerate(ROW_FIELDS)]
    if remark:
        cells.append(C("{{ r.remark }}", kind="value", align="left"))
    kit.table(
        doc,
        widths,
        [_header_row(columns), f"{{%tr for r in p.{collection} %}}", cells, "{%tr endfor %}"],
        header_rows=1,
    )


def _recommender_line(doc) -> None:
    p = kit.paragraph(
        doc,
        "推荐单位（盖章）：",
        indent_chars=0,
        size=kit.SIZE["四号"],
        font=kit.FANGSONG,
        space_before_pt=6,
        space_after_pt=6,
    )
    value = p.add_run("{{ p.recommender or '" + IDEOGRAPHIC_SPACE * 10 + "' }}")
    kit.set_fonts(value, kit.FANGSONG, kit.SIZE["四号"])
    value.font.underline = True


def _caption(doc, text: str) -> None:
    """A caption kept on the page of its table's first rows (w:keepNext; the header row keeps with the next)."""
    p = kit.paragraph(
        doc, text, indent_chars=0, font=kit.HEITI, size=kit.SIZE["四号"], space_before_pt=6, space_after_pt=3
    )
    p.paragraph_format.keep_with_next = True


def build_summary(
    path: Path, *, title: str, columns: Sequence[str], widths: Sequence[float], note: str | None, doc_title: str
) -> None:
    doc = kit.new_document(title=doc_title, subject="国家新兴产业发展示范基地创建遴选")
    # Landscape sheets are not bound like a 公文's portrait pages: no mirrored margins.
    kit.exact_page(doc, landscape=True, mirror=False)
    kit.page_numbers(doc.sections[0], odd_even=True)
    kit.annex_mark(doc, DEFAULT_ANNEX_MARK)
    kit.paragraph(doc, title, style="Title", indent_chars=0)
    _recommender_line(doc)
    remark = "备注" in columns
    kit.paragraph(doc, "{%p if blank %}")
    _blank_table(doc, columns, widths)
    kit.paragraph(doc, "{%p else %}")
    for collection, caption in (("parks", "园区类"), ("enterprises", "企业类")):
        kit.paragraph(doc, f"{{%p if p.{collection} %}}")
        _caption(doc, caption)
        _filled_table(doc, collection, columns, widths, remark=remark)
        kit.paragraph(doc, "{%p endif %}")
    kit.paragraph(doc, "{%p endif %}")
    if note:
        kit.paragraph(doc, note, indent_chars=0, size=kit.SIZE["四号"], font=kit.FANGSONG, space_before_pt=6)
    else:
        kit.paragraph(doc, "", indent_chars=0)  # a document does not end with a table
    kit.save_deterministic(doc, path)


def build_city(path: Path) -> None:
    build_summary(
        path,
        title="{{ p.region or '××市' }}国家新兴产业发展示范基地创建对象推荐汇总表",
        columns=CITY_COLUMNS,
        widths=CITY_WIDTHS,
        note=CITY_NOTE,
        doc_title="国家新兴产业发展示范基地创建对象推荐汇总表（地市）",
    )


def build_province(path: Path) -> None:
    build_summary(
        path,
        title="国家新兴产业发展示范基地创建对象推荐汇总表",
        columns=PROVINCE_COLUMNS,
        widths=PROVINCE_WIDTHS,
        note=None,
        doc_title="国家新兴产业发展示范基地创建对象推荐汇总表",
    )
