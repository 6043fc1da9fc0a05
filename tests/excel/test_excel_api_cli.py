"""Excel through the edges: the API's workbook, import and format=xlsx routes, and the CLI commands."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.api.app import create_app
from service.api.settings import Settings
from service.cli import app as cli_app
from service.conversion import ConversionPool
from service.excel.workbook import workbook_for
from tests.excel.excel_helpers import SAMPLES, edit, sample

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def client(converter: ConversionPool, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), pool_size=1, _env_file=None)
    with TestClient(create_app(settings, pool=converter)) as c:
        yield c


def test_api_workbook_and_import(client: TestClient) -> None:
    blank = client.get("/v1/templates/park_application/workbook")
    assert blank.status_code == 200 and blank.headers["content-type"] == XLSX
    assert "封面" in openpyxl.load_workbook(io.BytesIO(blank.content)).sheetnames
    filled = workbook_for("park_application", sample("park_application"))
    ok = client.post("/v1/imports/park_application", files={"file": ("园区.xlsx", filled, XLSX)})
    assert ok.status_code == 200 and ok.json() == sample("park_application")
    bad = edit(filled, lambda wb: wb["总体情况"].__setitem__("B3", "很大"))
    refused = client.post("/v1/imports/park_application", files={"file": ("园区.xlsx", bad, XLSX)})
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "workbook_invalid"
    assert [(e["cell"], e["loc"], e["code"]) for e in body["errors"]] == [
        ("总体情况!B3", "$.overall.planned_area", "number_text")
    ]
    other = client.post("/v1/imports/enterprise_application", files={"file": ("园区.xlsx", filled, XLSX)})
    assert other.status_code == 422 and other.json()["code"] == "workbook_template_mismatch"
    assert client.get("/v1/templates/official_document/workbook").json()["code"] == "workbook_unsupported"


def test_api_summary_as_xlsx(client: TestClient) -> None:
    response = client.post(
        "/v1/documents/city_recommendation_summary?format=xlsx", json=sample("city_recommendation_summary")
    )
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert ws["A2"].value == "广州市国家新兴产业发展示范基地创建对象推荐汇总表"
    refused = client.post("/v1/documents/park_application?format=xlsx", json=sample("park_application"))
    assert refused.status_code == 422 and refused.json()["code"] == "format_unsupported"


def test_cli_workbook_import_and_render(tmp_path: Path) -> None:
    runner = CliRunner()
    book = tmp_path / "园区.xlsx"
    result = runner.invoke(cli_app, ["workbook", "park_application", "-o", str(book), "--from",
                                     str(SAMPLES / "park_application.json")])  # fmt: skip
    assert result.exit_code == 0, result.output
    out = tmp_path / "payload.json"
    result = runner.invoke(cli_app, ["import", "park_application", str(book), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8")) == sample("park_application")
    book.write_bytes(edit(book.read_bytes(), lambda wb: wb["封面"].__setitem__("B6", "2026.3.18")))
    out.unlink()
    result = runner.invoke(cli_app, ["import", "park_application", str(book), "-o", str(out)])
    assert result.exit_code == 1 and not out.exists()
    assert "封面!B6" in result.output and "date_text" in result.output
    summary = tmp_path / "汇总.xlsx"
    source = SAMPLES / "province_recommendation_summary.json"
    result = runner.invoke(cli_app, ["render", "province_recommendation_summary", str(source), "-o", str(summary)])
    assert result.exit_code == 0, result.output
    title = openpyxl.load_workbook(summary).active["A2"].value
    assert title == "国家新兴产业发展示范基地创建对象推荐汇总表"
