"""推荐汇总表 (city and province): the seed's labels and note, parks and enterprises in separate tables in
priority order, the repeated header row, and the validation of priorities, fields and applicants."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from service.payloads import PayloadInvalid
from service.rendering import render, validate
from tests import pdf_layout

ROOT = Path(__file__).resolve().parents[1]
CITY = json.loads((ROOT / "samples" / "city_recommendation_summary.json").read_text(encoding="utf-8"))
PROVINCE = json.loads((ROOT / "samples" / "province_recommendation_summary.json").read_text(encoding="utf-8"))
CITY_HEADER = ["序号", "申报单位名称", "园区/企业名称", "申报类别（园区/企业）", "申报创建领域", "备注"]
CITY_NOTE = "注：请按推荐优先级排序，园区类和企业类分别单独列表。"


def rendered(template_id: str, payload: dict) -> docx.document.Document:
    return docx.Document(io.BytesIO(render(template_id, payload)))


def table_rows(table) -> list[list[str]]:
    """Cell texts; a header's explicit line break (申报类别 / （园区/企业）) read as nothing."""
    return [[c.text.replace("\n", "") for c in row.cells] for row in table.rows]


def caption_of(table) -> str:
    previous = table._tbl.getprevious()
    return "".join(t.text for t in previous.iter(qn("w:t")))


def expected_rows(payload: dict, category: str, *, remark: bool) -> list[list[str]]:
    rows = sorted((r for r in payload["rows"] if r["category"] == category), key=lambda r: r["priority"])
    out = []
    for r in rows:
        row = [str(r["priority"]), r["applicant"], r["name"], r["category"], r["creation_field"]]
        out.append([*row, r.get("remark", "")] if remark else row)
    return out


def test_sample_is_large_enough():
    categories = [r["category"] for r in CITY["rows"]]
    assert categories.count("园区") >= 4 and categories.count("企业") >= 6


def test_city_labels_and_note_of_the_seed_appear():
    document = rendered("city_recommendation_summary", CITY)
    paragraphs = [p.text for p in document.paragraphs if p.text]
    assert paragraphs[:2] == ["附件1", "广州市国家新兴产业发展示范基地创建对象推荐汇总表"]
    assert "推荐单位（盖章）：广州市工业和信息化局" in paragraphs
    assert paragraphs[-1] == CITY_NOTE
    for table in document.tables:
        assert table_rows(table)[0] == CITY_HEADER


def test_city_rows_in_two_tables_in_priority_order():
    document = rendered("city_recommendation_summary", CITY)
    parks, enterprises = document.tables
    assert caption_of(parks) == "园区类" and caption_of(enterprises) == "企业类"
    assert table_rows(parks)[1:] == expected_rows(CITY, "园区", remark=True)
    assert table_rows(enterprises)[1:] == expected_rows(CITY, "企业", remark=True)
    # the sample lists rows out of order: the tables are sorted, numbered from 1 in each category
    assert [r[0] for r in table_rows(enterprises)[1:]] == [str(n) for n in range(1, 8)]


def test_province_table_has_no_remark_column_and_no_note():
    document = rendered("province_recommendation_summary", PROVINCE)
    paragraphs = [p.text for p in document.paragraphs if p.text]
    assert paragraphs[:2] == ["附件1", "国家新兴产业发展示范基地创建对象推荐汇总表"]
    assert "推荐单位（盖章）：广东省工业和信息化厅" in paragraphs
    assert CITY_NOTE not in paragraphs
    parks, enterprises = document.tables
    assert table_rows(parks)[0] == CITY_HEADER[:5]
    assert table_rows(parks)[1:] == expected_rows(PROVINCE, "园区", remark=False)
    assert table_rows(enterprises)[1:] == expected_rows(PROVINCE, "企业", remark=False)


def test_only_enterprises_gives_one_table():
    payload = copy.deepcopy(CITY)
    payload["rows"] = [r for r in payload["rows"] if r["category"] == "企业"]
    document = rendered("city_recommendation_summary", payload)
    assert len(document.tables) == 1 and caption_of(document.tables[0]) == "企业类"
    assert "园区类" not in [p.text for p in document.paragraphs]


