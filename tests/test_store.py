"""The job store on SQLite and on PostgreSQL: reads and writes, two processes writing at once, Alembic migrations
(a pre-Alembic SQLite file, a later revision, a database from a newer docgen), `docgen db`, and the batch API
on PostgreSQL with its state read back by a second API instance after the first was killed mid-batch.

PostgreSQL is a throwaway server started by the `postgres_server` fixture (tests/pg_server.py); every test takes a
new database on it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from service.batch import BatchStore, CandidateStatus, JobState, StoreTooNew
from service.batch import database as database_module
from service.batch.database import head_revision

ROOT = Path(__file__).resolve().parents[1]

# The schema of the stores written before Alembic (PRAGMA user_version 1), as that code created it.
LEGACY_SCHEMA = """
CREATE TABLE jobs (id TEXT PRIMARY KEY, state TEXT NOT NULL, manifest_path TEXT NOT NULL, out_dir TEXT NOT NULL,
    workers INTEGER, cancel_requested INTEGER NOT NULL DEFAULT 0, error TEXT, result TEXT, created_at REAL NOT NULL,
    updated_at REAL NOT NULL, started_at REAL, finished_at REAL);
CREATE INDEX jobs_state ON jobs(state);
CREATE TABLE candidates (job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, key TEXT NOT NULL,
    position INTEGER NOT NULL, priority INTEGER, type TEXT, name TEXT, status TEXT NOT NULL, input_hash TEXT,
    template_version TEXT, outputs TEXT NOT NULL DEFAULT '{}', errors TEXT NOT NULL DEFAULT '[]', pages INTEGER,
    seconds REAL, reused INTEGER NOT NULL DEFAULT 0, updated_at REAL NOT NULL, PRIMARY KEY (job_id, key));
CREATE TABLE artifacts (job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, name TEXT NOT NULL,
    input_hash TEXT NOT NULL, outputs TEXT NOT NULL, updated_at REAL NOT NULL, PRIMARY KEY (job_id, name));
