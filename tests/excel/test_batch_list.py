"""The batch candidate list (候选名单 .xlsx) wherever a manifest is, and the summary .xlsx of batch and rollup.

The Guangzhou sample is turned into a list.xlsx (filled into the `--template-xlsx` template with openpyxl): two
payloads as fill-in workbooks (park-2, which carries the sample's deliberate error, and enterprise-2, inline in the
manifest), the others as JSON; the enterprises' attachment lists become folders with attachments.json. It must
load as the same candidates as manifest.json and give the same outcome; one real batch run (LibreOffice) is
shared by the output tests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.api.app import create_app
from service.api.routers.batch_preflight import check_batch
from service.api.settings import Settings
from service.batch.candidate_list import LIST_SHEET, MANIFEST_JSON, template_xlsx
from service.batch.manifest import MANIFEST_NAME, LoadedCandidate, ManifestInvalid, load_manifest
from service.batch.pipeline import run_batch
from service.batch.rollup import rollup
from service.cli import app as cli_app
from service.conversion import ConversionPool
from service.excel.workbook import workbook_for
from service.packaging.attachments import attachments_from_dir
from service.payloads.common import CreationField
from tests.docx_text import open_docx, tables
from tests.excel.excel_helpers import ROOT, edit

SAMPLE = ROOT / "samples" / "batch_guangzhou"
WORKBOOK_PAYLOADS = ("park-2", "enterprise-2")
FIRST_ROW = 9  # the template's first candidate row


def make_list_batch(target: Path) -> Path:
    """The sample as a folder with list.xlsx instead of manifest.json; returns the list's path."""
    shutil.copytree(SAMPLE, target)
    (target / "manifest.json").unlink()
    manifest = json.loads((SAMPLE / "manifest.json").read_text(encoding="utf-8"))
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    ws = wb[LIST_SHEET]
    ws["B2"], ws["B3"] = manifest["recommender"]["city"], manifest["recommender"]["department"]
    ws["B4"], ws["B5"] = manifest["contact"]["name"], manifest["contact"]["phone"]
    ws["B6"] = dt.date.fromisoformat(manifest["date"])
    for row, c in enumerate(manifest["candidates"], start=FIRST_ROW):
        key = c["id"]
        payload = c["payload"] if isinstance(c["payload"], dict) else json.loads((SAMPLE / c["payload"]).read_text())
        template_id = "park_application" if c["type"] == "park" else "enterprise_application"
        data_file = c["payload"] if isinstance(c["payload"], str) else ""
        if key in WORKBOOK_PAYLOADS:
            data_file = f"payloads/{key}.xlsx"
            (target / data_file).write_bytes(workbook_for(template_id, payload))
        attachments = c.get("attachments")
        if isinstance(attachments, list):
            folder = target / "attachments" / key
            folder.mkdir(parents=True)
            listing = []
            for a in attachments:
                shutil.copy(SAMPLE / a["file"], folder / Path(a["file"]).name)
                listing.append({"file": Path(a["file"]).name, "item": a["item"], "title": a["title"]})
            (folder / "attachments.json").write_text(json.dumps(listing, ensure_ascii=False), encoding="utf-8")
            attachments = f"attachments/{key}"
        kind = "园区" if c["type"] == "park" else "企业"
        cover = payload["cover"]
        values = [kind, cover["applicant"], payload["basic_info"]["name"], cover["creation_field"], c["priority"],
                  c.get("remark"), data_file, attachments, key, c.get("parent_credit_code")]  # fmt: skip
        for col, value in enumerate(values, start=1):
            ws.cell(row, col, value)
    path = target / "list.xlsx"
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def list_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_list_batch(tmp_path_factory.mktemp("list") / "广州")


def attachment_digest(candidate: LoadedCandidate) -> list[tuple[int, str, str]]:
    """(item, title, sha256) of a candidate's attachments, however the manifest gave them."""
    src = candidate.attachments
    if src.folder is not None:
        found = [(a.item, a.title, a.read()) for a in attachments_from_dir(src.folder)]
    else:
        found = [(item, title or path.stem, path.read_bytes()) for item, path, title in src.files]
    return [(item, title, hashlib.sha256(data).hexdigest()) for item, title, data in found]


