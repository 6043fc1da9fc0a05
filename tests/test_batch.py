"""Batch generation of the Guangzhou sample: summary, bundles, report, ZIP; re-runs, changes, a killed run.

One LibreOffice pool (2 processes) serves the in-process runs; the killed run is a `docgen batch` subprocess.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader
from typer.testing import CliRunner

from service.batch import CandidateStatus, JobState, run_batch
from tests.docx_text import open_docx, table_rows

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "batch_guangzhou"
SUMMARY = "广州市国家新兴产业发展示范基地创建对象推荐汇总表"
ZIP_NAME = "广州市推荐材料.zip"
PARKS = [("01", "广州开发区智能网联汽车产业园管理委员会", "广州黄埔智能网联新能源汽车产业园", "智能网联新能源汽车", ""),
         ("02", "广州天河软件产业园管理委员会", "广州天河软件产业园", "软件", "园中园")]  # fmt: skip
ENTERPRISES = [
    ("01", "广州粤芯智能装备集团有限公司", "广州粤芯智能装备集团有限公司", "智能机器人", ""),
    ("02", "广州穗港生物制造科技有限公司", "广州穗港生物制造科技有限公司", "生物制造", ""),
    ("03", "广州云帆低空科技有限公司", "广州云帆低空科技有限公司", "低空装备", ""),
]
NOT_DELIVERED = ("report.json", "报告.txt", ZIP_NAME)

# `docgen` under this interpreter, whether or not the console script is on PATH.
DOCGEN = [sys.executable, "-c", "import sys; from service.cli import main; sys.argv[0] = 'docgen'; main()"]


@pytest.fixture(scope="module")
def pool() -> Iterator[Any]:
    from service.conversion import ConversionPool, PoolSettings, set_default_pool

    with ConversionPool(PoolSettings(size=2)) as shared:
        set_default_pool(shared)
        yield shared
    set_default_pool(None)


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory, pool: Any) -> tuple[Path, Any]:
    out = tmp_path_factory.mktemp("batch") / "广州"
    report = run_batch(SAMPLE / "manifest.json", out, converter=pool)
    return out, report


def delivered(out: Path) -> dict[str, str]:
    """sha256 of every delivered document (not the state, the reports or the ZIP)."""
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".docgen" not in p.relative_to(out).parts and p.name not in NOT_DELIVERED
    }


def candidates_by_key(out: Path) -> dict[str, dict[str, Any]]:
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return {c["key"]: c for c in report["candidates"]}


def pdf_text(path: Path) -> str:
    """The PDF's text without whitespace (table cells wrap long names onto several lines)."""
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in PdfReader(path).pages))


def caption_of(table: Any) -> str:
    previous = table._tbl.getprevious()
    return "".join(t.text for t in previous.iter(qn("w:t")))


# --- the sample batch ------------------------------------------------------------------------------------------


def test_summary_lists_exactly_the_valid_candidates_in_order(first: tuple[Path, Any]) -> None:
    out, report = first
    assert report.state is JobState.COMPLETED_WITH_FAILURES and report.exit_code == 3
    doc = open_docx(out / f"{SUMMARY}.docx")
    parks_table, enterprises_table = doc.tables
    assert "园区" in caption_of(parks_table) and "企业" in caption_of(enterprises_table)
    expected_parks = [[str(int(n)), a, name, "园区", f, r] for n, a, name, f, r in PARKS]
    expected_enterprises = [[str(int(n)), a, name, "企业", f, r] for n, a, name, f, r in ENTERPRISES]
    assert table_rows(parks_table)[1:] == expected_parks
    assert table_rows(enterprises_table)[1:] == expected_enterprises
    text = pdf_text(out / f"{SUMMARY}.pdf")
    positions = [text.find(name) for _, _, name, _, _ in PARKS + ENTERPRISES]
    assert -1 not in positions and positions == sorted(positions)
    assert "广州南沙商业航天产业园" not in text and "广州粤芯机器人有限公司" not in text


