"""meeting_rsvp.docx: the 参会回执 (广东 附件2).

Columns as in the seed; with no attendees (a blank form, or a reply form sent out with a notice) the table
shows the published rows 1, 2, 3 and "…". The footer line names the deadline and the channel.
"""

from __future__ import annotations

from pathlib import Path

from docx.oxml.ns import qn

from service.rendering import ooxml_order as order
from word_templates.build import kit
from word_templates.build.kit import C

# The mode header breaks before its parenthesis and after the slash (explicit line breaks), as the seed's
# form sets it ("参会形式 (线上/ 线下)"), never inside a word: the column then needs only 参会形式's width.
COLUMNS = ("序号", "地市", "单位", "姓名", "电话", "参会形式\n（线上/\n线下）", "备注")
# Portrait type area 156 mm; cells keep 1 mm of padding a side (CELL_PADDING); 小四 is 4.23 mm a Chinese
# character, 2.12 mm a digit. 电话 holds the longest number the payload accepts on one line
# (0755-87654321-123456: 18 digits and two hyphens, 41 mm); numbers go one per line. 序号 (bold) needs 8.5 mm,
# 地市/姓名 three characters 12.7 mm, 参会形式 (bold) 16.9 mm. 单位 takes six characters a line (25.4 mm), so
# a unit's name such as 珠海金湾商业航天产业园管理委员会 needs three lines, and 备注 the rest, four characters a
# line ("接入广州 / 分会场"), no taller than the 单位 beside it: the sample's rows stay two or three lines and
# the form, note included, one page.
WIDTHS = (12, 15.5, 28, 15.5, 44, 19.5, 21.5)
CELL_PADDING_TWIPS = 57
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


NOTE_SIZE = kit.SIZE["四号"]
# The note is set 0.6 pt a character tighter than 四号's em, so the sample's ("此表请于2026年3月19日上午10时前
# 通过粤政易报省工信厅园区处汇总", 455 pt at 四号 with the space both renderers put around digits) fits the
# 442 pt line of the portrait type area on one line as in the seed (434 pt). A longer one breaks between its
# phrases (service.rendering.values.phrase_lines); NOTE_WIDTH_PT leaves 2 pt for the renderer's rounding.
NOTE_TRACKING_PT = -0.6
NOTE_WIDTH_PT = (kit.A4_TWIPS[0] - kit.GBT9704_TWIPS["left"] - kit.GBT9704_TWIPS["right"]) / 20 - 2


def note(doc, text: str) -> None:
    """The footer line under the table, 仿宋 四号, slightly tracked in; flush left, so a line ended by a
    break between phrases is not spread across the line."""
    p = kit.paragraph(doc, text, align="left", indent_chars=0, size=NOTE_SIZE, font=kit.FANGSONG, space_before_pt=8)
    order.child(p.runs[0]._r.get_or_add_rPr(), "w:spacing", val=round(NOTE_TRACKING_PT * 20))


def build(path: Path) -> None:
    doc = kit.new_document(title="参会回执", subject="国家新兴产业发展示范基地申报培训会")
    kit.exact_page(doc)
    kit.page_numbers(doc.sections[0], odd_even=True)
    kit.annex_mark(doc, DEFAULT_ANNEX_MARK)
    title = kit.paragraph(doc, "参会回执", style="Title", indent_chars=0, space_after_pt=14)
    # Letter-spaced as in the seed ("参 会 回 执"), half a character.
    order.child(title.runs[0]._r.get_or_add_rPr(), "w:spacing", val=220)

    rows: list[list[C] | str] = [[C(text, kind="header") for text in COLUMNS]]
    row = [C(text, kind="value", align="left" if i == 2 else "center") for i, text in enumerate(ROW)]
    # The last attendee's row (a copy of the row) and the blank form's "…" row keep with the note under the
    # table: a page never ends with the whole table and leaves the note alone on the next.
    rows += ["{%tr for r in p.rows %}", "{%tr if not loop.last %}", row, "{%tr else %}", row, "{%tr endif %}"]
    kept = [len(rows) - 2]
    rows += ["{%tr endfor %}", "{%tr if not p.rows %}"]
    rows += [[C(n, kind="value")] + [C("", kind="value") for _ in COLUMNS[1:]] for n in BLANK_ROWS]
    kept.append(len(rows) - 1)
    rows.append("{%tr endif %}")
    table = kit.table(doc, WIDTHS, rows, header_rows=1)
    for index in kept:
        kit.keep_with_next(table.rows[index])
    margins = table._tbl.tblPr.find(qn("w:tblCellMar"))
    for edge in ("w:left", "w:right"):
        margins.find(qn(edge)).set(qn("w:w"), str(CELL_PADDING_TWIPS))

    kit.paragraph(doc, "{%p if blank %}")
    note(doc, BLANK_FOOTER)
    kit.paragraph(doc, "{%p else %}")
    note(doc, f"{{{{ p.footer_phrases|phrase_lines({NOTE_WIDTH_PT}, {NOTE_SIZE}, {NOTE_TRACKING_PT}) }}}}")
    kit.paragraph(doc, "{%p endif %}")
    kit.save_deterministic(doc, path)