def test_list_loads_as_the_same_candidates_as_the_manifest(list_batch: Path) -> None:
    from_list = load_manifest(list_batch)
    from_json = load_manifest(SAMPLE / MANIFEST_NAME)
    assert MANIFEST_JSON == MANIFEST_NAME
    assert (from_list.recommender, from_list.contact, from_list.date) == (
        from_json.recommender, from_json.contact, from_json.date)  # fmt: skip
    assert [c.key for c in from_list.in_priority_order()] == [c.key for c in from_json.in_priority_order()]
    for a, b in zip(from_list.candidates, from_json.candidates, strict=True):
        assert b.errors == [], b.key
        assert a.entry is not None and b.entry is not None
        assert (a.key, a.type, a.priority, a.entry.remark, a.entry.parent_credit_code) == (
            b.key, b.type, b.priority, b.entry.remark, b.entry.parent_credit_code)  # fmt: skip
        assert attachment_digest(a) == attachment_digest(b), a.key
        if a.key == "park-2":  # the sample's deliberate error, found by the import at its workbook cell
            assert a.payload is None
            assert [(e.cell, e.code) for e in a.errors] == [  # type: ignore[attr-defined]
                ("[park-2.xlsx]总体情况!B4", "part_exceeds_total")
            ]
            assert a.errors[0].message == "[park-2.xlsx]总体情况!B4：建成面积（1250.0）不能大于规划面积（980.0）"
        else:
            assert a.errors == [], a.key
            assert a.payload == b.payload, a.key  # JSON and fill-in workbook give the very payloads


def test_preflight_gives_the_same_outcome(list_batch: Path) -> None:
    from_list, from_json = check_batch(list_batch), check_batch(SAMPLE / MANIFEST_NAME)
    assert from_list["recommender"] == from_json["recommender"]
    assert (from_list["total"], from_list["runnable"]) == (from_json["total"], from_json["runnable"]) == (7, 5)
    assert from_list["problems"] == from_json["problems"]
    for a, b in zip(from_list["candidates"], from_json["candidates"], strict=True):
        assert (a["key"], a["will_run"]) == (b["key"], b["will_run"])
        # A workbook that does not import gives no payload, hence no name (park-2); the others are named alike.
        assert a["name"] == (None if a["key"] == "park-2" else b["name"])
        assert [e["code"] for e in a["errors"]] == [e["code"] for e in b["errors"]], a["key"]
    # park-2's deliberate error is reported at the cell of its fill-in workbook.
    park2 = next(c for c in from_list["candidates"] if c["key"] == "park-2")
    assert park2["errors"] and all(e["cell"].startswith("[park-2.xlsx]") for e in park2["errors"])
    assert all(e["message"].startswith(e["cell"] + "：") for e in park2["errors"])


# --- one real batch run from the list -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def run(list_batch: Path, converter: ConversionPool, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    out = tmp_path_factory.mktemp("out") / "广州"
    return out, run_batch(list_batch, out, workers=1, converter=converter)


def sheet_rows(data: bytes) -> list[list[str]]:
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws is not None
    return [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]


def assert_xlsx_matches_docx(xlsx: bytes, docx: bytes) -> list[list[str]]:
    """Each Word table (园区类, 企业类) appears under its caption in the sheet, cell by cell; the sheet's rows."""
    rows = sheet_rows(xlsx)
    doc = open_docx(docx)
    word_tables = tables(doc)
    assert word_tables
    width = len(word_tables[0][0])
    captions = [r[0] for r in rows if r[0] in ("园区类", "企业类")]
    assert len(captions) == len(word_tables)
    for caption, table in zip(captions, word_tables, strict=True):
        start = next(i for i, r in enumerate(rows) if r[0] == caption)
        assert [r[:width] for r in rows[start + 1 : start + 1 + len(table)]] == table
    title = next(p.text for p in doc.paragraphs if "推荐汇总表" in p.text)
    assert any(r[0] == title for r in rows)
    return rows