def test_each_bundle_is_complete_and_numbered_as_in_the_summary(first: tuple[Path, Any]) -> None:
    out, _ = first
    for category, rows, template in (("园区类", PARKS, "park_application"),
                                     ("企业类", ENTERPRISES, "enterprise_application")):  # fmt: skip
        folders = sorted(p.name for p in (out / category).iterdir())
        assert folders == [f"{n}_{applicant}" for n, applicant, *_ in rows]
        for (n, applicant, name, _, _), folder in zip(rows, folders, strict=True):
            bundle = out / category / folder
            manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
            assert manifest["applicant"] == applicant and manifest["sequence"] == int(n)
            assert manifest["template"]["id"] == template
            for record in manifest["files"]:
                assert hashlib.sha256((bundle / record["path"]).read_bytes()).hexdigest() == record["sha256"]
            merged = PdfReader(bundle / "完整申报材料.pdf")
            assert len(merged.pages) == manifest["pages"]["total"] >= 3
            assert name in pdf_text(bundle / "申请书.pdf")
            assert len(list((bundle / "附件").iterdir())) == 2


def test_report_names_the_failures_and_counts(first: tuple[Path, Any]) -> None:
    out, _ = first
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["state"] == "completed_with_failures"
    assert report["counts"] == {"total": 7, "ok": 5, "failed": 2, "produced": 5, "reused": 0}
    by_key = {c["key"]: c for c in report["candidates"]}
    assert {k for k, c in by_key.items() if c["status"] == "failed"} == {"park-2", "enterprise-3"}
    [bad_form] = by_key["park-2"]["errors"]
    assert (bad_form["loc"], bad_form["code"]) == ("$.overall.built_area", "part_exceeds_total")
    [conflict] = by_key["enterprise-3"]["errors"]
    assert conflict["code"] == "group_and_subsidiary" and "广州粤芯智能装备集团有限公司" in conflict["message"]
    assert [p["code"] for p in report["problems"]] == ["group_and_subsidiary"]
    for key in ("park-1", "park-3", "enterprise-1", "enterprise-2", "enterprise-4"):
        c = by_key[key]
        assert c["status"] == "ok" and c["errors"] == [] and c["pages"] >= 3 and c["seconds"] > 0
    text = (out / "报告.txt").read_text(encoding="utf-8")
    assert "广州南沙商业航天产业园" in text and "part_exceeds_total" in text
    assert "广州粤芯机器人有限公司" in text and "group_and_subsidiary" in text
    assert "成功 5 个" in text and "失败 2 个" in text


