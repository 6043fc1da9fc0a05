"""A corpus of bad workbooks, one per error, each refused with a clear Chinese error at the exact cell.

The corpus is generated here from the sample's good workbook (one edit each), so it follows the template."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest

from service.excel.importer import WorkbookInvalid, read_payload
from service.excel.safety import WorkbookRefused
from service.excel.workbook import workbook_for
from tests.excel.excel_helpers import edit, sample

TEMPLATE = "park_application"


@pytest.fixture(scope="module")
def good() -> bytes:
    return workbook_for(TEMPLATE, sample(TEMPLATE))


def _set(sheet: str, ref: str, value: Any) -> Callable[[Any], None]:
    def change(wb: Any) -> None:
        wb[sheet][ref] = value

    return change


def _merge(wb: Any) -> None:
    wb["园区基本信息"].merge_cells("B4:C4")


def _rename(wb: Any) -> None:
    wb["总体情况"].title = "总体"


def _insert_row(wb: Any) -> None:
    wb["园区基本信息"].insert_rows(5)


# (edit, cell, code, words in the message)
CELL_CASES: dict[str, tuple[Callable[[Any], None], str, str, str]] = {
    "text_in_number_cell": (_set("总体情况", "B3", "1860公顷"), "总体情况!B3", "number_text", "1860公顷"),
    "date_typed_as_text": (_set("封面", "B6", "2026.3.18"), "封面!B6", "date_text", "2026.3.18"),
    "decimal_in_integer_cell": (
        _set("主导产业创新平台建设情况", "B3", 2.5),
        "主导产业创新平台建设情况!B3",
        "wrong_type",
        "整数",
    ),
    "value_not_in_list": (_set("封面", "B4", "机器人"), "封面!B4", "not_allowed_value", "机器人"),
    "merged_input_cells": (_merge, "园区基本信息!B4", "merged_cells", "B4:C4"),
    "wrong_sheet_name": (_rename, "总体情况!A1", "sheet_missing", "总体情况"),
    "rows_inserted": (_insert_row, "园区基本信息!A5", "layout_changed", "插入或删除行"),
    "number_out_of_range": (
        _set("主导产业数字化发展水平", "B8", 120),
        "主导产业数字化发展水平!B8",
        "out_of_range",
        "100",
    ),
    "too_long_text": (_set("园区基本信息", "B3", "园" * 201), "园区基本信息!B3", "too_long", "200"),
    "required_cleared": (_set("园区基本信息", "B3", None), "园区基本信息!B3", "required", "必填"),
}


@pytest.mark.parametrize("case", sorted(CELL_CASES))
def test_cell_errors_name_the_cell(good: bytes, case: str) -> None:
    change, cell, code, words = CELL_CASES[case]
    with pytest.raises(WorkbookInvalid) as info:
        read_payload(TEMPLATE, edit(good, change), "园区.xlsx")
    errors = info.value.errors
    assert info.value.to_dict()["code"] == "workbook_invalid"
    hit = [e for e in errors if e.cell == cell]
    assert hit, [(e.cell, e.code, e.message) for e in errors]
    assert hit[0].code == code
    assert hit[0].message.startswith(f"{cell}：")
    assert words in hit[0].message
    assert hit[0].as_dict()["cell"] == cell
    assert not hit[0].message.isascii()


def test_formula_error_is_located(good: bytes) -> None:
    """A formula whose cached result is an error (#DIV/0!), as Excel saves it."""
    source = io.BytesIO(good)
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        names = zin.namelist()
        for name in names:
            data = zin.read(name)
            if name == "xl/worksheets/sheet4.xml":  # 总体情况, the fourth sheet: B3 becomes =1/0 with its cached error
                text = data.decode()
                start = text.index('<c r="B3"')
                end = text.index("</c>", start) + 4
                text = text[:start] + '<c r="B3" t="e"><f>1/0</f><v>#DIV/0!</v></c>' + text[end:]
                data = text.encode()
            zout.writestr(name, data)
    with pytest.raises(WorkbookInvalid) as info:
        read_payload(TEMPLATE, out.getvalue())
    error = next(e for e in info.value.errors if e.cell == "总体情况!B3")
    assert error.code == "formula_error" and "#DIV/0!" in error.message


def _add_part(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.namelist():
            zout.writestr(item, zin.read(item))
        zout.writestr(name, content)
    return out.getvalue()


REFUSED: dict[str, tuple[Callable[[bytes], bytes], str, str]] = {
    "macros": (lambda d: _add_part(d, "xl/vbaProject.bin", b"\0" * 64), "workbook_has_macros", "宏"),
    "external_links": (
        lambda d: _add_part(d, "xl/externalLinks/externalLink1.xml", b"<externalLink/>"),
        "workbook_external_links",
        "外部链接",
    ),
    "not_a_workbook": (lambda d: b"PK\x03\x04 not really", "workbook_not_xlsx", ".xlsx"),
    "old_xls": (lambda d: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "workbook_not_xlsx", ".xls"),
    "entity_declaration": (
        lambda d: _add_part(d, "xl/evil.xml", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'),
        "workbook_not_xlsx",
        "XML",
    ),
    "another_template": (
        lambda d: workbook_for("enterprise_application", sample("enterprise_application")),
        "workbook_template_mismatch",
        "enterprise_application",
    ),
    "another_version": (
        lambda d: edit(d, _set("_docgen", "B2", "0000000000000000")),
        "workbook_version_mismatch",
        "旧版本",
    ),
    "not_from_docgen": (lambda d: edit(d, lambda wb: wb.remove(wb["_docgen"])), "workbook_not_docgen", "填报表"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_workbooks(good: bytes, case: str) -> None:
    make, code, words = REFUSED[case]
    with pytest.raises(WorkbookRefused) as info:
        read_payload(TEMPLATE, make(good), "园区.xlsx")
    assert info.value.code == code
    assert words in info.value.message
    assert info.value.policy.status in (413, 422)


def test_several_errors_reported_at_once(good: bytes) -> None:
    def change(wb: Any) -> None:
        wb["总体情况"]["B3"] = "很多"
        wb["封面"]["B6"] = "2026年3月"
        wb["封面"]["B6"].number_format = "@"
        wb["园区基本信息"]["B5"] = dt.datetime(2012, 6, 18)  # a date is fine where a date is expected

    with pytest.raises(WorkbookInvalid) as info:
        read_payload(TEMPLATE, edit(good, change))
    cells = {e.cell for e in info.value.errors}
    assert {"总体情况!B3", "封面!B6"} <= cells
    assert "园区基本信息!B5" not in cells