def test_long_lists_repeat_the_header_row():
    payload = copy.deepcopy(CITY)
    payload["rows"] = [
        {
            "priority": n,
            "applicant": f"广州测试企业{n}有限公司",
            "name": f"广州测试企业{n}有限公司",
            "category": "企业",
            "creation_field": "软件",
        }
        for n in range(1, 61)
    ]
    (table,) = rendered("city_recommendation_summary", payload).tables
    rows = table.rows
    assert len(rows) == 61 and rows[60].cells[0].text == "60"
    assert rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page the table spans
    assert all(r._tr.trPr is None or r._tr.trPr.find(qn("w:tblHeader")) is None for r in rows[1:])


# --- Validation ----------------------------------------------------------------------------------------------------


def errors(template_id: str, payload: dict) -> list:
    with pytest.raises(PayloadInvalid) as info:
        validate(template_id, payload)
    return info.value.errors


def test_priorities_unique_and_contiguous_per_category():
    payload = copy.deepcopy(CITY)
    payload["rows"][0]["priority"] = 1  # park 黄埔 2 → 1: the park of row 2 has 1 already, and 2 is missing
    payload["rows"][7]["priority"] = 9  # enterprise 5 → 9: 5 missing
    found = {(e.loc, e.code): e for e in errors("city_recommendation_summary", payload)}
    assert set(found) == {
        ("$.rows[1].priority", "priority_duplicate"),
        ("$.rows[7].priority", "priority_not_contiguous"),
    }
    duplicate = found[("$.rows[1].priority", "priority_duplicate")]
    assert duplicate.label == "推荐对象 / 第 2 行 / 推荐优先级（序号）"
    assert "园区类推荐优先级 1 重复" in duplicate.message and "第 1 行" in duplicate.message
    assert "缺少 5" in found[("$.rows[7].priority", "priority_not_contiguous")].message


def test_creation_field_must_be_one_of_the_ten():
    payload = copy.deepcopy(PROVINCE)
    payload["rows"][3]["creation_field"] = "元宇宙"
    (error,) = errors("province_recommendation_summary", payload)
    assert (error.loc, error.code, error.label) == (
        "$.rows[3].creation_field",
        "creation_field_invalid",
        "推荐对象 / 第 4 行 / 申报创建领域",
    )
    assert "十个创建领域" in error.message and "软件" in error.message


def test_each_applicant_once():
    payload = copy.deepcopy(CITY)
    twin = copy.deepcopy(payload["rows"][5])  # 广州穗芯智算科技有限公司 again, as a second field
    twin.update(priority=8, creation_field="软件", applicant="广州穗芯智算科技有限公司 ")
    payload["rows"].append(twin)
    codes = {(e.loc, e.code) for e in errors("city_recommendation_summary", payload)}
    assert codes == {
        ("$.rows[11].applicant", "applicant_duplicate"),
        ("$.rows[11].name", "object_duplicate"),
        ("$.rows[11].credit_code", "credit_code_duplicate"),
    }
    # a different name with the same credit code is still the same applicant
    twin.update(applicant="广州穗芯智算（集团）有限公司", name="广州穗芯智算（集团）有限公司")
    (error,) = errors("city_recommendation_summary", payload)
    assert (error.loc, error.code) == ("$.rows[11].credit_code", "credit_code_duplicate")
    assert "只能申报一次" in error.message


def test_credit_code_check_digit_and_required_fields():
    payload = copy.deepcopy(CITY)
    payload["rows"][0]["credit_code"] = "11440112MB1D570215"
    del payload["region"]
    payload["rows"][1]["category"] = "协会"
    found = {(e.loc, e.code) for e in errors("city_recommendation_summary", payload)}
    assert found == {
        ("$.rows[0].credit_code", "credit_code_check_digit"),
        ("$.region", "required"),
        ("$.rows[1].category", "not_allowed_value"),
    }


# --- Print layout (real LibreOffice) and annex mark ---------------------------------------------------------

SUMMARY_WORDS = (
    "序号",
    "申报单位名称",
    "园区/企业名称",
    "申报类别",
    "园区/企业",
    "申报创建领域",
    "备注",
    "推荐汇总表",
    "示范基地",
    "创建对象",
    "智能网联新能源汽车",
    "安全应急装备",
)
CAPTIONS = ("园区类", "企业类")


