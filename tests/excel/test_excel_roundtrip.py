"""Payload → fill-in workbook → import gives the payload back, for every template that has a workbook; the workbook
is generated from the schema: sheets in the form's order, drop-downs, ranges, formulas, the hidden id sheet."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from service.excel.importer import WorkbookInvalid, read_payload
from service.excel.mapping import META_SHEET, WorkbookUnsupported, layout_for, schema_version
from service.excel.workbook import workbook_for
from service.rendering import get_template
from tests.excel.excel_helpers import WORKBOOK_TEMPLATES, edit, sample


def load(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.mark.parametrize("template_id", WORKBOOK_TEMPLATES)
def test_round_trip_gives_the_sample_back(template_id: str) -> None:
    original = sample(template_id)
    data = workbook_for(template_id, original)
    assert read_payload(template_id, data) == original


@pytest.mark.parametrize("template_id", WORKBOOK_TEMPLATES)
def test_round_trip_survives_an_openpyxl_resave(template_id: str) -> None:
    original = sample(template_id)
    data = edit(workbook_for(template_id, original), lambda wb: None)
    assert read_payload(template_id, data) == original


def test_a_changed_value_is_read() -> None:
    data = workbook_for("park_application", sample("park_application"))

    def change(wb: Any) -> None:
        ws = wb["总体情况"]
        assert ws["A3"].value == "规划面积（公顷）"
        ws["B3"] = 1900.25
        wb["封面"]["B4"] = "软件"

    got = read_payload("park_application", edit(data, change))
    assert got["overall"]["planned_area"] == 1900.25
    assert got["cover"]["creation_field"] == "软件"


def test_sheets_follow_the_form_and_the_meta_sheet_is_hidden() -> None:
    wb = load(workbook_for("park_application"))
    schema = get_template("park_application").model.model_json_schema()
    titles = [wb[name]["A1"].value for name in wb.sheetnames if name != META_SHEET]
    sections = [p["title"] if "title" in p else k for k, p in schema["properties"].items()]
    # Every section's title appears, in the schema's order (scalars of the top level share a sheet).
    joined = "|".join(titles)
    positions = [joined.index(s) for s in sections]
    assert positions == sorted(positions)
    meta = wb[META_SHEET]
    assert meta.sheet_state == "hidden"
    assert meta["B1"].value == "park_application"
    assert meta["B2"].value == schema_version(get_template("park_application").model.model_json_schema())


def test_validations_and_formulas() -> None:
    wb = load(workbook_for("park_application", sample("park_application")))
    cover = wb["封面"]
    rules = {str(dv.sqref): dv for dv in cover.data_validations.dataValidation}
    field = next(dv for ref, dv in rules.items() if "B4" in ref.split())
    assert field.type == "list" and "智能机器人" in field.formula1 and "软件" in field.formula1
    assert next(dv for ref, dv in rules.items() if "B6" in ref.split()).type == "date"
    indicators = wb["近三年主要发展指标"]
    assert indicators["E3"].value.startswith("=IF(COUNT(B3:D3)=0") and "AVERAGE(B3:D3)" in indicators["E3"].value
    plan = wb["创建工作方案"]
    lengths = [dv for dv in plan.data_validations.dataValidation if dv.type == "textLength"]
    assert lengths and all(dv.formula1 == "2000" for dv in lengths)
    platforms = wb["主导产业创新平台建设情况"]
    whole = [dv for dv in platforms.data_validations.dataValidation if dv.type == "whole"]
    assert whole and whole[0].formula1 == "0" and whole[0].formula2 == "1000000000"
    table = wb["主导产业营业收入排名前十的企业"]
    assert [c.value for c in table[2]] == ["序号", "企业名称", "营业收入（亿元）", "主营业务和主要产品"]
    assert table.cell(12, 1).value == 10 and table.cell(13, 1).value is None, "maxItems 10 rows"
    assert table["B3"].fill.fgColor.rgb.endswith("FFF7D6") and table["B3"].protection.locked is False
    assert table["A2"].protection.locked is not False


def test_blank_workbook_reports_the_required_cells() -> None:
    with pytest.raises(WorkbookInvalid) as info:
        read_payload("park_application", workbook_for("park_application"))
    by_loc = {e.loc: e for e in info.value.errors}
    assert by_loc["$.cover.applicant"].cell == "封面!B3"
    assert by_loc["$.cover.applicant"].code == "required"
    assert by_loc["$.cover.applicant"].message.startswith("封面!B3：")
    assert by_loc["$.top_enterprises"].cell == "主导产业营业收入排名前十的企业!A1"


def test_a_rule_error_points_at_the_table_row() -> None:
    data = workbook_for("city_recommendation_summary", sample("city_recommendation_summary"))

    def change(wb: Any) -> None:
        ws = wb["推荐对象"]
        for col in range(2, 9):  # the second row moves to row 20: an empty row stays between the others
            ws.cell(20, col).value = ws.cell(4, col).value
            ws.cell(4, col).value = None
        ws["B5"] = 2  # the park of priority 3 now repeats priority 2 (the first row's)

    with pytest.raises(WorkbookInvalid) as info:
        read_payload("city_recommendation_summary", edit(data, change))
    errors = [e for e in info.value.errors if e.code == "priority_duplicate"]
    assert [(e.cell, e.loc) for e in errors] == [("推荐对象!B5", "$.rows[1].priority")]


def test_official_document_has_no_workbook() -> None:
    with pytest.raises(WorkbookUnsupported) as info:
        layout_for("official_document")
    assert "JSON" in info.value.message
