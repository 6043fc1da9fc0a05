"""The two 申请书 (附件2 示范园区, 附件3 示范企业) on paper: valid OOXML, the annex mark, and the PDFs from real
LibreOffice read back with pdfplumber — the cover name on its underlined lines without a word cut in two,
一、基本情况 as one ruled form (vertical rules on one grid, no doubled horizontal rules), the year header only
above year rows, and no text outside the type area."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import jieba
import pdfplumber
import pytest
from docx.oxml.ns import qn

from service.conversion import ConversionPool
from service.payloads.errors import PayloadInvalid
from service.rendering import get_template, render, validate
from word_templates.build.application import GRID

ROOT = Path(__file__).resolve().parents[1]
FORMS = ("park_application", "enterprise_application")
MARKS = {"park_application": "附件2", "enterprise_application": "附件3"}
MM = 72 / 25.4
# Type area of the pages (kit.GBT9704): left 28 mm, right 26 mm, top 37 mm, bottom 35 mm of A4.
PAGE_W, PAGE_H = 210 * MM, 297 * MM
TYPE_AREA = (28 * MM, 37 * MM, PAGE_W - 26 * MM, PAGE_H - 35 * MM)
LONG_NAME = "广东省佛山市顺德区星河新型储能装备制造股份有限公司"
YEAR_HEADER = "项目/年度"


def sample(template_id: str) -> dict:
    return json.loads((ROOT / "samples" / f"{template_id}.json").read_text(encoding="utf-8"))


@dataclass
class Rendered:
    name: str
    docx: bytes
    pdf: bytes
    applicant: str | None  # None for a blank form


@pytest.fixture(scope="module")
def rendered(converter: ConversionPool) -> dict[str, Rendered]:
    """Sample and blank renders of both forms, and the enterprise form with a name too long for one line."""
    out: dict[str, Rendered] = {}
    long_enterprise = sample("enterprise_application")
    long_enterprise["cover"]["applicant"] = LONG_NAME
    cases = [(f"{t}:sample", t, sample(t)) for t in FORMS]
    cases += [(f"{t}:blank", t, None) for t in FORMS]
    cases.append(("enterprise_application:long_name", "enterprise_application", long_enterprise))
    for name, template_id, payload in cases:
        data = render(template_id, blank=True) if payload is None else render(template_id, payload)
        applicant = None if payload is None else payload["cover"]["applicant"]
        out[name] = Rendered(name, data, converter.convert(data), applicant)
    return out


def pages(pdf: bytes) -> Iterator[pdfplumber.page.Page]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        yield from document.pages


def text_lines(page) -> list[tuple[float, str, list[dict]]]:
    """The page's text as lines (top, text, chars), top to bottom; chars of one line share their top ±2 pt."""
    lines: list[tuple[float, str, list[dict]]] = []
    for ch in sorted(page.chars, key=lambda c: (round(c["top"]), c["x0"])):
        if lines and abs(lines[-1][0] - ch["top"]) <= 2:
            lines[-1][2].append(ch)
        else:
            lines.append((ch["top"], "", [ch]))
    return [(top, "".join(c["text"] for c in sorted(chars, key=lambda c: c["x0"])), chars) for top, _, chars in lines]


# --- OOXML -----------------------------------------------------------------------------------------------------


def test_zero_schema_errors(rendered, tmp_path):
    """Templates, sample renders and blank forms validate against the ECMA-376 schemas."""
    files = {f"{t}.template": (ROOT / "word_templates" / f"{t}.docx").read_bytes() for t in FORMS}
    files |= {r.name: r.docx for r in rendered.values()}
    for name, data in files.items():
        (tmp_path / f"{name.replace(':', '_')}.docx").write_bytes(data)
    audit = Path(sys.executable).with_name("openxml-audit")
    result = subprocess.run(
        [str(audit), "-m", "0", "-o", "json", "-r", str(tmp_path)], capture_output=True, text=True, check=False
    )
    reports = json.loads(result.stdout)
    assert len(reports) == len(files)
    errors = {
        Path(r["file"]).name: [f"{e['path']}: {e['description']}" for e in r["errors"] if e["type"] == "schema"]
        for r in reports
    }
    assert {name: found for name, found in errors.items() if found} == {}


def test_merged_cells_are_as_wide_as_the_columns_they_span(rendered):
    for r in rendered.values():
        document = docx.Document(io.BytesIO(r.docx))
        for table in document.tables:
            grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
            for tr in table._tbl.tr_lst:
                col = 0
                for tc in tr.tc_lst:
                    width = int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w")))
                    assert width == sum(grid[col : col + tc.grid_span]), (r.name, tc.xpath("string(.)"))
                    col += tc.grid_span
                assert col == len(grid)


