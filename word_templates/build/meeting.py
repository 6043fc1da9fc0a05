"""meeting_rsvp.docx: the 参会回执 (广东 附件2).

Columns as in the seed; with no attendees (a blank form, or a reply form sent out with a notice) the table
shows the published rows 1, 2, 3 and "…". The footer line names the deadline and the channel.
"""

from __future__ import annotations

from pathlib import Path

from service.rendering import ooxml_order as order
from word_templates.build import kit
from word_templates.build.kit import C

# The mode header breaks before its parenthesis (an explicit line break), never inside a word.
COLUMNS = ("序号", "地市", "单位", "姓名", "电话", "参会形式\n（线上/线下）", "备注")
# Portrait type area 156 mm; cells lose 2.8 mm to margins; 小四 is 4.23 mm a Chinese character, 2.12 mm a digit.
# 电话 holds the longest number the payload accepts on one line (0755-87654321-123456: 18 digits and two
# hyphens, 43.7 mm); numbers go one per line. 序号 (bold) needs 11.3 mm, 地市/姓名 three characters 15.5 mm,
# （线上/线下） 29.4 mm.
WIDTHS = (13, 16, 25, 16, 44, 30, 12)
ROW = (
    "{{ loop.index }}",
    "{{ r.city }}",
    "{{ r.organisation }}",
    "{{ r.name }}",
    "{{ r.phone|phone_lines }}",
    "{{ r.mode }}",
    "{{ r.remark }}",
)
BLANK_ROWS = ("1", "2", "3", "…")
DEFAULT_ANNEX_MARK = "附件2"
BLANK_FOOTER = "此表请于      年    月    日    时前通过            报            汇总"


def build(path: Path) -> None:
    doc = kit.new_document(title="参会回执", subject="国家新兴产业发展示范基地申报培训会")
    kit.exact_page(doc)
    kit.page_numbers(doc.sections[0], odd_even=True)
    kit.annex_mark(doc, DEFAULT_ANNEX_MARK)
    title = kit.paragraph(doc, "参会回执", style="Title", indent_chars=0, space_after_pt=14)
    # Letter-spaced as in the seed ("参 会 回 执"), half a character.
    order.child(title.runs[0]._r.get_or_add_rPr(), "w:spacing", val=220)

    rows: list[list[C] | str] = [[C(text, kind="header") for text in COLUMNS]]
    rows.append("{%tr for r in p.rows %}")
    rows.append([C(text, kind="value", align="left" if i == 2 else "center") for i, text in enumerate(ROW)])
    rows.append("{%tr endfor %}")
    rows.append("{%tr if not p.rows %}")
    rows += [[C(n, kind="value")] + [C("", kind="value") for _ in COLUMNS[1:]] for n in BLANK_ROWS]
    rows.append("{%tr endif %}")
    kit.table(doc, WIDTHS, rows, header_rows=1)

    kit.paragraph(doc, "{%p if blank %}")
    kit.paragraph(doc, BLANK_FOOTER, indent_chars=0, size=kit.SIZE["四号"], font=kit.FANGSONG, space_before_pt=8)
    kit.paragraph(doc, "{%p else %}")
    kit.paragraph(doc, "{{ p.footer }}", indent_chars=0, size=kit.SIZE["四号"], font=kit.FANGSONG, space_before_pt=8)
    kit.paragraph(doc, "{%p endif %}")
    kit.save_deterministic(doc, path)