"""


def revision_in(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))]
    finally:
        engine.dispose()


def execute(url: str, sql: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


# --- reads and writes --------------------------------------------------------------------------------------------


def test_jobs_candidates_and_artifacts_round_trip(store_url: str, tmp_path: Path) -> None:
    with BatchStore(store_url) as store:
        assert store.migration.before is None and store.migration.after == head_revision()
        store.create_job("first", tmp_path / "m.json", tmp_path / "out1", workers=2)
        store.create_job("second", tmp_path / "m.json", tmp_path / "out2")
        store.set_job_state("first", JobState.RUNNING)
        store.set_job_state("first", JobState.COMPLETED, result={"zip": "广州市推荐材料.zip"})
        store.set_job_state("first", JobState.COMPLETED_WITH_FAILURES)  # no result given: the old one stays
        first = store.get_job("first")
        assert first is not None and first.state is JobState.COMPLETED_WITH_FAILURES
        assert first.result == {"zip": "广州市推荐材料.zip"} and first.workers == 2
        assert first.started_at is not None and first.finished_at is not None
        assert first.finished_at >= first.started_at
        assert [j.id for j in store.list_jobs()] == ["first", "second"]
        assert [j.id for j in store.list_jobs([JobState.QUEUED, JobState.RUNNING])] == ["second"]
        assert store.get_job("missing") is None

        store.request_cancel("second")
        assert store.cancel_requested("second") and not store.cancel_requested("first")
        reopened = store.ensure_job("second", tmp_path / "m2.json", tmp_path / "out2", workers=1)
        assert not reopened.cancel_requested and reopened.manifest_path == str(tmp_path / "m2.json")

        rows = [("a", 0, 1, "park", "甲园区"), ("b", 1, 2, "park", "乙园区"), ("c", 2, 1, "enterprise", "丙公司")]
        assert store.sync_candidates("first", rows) == []
        store.set_candidate_status("first", "a", CandidateStatus.RUNNING)
        store.set_candidate_status("first", "c", CandidateStatus.CANCELLED)
        store.record_candidate("first", "b", status=CandidateStatus.OK, input_hash="h:1", template_version="v1",
                               outputs={"乙/完整申报材料.pdf": "ab"}, errors=[], pages=12, seconds=2.5,
                               reused=True)  # fmt: skip
        counts = store.counts("first")
        assert (counts.total, counts.done, counts.ok, counts.failed, counts.running) == (3, 1, 1, 0, 1)

        # A re-run: interrupted (running, cancelled) candidates are pending again, finished ones keep their record,
        # a candidate gone from the manifest is returned for its outputs to be deleted.
        removed = store.sync_candidates("first", [("b", 0, 2, "park", "乙园区（新名）"), ("a", 1, 1, "park", "甲园区")])
        assert [r.key for r in removed] == ["c"]
        by_key = {c.key: c for c in store.candidates("first")}
        assert [c.key for c in store.candidates("first")] == ["b", "a"]
        assert by_key["a"].status is CandidateStatus.PENDING
        b = by_key["b"]
        assert (b.status, b.input_hash, b.outputs, b.pages, b.reused, b.name) == (
            CandidateStatus.OK, "h:1", {"乙/完整申报材料.pdf": "ab"}, 12, True, "乙园区（新名）")  # fmt: skip
        assert store.candidate("first", "c") is None

        assert store.artifact("first", "summary") is None
        store.record_artifact("first", "summary", "s:1", {"汇总表.pdf": "11"})
        store.record_artifact("first", "summary", "s:2", {"汇总表.pdf": "22"})
        assert store.artifact("first", "summary") == ("s:2", {"汇总表.pdf": "22"})
        store.delete_artifact("first", "summary")
        assert store.artifact("first", "summary") is None

    with BatchStore(store_url) as store:  # a new process: everything is where it was, nothing migrated again
        assert store.migration.before == store.migration.after == head_revision()
        assert store.get_job("first").result == {"zip": "广州市推荐材料.zip"}  # type: ignore[union-attr]
    assert revision_in(store_url) == [head_revision()]


def test_sqlite_store_is_wal_and_an_interrupted_candidate_is_pending_again(tmp_path: Path) -> None:
    with BatchStore(tmp_path / "state.db") as store:
        store.create_job("j", tmp_path / "m.json", tmp_path / "out")
        store.sync_candidates("j", [("a", 0, 1, "park", "甲")])
        store.set_candidate_status("j", "a", CandidateStatus.RUNNING)
    with sqlite3.connect(tmp_path / "state.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with BatchStore(tmp_path / "state.db") as store:  # a new process after a kill
        store.sync_candidates("j", [("a", 0, 1, "park", "甲")])
        assert store.candidate("j", "a").status is CandidateStatus.PENDING  # type: ignore[union-attr]


# --- two processes at once ---------------------------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from service.batch import BatchStore, CandidateStatus

    url, me, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    keys = [f"k{i:02d}" for i in range(2 * n)]
    with BatchStore(url) as store:  # both processes open (and migrate) a new database at the same moment
        store.ensure_job("j", Path("/m.json"), Path("/out"), workers=2)
        store.sync_candidates("j", [(k, i, i, "park", k) for i, k in enumerate(keys)])
        mine = keys[:n] if me == "0" else keys[n:]
        for round_ in range(3):
            for k in mine:
                store.set_candidate_status("j", k, CandidateStatus.RUNNING)
                store.record_candidate("j", k, status=CandidateStatus.OK, input_hash=f"{me}:{round_}",
                                       template_version="v", outputs={k: me}, errors=[], pages=1, seconds=0.1)
                store.record_artifact("j", "shared", f"{me}:{k}", {"by": me})
        print("done", me)
    """
)