def text_of(element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def test_basic_info_is_one_table_on_the_fine_grid(rendered):
    """一、基本情况 is one table (no spacer paragraphs between blocks) on GRID, right after its heading."""
    for r in rendered.values():
        document = docx.Document(io.BytesIO(r.docx))
        body = document.element.body
        heading = next(p for p in body.iter(qn("w:p")) if text_of(p) == "一、基本情况")
        table = heading.getnext()
        assert table.tag == qn("w:tbl")
        assert table.getnext().tag == qn("w:p") and text_of(table.getnext()).startswith("二、")
        widths = [int(c.get(qn("w:w"))) for c in table.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")]
        assert widths == [int(w * 56.7) for w in GRID]
        assert table.findall(f".//{qn('w:tblHeader')}") == []  # no repeated header rows: see the year test


# --- Annex mark ----------------------------------------------------------------------------------------------


def first_paragraph(data: bytes):
    return docx.Document(io.BytesIO(data)).paragraphs[0]


@pytest.mark.parametrize("template_id", FORMS)
def test_annex_mark_is_the_first_paragraph_in_heiti_sanhao(template_id, rendered):
    for case in ("sample", "blank"):
        p = first_paragraph(rendered[f"{template_id}:{case}"].docx)
        assert p.text == MARKS[template_id]
        (run,) = p.runs
        assert run.element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
        assert run.font.size.pt == 16  # 三号
        assert p.alignment == 0 and p.paragraph_format.first_line_indent in (None, 0)  # flush left


@pytest.mark.parametrize("template_id", FORMS)
def test_annex_mark_from_the_payload(template_id):
    data = sample(template_id)
    del data["annex_mark"]
    assert get_template(template_id).model.model_validate(data).annex_mark == MARKS[template_id]
    data["annex_mark"] = "附件 5"
    assert first_paragraph(render(template_id, data)).text == "附件 5"
    data["annex_mark"] = ""
    document = docx.Document(io.BytesIO(render(template_id, data)))
    assert document.paragraphs[0].text == ""
    assert document.paragraphs[1].text == "国家新兴产业发展示范基地创建申请书"
    data["annex_mark"] = "附录2"
    with pytest.raises(PayloadInvalid) as caught:
        validate(template_id, data)
    (error,) = caught.value.errors
    assert (error.loc, error.label, error.code) == ("$.annex_mark", "附件标注", "annex_mark_format")
    assert "附录2" in error.message


def test_the_composer_recognises_the_mark():
    from service.rendering.compose import _ATTACHMENT_MARK

    assert all(_ATTACHMENT_MARK.fullmatch(mark) for mark in MARKS.values())


# --- PDF: cover --------------------------------------------------------------------------------------------------


COVER_LABELS = ("申报单位：", "申报领域：", "推荐单位：", "填报日期：")


def cover_value_lines(page) -> dict[str, list[str]]:
    """The cover's value lines under each label: text between the label and （盖章）, line by line."""
    found: dict[str, list[str]] = {}
    current = None
    for _, text, _ in text_lines(page):
        label = next(
            (lb for lb in ("申报单位：", "申报领域：", "推荐单位：", "填报日期：") if text.startswith(lb)), None
        )
        if label:
            current = label
            found[current] = []
            text = text[len(label) :]
        elif current is None or text == "工业和信息化部制":
            continue
        found[current].append(text.replace("（盖章）", "").strip())
    return found


@pytest.mark.parametrize("case", ["park_application:sample", "enterprise_application:long_name"])
def test_long_cover_name_on_underlined_lines_broken_between_words(case, rendered):
    r = rendered[case]
    cover = next(pages(r.pdf))
    lines = cover_value_lines(cover)["申报单位："]
    assert len(lines) >= 2, lines  # these names do not fit one line of 三号
    assert "".join(lines) == r.applicant.replace(" ", "")
    words = jieba.lcut(r.applicant, HMM=False)
    boundaries = {sum(len(w) for w in words[:i]) for i in range(len(words) + 1)}
    breaks = {sum(len(line) for line in lines[:i]) for i in range(1, len(lines))}
    assert breaks <= boundaries, f"{lines} breaks inside a word of {words}"
    # Every line sits on its own underline (a horizontal rule just below it, spanning the text).
    rules = [ln for ln in cover.lines if abs(ln["top"] - ln["bottom"]) < 0.5]
    for _, text, chars in text_lines(cover):
        if text.replace("申报单位：", "").replace("（盖章）", "") in lines:
            body = [c for c in chars if c["text"] not in "申报单位：（盖章）"]
            x0, x1, bottom = min(c["x0"] for c in body), max(c["x1"] for c in body), max(c["bottom"] for c in body)
            under = [ln for ln in rules if 0 <= ln["top"] - bottom <= 12 and ln["x0"] <= x0 and ln["x1"] >= x1]
            assert under, f"line {text!r} has no underline"


def test_short_cover_name_stays_on_one_line(rendered):
    lines = cover_value_lines(next(pages(rendered["enterprise_application:sample"].pdf)))
    assert lines["申报单位："] == [sample("enterprise_application")["cover"]["applicant"]]
    assert lines["推荐单位："] == ["广东省工业和信息化厅"]


# --- PDF: the ruled form ---------------------------------------------------------------------------------------


def form_pages(pdf: bytes) -> list:
    """The pages that show 一、基本情况's table: from its heading to the page where 二、 begins."""
    out, inside = [], False
    for page in pages(pdf):
        text = page.extract_text() or ""
        inside = inside or "一、基本情况" in text
        if inside:
            out.append(page)
        if inside and "二、创建工作方案" in text:
            break
    return out


def grid_x() -> list[float]:
    left = TYPE_AREA[0]
    edges, x = [left], left
    for width in GRID:
        x += width * MM
        edges.append(x)
    return edges


@pytest.mark.parametrize("case", ["park_application:sample", "enterprise_application:sample", "park_application:blank"])
def test_vertical_rules_stand_on_one_grid(case, rendered):
    edges = grid_x()
    found_pages = form_pages(rendered[case].pdf)
    assert len(found_pages) >= 2
    for number, page in enumerate(found_pages):
        verticals = [ln for ln in page.lines if abs(ln["x0"] - ln["x1"]) < 0.5 and ln["bottom"] - ln["top"] > 2]
        assert verticals
        off = sorted({round(ln["x0"], 1) for ln in verticals if min(abs(ln["x0"] - e) for e in edges) > 0.8})
        assert off == [], f"page {number}: vertical rules off the grid at {off} (grid {[round(e, 1) for e in edges]})"


@pytest.mark.parametrize("case", [f"{t}:{c}" for t in FORMS for c in ("sample", "blank")])
def test_no_doubled_horizontal_rules(case, rendered):
    for number, page in enumerate(form_pages(rendered[case].pdf)):
        rules = sorted(
            (ln for ln in page.lines if abs(ln["top"] - ln["bottom"]) < 0.5 and ln["x1"] - ln["x0"] > 2),
            key=lambda ln: ln["top"],
        )
        doubled = [
            (round(a["top"], 2), round(b["top"], 2))
            for i, a in enumerate(rules)
            for b in rules[i + 1 :]
            if 0 < b["top"] - a["top"] <= 2 and min(a["x1"], b["x1"]) > max(a["x0"], b["x0"])
        ]
        assert doubled == [], f"page {number}: rules 0–2 pt apart at {doubled}"


@pytest.mark.parametrize("template_id", FORMS)
def test_year_header_only_above_year_rows(template_id, rendered):
    """Each 项目/年度 row is followed on its page by a row of four numbers (2023, 2024, 2025, average), and the
    header appears once per year block (never repeated above rows without years on a continuation page)."""
    document = docx.Document(io.BytesIO(rendered[f"{template_id}:sample"].docx))
    blocks = sum(1 for t in document.tables for row in t.rows if row.cells[0].text == YEAR_HEADER)
    seen = 0
    for page in pages(rendered[f"{template_id}:sample"].pdf):
        lines = text_lines(page)
        for index, (_, text, _) in enumerate(lines):
            if not text.startswith(YEAR_HEADER):
                continue
            seen += 1
            below = " ".join(t for _, t, _ in lines[index + 1 : index + 3])
            assert len(re.findall(r"\d+\.\d\d|\b\d+\b", below)) >= 4, f"{YEAR_HEADER} above {below!r}"
    assert seen == blocks


@pytest.mark.parametrize("case", [f"{t}:{c}" for t in FORMS for c in ("sample", "blank")])
def test_no_text_outside_the_type_area(case, rendered):
    left, top, right, bottom = TYPE_AREA
    for number, page in enumerate(pages(rendered[case].pdf)):
        outside = [
            c["text"]
            for c in page.chars
            if c["x0"] < left - 1 or c["x1"] > right + 1 or c["top"] < top - 1 or c["bottom"] > bottom + 1
        ]
        # The page number "— N —" is the footer's, below the type area by design.
        outside = [ch for ch in outside if ch not in "— 0123456789"]
        assert outside == [], f"page {number + 1}: {''.join(outside)[:40]}"


@pytest.mark.parametrize(
    "name",
    [
        "广东省工业和信息化厅",
        "佛山市南岭智能机器人产业园管理委员会",
        LONG_NAME,
        "ABC Robotics (Foshan) Co., Ltd. 佛山分公司",
        "内蒙古自治区鄂尔多斯市准格尔旗大路工业园区管理委员会经济发展局",
        "中华人民共和国工业和信息化部电子第五研究所华南分所",
    ],
)
def test_cover_lines_fit_and_break_between_words(name):
    from service.payloads.application import COVER_LINE_CHARS, _width, cover_lines

    lines = cover_lines(name)
    assert re.sub(r"\s", "", "".join(lines)) == re.sub(r"\s", "", name)
    assert all(0 < _width(line) <= COVER_LINE_CHARS for line in lines)
    if _width(name) <= COVER_LINE_CHARS:
        assert lines == [name]
    words = jieba.lcut(name, HMM=False)
    boundaries = {len("".join(words[:i]).replace(" ", "")) for i in range(len(words) + 1)}
    breaks = {len("".join(lines[:i]).replace(" ", "")) for i in range(1, len(lines))}
    assert breaks <= boundaries
