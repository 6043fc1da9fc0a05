"""GB/T 9704-2012 positions of the 公文, measured on the PDF that LibreOffice prints (pdfplumber).

Where the standard fixes an edge of printed characters (the mark's top edge, the 发文字号's bottom edge, the
page number's dash), the test measures the ink, not pdfplumber's character box: that box runs from one em
above the baseline down to the baseline, while a CJK font draws its characters 0.12 em lower (in an em box
0.88 em above to 0.12 em below the baseline), and the dash "—" is a thin stroke low in its box. `ink_rows`
renders the line's region with pdftoppm at 600 dpi (0.04 mm a pixel) and finds its first and last inked rows.
Tolerance ±1.5 mm.
"""

from __future__ import annotations

import io
import itertools
import json
import subprocess
from pathlib import Path

import jieba
import pdfplumber
import pytest
from PIL import Image

from service.conversion import convert_to_pdf
from service.payloads import PayloadInvalid
from service.rendering import render
from service.rendering.compose import break_title

ROOT = Path(__file__).resolve().parents[1]
MM = 72 / 25.4
TOLERANCE = 1.5
TYPE_AREA = {"top": 37.0, "bottom": 297.0 - 35.0}
RED = (1.0, 0.0, 0.0)
INK_DPI = 600


def sample(name: str) -> dict:
    return json.loads((ROOT / "samples" / f"{name}.json").read_text(encoding="utf-8"))


def to_pdf(payload: dict) -> pdfplumber.PDF:
    return pdfplumber.open(io.BytesIO(convert_to_pdf(render("official_document", payload))))


@pytest.fixture(scope="module")
def notice() -> pdfplumber.PDF:
    return to_pdf(sample("official_document"))


@pytest.fixture(scope="module")
def letter() -> pdfplumber.PDF:
    return to_pdf(sample("city_recommendation_letter"))


@pytest.fixture(scope="module")
def numbered() -> pdfplumber.PDF:
    """The letter's text in the ordinary 文件 format (it has a 发文字号)."""
    return to_pdf({**sample("city_recommendation_letter"), "format": "文件"})


def lines(page) -> list[tuple[float, float, str, tuple]]:
    """(top mm, bottom mm, text, colour) per printed line."""
    rows: dict[float, list[dict]] = {}
    for c in page.chars:
        rows.setdefault(round(c["top"], 0), []).append(c)
    out = []
    for top in sorted(rows):
        chars = sorted(rows[top], key=lambda c: c["x0"])
        colour = tuple(chars[0].get("non_stroking_color") or ())
        out.append((chars[0]["top"] / MM, chars[0]["bottom"] / MM, "".join(c["text"] for c in chars), colour))
    return out


def ink_rows(page, x0: float, x1: float, top: float, bottom: float) -> tuple[float, float]:
    """(top mm, bottom mm) of the ink inside a region of the page (x and y in mm): the region rendered by
    pdftoppm at 600 dpi, in grey; a pixel is ink when at least half of it is covered (darker than mid-grey; the
    red of the mark is too). The result is exact to a pixel, 0.04 mm."""
    px = INK_DPI / 25.4
    x, y = round(x0 * px), round(top * px)
    crop = ["-x", str(x), "-y", str(y), "-W", str(round(x1 * px) - x), "-H", str(round(bottom * px) - y)]
    pages = ["-f", str(page.page_number), "-l", str(page.page_number)]
    png = subprocess.run(
        ["pdftoppm", "-r", str(INK_DPI), *pages, *crop, "-gray", "-png", "-"],
        input=page.pdf.stream.getvalue(),
        capture_output=True,
        check=True,
    ).stdout
    box = Image.open(io.BytesIO(png)).point(lambda v: 255 if v < 128 else 0).getbbox()
    assert box is not None, ("no ink", page.page_number, top, bottom)
    return (y + box[1]) / px, (y + box[3]) / px


