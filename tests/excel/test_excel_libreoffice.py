"""What LibreOffice does to the workbooks: a fill-in workbook opened and re-saved by Calc still imports to the same
payload, a formula error Calc computes is located, and the exported 推荐汇总表 holds the Word table's text cell by
cell."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from service.excel.importer import WorkbookInvalid, read_payload
from service.excel.summaries import SUMMARY_TEMPLATES, summary_xlsx
from service.excel.workbook import workbook_for
from service.rendering import render, validate
from tests.docx_text import open_docx, tables
from tests.excel.excel_helpers import edit, sample, soffice_resave


@pytest.mark.parametrize("template_id", ["park_application", "enterprise_application", "meeting_rsvp"])
def test_libreoffice_resave_still_imports(template_id: str, tmp_path: Path) -> None:
    original = sample(template_id)
    resaved = soffice_resave(workbook_for(template_id, original), tmp_path)
    assert read_payload(template_id, resaved) == original


def test_libreoffice_computes_the_average_and_a_formula_error_is_located(tmp_path: Path) -> None:
    data = edit(
        workbook_for("park_application", sample("park_application")),
        lambda wb: wb["总体情况"].__setitem__("B4", "=1/0"),
    )
    resaved = soffice_resave(data, tmp_path)
    values = openpyxl.load_workbook(io.BytesIO(resaved), data_only=True)
    assert values["近三年主要发展指标"]["E3"].value == pytest.approx(round((1268.4 + 1392.75 + 1536.2) / 3, 2))
    with pytest.raises(WorkbookInvalid) as info:
        read_payload("park_application", resaved)
    error = next(e for e in info.value.errors if e.cell == "总体情况!B4")
    assert error.code == "formula_error" and "#DIV/0!" in error.message


def _sheet_rows(data: bytes) -> list[list[str]]:
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    return [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]


@pytest.mark.parametrize("template_id", SUMMARY_TEMPLATES)
def test_summary_cells_equal_the_word_tables(template_id: str) -> None:
    payload = sample(template_id)
    xlsx = summary_xlsx(template_id, payload)
    doc = open_docx(render(template_id, validate(template_id, payload)))
    word_tables = tables(doc)
    rows = _sheet_rows(xlsx)
    width = len(word_tables[0][0])
    # Each Word table (园区类, 企业类) is found in the sheet under its caption, header and rows cell by cell.
    for caption, table in zip(("园区类", "企业类"), word_tables, strict=True):
        start = next(i for i, r in enumerate(rows) if r[0] == caption)
        block = [r[:width] for r in rows[start + 1 : start + 1 + len(table)]]
        assert block == [[c for c in r] for r in table]
    title = next(p.text for p in doc.paragraphs if "推荐汇总表" in p.text)
    assert any(r[0] == title for r in rows)
    assert any(r[0].startswith("推荐单位（盖章）：") and payload["recommender"] in r[0] for r in rows)
    ws = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows
    numbers = [c.value for c in ws["A"] if isinstance(c.value, int)]
    assert numbers and all(type(n) is int for n in numbers), "序号 are integers"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert any(m.startswith("A") for m in merged), "title merged across the table"


def test_summary_prints_through_libreoffice(tmp_path: Path) -> None:
    pdf = soffice_resave(summary_xlsx("city_recommendation_summary", sample("city_recommendation_summary")), tmp_path,
                         convert_to="pdf")  # fmt: skip
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height), "landscape"
    text: Any = page.extract_text()
    assert "园区类" in text and "企业类" in text and "广州市" in text
