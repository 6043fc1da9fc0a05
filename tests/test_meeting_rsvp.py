"""参会回执: the seed's columns and footer line, rows in order, the empty reply form sent with a notice, and
validation of phones, attendance mode, deadline and duplicates."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
from pathlib import Path

import docx
import pytest

from service.payloads import PayloadInvalid
from service.payloads.meeting import deadline_cn
from service.rendering import render, validate
from tests import pdf_layout

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = json.loads((ROOT / "samples" / "meeting_rsvp.json").read_text(encoding="utf-8"))
HEADER = ["序号", "地市", "单位", "姓名", "电话", "参会形式（线上/线下）", "备注"]
FOOTER = "此表请于2026年3月19日上午10时前通过粤政易报省工信厅园区处汇总"


def phone_lines(phone: str) -> str:
    """A phone cell as python-docx reads it: one number a line (w:br), hyphens w:noBreakHyphen read as "-"."""
    return "\n".join(n for n in re.split(r"\s*[,，;；、/]\s*|\s+", phone.strip()) if n)


def rendered(payload: dict) -> docx.document.Document:
    return docx.Document(io.BytesIO(render("meeting_rsvp", payload)))


def test_labels_rows_and_footer():
    document = rendered(SAMPLE)
    paragraphs = [p.text for p in document.paragraphs if p.text]
    assert paragraphs == ["附件2", "参会回执", FOOTER]
    (table,) = document.tables
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert [h.replace("\n", "") for h in rows[0]] == HEADER
    assert rows[1:] == [
        [str(i), r["city"], r["organisation"], r["name"], phone_lines(r["phone"]), r["mode"], r.get("remark", "")]
        for i, r in enumerate(SAMPLE["rows"], start=1)
    ]


def test_reply_form_without_attendees_has_the_published_empty_rows():
    payload = {k: v for k, v in SAMPLE.items() if k != "rows"}
    document = rendered(payload)
    rows = [[c.text for c in r.cells] for r in document.tables[0].rows]
    assert [h.replace("\n", "") for h in rows[0]] == HEADER
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "…"]
    assert all(cell == "" for r in rows[1:] for cell in r[1:])
    assert FOOTER in [p.text for p in document.paragraphs]


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (dt.datetime(2026, 3, 19, 10, 0), "2026年3月19日上午10时"),
        (dt.datetime(2026, 3, 19, 12, 0), "2026年3月19日中午12时"),
        (dt.datetime(2026, 3, 19, 15, 30), "2026年3月19日下午3时30分"),
        (dt.datetime(2026, 3, 19, 19, 0), "2026年3月19日晚上7时"),
    ],
)
def test_deadline_as_notices_write_it(moment, text):
    assert deadline_cn(moment) == text


def test_deadline_accepts_the_chinese_form():
    payload = dict(SAMPLE, deadline="2026年3月19日下午3时")
    assert validate("meeting_rsvp", payload).model.footer.startswith("此表请于2026年3月19日下午3时前")


def errors(payload: dict) -> list:
    with pytest.raises(PayloadInvalid) as info:
        validate("meeting_rsvp", payload)
    return info.value.errors


def test_invalid_phone_mode_and_deadline():
    payload = copy.deepcopy(SAMPLE)
    payload["rows"][0]["phone"] = "8313330"
    payload["rows"][1]["mode"] = "电话"
    payload["deadline"] = "2026-02-30T10:00"
    found = {e.loc: e for e in errors(payload)}
    assert set(found) == {"$.rows[0].phone", "$.rows[1].mode", "$.deadline"}
    assert found["$.rows[0].phone"].code == "phone_format"
    assert found["$.rows[0].phone"].label == "参会人员 / 第 1 行 / 电话"
    assert found["$.rows[1].mode"].code == "not_allowed_value"
    assert (found["$.deadline"].code, found["$.deadline"].label) == ("datetime_invalid", "报送截止时间")
    assert "不存在" in found["$.deadline"].message


def test_same_attendee_twice():
    payload = copy.deepcopy(SAMPLE)
    payload["rows"].append(dict(payload["rows"][2], mode="线下"))
    (error,) = errors(payload)
    assert (error.loc, error.code) == ("$.rows[5].name", "attendee_duplicate")
    assert "第 3 行" in error.message


# --- Print layout (real LibreOffice) and annex mark ---------------------------------------------------------

HEADER_WORDS = ("序号", "地市", "单位", "姓名", "电话", "参会形式", "线上", "线下", "备注", "参会回执")


def test_annex_mark_first_paragraph_settable_and_optional():
    assert next(p.text for p in rendered(SAMPLE).paragraphs if p.text) == "附件2"
    assert next(p.text for p in rendered({**SAMPLE, "annex_mark": "附件5"}).paragraphs if p.text) == "附件5"
    assert next(p.text for p in rendered({**SAMPLE, "annex_mark": ""}).paragraphs if p.text) == "参会回执"
    blank = docx.Document(io.BytesIO(render("meeting_rsvp", blank=True)))
    first = blank.paragraphs[0]
    assert first.text == "附件2"
    assert first.runs[0].element.rPr.rFonts.get(docx.oxml.ns.qn("w:eastAsia")) == "黑体"
    assert first.runs[0].font.size.pt == 16  # 三号


def test_phone_hyphens_do_not_break():
    document = rendered(SAMPLE)
    cell = document.tables[0].rows[3].cells[4]._tc
    assert len(cell.findall(".//" + docx.oxml.ns.qn("w:noBreakHyphen"))) == 2  # 020-87654321-802
    assert len(cell.findall(".//" + docx.oxml.ns.qn("w:br"))) == 1  # two numbers, two lines


LONG_PHONES = {
    **SAMPLE,
    "rows": [
        *SAMPLE["rows"],
        {
            "city": "深圳市",
            "organisation": "深圳市工业和信息化局",
            "name": "欧阳晓明",
            "phone": "0755-87654321-123456；+86-13922245678、0756-2123456",
            "mode": "线上",
        },
    ],
}


@pytest.fixture(scope="module")
def layouts(converter) -> dict[str, tuple[list, list]]:
    out = {}
    for name, kwargs in (("sample", {"payload": LONG_PHONES}), ("blank", {"blank": True})):
        document = render("meeting_rsvp", **kwargs)
        out[name] = (pdf_layout.read_pdf(converter.convert(document)), pdf_layout.text_blocks(document))
    return out


@pytest.mark.parametrize("name", ["sample", "blank"])
def test_pdf_words_whole_and_inside_the_text_block(layouts, name):
    pages, blocks = layouts[name]
    assert all(not page.landscape for page in pages)
    assert pdf_layout.broken_words(pages, HEADER_WORDS) == []
    assert pdf_layout.outside_text_block(pages, blocks) == []
    assert pdf_layout.segments_containing(pages, "附件2")
    lines = pdf_layout.body_lines(pages[0], pdf_layout.block_for(blocks, pages[0]))
    assert lines[0].text == "附件2" and lines[0].x0 == pytest.approx(blocks[0].left, abs=1.5)  # flush left


def test_pdf_phone_numbers_whole_one_per_line(layouts):
    pages, _ = layouts["sample"]
    numbers = [n for r in LONG_PHONES["rows"] for n in re.split(r"\s*[,，;；、/]\s*|\s+", r["phone"]) if n]
    assert len(numbers) == 9
    for number in numbers:
        found = pdf_layout.segments_containing(pages, number)
        assert found, f"{number} is not whole on one line"
        # alone on its line of the cell: nothing but the number in that segment
        assert any(s.text.replace(" ", "") == number for s in found), [s.text for s in found]


# --- One page, the note whole under its table ---------------------------------------------------------------

LONG_NOTE = {**SAMPLE, "deadline": "2026-03-19T15:30", "recipient": "广东省工业和信息化厅工业园区处"}
LONG_NOTE_PHRASES = ("此表请于2026年3月19日下午3时30分前", "通过粤政易", "报广东省工业和信息化厅工业园区处汇总")
# Seven two-line rows fill page 1 exactly: without keep-with the note would start page 2 alone.
SEVEN_ROWS = {**SAMPLE, "rows": [dict(SAMPLE["rows"][3], name=f"黄{n}") for n in "一二三四五六七"]}
NOTE_WORDS = ("此表", "2026", "10时", "粤政易", "省工信厅园区处", "汇总", "下午", "30分", "广东省", "工业和信息化厅")


@pytest.fixture(scope="module")
def page_layouts(converter) -> dict[str, list]:
    cases = {"sample": {"payload": SAMPLE}, "blank": {"blank": True}, "long_note": {"payload": LONG_NOTE}}
    cases["seven_rows"] = {"payload": SEVEN_ROWS}
    return {name: pdf_layout.read_pdf(converter.convert(render("meeting_rsvp", **kw))) for name, kw in cases.items()}


def note_segments(pages: list) -> list:
    return [s for p in pages for s in p.segments if s.text.startswith("此表请于")]


@pytest.mark.parametrize("name", ["sample", "blank"])
def test_sample_and_blank_form_print_on_one_page_note_on_one_line(page_layouts, name):
    pages = page_layouts[name]
    assert len(pages) == 1, f"{len(pages)} pages"
    (note,) = note_segments(pages)
    below = pdf_layout.segment_below(pages[0], note)
    assert below is None or pdf_layout.PAGE_NUMBER.match(below.text), below  # no second line of the note
    if name == "sample":
        assert note.text.replace(" ", "") == FOOTER  # the whole note on one line, as in the seed
    else:
        assert note.text.replace(" ", "") == "此表请于年月日时前通过报汇总"
    assert pdf_layout.broken_words(pages, NOTE_WORDS + HEADER_WORDS) == []


def test_sample_rows_and_remarks_are_short(page_layouts):
    """备注 has room for its words: "接入广州分会场" on two lines of four and three characters, not four lines."""
    (page,) = page_layouts["sample"]
    remarks = [s.text for s in page.segments if s.text in ("接入广州", "分会场", "需预留停", "车位")]
    assert sorted(remarks) == sorted(["接入广州", "分会场", "需预留停", "车位"])


def test_long_note_breaks_between_phrases(page_layouts):
    pages = page_layouts["long_note"]
    assert pdf_layout.broken_words(pages, NOTE_WORDS) == []
    (first,) = note_segments(pages)
    second = pdf_layout.segment_below(pages[-1], first)
    assert second is not None
    lines = [first.text.replace(" ", ""), second.text.replace(" ", "")]
    assert "".join(lines) == "".join(LONG_NOTE_PHRASES)
    assert lines[0] in ("".join(LONG_NOTE_PHRASES[:k]) for k in (1, 2))  # broken where a phrase ends
    # flush left: a line ended by the break is not spread out (each line starts at the text block's left edge)
    assert second.x0 == pytest.approx(first.x0, abs=0.5) and first.x1 - first.x0 < 0.95 * 442


def test_long_note_docx_has_one_break_between_phrases():
    document = rendered(LONG_NOTE)
    (note,) = [p for p in document.paragraphs if p.text.startswith("此表请于")]
    assert note.text.split("\n") in (["".join(LONG_NOTE_PHRASES[:k]), "".join(LONG_NOTE_PHRASES[k:])] for k in (1, 2))


def test_note_never_alone_on_a_page(page_layouts):
    pages = page_layouts["seven_rows"]
    (note,) = note_segments(pages)
    page = next(p for p in pages if note in p.segments)
    rows_on_page = [s.text for s in page.segments if s.text.isdigit() and s.x1 < note.x0 + 40 and s.top < note.top]
    assert rows_on_page, f"the note is alone on page {page.number}"
