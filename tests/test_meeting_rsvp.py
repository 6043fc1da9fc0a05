"""参会回执: the seed's columns and footer line, rows in order, the empty reply form sent with a notice, and
validation of phones, attendance mode, deadline and duplicates."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from pathlib import Path

import docx
import pytest

from service.payloads import PayloadInvalid
from service.payloads.meeting import deadline_cn
from service.rendering import render, validate

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = json.loads((ROOT / "samples" / "meeting_rsvp.json").read_text(encoding="utf-8"))
HEADER = ["序号", "地市", "单位", "姓名", "电话", "参会形式（线上/线下）", "备注"]
FOOTER = "此表请于2026年3月19日上午10时前通过粤政易报省工信厅园区处汇总"


def rendered(payload: dict) -> docx.document.Document:
    return docx.Document(io.BytesIO(render("meeting_rsvp", payload)))


def test_labels_rows_and_footer():
    document = rendered(SAMPLE)
    paragraphs = [p.text for p in document.paragraphs if p.text]
    assert paragraphs == ["参会回执", FOOTER]
    (table,) = document.tables
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == HEADER
    assert rows[1:] == [
        [str(i), r["city"], r["organisation"], r["name"], r["phone"], r["mode"], r.get("remark", "")]
        for i, r in enumerate(SAMPLE["rows"], start=1)
    ]


def test_reply_form_without_attendees_has_the_published_empty_rows():
    payload = {k: v for k, v in SAMPLE.items() if k != "rows"}
    document = rendered(payload)
    rows = [[c.text for c in r.cells] for r in document.tables[0].rows]
    assert rows[0] == HEADER
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
