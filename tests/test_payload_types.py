"""Shared field types: GB 32100 check digit, phones, dates, narrative length, error labels."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import Field

from service.payloads import FormPayload, PayloadInvalid, validate_payload
from service.payloads.common import (
    CREDIT_CODE_ALPHABET,
    AmountSeries,
    CreationFieldValue,
    CreditCode,
    FormDate,
    NarrativeText,
    Phone,
    credit_code_check_character,
)
from service.payloads.rules import check_growth, check_not_above, check_ratio, percent_of


class Sample(FormPayload):
    code: CreditCode = Field(title="统一社会信用代码")
    phone: Phone = Field(title="联系电话")
    day: FormDate = Field(title="填报日期")
    field: CreationFieldValue = Field(title="申报领域")
    text: NarrativeText = Field(title="发展基础")
    revenue: AmountSeries = Field(title="总营业收入（亿元）")


GOOD = {
    "code": "91110000600037341L",
    "phone": "020-83133305",
    "day": "2026-03-18",
    "field": "软件",
    "text": "正文",
    "revenue": {"2023": 1, "2024": 2, "2025": 4.5},
}


def errors_of(data):
    with pytest.raises(PayloadInvalid) as info:
        validate_payload(Sample, data)
    return {(e.loc, e.code) for e in info.value.errors}, info.value.errors


@pytest.mark.parametrize(
    "code",
    [
        "91110000600037341L",
        "121200004013590816",
        "91310115MA1K3BTP2B",
        "9144030071526726XG",
        "91620105L015101280",
        "91310110666007217T",
        "91310115591693856A",
    ],
)
def test_published_credit_codes_are_valid(code):
    assert validate_payload(Sample, {**GOOD, "code": code}).model.code == code


def test_wrong_check_character_is_reported_with_the_expected_one():
    found, errors = errors_of({**GOOD, "code": "91110000600037341N"})
    assert found == {("$.code", "credit_code_check_digit")}
    assert "“L”" in errors[0].message and errors[0].label == "统一社会信用代码"


@pytest.mark.parametrize("code", ["9111000060003734", "91110000600037341I", "9111000060003734IL", "ABCDEFGHJKLMNPQRTU"])
def test_malformed_credit_codes(code):
    found, _ = errors_of({**GOOD, "code": code})
    assert found == {("$.code", "credit_code_format")}


@given(
    st.text(alphabet=CREDIT_CODE_ALPHABET[:10], min_size=6, max_size=6),
    st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=9, max_size=9),
    st.sampled_from(CREDIT_CODE_ALPHABET),
)
def test_exactly_one_check_character_is_accepted(region, org, wrong):
    first17 = "91" + region + org
    right = credit_code_check_character(first17)
    Sample.model_validate({**GOOD, "code": first17 + right})
    if wrong != right:
        with pytest.raises(Exception):  # noqa: B017
            Sample.model_validate({**GOOD, "code": first17 + wrong})


@pytest.mark.parametrize(
    "phone",
    [
        "020-83133305",
        "010-12345678-1234",
        "02083133305",
        "18688205188",
        "+8618688205188",
        "020-83133305,18688205188",
        "020-83133305，18688205188",
    ],
)
def test_valid_phones(phone):
    validate_payload(Sample, {**GOOD, "phone": phone})


@pytest.mark.parametrize("phone", ["12345", "020-831", "1868820518", "28688205188", "电话", "020-83133305,abc"])
def test_invalid_phones(phone):
    found, _ = errors_of({**GOOD, "phone": phone})
    assert found == {("$.phone", "phone_format")}


def test_dates_accept_chinese_form_and_reject_impossible_days():
    assert str(validate_payload(Sample, {**GOOD, "day": "2026年3月8日"}).model.day) == "2026-03-08"
    assert errors_of({**GOOD, "day": "2026-02-30"})[0] == {("$.day", "date_invalid")}
    assert errors_of({**GOOD, "day": "明天"})[0] == {("$.day", "date_format")}


def test_narrative_limit_counts_without_whitespace():
    validate_payload(Sample, {**GOOD, "text": "字" * 2000 + "\n \t" * 50})
    found, errors = errors_of({**GOOD, "text": "字" * 2001})
    assert found == {("$.text", "text_too_long")} and "2001" in errors[0].message


def test_creation_field_must_be_one_of_ten():
    found, errors = errors_of({**GOOD, "field": "元宇宙"})
    assert found == {("$.field", "creation_field_invalid")}
    assert "人工智能" in errors[0].message


def test_all_errors_at_once_with_labels():
    found, errors = errors_of(
        {
            "code": "x",
            "phone": "1",
            "day": "d",
            "field": "f",
            "text": "",
            "revenue": {"2023": -1, "2024": "多"},
            "extra": 1,
        }
    )
    assert {loc for loc, _ in found} == {
        "$.code",
        "$.phone",
        "$.day",
        "$.field",
        "$.text",
        "$.revenue.2023",
        "$.revenue.2024",
        "$.extra",
    }
    labels = {e.loc: e.label for e in errors}
    assert labels["$.revenue.2024"] == "总营业收入（亿元） / 2024 年"


def test_average_and_derived_values():
    result = validate_payload(Sample, GOOD)
    assert result.derived["$.revenue.average"] == 2.5


def test_ratio_rules_tolerate_rounding_of_inputs():
    assert percent_of(1, 3) == D("33.33")
    assert not check_ratio(("x",), percent_of(1, 3), 1, 3, "a/b")
    # inputs rounded to 2 decimals: 0.33/0.67 could be anything from 0.325/0.675 to 0.335/0.665
    assert not check_ratio(("x",), D("50"), D("0.33"), D("0.67"), "")
    assert check_ratio(("x",), D("60"), D("0.33"), D("0.67"), "")
    assert check_ratio(("x",), D("40"), 1, 3, "a/b")[0].code == "derived_mismatch"
    assert check_growth(("g",), D("10"), 110, 100, "") == []
    assert check_growth(("g",), D("12"), 110, 100, "")[0].code == "derived_mismatch"
    assert check_not_above(("p",), 5, 4, "规上企业数量", "企业数量")[0].code == "part_exceeds_total"


@pytest.mark.parametrize("day", [0, 1742256000, 3.5, True, "2026-03-18T10:00:00"])
def test_dates_are_strings_not_timestamps(day):
    assert errors_of({**GOOD, "day": day})[0] == {("$.day", "date_format")}


@pytest.mark.parametrize("value", ["12.5", True, "多"])
def test_amounts_are_json_numbers(value):
    assert errors_of({**GOOD, "revenue": {"2023": value}})[0] == {("$.revenue.2023", "wrong_type")}
