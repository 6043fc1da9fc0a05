"""Every .xlsx the service writes is reproducible: the same input gives the same bytes however much later it is
made (openpyxl stamps the clock into docProps/core.xml and into the ZIP entries), and the re-packed workbook still
opens in openpyxl and in LibreOffice Calc."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from service.batch.candidate_list import LIST_SHEET, template_xlsx
from service.excel.importer import read_payload
from service.excel.summaries import summary_xlsx
from service.excel.workbook import workbook_for
from service.output.xlsx import repack_xlsx
from service.output.zips import FIXED_ZIP_TIME, UNIX
from tests.excel.excel_helpers import sample, soffice_resave

KINDS: dict[str, Callable[[], bytes]] = {
    "city_summary": lambda: summary_xlsx("city_recommendation_summary", sample("city_recommendation_summary")),
    "province_summary": lambda: summary_xlsx(
        "province_recommendation_summary", sample("province_recommendation_summary")
    ),
    "fill_in_empty": lambda: workbook_for("park_application"),
    "fill_in_filled": lambda: workbook_for("enterprise_application", sample("enterprise_application")),
    "candidate_list": template_xlsx,
}


def _core_dates(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        core = zf.read("docProps/core.xml").decode("utf-8")
    return dict(re.findall(r"<dcterms:(created|modified)\b[^>]*>([^<]*)<", core))


@pytest.fixture(scope="module")
def two_generations() -> dict[str, tuple[bytes, bytes]]:
    first = {kind: make() for kind, make in KINDS.items()}
    # More than the ZIP format's 2-second time resolution, so a clock stamp anywhere would show.
    time.sleep(2.2)
    return {kind: (first[kind], make()) for kind, make in KINDS.items()}


@pytest.mark.parametrize("kind", KINDS)
def test_two_generations_are_byte_identical(kind: str, two_generations: dict[str, tuple[bytes, bytes]]) -> None:
    first, second = two_generations[kind]
    assert first == second


@pytest.mark.parametrize("kind", KINDS)
def test_fixed_core_dates_and_zip_entries(kind: str, two_generations: dict[str, tuple[bytes, bytes]]) -> None:
    data = two_generations[kind][0]
    assert _core_dates(data) == {"created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z"}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        assert {i.date_time for i in infos} == {FIXED_ZIP_TIME}
        assert {i.create_system for i in infos} == {UNIX}
        assert all(i.external_attr >> 16 == 0o100644 for i in infos)
        assert "[Content_Types].xml" in zf.namelist() and "xl/workbook.xml" in zf.namelist()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.properties.created == dt.datetime(2026, 1, 1) == wb.properties.modified
    assert wb.properties.creator == "docgen"


def test_a_given_day_is_midnight_campaign_time() -> None:
    data = repack_xlsx(template_xlsx(), dt.date(2026, 3, 27))
    assert _core_dates(data) == {"created": "2026-03-26T16:00:00Z", "modified": "2026-03-26T16:00:00Z"}
    assert repack_xlsx(data, dt.date(2026, 3, 27)) == data


def test_openpyxl_reads_the_repacked_workbooks(two_generations: dict[str, tuple[bytes, bytes]]) -> None:
    filled = two_generations["fill_in_filled"][0]
    assert read_payload("enterprise_application", filled) == sample("enterprise_application")
    ws = openpyxl.load_workbook(io.BytesIO(two_generations["candidate_list"][0]))[LIST_SHEET]
    assert ws.data_validations.dataValidation, "the drop-downs survive the re-pack"


@pytest.mark.parametrize("kind", ["city_summary", "candidate_list"])
def test_libreoffice_opens_the_repacked_workbooks(
    kind: str, two_generations: dict[str, tuple[bytes, bytes]], tmp_path: Path
) -> None:
    original = openpyxl.load_workbook(io.BytesIO(two_generations[kind][0]))
    resaved = openpyxl.load_workbook(io.BytesIO(soffice_resave(two_generations[kind][0], tmp_path)))
    assert resaved.sheetnames[0] == original.sheetnames[0]
    cells = [[c.value for c in row] for row in original.worksheets[0].iter_rows(max_row=8)]
    again = [[c.value for c in row] for row in resaved.worksheets[0].iter_rows(max_row=8)]
    assert [v for r in again for v in r if v] == [v for r in cells for v in r if v]