def test_list_batch_has_the_manifest_outcome(run: tuple[Path, Any]) -> None:
    out, report = run
    expected = check_batch(SAMPLE / MANIFEST_NAME)
    will_run = {c["key"] for c in expected["candidates"] if c["will_run"]}
    assert {c.key for c in report.ok} == will_run
    assert {c.key for c in report.failed} == {c["key"] for c in expected["candidates"]} - will_run
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    park2 = next(c for c in data["candidates"] if c["key"] == "park-2")
    assert park2["status"] == "failed" and park2["errors"][0]["cell"].startswith("[park-2.xlsx]")
    assert "[park-2.xlsx]" in (out / "报告.txt").read_text(encoding="utf-8")


def test_batch_output_has_the_summary_xlsx_equal_to_the_docx(run: tuple[Path, Any]) -> None:
    out, report = run
    s = report.summary
    assert s is not None and s["xlsx"] == "广州市国家新兴产业发展示范基地创建对象推荐汇总表.xlsx"
    xlsx, docx = (out / s["xlsx"]).read_bytes(), (out / s["docx"]).read_bytes()
    rows = assert_xlsx_matches_docx(xlsx, docx)
    # The names the list gave, in the summary's order: three parks minus park-2, three enterprises of four.
    names = [r[2] for r in rows if r[0].isdigit()]
    assert names == [c.name for c in sorted(report.ok, key=lambda c: (c.type.value != "park", c.sequence))]
    with zipfile.ZipFile(out / report.zip_name) as zf:
        member = next(n for n in zf.namelist() if n.endswith("/" + s["xlsx"]))
        assert zf.read(member) == xlsx
    assert s["xlsx"] in (out / "报告.txt").read_text(encoding="utf-8")


def test_rollup_writes_the_province_xlsx(run: tuple[Path, Any], converter: ConversionPool, tmp_path: Path) -> None:
    out, _ = run
    report = rollup([out], tmp_path / "省", converter=converter)
    name = "国家新兴产业发展示范基地创建对象推荐汇总表.xlsx"
    assert name in report.files
    xlsx = (tmp_path / "省" / name).read_bytes()
    rows = assert_xlsx_matches_docx(xlsx, (tmp_path / "省" / name.replace(".xlsx", ".docx")).read_bytes())
    assert [r[2] for r in rows if r[0].isdigit()] == [r.name for r in report.rows]
    data = json.loads((tmp_path / "省" / "rollup.json").read_text(encoding="utf-8"))
    assert data["sha256"][name] == hashlib.sha256(xlsx).hexdigest()


# --- bad lists: every error at its cell ----------------------------------------------------------------------


def _set(ref: str, value: Any) -> Callable[[Any], None]:
    return lambda wb: wb[LIST_SHEET].__setitem__(ref, value)


def _merge(wb: Any) -> None:
    wb[LIST_SHEET].merge_cells(f"B{FIRST_ROW}:B{FIRST_ROW + 1}")


def _rename(wb: Any) -> None:
    wb[LIST_SHEET].title = "名单"


BAD_ROWS = [
    # (what, change, candidate key, [(cell, code)])
    ("type not 园区/企业", _set("A9", "公司"), "park-1", [("候选名单!A9", "list_type")]),
    ("priority as words", _set("E11", "第三"), "park-3", [("候选名单!E11", "wrong_type")]),
    ("priority a fraction", _set("E11", 1.5), "park-3", [("候选名单!E11", "wrong_type")]),
    ("priority out of range", _set("E9", 0), "park-1", [("候选名单!E9", "out_of_range")]),
    ("formula error", _set("E12", "#DIV/0!"), "enterprise-1", [("候选名单!E12", "formula_error")]),
    ("merged cells", _merge, "park-1", [("候选名单!B9:B10", "merged_cell")]),
    ("name differs from payload", _set("C9", "广州某某产业园"), "park-1", [("候选名单!C9", "list_mismatch")]),
    ("field differs from payload", _set("D12", "软件"), "enterprise-1", [("候选名单!D12", "list_mismatch")]),
    ("payload file missing", _set("G11", "payloads/nope.json"), "park-3", [("候选名单!G11", "payload_file")]),
    ("payload outside the folder", _set("G11", "../park-3.json"), "park-3", [("候选名单!G11", "wrong_value")]),
    ("payload workbook missing", _set("G11", "payloads/nope.xlsx"), "park-3", [("候选名单!G11", "payload_file")]),
    ("attachment folder missing", _set("H9", "attachments/nope"), "park-1", [("候选名单!H9", "attachments_folder")]),
    ("bad parent credit code", _set("J14", "123"), "enterprise-3", [("候选名单!J14", "credit_code_format")]),
]