def line_ink(page, line: tuple[float, float, str, tuple]) -> tuple[float, float]:
    """(top mm, bottom mm) of a printed line's ink: its characters' region from their box's top (1 em above the
    baseline, above any CJK glyph) to 0.2 em below the baseline (the glyphs of 仿宋 reach 0.18 em below it; a
    rule under the line must not count)."""
    top, bottom, text = line[0], line[1], line[2]
    chars = [c for c in page.chars if abs(c["top"] / MM - top) < 0.5 and c["text"] in text]
    x0, x1 = min(c["x0"] for c in chars) / MM, max(c["x1"] for c in chars) / MM
    return ink_rows(page, x0, x1, top, bottom + 0.2 * (bottom - top))


def red_rules(page) -> list[float]:
    return sorted(
        {round(r["top"] / MM, 2) for r in [*page.lines, *page.rects] if tuple(r.get("stroking_color") or ()) == RED}
    )


def page_number_lines(page) -> list[tuple[float, float, str, tuple]]:
    return [line for line in lines(page) if line[2].startswith("—") and line[2].endswith("—")]


def test_issuer_mark_top_35_mm_below_the_type_area(notice, numbered):
    for pdf in (notice, numbered):
        page = pdf.pages[0]
        mark = lines(page)[0]
        assert mark[3] == RED and mark[2] in ("广东省工业和信息化厅", "广州市工业和信息化局")
        top = line_ink(page, mark)[0]
        assert top > mark[0] + 1  # the ink, not the character box (which starts 0.12 em = 1.8 mm higher)
        assert abs(top - TYPE_AREA["top"] - 35) <= TOLERANCE, top


def test_red_rule_4_mm_below_the_document_number(numbered):
    page = numbered.pages[0]
    number = next(line for line in lines(page) if line[2] == "穗工信函〔2026〕58号")
    rules = red_rules(page)
    assert len(rules) == 1
    # from the bottom of the characters' ink, not from the baseline pdfplumber calls the bottom
    assert abs(rules[0] - line_ink(page, number)[1] - 4) <= TOLERANCE, (rules, number)


def test_letter_document_number_seven_eighths_of_a_character_below_the_double_line(letter):
    page = letter.pages[0]
    number = next(line for line in lines(page) if line[2] == "穗工信函〔2026〕58号")
    double_line = [r for r in red_rules(page) if r < 100]
    assert len(double_line) == 2, double_line
    # GB/T 9704 10.1: 7/8 of a 三号 character's height (16 pt) between the thin stroke and the characters' top
    gap = line_ink(page, number)[0] - max(double_line)
    assert abs(gap - 7 / 8 * 16 / MM) <= TOLERANCE, gap
    chars = [c for c in page.chars if c["text"] == "号" and abs(c["top"] / MM - number[0]) < 1]
    assert abs(chars[-1]["x1"] / MM - (210 - 26)) <= TOLERANCE  # flush with the type area's right edge


def test_page_number_dash_7_mm_below_the_type_area(notice):
    for page in notice.pages[:4]:
        (top, bottom, text, _), *_ = page_number_lines(page)
        dash = next(c for c in page.chars if c["text"] == "—" and abs(c["top"] / MM - top) < 0.5)
        stroke = ink_rows(page, dash["x0"] / MM, dash["x1"] / MM, top - 2, bottom + 2)
        assert stroke[1] - stroke[0] < 0.5  # the dash's stroke alone
        middle = sum(stroke) / 2
        assert abs(middle - TYPE_AREA["bottom"] - 7) <= TOLERANCE, (page.page_number, text, middle)


def test_no_text_outside_the_type_area_on_the_notice_pages(notice):
    for page in notice.pages[:3]:
        for top, bottom, text, _ in lines(page):
            if text.startswith("—"):
                continue
            assert top >= TYPE_AREA["top"] - TOLERANCE and bottom <= TYPE_AREA["bottom"] + TOLERANCE, text


def test_title_lines_break_at_word_boundaries_one_body_line_apart(notice):
    page = notice.pages[0]
    title = [line for line in lines(page) if 20 < (line[1] - line[0]) * MM < 24]  # 二号 boxes
    assert len(title) >= 2
    joined = "".join(line[2] for line in title)
    assert joined == sample("official_document")["title"]
    boundaries = set()
    position = 0
    for word in jieba.cut(joined, HMM=False):
        position += len(word)
        boundaries.add(position)
    position = 0
    for _, _, text, _ in title[:-1]:
        position += len(text)
        assert position in boundaries, f"title broken inside a word after {text}"
    pitches = [b[0] - a[0] for a, b in itertools.pairwise(title)]
    assert all(abs(p - 28.95 / MM) <= TOLERANCE for p in pitches), pitches