def test_zip_holds_the_same_files_as_the_folder(first: tuple[Path, Any]) -> None:
    out, _ = first
    with zipfile.ZipFile(out / ZIP_NAME) as zf:
        files = {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}
        assert all(i.flag_bits & 0x800 for i in zf.infolist())  # UTF-8 names
    root = "广州市推荐材料/"
    assert all(name.startswith(root) for name in files)
    inside = {name[len(root) :]: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    expected = delivered(out)
    assert {k: v for k, v in inside.items() if k not in NOT_DELIVERED} == expected
    assert {"report.json", "报告.txt"} <= set(inside)


# --- re-runs -----------------------------------------------------------------------------------------------------


def test_a_rerun_renders_nothing(first: tuple[Path, Any], pool: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import service.packaging
    import service.rendering

    out, _ = first
    before = delivered(out)
    calls: list[str] = []
    real_render, real_assemble = service.rendering.render, service.packaging.assemble_package
    monkeypatch.setattr(service.rendering, "render", lambda *a, **k: calls.append("render") or real_render(*a, **k))
    monkeypatch.setattr(service.packaging, "assemble_package",
                        lambda *a, **k: calls.append("package") or real_assemble(*a, **k))  # fmt: skip
    report = run_batch(SAMPLE / "manifest.json", out, converter=pool)
    assert calls == []
    assert report.state is JobState.COMPLETED_WITH_FAILURES
    assert all(c.reused for c in report.candidates if c.status is CandidateStatus.OK)
    assert report.summary is not None and report.summary["reused"] is True
    saved = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert saved["counts"]["produced"] == 0 and saved["counts"]["reused"] == 5
    assert delivered(out) == before


def test_only_a_changed_candidate_is_redone(first: tuple[Path, Any], pool: Any, tmp_path: Path) -> None:
    src, _ = first
    batch = tmp_path / "batch"
    shutil.copytree(SAMPLE, batch)
    out = tmp_path / "out"
    shutil.copytree(src, out)
    payload_path = batch / "payloads" / "enterprise-4.json"
    payload = json.loads(payload_path.read_text(encoding="utf-8"))
    payload["basic_info"]["legal_representative"] = "赵一鸣"
    payload_path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    before = delivered(out)
    report = run_batch(batch / "manifest.json", out, converter=pool)
    produced = {c.key for c in report.candidates if c.status is CandidateStatus.OK and not c.reused}
    assert produced == {"enterprise-4"}
    after = delivered(out)
    changed = {k for k in after if before.get(k) != after[k]}
    assert changed and all(k.startswith("企业类/03_广州云帆低空科技有限公司/") for k in changed)
    assert "赵一鸣" in pdf_text(out / "企业类" / "03_广州云帆低空科技有限公司" / "申请书.pdf")


def test_a_fixed_candidate_renumbers_the_later_ones(first: tuple[Path, Any], pool: Any, tmp_path: Path) -> None:
    """Fixing 园区 2 puts it in the summary as 序号 2 and moves 天河 to 03 (re-packaged, old folder removed)."""
    src, _ = first
    batch = tmp_path / "batch"
    shutil.copytree(SAMPLE, batch)
    out = tmp_path / "out"
    shutil.copytree(src, out)
    payload_path = batch / "payloads" / "park-2.json"
    payload = json.loads(payload_path.read_text(encoding="utf-8"))
    payload["overall"]["built_area"] = 650.0
    payload_path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    report = run_batch(batch / "manifest.json", out, converter=pool)
    produced = {c.key for c in report.candidates if c.status is CandidateStatus.OK and not c.reused}
    assert produced == {"park-2", "park-3"}
    assert sorted(p.name for p in (out / "园区类").iterdir()) == [
        "01_广州开发区智能网联汽车产业园管理委员会",
        "02_广州南沙商业航天产业园管理委员会",
        "03_广州天河软件产业园管理委员会",
    ]
    rows = table_rows(open_docx(out / f"{SUMMARY}.docx").tables[0])[1:]
    assert [r[2] for r in rows] == ["广州黄埔智能网联新能源汽车产业园", "广州南沙商业航天产业园", "广州天河软件产业园"]


# --- a killed run ------------------------------------------------------------------------------------------------


def ok_count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT COUNT(*) FROM candidates WHERE status = 'ok'").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_a_killed_run_resumes_with_identical_outputs(first: tuple[Path, Any], tmp_path: Path) -> None:
    reference, _ = first
    out = tmp_path / "广州"
    argv = [*DOCGEN, "batch", str(SAMPLE / "manifest.json"), "-o", str(out), "--workers", "1"]
    env = {**os.environ, "COLUMNS": "160"}
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # fmt: skip
    db = out / ".docgen" / "state.db"
    deadline = time.monotonic() + 180
    try:
        while ok_count(db) < 1:
            assert proc.poll() is None, "the batch ended before a candidate finished"
            assert time.monotonic() < deadline, "no candidate finished in time"
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finished_before_kill = ok_count(db)
    assert 1 <= finished_before_kill < 5
    assert not (out / "report.json").exists()  # the run did not get to its end

    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 3, done.stdout + done.stderr
    resumed, expected = delivered(out), delivered(reference)
    # Every delivered file byte for byte, the summary's PDF included (LibreOffice's random /ID, checksum and
    # per-process font ids are removed before it is written).
    assert f"{SUMMARY}.pdf" in resumed
    assert resumed == expected
    by_key = candidates_by_key(out)
    reused = [k for k, c in by_key.items() if c["status"] == "ok" and c["reused"]]
    assert len(reused) == finished_before_kill  # the candidates finished before the kill were not redone
    assert not list((out / ".docgen" / "tmp").glob("*")) if (out / ".docgen" / "tmp").exists() else True


# --- the command line --------------------------------------------------------------------------------------------


def cli_app() -> Any:
    import typer

    from service.cli import batch as cli_batch

    app = typer.Typer()
    cli_batch.register(app)
    return app


def test_unusable_manifest_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"contact": {"name": "林", "phone": "020-83124567"}, "candidates": []}),
                        encoding="utf-8")  # fmt: skip
    out = tmp_path / "out"
    result = CliRunner().invoke(cli_app(), ["batch", str(manifest), "-o", str(out)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "批量清单不可用" in result.output and "$.recommender" in result.output
    assert not out.exists()


def test_cli_prints_the_final_table_and_exits_3(first: tuple[Path, Any], tmp_path: Path) -> None:
    src, _ = first
    out = tmp_path / "out"
    shutil.copytree(src, out)  # everything is up to date: the command renders nothing
    result = CliRunner().invoke(cli_app(), ["batch", str(SAMPLE / "manifest.json"), "-o", str(out)],
                                env={"COLUMNS": "200"})  # fmt: skip
    assert result.exit_code == 3, result.output
    for name in ("广州黄埔智能网联新能源汽车产业园", "广州南沙商业航天产业园", "广州粤芯机器人有限公司"):
        assert name in result.output
    assert "part_exceeds_total" in result.output and "group_and_subsidiary" in result.output
    assert "沿用 5 个" in result.output


def test_bundle_zip_is_readable_as_a_disc(first: tuple[Path, Any]) -> None:
    out, _ = first
    with zipfile.ZipFile(out / ZIP_NAME) as zf:
        name = f"广州市推荐材料/园区类/{PARKS[0][0]}_{PARKS[0][1]}/完整申报材料.pdf"
        pdf = PdfReader(io.BytesIO(zf.read(name)))
    assert len(pdf.pages) >= 3


def test_delivery_zip_names_read_right_in_info_zip(first: tuple[Path, Any]) -> None:
    """The delivery ZIP was once marked as made on MS-DOS: Debian's `unzip -Z1` listed its names as mojibake."""
    out, _ = first
    if shutil.which("unzip") is None:
        pytest.skip("Info-ZIP unzip is not installed")
    listed = subprocess.run(["unzip", "-Z1", str(out / ZIP_NAME)], capture_output=True, check=True,
                            env={"LC_ALL": "C.UTF-8"}).stdout.decode("utf-8").splitlines()  # fmt: skip
    with zipfile.ZipFile(out / ZIP_NAME) as zf:
        assert listed == zf.namelist()
        assert {i.create_system for i in zf.infolist()} == {3}
        assert all(i.flag_bits & 0x800 for i in zf.infolist())  # every name here has Chinese in it
    assert "广州市推荐材料/报告.txt" in listed
    assert f"广州市推荐材料/{SUMMARY}.pdf" in listed
    assert f"广州市推荐材料/园区类/01_{PARKS[0][1]}/完整申报材料.pdf" in listed


def test_province_rollup_of_the_city_output(first: tuple[Path, Any], pool: Any, tmp_path: Path) -> None:
    from service.batch import rollup

    out, _ = first
    report = rollup([out], tmp_path / "province", converter=pool)
    assert report.exit_code == 0
    assert [(r.category.label, r.priority, r.name) for r in report.rows] == [
        ("园区", int(n), name) for n, _, name, _, _ in PARKS
    ] + [("企业", int(n), name) for n, _, name, _, _ in ENTERPRISES]
    doc = open_docx(tmp_path / "province" / "国家新兴产业发展示范基地创建对象推荐汇总表.docx")
    assert [r[2] for r in table_rows(doc.tables[1])[1:]] == [name for _, _, name, _, _ in ENTERPRISES]


# --- state store and runner (no LibreOffice) -------------------------------------------------------------------


def test_embedded_runner_queue_cancel_shutdown_and_resume(tmp_path: Path, store_url: str) -> None:
    import threading

    from service.batch import BatchJob, BatchStore, EmbeddedRunner, resume_unfinished

    started: list[str] = []
    release = threading.Event()

    def run(job: BatchJob, store: BatchStore, stop: threading.Event) -> None:
        store.set_job_state(job.id, JobState.RUNNING)
        started.append(job.id)
        while not stop.is_set() and not release.is_set():
            time.sleep(0.01)
        if store.cancel_requested(job.id):
            store.set_job_state(job.id, JobState.CANCELLED)
        elif not stop.is_set():
            store.set_job_state(job.id, JobState.COMPLETED)  # else: shut down, left running for a restart

    store = BatchStore(store_url)  # on SQLite and on PostgreSQL (tests/test_store.py has the store itself)
    runner = EmbeddedRunner(store, run)
    for job_id in ("first", "second", "third"):
        store.create_job(job_id, tmp_path / "m.json", tmp_path / job_id)
        runner.submit(BatchJob(job_id, tmp_path / "m.json", tmp_path / job_id))
    deadline = time.monotonic() + 10
    while started != ["first"]:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    status = runner.cancel("second")  # queued: cancelled at once, never started
    assert status is not None and status.state is JobState.CANCELLED
    runner.shutdown(wait=True, timeout=10)  # "first" stops without being cancelled; "third" never starts
    assert store.get_job("first").state is JobState.RUNNING
    assert store.get_job("third").state is JobState.QUEUED
    assert started == ["first"]

    restarted = EmbeddedRunner(store, run)
    release.set()
    assert sorted(resume_unfinished(restarted)) == ["first", "third"]
    assert restarted.wait_idle(10)
    assert [store.get_job(j).state for j in ("first", "second", "third")] == [
        JobState.COMPLETED, JobState.CANCELLED, JobState.COMPLETED]  # fmt: skip
    assert restarted.cancel("first").state is JobState.COMPLETED  # a finished job is left as it is
    restarted.shutdown()
    store.close()


def test_celery_runner_takes_over_only_jobs_the_workers_do_not_hold(tmp_path: Path) -> None:
    """An API replica restarting resends the start of a job still queued, nothing for a running one (its tasks wait
    in the broker), and reports only what it resent (it used to log every unfinished job as resumed)."""
    from celery import Celery

    from service.batch import BatchStore, resume_unfinished
    from service.distributed.runner import CeleryRunner

    store = BatchStore(f"sqlite:///{tmp_path / 'state.db'}")
    for job_id in ("running", "queued", "cancelling"):
        store.create_job(job_id, tmp_path / "m.json", tmp_path / job_id)
    store.set_job_state("running", JobState.RUNNING)
    store.set_job_state("cancelling", JobState.RUNNING)
    store.request_cancel("cancelling")
    app = Celery("test-take-over", broker="memory://")
    sent: list[tuple[str, list[object]]] = []
    app.send_task = lambda name, args=None, **_: sent.append((name, list(args or ())))  # type: ignore[method-assign]
    assert resume_unfinished(CeleryRunner(store, app)) == ["queued"]
    assert sent == [("docgen.batch.start", ["queued", False])]
    assert store.get_job("cancelling").state is JobState.CANCELLED
    assert store.get_job("running").state is JobState.RUNNING