def _error_cells(candidate: LoadedCandidate) -> list[tuple[str, str]]:
    return [(getattr(e, "cell", ""), e.code) for e in candidate.errors]


@pytest.mark.parametrize(("what", "change", "key", "expected"), BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_bad_row_is_that_candidates_error_at_its_cell(
    list_batch: Path, tmp_path: Path, what: str, change: Any, key: str, expected: list[tuple[str, str]]
) -> None:
    folder = tmp_path / "b"
    shutil.copytree(list_batch.parent, folder)
    path = folder / "list.xlsx"
    path.write_bytes(edit(path.read_bytes(), change))
    loaded = load_manifest(path)
    by_key = {c.key: c for c in loaded.candidates}
    got = _error_cells(by_key[key])
    if expected[0][1] in ("credit_code_format", "wrong_value", "out_of_range"):
        assert [cell for cell, _ in got] == [cell for cell, _ in expected], got  # the model's own code
    else:
        assert got == expected
    assert all(e.message.startswith(expected[0][0] + "：") for e in by_key[key].errors)
    # The others go on (park-2 carries the sample's own error in every variant).
    assert {k for k, c in by_key.items() if c.errors} == {key, "park-2"}


def test_payload_workbook_cell_errors_name_the_workbook(list_batch: Path, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    shutil.copytree(list_batch.parent, folder)
    book = folder / "payloads" / "enterprise-2.xlsx"
    book.write_bytes(edit(book.read_bytes(), lambda wb: wb["企业基本信息"].__setitem__("B4", "不是代码")))
    loaded = load_manifest(folder / "list.xlsx")
    enterprise2 = next(c for c in loaded.candidates if c.key == "enterprise-2")
    assert enterprise2.payload is None
    assert [(e.cell, e.loc) for e in enterprise2.errors] == [  # type: ignore[attr-defined]
        ("[enterprise-2.xlsx]企业基本信息!B4", "$.basic_info.credit_code")
    ]


def test_macro_payload_workbook_is_refused_at_its_list_cell(list_batch: Path, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    shutil.copytree(list_batch.parent, folder)
    book = folder / "payloads" / "enterprise-2.xlsx"
    with zipfile.ZipFile(book, "a") as zf:
        zf.writestr("xl/vbaProject.bin", b"\0" * 16)
    enterprise2 = next(c for c in load_manifest(folder / "list.xlsx").candidates if c.key == "enterprise-2")
    assert _error_cells(enterprise2) == [("候选名单!G13", "workbook_has_macros")]


BAD_LISTS = [
    ("no 地市", _set("B2", None), [("候选名单!B2", "required")]),
    ("bad phone", _set("B5", "电话"), [("候选名单!B5", None)]),
    ("date typed as text", _set("B6", "2026.3.18"), [("候选名单!B6", "date_text")]),
    ("sheet renamed", _rename, [("", "list_sheet_missing")]),
    ("no 优先级 column", _set("E8", "顺序"), [("候选名单!A8", "list_column_missing")]),
    ("same id twice", _set("I10", "park-1"), [("候选名单!I10", "duplicate_id")]),
]


@pytest.mark.parametrize(("what", "change", "expected"), BAD_LISTS, ids=[b[0] for b in BAD_LISTS])
def test_unusable_list_is_refused_with_cells(
    list_batch: Path, tmp_path: Path, what: str, change: Any, expected: list[tuple[str, str | None]]
) -> None:
    path = tmp_path / "list.xlsx"
    path.write_bytes(edit(list_batch.read_bytes(), change))
    with pytest.raises(ManifestInvalid) as info:
        load_manifest(path)
    got = [(getattr(e, "cell", ""), e.code) for e in info.value.errors]
    assert [cell for cell, _ in got] == [cell for cell, _ in expected], got
    assert [code for _, code in got] == [code or got[i][1] for i, (_, code) in enumerate(expected)]
    assert all("Traceback" not in e.message and e.message for e in info.value.errors)


def test_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ManifestInvalid) as info:
        load_manifest(path)
    assert info.value.errors[0].code == "workbook_not_xlsx"


# --- the template, the CLI and the API ------------------------------------------------------------------------


def test_template_has_the_drop_downs_and_whole_number_priority(tmp_path: Path) -> None:
    target = tmp_path / "空白名单.xlsx"
    result = CliRunner().invoke(cli_app, ["batch", "--template-xlsx", str(target)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(target)
    ws = wb[LIST_SHEET]
    headers = [c.value for c in ws[FIRST_ROW - 1]]
    assert "|".join(headers[:8]) == "类型|申报单位|园区/企业名称|领域|优先级|备注|申请书数据文件|附件文件夹"
    rules = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    assert rules["A9"].type == "list" and rules["A9"].formula1 == '"园区,企业"'
    assert rules["D9"].type == "list" and rules["D9"].formula1.strip('"').split(",") == [f.value for f in CreationField]
    assert rules["E9"].type == "whole" and (rules["E9"].formula1, rules["E9"].formula2) == ("1", "200")
    assert rules["B6"].type == "date"
    assert str(rules["A9"].sqref) == "A9:A208"
    # The empty list loads as “no candidates”, located below the header.
    with pytest.raises(ManifestInvalid) as info:
        load_manifest(target)
    assert {e.cell for e in info.value.errors} >= {"候选名单!B2", "候选名单!A9"}  # type: ignore[attr-defined]


def test_cli_batch_reports_list_cells_and_writes_nothing(list_batch: Path, tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    path.write_bytes(edit(list_batch.read_bytes(), _set("B6", "2026.3.18")))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli_app, ["batch", str(path), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "候选名单!B6" in result.output and "date_text" in result.output
    assert not out.exists()


def _zip_of(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, f"广州/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def client(converter: ConversionPool, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), pool_size=1, _env_file=None)
    with TestClient(create_app(settings, pool=converter)) as c:
        yield c


def test_api_check_and_refusal_of_a_list_zip(client: TestClient, list_batch: Path, tmp_path: Path) -> None:
    upload = {"file": ("广州.zip", _zip_of(list_batch.parent), "application/zip")}
    checked = client.post("/v1/batches/check", files=upload)
    assert checked.status_code == 200, checked.text
    assert (checked.json()["total"], checked.json()["runnable"]) == (7, 5)
    folder = tmp_path / "bad"
    shutil.copytree(list_batch.parent, folder)
    (folder / "list.xlsx").write_bytes(edit(list_batch.read_bytes(), _set("B2", None)))
    bad = {"file": ("广州.zip", _zip_of(folder), "application/zip")}
    for route in ("/v1/batches/check", "/v1/batches"):
        refused = client.post(route, files=bad)
        assert refused.status_code == 422 and refused.json()["code"] == "manifest_invalid"
        assert [e["message"].split("：")[0] for e in refused.json()["errors"]] == ["候选名单!B2"]


def test_api_runs_a_list_zip(client: TestClient, list_batch: Path, tmp_path: Path) -> None:
    """POST /v1/batches with list.xlsx instead of manifest.json: accepted and its candidates listed (the run
    itself is the same pipeline as the CLI run above; its end is not waited for here)."""
    folder = tmp_path / "one"
    shutil.copytree(list_batch.parent, folder)
    # One candidate only, so that the background job is short.
    (folder / "list.xlsx").write_bytes(edit(list_batch.read_bytes(), _keep_first_row))
    created = client.post("/v1/batches", files={"file": ("广州.zip", _zip_of(folder), "application/zip")})
    assert created.status_code == 202, created.text
    status = client.get(created.headers["location"]).json()
    assert [c["key"] for c in status["candidates"]] == ["park-1"]
    client.delete(created.headers["location"])


def _keep_first_row(wb: Any) -> None:
    ws = wb[LIST_SHEET]
    ws.delete_rows(FIRST_ROW + 1, 20)