def with_parks(payload: dict, parks: int) -> dict:
    """The sample with `parks` parks (the others moved out) so that the 企业类 caption falls at varying heights."""
    out = copy.deepcopy(payload)
    base = next(r for r in out["rows"] if r["category"] == "园区")
    fields = ["人工智能", "生物制造", "低空装备", "商业航天", "软件", "智能机器人", "清洁低碳氢", "新型储能制造"]
    park_rows = [
        {**base, "priority": i + 1, "applicant": f"第{i + 1}产业园区管理委员会", "name": f"第{i + 1}产业园"}
        | {"creation_field": fields[i % len(fields)]}
        for i in range(parks)
    ]
    for row in park_rows:
        row.pop("credit_code", None)
    out["rows"] = park_rows + [r for r in out["rows"] if r["category"] == "企业"]
    return out


LAYOUT_CASES = {
    "city": ("city_recommendation_summary", {"payload": CITY}),
    "city_blank": ("city_recommendation_summary", {"blank": True}),
    "province": ("province_recommendation_summary", {"payload": PROVINCE}),
    "province_blank": ("province_recommendation_summary", {"blank": True}),
    **{f"city_{n}_parks": ("city_recommendation_summary", {"payload": with_parks(CITY, n)}) for n in (4, 5, 6)},
}


@pytest.fixture(scope="module")
def layouts(converter) -> dict[str, tuple[list, list]]:
    out = {}
    for name, (template_id, kwargs) in LAYOUT_CASES.items():
        document = render(template_id, **kwargs)
        out[name] = (pdf_layout.read_pdf(converter.convert(document)), pdf_layout.text_blocks(document))
    return out


@pytest.mark.parametrize("name", list(LAYOUT_CASES))
def test_pdf_landscape_words_whole_captions_with_their_tables(layouts, name):
    pages, blocks = layouts[name]
    assert pages and all(page.landscape for page in pages)
    assert all(block.landscape for block in blocks)
    assert pdf_layout.broken_words(pages, SUMMARY_WORDS) == []
    assert pdf_layout.stranded_captions(pages, blocks, CAPTIONS) == []
    assert pdf_layout.outside_text_block(pages, blocks) == []
    first = pdf_layout.body_lines(pages[0], pdf_layout.block_for(blocks, pages[0]))[0]
    assert first.text == "附件1" and first.x0 == pytest.approx(blocks[0].left, abs=1.5)  # flush left
    # the header row repeats on every page a table runs onto (a page with numbered rows)
    for page in pages:
        block = pdf_layout.block_for(blocks, page)
        if not any(line.segments[0].text.isdigit() for line in pdf_layout.body_lines(page, block)):
            continue
        assert pdf_layout.segments_containing([page], "申报创建领域"), f"page {page.number} has no header row"


def test_pdf_caption_starts_a_page_with_its_table_when_it_would_be_stranded(layouts):
    """Somewhere in the cases the 企业类 caption does not fit at a page foot: it moves to the next page."""
    moved = False
    for name in (n for n in LAYOUT_CASES if n.startswith("city_") and "parks" in n):
        pages, blocks = layouts[name]
        for page in pages[1:]:
            lines = pdf_layout.body_lines(page, pdf_layout.block_for(blocks, page))
            heads = [line.text for line in lines[:4]]
            moved = moved or "企业类" in heads
    assert moved


def test_annex_mark_settable_and_optional():
    def first_text(payload: dict) -> str:
        return next(p.text for p in rendered("city_recommendation_summary", payload).paragraphs if p.text)

    assert first_text(CITY) == "附件1"
    assert first_text({**CITY, "annex_mark": "附件3"}) == "附件3"
    assert first_text({**CITY, "annex_mark": ""}).endswith("推荐汇总表")
    # One rule for every form's 附件标注 (service.payloads.common.AnnexMark): same code, label and limit.
    for bad in ("第一页", "附件" + "1" * 9):
        (error,) = errors("city_recommendation_summary", {**CITY, "annex_mark": bad})
        assert (error.loc, error.label, error.code) == ("$.annex_mark", "附件标注", "annex_mark_format")