def test_first_body_paragraph_starts_on_page_one(notice):
    first = sample("official_document")["body"][0]["text"]
    assert first[:10] in "".join(line[2] for line in lines(notice.pages[0]))


def test_pdf_title_is_the_notice_title(notice, letter):
    assert notice.metadata["Title"] == sample("official_document")["title"]
    assert letter.metadata["Title"] == sample("city_recommendation_letter")["title"]


def test_letter_format_double_red_lines_and_no_page_number_on_page_one(letter):
    page = letter.pages[0]
    rules = red_rules(page)
    top_pair = [r for r in rules if r < 100]
    bottom_pair = [r for r in rules if r > 200]
    assert len(top_pair) == 2 and len(bottom_pair) == 2, rules
    mark = lines(page)[0]
    ink_top, ink_bottom = line_ink(page, mark)
    assert mark[3] == RED and abs(ink_top - 30) <= TOLERANCE, ink_top  # 30 mm from the top of the page
    assert abs(min(top_pair) - ink_bottom - 4) <= TOLERANCE, (top_pair, ink_bottom)  # 4 mm under the mark
    assert abs(297 - max(bottom_pair) - 20) <= TOLERANCE  # 20 mm above the bottom edge
    widths = {round((r["x1"] - r["x0"]) / MM) for r in page.lines if tuple(r.get("stroking_color") or ()) == RED}
    assert widths == {170}
    assert not page_number_lines(page)
    assert page_number_lines(letter.pages[1])  # later pages keep their numbers


def test_one_page_letter_has_no_page_number():
    payload = sample("city_recommendation_letter")
    payload = {**payload, "body": payload["body"][:1], "attachments": [], "note": None, "disclosure": None}
    payload = {k: v for k, v in payload.items() if v is not None}
    pdf = to_pdf(payload)
    assert len(pdf.pages) == 1
    assert not page_number_lines(pdf.pages[0])


def test_the_lost_page_is_marked_and_no_blank_page_note_follows_a_cut_sentence(notice):
    text = [line[2] for page in notice.pages for line in lines(page)]
    cut = next(i for i, t in enumerate(text) if t.endswith("的园区整"))
    assert text[cut + 1] == "〔源文件此处缺页〕"
    assert text[cut + 1] != "（此页无正文）"


def test_break_title_keeps_names_whole_and_balances_lines():
    lines_ = break_title(
        "广东省工业和信息化厅转发工业和信息化部办公厅关于开展第一批国家新兴产业发展示范基地创建遴选工作的通知"
    )
    assert len(lines_) == 3 and all(len(line) <= 20 for line in lines_)
    assert "工业和信息化部" in lines_[0]  # not split as 工业和/信息化部
    assert max(map(len, lines_)) - min(map(len, lines_)) <= 4
    assert break_title("关于测试排版的通知") == ["关于测试排版的通知"]


def test_explicit_title_lines_are_honoured_and_checked():
    payload = sample("city_recommendation_letter")
    wanted = ["广州市工业和信息化局关于推荐", "第一批国家新兴产业发展示范基地创建对象的函"]
    with pytest.raises(PayloadInvalid) as exc:  # second line longer than 20 characters
        render("official_document", {**payload, "title_lines": wanted})
    assert {e.code for e in exc.value.errors} == {"title_line_too_long"}
    with pytest.raises(PayloadInvalid) as exc:
        render("official_document", {**payload, "title_lines": ["广州市工业和信息化局", "关于推荐的函"]})
    assert {e.code for e in exc.value.errors} == {"title_lines_mismatch"}
    wanted = ["广州市工业和信息化局关于推荐第一批国家", "新兴产业发展示范基地创建对象的函"]
    pdf = to_pdf({**payload, "title_lines": wanted})
    title = [line[2] for line in lines(pdf.pages[0]) if 20 < (line[1] - line[0]) * MM < 24]
    assert title == wanted
