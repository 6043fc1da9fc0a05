"""Province roll-up (工业和信息化部附件1) from cities' batch reports: order, numbering, cross-city conflicts."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader
from typer.testing import CliRunner

from service.batch.pipeline import REPORT_FORMAT
from service.batch.rollup import ROLLUP_JSON, ROLLUP_TXT, RollupInvalid, rollup
from service.payloads.common import credit_code_check_character
from tests.docx_text import open_docx, table_rows

TITLE = "国家新兴产业发展示范基地创建对象推荐汇总表"


def code(org: str) -> str:
    first17 = f"91440300{org}"
    return first17 + credit_code_check_character(first17)


def park(key: str, seq: int, name: str, field: str = "软件", status: str = "ok") -> dict[str, Any]:
    return {"key": key, "type": "park", "priority": seq, "sequence": seq if status == "ok" else None,
            "applicant": f"{name}管理委员会", "name": name, "credit_code": None, "parent_credit_code": None,
            "creation_field": field, "status": status}  # fmt: skip


def ent(key: str, seq: int, name: str, credit: str, field: str = "人工智能", parent: str | None = None,
        status: str = "ok") -> dict[str, Any]:  # fmt: skip
    return {"key": key, "type": "enterprise", "priority": seq, "sequence": seq if status == "ok" else None,
            "applicant": name, "name": name, "credit_code": credit, "parent_credit_code": parent,
            "creation_field": field, "status": status}  # fmt: skip


def city(folder: Path, name: str, candidates: list[dict[str, Any]], state: str = "completed") -> Path:
    folder.mkdir(parents=True)
    ok = sum(c["status"] == "ok" for c in candidates)
    report = {
        "format": REPORT_FORMAT,
        "state": state,
        "recommender": {"city": name, "department": f"{name}工业和信息化局"},
        "counts": {"total": len(candidates), "ok": ok, "failed": len(candidates) - ok},
        "candidates": candidates,
    }
    (folder / "report.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def pool() -> Iterator[Any]:
    from service.conversion import ConversionPool, PoolSettings, set_default_pool

    with ConversionPool(PoolSettings(size=1)) as shared:
        yield shared
    set_default_pool(None)


def caption_of(table: Any) -> str:
    previous = table._tbl.getprevious()
    return "".join(t.text for t in previous.iter(qn("w:t")))


def test_cities_in_the_given_order_parks_and_enterprises_renumbered(tmp_path: Path, pool: Any) -> None:
    gz = city(tmp_path / "gz", "广州市", [
        park("p1", 1, "广州甲园区"), park("p2", 2, "广州乙园区", status="failed"), park("p3", 3, "广州丙园区"),
        ent("e1", 1, "广州甲公司", code("MA5G00001")),
    ])  # fmt: skip
    sz = city(tmp_path / "sz", "深圳市", [
        park("p1", 1, "深圳甲园区", field="智能机器人"), ent("e2", 2, "深圳乙公司", code("MA5H00002")),
        ent("e1", 1, "深圳甲公司", code("MA5H00001")),
    ])  # fmt: skip
    out = tmp_path / "province"
    report = rollup([sz, gz], out, recommender="广东省工业和信息化厅", converter=pool)
    assert report.exit_code == 0 and report.problems == []
    doc = open_docx(out / f"{TITLE}.docx")
    parks_table, enterprises_table = doc.tables
    assert "园区" in caption_of(parks_table) and "企业" in caption_of(enterprises_table)
    assert [r[:5] for r in table_rows(parks_table)[1:]] == [
        ["1", "深圳甲园区管理委员会", "深圳甲园区", "园区", "智能机器人"],
        ["2", "广州甲园区管理委员会", "广州甲园区", "园区", "软件"],
        ["3", "广州丙园区管理委员会", "广州丙园区", "园区", "软件"],
    ]
    assert [r[2] for r in table_rows(enterprises_table)[1:]] == ["深圳甲公司", "深圳乙公司", "广州甲公司"]
    assert "推荐单位（盖章）：广东省工业和信息化厅" in [p.text for p in doc.paragraphs]
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(out / f"{TITLE}.pdf").pages))
    assert text.find("深圳甲园区") < text.find("广州甲园区") < text.find("广州丙园区")
    assert "广州乙园区" not in text
    saved = json.loads((out / ROLLUP_JSON).read_text(encoding="utf-8"))
    assert [(r["city"], r["name"], r["priority"]) for r in saved["rows"] if r["category"] == "企业"] == [
        ("深圳市", "深圳甲公司", 1), ("深圳市", "深圳乙公司", 2), ("广州市", "广州甲公司", 3)]  # fmt: skip


def test_conflicts_across_cities_keep_the_first_listed(tmp_path: Path, pool: Any) -> None:
    group, shared = code("MA5G00001"), code("MA5D00009")
    gz = city(tmp_path / "gz", "广州市", [
        park("p1", 1, "甲园区"),
        ent("e1", 1, "粤芯集团有限公司", group), ent("e2", 2, "重复公司", shared),
    ])  # fmt: skip
    sz = city(tmp_path / "sz", "深圳市", [
        park("p1", 1, "甲园区"),  # the same park recommended by two cities
        ent("e1", 1, "粤芯深圳子公司", code("MA5R00001"), parent=group),
        ent("e2", 2, "重复公司", shared),
    ])  # fmt: skip
    out = tmp_path / "province"
    report = rollup([gz, sz], out, converter=pool)
    assert report.exit_code == 3
    codes = sorted(p.code for p in report.problems)
    assert codes == ["duplicate_credit_code", "duplicate_park", "group_and_subsidiary"]
    assert set(report.left_out) == {"深圳市:p1", "深圳市:e1", "深圳市:e2"}
    group_problem = next(p for p in report.problems if p.code == "group_and_subsidiary")
    assert "广州市" in group_problem.message and "深圳市" in group_problem.message
    assert [r.name for r in report.rows] == ["甲园区", "粤芯集团有限公司", "重复公司"]
    assert all(r.city == "广州市" for r in report.rows)
    text = (out / ROLLUP_TXT).read_text(encoding="utf-8")
    assert "group_and_subsidiary" in text and "粤芯深圳子公司" in text


def test_unusable_inputs(tmp_path: Path, converter) -> None:
    with pytest.raises(RollupInvalid, match=r"没有 report\.json"):
        rollup([tmp_path / "nowhere"], tmp_path / "out", converter=converter)
    running = city(tmp_path / "running", "广州市", [park("p1", 1, "甲园区")], state="running")
    with pytest.raises(RollupInvalid, match="尚未完成"):
        rollup([running], tmp_path / "out", converter=converter)
    gz = city(tmp_path / "gz", "广州市", [park("p1", 1, "甲园区")])
    gz2 = city(tmp_path / "gz2", "广州市", [park("p1", 1, "乙园区")])
    with pytest.raises(RollupInvalid, match="每个地市只能给出一次"):
        rollup([gz, gz2], tmp_path / "out", converter=converter)
    empty = city(tmp_path / "empty", "佛山市", [park("p1", 1, "甲园区", status="failed")])
    with pytest.raises(RollupInvalid, match="没有成功生成"):
        rollup([empty], tmp_path / "out", converter=converter)
    assert not (tmp_path / "out").exists()


def test_cli_rollup(tmp_path: Path) -> None:
    import typer

    from service.cli import batch as cli_batch

    app = typer.Typer()
    cli_batch.register(app)
    gz = city(tmp_path / "gz", "广州市", [ent("e1", 1, "广州甲公司", code("MA5G00001"))])
    sz = city(tmp_path / "sz", "深圳市", [ent("e1", 1, "深圳甲公司", code("MA5G00001"))])
    out = tmp_path / "province"
    result = CliRunner().invoke(app, ["rollup", str(gz), str(sz), "-o", str(out)], env={"COLUMNS": "200"})
    assert result.exit_code == 3, result.output
    assert "广州甲公司" in result.output and "duplicate_credit_code" in result.output
    assert (out / f"{TITLE}.pdf").is_file()
    missing = CliRunner().invoke(app, ["rollup", str(tmp_path / "none"), "-o", str(out)], env={"COLUMNS": "200"})
    assert missing.exit_code == 1 and "report.json" in missing.output
