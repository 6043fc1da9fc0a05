"""Invalid application payloads: each problem is reported at its JSON path with a stable code, all at once."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from service.payloads import PayloadInvalid
from service.rendering import validate

ROOT = Path(__file__).resolve().parents[1]
PARK = json.loads((ROOT / "samples" / "park_application.json").read_text(encoding="utf-8"))
ENTERPRISE = json.loads((ROOT / "samples" / "enterprise_application.json").read_text(encoding="utf-8"))


def errors_of(template_id: str, data: dict[str, Any]) -> list:
    with pytest.raises(PayloadInvalid) as info:
        validate(template_id, data)
    return info.value.errors


def changed(sample: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(sample)
    change(data)
    return data


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() and isinstance(node, list) else node[part]
        if value is DELETE:
            del node[last]
        else:
            node[int(last) if isinstance(node, list) else last] = value

    return apply


DELETE = object()
LONG_TEXT = "字" * 2001

PARK_CASES = [
    # (case id, change, expected loc, expected code)
    (
        "wrong creation field",
        _set("cover.creation_field", "新材料"),
        "$.cover.creation_field",
        "creation_field_invalid",
    ),
    (
        "2001-character section",
        _set("creation_plan.key_tasks", LONG_TEXT),
        "$.creation_plan.key_tasks",
        "text_too_long",
    ),
    ("2001-character narrative", _set("industrial_policy", LONG_TEXT), "$.industrial_policy", "text_too_long"),
    (
        "11 top enterprises",
        lambda d: d["top_enterprises"].append(dict(d["top_enterprises"][-1], revenue=1)),
        "$.top_enterprises",
        "too_many_items",
    ),
    ("top enterprises not sorted", lambda d: d["top_enterprises"].reverse(), "$.top_enterprises", "not_sorted"),
    (
        "规上企业 above 企业数量",
        _set("leading_industry.large_enterprises", 400),
        "$.leading_industry.large_enterprises",
        "part_exceeds_total",
    ),
    (
        "小巨人 above 企业数量",
        _set("leading_industry.little_giants", 387),
        "$.leading_industry.little_giants",
        "part_exceeds_total",
    ),
    (
        "主导产业营收 above 园区总营收",
        _set("leading_industry.revenue.2024", 1400),
        "$.leading_industry.revenue.2024",
        "part_exceeds_total",
    ),
    ("建成面积 above 规划面积", _set("overall.built_area", 1900), "$.overall.built_area", "part_exceeds_total"),
    ("研究生 above 高水平人才", _set("talent.postgraduates", 17000), "$.talent.postgraduates", "part_exceeds_total"),
    (
        "高水平人才 above 从业人员",
        lambda d: d["talent"].update(total_employees=16000, high_level_share=None),
        "$.talent.high_level_talent",
        "part_exceeds_total",
    ),
    (
        "高水平人才 above the sum of the three",
        lambda d: d["talent"].update(high_level_talent=19451, high_level_share=None),
        "$.talent.high_level_talent",
        "exceeds_sum",
    ),
    ("金奖 above 有效发明专利", _set("patents.gold_awards", 3000), "$.patents.gold_awards", "part_exceeds_total"),
    (
        "金奖+银奖 above 有效发明专利",
        lambda d: d["patents"].update(invention_patents=3, gold_awards=1, silver_awards=3),
        "$.patents.silver_awards",
        "part_exceeds_total",
    ),
    (
        "stated share disagrees",
        _set("leading_industry.revenue_share.2025", 60),
        "$.leading_industry.revenue_share.2025",
        "derived_mismatch",
    ),
    (
        "stated growth disagrees",
        _set("main_indicators.total_revenue_growth.2024", 12.5),
        "$.main_indicators.total_revenue_growth.2024",
        "derived_mismatch",
    ),
    (
        "stated talent share disagrees",
        _set("talent.high_level_share", 30),
        "$.talent.high_level_share",
        "derived_mismatch",
    ),
    (
        "批复设立日期 after 填报日期",
        _set("basic_info.approval_date", "2026-04-01"),
        "$.basic_info.approval_date",
        "date_order",
    ),
    ("amount as text", _set("top_enterprises.0.revenue", "很多"), "$.top_enterprises[0].revenue", "wrong_type"),
    ("count with decimals", _set("leading_industry.enterprises", 12.5), "$.leading_industry.enterprises", "wrong_type"),
    (
        "count as text",
        _set("main_indicators.large_enterprises.2023", "四百"),
        "$.main_indicators.large_enterprises.2023",
        "wrong_type",
    ),
    ("negative amount", _set("overall.planned_area", -1), "$.overall.planned_area", "out_of_range"),
    (
        "share above 100",
        _set("digitalisation.smart_factory_share", 120),
        "$.digitalisation.smart_factory_share",
        "out_of_range",
    ),
    ("narrative not text", _set("public_service", ["第一段"]), "$.public_service", "wrong_type"),
    ("impossible date", _set("cover.fill_date", "2026-02-30"), "$.cover.fill_date", "date_invalid"),
    ("bad phone", _set("basic_info.phone", "12345"), "$.basic_info.phone", "phone_format"),
    ("unknown key", _set("basic_info.website", "https://example.cn"), "$.basic_info.website", "unknown_field"),
    ("missing section", _set("talent", DELETE), "$.talent", "required"),
    ("missing narrative", _set("creation_plan.schedule", DELETE), "$.creation_plan.schedule", "required"),
    ("empty name", _set("basic_info.name", "   "), "$.basic_info.name", "required"),
    ("no top enterprise", _set("top_enterprises", []), "$.top_enterprises", "too_few_items"),
]

ENTERPRISE_CASES = [
    (
        "bad check digit",
        _set("basic_info.credit_code", "91441900MA54K8N2JA"),
        "$.basic_info.credit_code",
        "credit_code_check_digit",
    ),
    (
        "credit code with O",
        _set("basic_info.credit_code", "91441900MA54K8N2JO"),
        "$.basic_info.credit_code",
        "credit_code_format",
    ),
    ("wrong creation field", _set("cover.creation_field", "储能"), "$.cover.creation_field", "creation_field_invalid"),
    (
        "wrong enterprise type",
        _set("basic_info.enterprise_type", "外资"),
        "$.basic_info.enterprise_type",
        "not_allowed_value",
    ),
    (
        "其他 without its text",
        _set("basic_info.enterprise_type_other", DELETE),
        "$.basic_info.enterprise_type_other",
        "required",
    ),
    (
        "其他 text with another type",
        _set("basic_info.enterprise_type", "民营"),
        "$.basic_info.enterprise_type_other",
        "not_applicable",
    ),
    ("recognition not a bool", _set("recognitions.high_tech", "也许"), "$.recognitions.high_tech", "wrong_type"),
    (
        "6 top products",
        lambda d: d["top_products"].append(dict(d["top_products"][-1], sales_revenue=1)),
        "$.top_products",
        "too_many_items",
    ),
    ("products not sorted", lambda d: d["top_products"].reverse(), "$.top_products", "not_sorted"),
    ("products above 重点领域营收", _set("top_products.0.sales_revenue", 200), "$.top_products", "part_exceeds_total"),
    (
        "重点领域营收 above 总营收",
        _set("key_field.revenue.2023", 190),
        "$.key_field.revenue.2023",
        "part_exceeds_total",
    ),
    (
        "gross margin above 100",
        _set("operating_indicators.gross_margin.2024", 101),
        "$.operating_indicators.gross_margin.2024",
        "out_of_range",
    ),
    (
        "stated R&D intensity disagrees",
        _set("rd.key_field_rd_intensity.2025", 6.5),
        "$.rd.key_field_rd_intensity.2025",
        "derived_mismatch",
    ),
    (
        "stated share disagrees",
        _set("key_field.revenue_share.2023", 80),
        "$.key_field.revenue_share.2023",
        "derived_mismatch",
    ),
    ("高技能人才 above 高水平人才", _set("talent.high_skilled", 3000), "$.talent.high_skilled", "part_exceeds_total"),
    ("银奖 above 有效发明专利", _set("patents.silver_awards", 487), "$.patents.silver_awards", "part_exceeds_total"),
    (
        "成立日期 after 填报日期",
        _set("basic_info.established_date", "2027-01-01"),
        "$.basic_info.established_date",
        "date_order",
    ),
    ("2001-character section", _set("corporate_governance", LONG_TEXT), "$.corporate_governance", "text_too_long"),
    (
        "market share above 100",
        _set("top_products.1.domestic_market_share", 100.5),
        "$.top_products[1].domestic_market_share",
        "out_of_range",
    ),
    ("too many decimals", _set("awards.weighted_awards", 1.1234567), "$.awards.weighted_awards", "too_precise"),
]


@pytest.mark.parametrize(("change", "loc", "code"), [c[1:] for c in PARK_CASES], ids=[c[0] for c in PARK_CASES])
def test_park_invalid(change, loc, code):
    errors = errors_of("park_application", changed(PARK, change))
    assert (loc, code) in [(e.loc, e.code) for e in errors], errors


@pytest.mark.parametrize(
    ("change", "loc", "code"), [c[1:] for c in ENTERPRISE_CASES], ids=[c[0] for c in ENTERPRISE_CASES]
)
def test_enterprise_invalid(change, loc, code):
    errors = errors_of("enterprise_application", changed(ENTERPRISE, change))
    assert (loc, code) in [(e.loc, e.code) for e in errors], errors


def test_errors_carry_chinese_labels_and_messages():
    errors = errors_of("park_application", changed(PARK, _set("leading_industry.large_enterprises", 400)))
    assert [(e.loc, e.label) for e in errors] == [
        (
            "$.leading_industry.large_enterprises",
            "主导产业近三年发展情况（主导产业相关数据仅限于申报领域，下同） / 规模以上企业数量（个）",
        ),
    ]
    assert errors[0].message == "规模以上企业数量（400）不能大于企业数量（386）"
    errors = errors_of("park_application", changed(PARK, _set("leading_industry.revenue_share.2025", 60)))
    assert errors[0].label.endswith("占园区总营业收入比重（%） / 2025 年")
    assert "52.90" in errors[0].message


def test_all_type_errors_at_once():
    def many(d):
        d["cover"]["creation_field"] = "新材料"
        d["basic_info"]["phone"] = "12345"
        d["top_enterprises"][3]["revenue"] = "很多"
        d["creation_plan"]["safeguards"] = LONG_TEXT
        d["digitalisation"]["basic_factories"] = -2

    found = {(e.loc, e.code) for e in errors_of("park_application", changed(PARK, many))}
    assert found == {
        ("$.cover.creation_field", "creation_field_invalid"),
        ("$.basic_info.phone", "phone_format"),
        ("$.top_enterprises[3].revenue", "wrong_type"),
        ("$.creation_plan.safeguards", "text_too_long"),
        ("$.digitalisation.basic_factories", "out_of_range"),
    }


def test_all_consistency_errors_at_once():
    def many(d):
        d["basic_info"]["enterprise_type"] = "国有"
        d["key_field"]["revenue"]["2025"] = 300
        d["top_products"].reverse()
        d["talent"]["postgraduates"] = 3000

    found = {(e.loc, e.code) for e in errors_of("enterprise_application", changed(ENTERPRISE, many))}
    assert {
        ("$.basic_info.enterprise_type_other", "not_applicable"),
        ("$.key_field.revenue.2025", "part_exceeds_total"),
        ("$.top_products", "not_sorted"),
        ("$.talent.postgraduates", "part_exceeds_total"),
    } <= found


def test_narrative_limit_does_not_count_whitespace():
    text = "\n".join(["字" * 500] * 4) + "  \n\n"
    data = changed(PARK, _set("creation_plan.key_tasks", text))
    assert validate("park_application", data).model.creation_plan.key_tasks.startswith("字")


def test_stated_ratios_within_rounding_are_accepted():
    # 812.60 / 1536.20 = 52.8967…%: 52.90 is its two-decimal rounding; 52.80 is not.
    assert validate("park_application", changed(PARK, _set("leading_industry.revenue_share.2025", 52.9)))
    errors = errors_of("park_application", changed(PARK, _set("leading_industry.revenue_share.2025", 52.8)))
    assert [e.code for e in errors] == ["derived_mismatch"]


def test_derived_values_are_listed():
    data = changed(PARK, _set("leading_industry.revenue_share", DELETE))
    derived = validate("park_application", data).derived
    assert derived["$.leading_industry.revenue_share.2025"] == 52.9
    assert derived["$.leading_industry.revenue_share.average"] == 50.52
    assert derived["$.main_indicators.total_revenue.average"] == 1399.12


def test_2023_growth_is_input_not_computed():
    data = changed(ENTERPRISE, _set("operating_indicators.total_revenue_growth", {}))
    growth = validate("enterprise_application", data).model.operating_indicators.total_revenue_growth
    assert growth.y2023 is None
    assert (float(growth.y2024), float(growth.y2025)) == (24.33, 24.96)


def test_weighted_counts_are_input():
    data = changed(PARK, _set("innovation_platforms.weighted_platforms", 123.45))
    assert float(validate("park_application", data).model.innovation_platforms.weighted_platforms) == 123.45


def test_lone_surrogate_is_rejected_at_its_field():
    errors = errors_of("park_application", changed(PARK, _set("basic_info.name", "园区\ud800")))
    assert [e.loc for e in errors] == ["$.basic_info.name"]


def test_parent_company_code_must_differ_from_own_code():
    import json

    from service.payloads import PayloadInvalid
    from service.rendering import validate
    from service.rendering.catalog import get_template

    data = json.loads(get_template("enterprise_application").sample_path.read_text(encoding="utf-8"))
    data["basic_info"]["parent_company_credit_code"] = data["basic_info"]["credit_code"]
    try:
        validate("enterprise_application", data)
    except PayloadInvalid as exc:
        assert {(e.loc, e.code) for e in exc.errors} == {("$.basic_info.parent_company_credit_code", "parent_is_self")}
    else:
        raise AssertionError("expected parent_is_self")
    data["basic_info"]["parent_company_credit_code"] = "91110000600037341L"
    assert validate("enterprise_application", data).model.basic_info.parent_company_credit_code == "91110000600037341L"


def test_the_visible_blocks_hold_no_invisible_character_and_the_fast_path_agrees():
    """`visible_text` returns a text made only of VISIBLE_BLOCKS as it is, without looking at each character: no
    control, format or filler character may be in them, and the result is what the character-wise rule gives."""
    import random
    import unicodedata

    from service.payloads import common

    for first, last in common.VISIBLE_BLOCKS:
        for code in range(first, last + 1):
            char = chr(code)
            assert unicodedata.category(char) not in ("Cc", "Cf") and char not in common._INVISIBLE_LETTERS, hex(code)

    def slow(text: str) -> str:
        text = common._LINE_ENDS.sub("\n", text)
        return "".join(
            ch
            for ch in text
            if ch in "\n\t" or (unicodedata.category(ch) not in ("Cc", "Cf") and ch not in common._INVISIBLE_LETTERS)
        )

    rng = random.Random(18)
    pool = "中文，。（）《》、—…a1 \n\t\r\u200b\u200d\u202e\u00ad\ufeff\u3164\uffa0\u2028\x85\x00\u00e9ｆ①"
    for _ in range(2000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        assert common.visible_text(text) == slow(text), repr(text)