def test_two_processes_write_one_database_at_once(store_url: str) -> None:
    n = 15
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, store_url, str(me), str(n)], cwd=ROOT, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for me in (0, 1)
    ]  # fmt: skip
    outputs = [p.communicate(timeout=180) for p in procs]
    for p, (out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err[-3000:]
        assert out.startswith("done")
    with BatchStore(store_url) as store:
        assert [j.id for j in store.list_jobs()] == ["j"]
        cands = store.candidates("j")
        assert len(cands) == 2 * n
        for i, c in enumerate(cands):
            me = "0" if i < n else "1"
            assert (c.status, c.input_hash, c.outputs) == (CandidateStatus.OK, f"{me}:2", {c.key: me})
        counts = store.counts("j")
        assert (counts.total, counts.ok, counts.running) == (2 * n, 2 * n, 0)
        artifact = store.artifact("j", "shared")
        assert artifact is not None and artifact[1]["by"] in ("0", "1")
    assert revision_in(store_url) == [head_revision()]  # migrated once: one version row


# --- migrations ----------------------------------------------------------------------------------------------


def test_pre_alembic_sqlite_store_is_stamped_and_kept(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(LEGACY_SCHEMA)
        conn.execute("INSERT INTO jobs (id, state, manifest_path, out_dir, created_at, updated_at)"
                     " VALUES ('old', 'running', '/m.json', '/out', 1.0, 2.0)")  # fmt: skip
        conn.execute("INSERT INTO candidates (job_id, key, position, status, outputs, updated_at)"
                     " VALUES ('old', 'a', 0, 'ok', '{\"x\": \"y\"}', 2.0)")  # fmt: skip
        conn.execute("PRAGMA user_version=1")
    with BatchStore(db) as store:
        assert (store.migration.before, store.migration.after) == ("0001", head_revision())
        job = store.get_job("old")
        assert job is not None and job.state is JobState.RUNNING and job.created_at == 1.0
        assert store.candidate("old", "a").outputs == {"x": "y"}  # type: ignore[union-attr]
        store.record_artifact("old", "summary", "h", {})  # and it is writable
    assert revision_in(database_module.database_url(db)) == [head_revision()]
    with sqlite3.connect(db) as conn:  # a docgen from before Alembic refuses it now (it knew user_version 1)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == database_module.ALEMBIC_USER_VERSION


LATER_REVISION = '''
"""A later schema for the test: a note on every job."""
import sqlalchemy as sa
from alembic import op

revision = "9000"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("note", sa.Text(), server_default="旧任务"))


def downgrade() -> None:
    op.drop_column("jobs", "note")
'''


def test_a_later_revision_runs_once_on_the_existing_data(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    head = head_revision()  # the later revision chains onto whatever this code's newest revision is
    with BatchStore(store_url) as store:
        store.create_job("j", tmp_path / "m.json", tmp_path / "out")
    later = tmp_path / "migrations"
    shutil.copytree(database_module.MIGRATIONS_DIR, later, ignore=shutil.ignore_patterns("__pycache__"))
    (later / "versions" / "9000_note.py").write_text(LATER_REVISION.replace("{head}", head), encoding="utf-8")
    monkeypatch.setattr(database_module, "MIGRATIONS_DIR", later)
    with BatchStore(store_url) as store:
        assert (store.migration.before, store.migration.after) == (head, "9000")
        assert store.get_job("j") is not None
    with BatchStore(store_url) as store:
        assert (store.migration.before, store.migration.after) == ("9000", "9000")
    assert revision_in(store_url) == ["9000"]
    engine = create_engine(store_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id, note FROM jobs")).all() == [("j", "旧任务")]
    engine.dispose()
    # This code (without 9000) now meets a database from "a newer docgen".
    monkeypatch.undo()
    with pytest.raises(StoreTooNew) as caught:
        BatchStore(store_url)
    assert "版本为 9000" in str(caught.value)


def test_a_database_from_a_newer_docgen_is_refused(store_url: str, tmp_path: Path) -> None:
    with BatchStore(store_url) as store:
        store.create_job("j", tmp_path / "m.json", tmp_path / "out")
    execute(store_url, "UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreTooNew) as caught:
        BatchStore(store_url)
    assert caught.value.code == "store_version_too_new"
    message = str(caught.value)
    location = database_module.describe(store_url)
    assert location in message and "版本为 9999" in message and f"只支持到版本 {head_revision()}" in message
    assert "升级 docgen" in message
    assert revision_in(store_url) == ["9999"]  # left as it was


def test_a_pre_alembic_store_of_a_newer_numbering_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(LEGACY_SCHEMA)
        conn.execute("PRAGMA user_version=7")
    with pytest.raises(StoreTooNew) as caught:
        BatchStore(db)
    assert str(db) in str(caught.value) and "版本为 7" in str(caught.value)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 7
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'alembic_version'").fetchall() == []


# --- docgen db ---------------------------------------------------------------------------------------------------


def cli() -> Any:
    from service.cli import app

    return app


def test_docgen_db_upgrade_and_current(store_url: str) -> None:
    runner = CliRunner()
    env = {"COLUMNS": "200"}
    first = runner.invoke(cli(), ["db", "current", "--database-url", store_url], env=env)
    assert first.exit_code == 0, first.output
    assert "当前版本：（未迁移）" in first.output and f"本程序的版本：{head_revision()}" in first.output

    done = runner.invoke(cli(), ["db", "upgrade", "--database-url", store_url], env=env)
    assert done.exit_code == 0, done.output
    assert f"已从 （空数据库） 迁移到版本 {head_revision()}" in done.output
    assert revision_in(store_url) == [head_revision()]
    with BatchStore(store_url) as store:
        store.create_job("j", Path("/m.json"), Path("/out"))

    again = runner.invoke(cli(), ["db", "upgrade", "--database-url", store_url], env=env)
    assert again.exit_code == 0 and "无需迁移" in again.output
    current = runner.invoke(cli(), ["db", "current", "--database-url", store_url], env=env)
    assert f"当前版本：{head_revision()}" in current.output

    execute(store_url, "UPDATE alembic_version SET version_num = '9999'")
    refused = runner.invoke(cli(), ["db", "upgrade", "--database-url", store_url], env=env)
    assert refused.exit_code == 1
    assert "store_version_too_new" in refused.output and "版本为 9999" in refused.output


def test_docgen_db_upgrade_reads_the_setting_and_names_an_unreachable_server(tmp_path: Path) -> None:
    from tests.pg_server import free_port

    runner = CliRunner()
    url = f"postgresql+psycopg://docgen:geheim@127.0.0.1:{free_port()}/docgen"
    result = runner.invoke(cli(), ["db", "upgrade"], env={"DOCGEN_DATABASE_URL": url, "COLUMNS": "300"})
    assert result.exit_code == 1
    assert "database_unavailable" in result.output and "无法连接任务数据库" in result.output
    assert "geheim" not in result.output  # the password is never shown
    default = runner.invoke(cli(), ["db", "upgrade"], env={"DOCGEN_DATA_DIR": str(tmp_path / "data"),
                                                          "DOCGEN_DATABASE_URL": "", "COLUMNS": "300"})  # fmt: skip
    assert default.exit_code == 0, default.output
    assert (tmp_path / "data" / "batches" / "batches.db").is_file()


# --- the batch API on PostgreSQL -------------------------------------------------------------------------------


def test_batch_api_on_postgresql_survives_a_restart_on_another_instance(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """API instance A (its own data directory) is killed mid-batch; instance B, with another data directory and
    the same database and storage, answers for the job from PostgreSQL and finishes it."""
    from tests.test_batch_api import Server, sample_zip, submit, wait_for

    storage = tmp_path / "shared"
    monkeypatch.setenv("DOCGEN_DATABASE_URL", postgres_url)
    monkeypatch.setenv("DOCGEN_STORAGE_DIR", str(storage))
    monkeypatch.delenv("DOCGEN_RUNNER", raising=False)
    first = Server(tmp_path / "node-a")
    second = Server(tmp_path / "node-b")
    try:
        first.start()
        created = submit(first, sample_zip(top_folder="广州/"))
        assert created.status_code == 202, created.text
        job = created.json()["id"]
        before = wait_for(first, job, lambda s: s["ok"] >= 1)
        first.kill()
        finished = {c["key"] for c in before["candidates"] if c["status"] == "ok"}
        assert 1 <= len(finished) < 5

        second.start()  # resumes the job it finds unfinished in the database
        seen = wait_for(second, job, lambda s: True)
        assert seen["id"] == job and seen["total"] == 7 and seen["ok"] >= len(finished)
        status = wait_for(second, job, lambda s: s["state"] not in ("queued", "running"))
        assert status["state"] == "completed_with_failures"
        assert (status["total"], status["done"], status["ok"], status["failed"]) == (7, 7, 5, 2)
        by_key = {c["key"]: c for c in status["candidates"]}
        for key in finished:
            assert by_key[key]["reused"] is True, key
        import httpx

        result = httpx.get(f"{second.base}/v1/batches/{job}/result", timeout=60)
        assert result.status_code == 200 and result.content[:2] == b"PK"
    finally:
        first.kill()
        second.kill()
    # Nothing of the job in either node's data directory: state in PostgreSQL, files in the shared storage.
    for node in (tmp_path / "node-a", tmp_path / "node-b"):
        assert not (node / "batches").exists() or not any((node / "batches").glob(f"{job}*"))
        assert not (node / "batches" / "batches.db").exists()
    assert (storage / "batches" / job / "out").is_dir()
    engine = create_engine(postgres_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT state FROM jobs WHERE id = :id"), {"id": job}).scalar_one() == (
            "completed_with_failures"
        )
    engine.dispose()
