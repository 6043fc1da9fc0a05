"""Job and candidate state in SQLite (WAL mode): what lets a batch resume after a kill or a service restart.

One database per data directory (the API's `batches.db`) or per output folder (the CLI keeps
`OUT_DIR/.docgen/state.db`). A candidate's row is written only after its outputs are in place, so a row
saying `ok` always describes files that exist; the pipeline checks their hashes again before trusting it.

Tables
  jobs        id, state, manifest_path, out_dir, workers, cancel_requested, error (JSON), result (JSON),
              created_at, updated_at, started_at, finished_at
  candidates  (job_id, key) → position, priority, type, name, status, input_hash, template_version,
              outputs (JSON: relative path → sha256), errors (JSON list), pages, seconds, reused, updated_at
  artifacts   (job_id, name) → input_hash, outputs (JSON): products of the whole batch (the city summary)

Versions: `PRAGMA user_version` says which schema a database has. Opening one at an older version runs the
steps of `MIGRATIONS` from there (in one transaction); a database written by a newer docgen is refused
(`StoreTooNew`) rather than written with a schema this code does not know.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from service.errors import DocgenError, ErrorKind

SCHEMA_VERSION = 1
"""The schema this code reads and writes; a new one needs a step in MIGRATIONS."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id               TEXT PRIMARY KEY,
    state            TEXT NOT NULL,
    manifest_path    TEXT NOT NULL,
    out_dir          TEXT NOT NULL,
    workers          INTEGER,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    error            TEXT,
    result           TEXT,
    created_at       REAL NOT NULL,
    updated_at       REAL NOT NULL,
    started_at       REAL,
    finished_at      REAL
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state);
CREATE TABLE IF NOT EXISTS candidates (
    job_id           TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    key              TEXT NOT NULL,
    position         INTEGER NOT NULL,
    priority         INTEGER,
    type             TEXT,
    name             TEXT,
    status           TEXT NOT NULL,
    input_hash       TEXT,
    template_version TEXT,
    outputs          TEXT NOT NULL DEFAULT '{}',
    errors           TEXT NOT NULL DEFAULT '[]',
    pages            INTEGER,
    seconds          REAL,
    reused           INTEGER NOT NULL DEFAULT 0,
    updated_at       REAL NOT NULL,
    PRIMARY KEY (job_id, key)
);
CREATE TABLE IF NOT EXISTS artifacts (
    job_id     TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    input_hash TEXT NOT NULL,
    outputs    TEXT NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (job_id, name)
);
"""


def _create_v1(c: sqlite3.Connection) -> None:
    for statement in SCHEMA.split(";"):
        if statement.strip():
            c.execute(statement)


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    0: _create_v1,  # a new (empty) database
}
"""Version → the step that brings a database from that version to the next one."""


class StoreTooNew(DocgenError):
    """The state database was written by a newer docgen (its schema version is above SCHEMA_VERSION)."""

    code = "store_version_too_new"
    kind = ErrorKind.INVALID
    title = "任务状态数据库版本过新"

    def __init__(self, path: Path, found: int, supported: int) -> None:
        self.path, self.found, self.supported = path, found, supported
        super().__init__(
            f"任务状态数据库 {path} 的版本为 {found}，本程序只支持到版本 {supported}："
            "它由更新版本的 docgen 写入。请升级 docgen 后再运行，或换用新的输出目录（数据目录）。"
        )


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    COMPLETED_WITH_FAILURES = "completed_with_failures"
    FAILED = "failed"
    """The batch could not run at all (unusable manifest, internal error)."""
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self not in (JobState.QUEUED, JobState.RUNNING)

    @property
    def label(self) -> str:
        return JOB_STATE_LABELS[self]


JOB_STATE_LABELS = {
    JobState.QUEUED: "排队中",
    JobState.RUNNING: "进行中",
    JobState.COMPLETED: "全部完成",
    JobState.COMPLETED_WITH_FAILURES: "已完成，部分申报对象失败",
    JobState.FAILED: "失败",
    JobState.CANCELLED: "已取消",
}


class CandidateStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return CANDIDATE_STATUS_LABELS[self]


CANDIDATE_STATUS_LABELS = {
    CandidateStatus.PENDING: "等待",
    CandidateStatus.RUNNING: "生成中",
    CandidateStatus.OK: "成功",
    CandidateStatus.FAILED: "失败",
    CandidateStatus.CANCELLED: "已取消",
}


@dataclass
class CandidateRecord:
    job_id: str
    key: str
    position: int
    priority: int | None
    type: str | None
    name: str | None
    status: CandidateStatus
    input_hash: str | None = None
    template_version: str | None = None
    outputs: dict[str, str] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    pages: int | None = None
    seconds: float | None = None
    reused: bool = False
    updated_at: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "position": self.position + 1,
            "priority": self.priority,
            "type": self.type,
            "name": self.name,
            "status": self.status.value,
            "errors": self.errors,
            "pages": self.pages,
            "seconds": self.seconds,
            "reused": self.reused,
        }


@dataclass
class JobRecord:
    id: str
    state: JobState
    manifest_path: str
    out_dir: str
    workers: int | None
    cancel_requested: bool
    error: Any
    result: Any
    created_at: float
    updated_at: float
    started_at: float | None
    finished_at: float | None


@dataclass(frozen=True)
class JobCounts:
    total: int
    done: int
    """Candidates finished in this job (ok or failed)."""
    ok: int
    failed: int
    running: int


class BatchStore:
    """Thread-safe access to one state database; every write is its own committed transaction."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute("PRAGMA busy_timeout=30000")
        try:
            self._migrate()
        except BaseException:
            self._conn.close()
            raise

    def _migrate(self) -> None:
        """Bring the database to SCHEMA_VERSION; refuse one from a newer docgen. One transaction, so that two
        processes opening the same database do not both migrate it."""
        with self._tx() as c:
            version = c.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreTooNew(self.path, version, SCHEMA_VERSION)
            while version < SCHEMA_VERSION:
                MIGRATIONS[version](c)
                version += 1
                c.execute(f"PRAGMA user_version={version}")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> BatchStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _query(self, sql: str, args: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, tuple(args)).fetchall()

    # --- jobs ------------------------------------------------------------------------------------------

    def create_job(
        self,
        job_id: str,
        manifest_path: Path,
        out_dir: Path,
        *,
        workers: int | None = None,
        state: JobState = JobState.QUEUED,
    ) -> JobRecord:
        now = time.time()
        with self._tx() as c:
            c.execute(
                "INSERT INTO jobs (id, state, manifest_path, out_dir, workers, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (job_id, state.value, str(manifest_path), str(out_dir), workers, now, now),
            )
        job = self.get_job(job_id)
        assert job is not None
        return job

    def ensure_job(self, job_id: str, manifest_path: Path, out_dir: Path, *, workers: int | None = None) -> JobRecord:
        """The job, created if new; a finished job is reopened (a re-run of the same output folder)."""
        now = time.time()
        with self._tx() as c:
            c.execute(
                "INSERT INTO jobs (id, state, manifest_path, out_dir, workers, created_at, updated_at)"
                " VALUES (?, 'queued', ?, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET manifest_path=excluded.manifest_path, out_dir=excluded.out_dir,"
                " workers=excluded.workers, cancel_requested=0, updated_at=excluded.updated_at",
                (job_id, str(manifest_path), str(out_dir), workers, now, now),
            )
        job = self.get_job(job_id)
        assert job is not None
        return job

    def get_job(self, job_id: str) -> JobRecord | None:
        rows = self._query("SELECT * FROM jobs WHERE id = ?", (job_id,))
        return _job(rows[0]) if rows else None

    def list_jobs(self, states: Iterable[JobState] | None = None) -> list[JobRecord]:
        if states is None:
            rows = self._query("SELECT * FROM jobs ORDER BY created_at")
        else:
            wanted = [s.value for s in states]
            marks = ",".join("?" * len(wanted))
            rows = self._query(f"SELECT * FROM jobs WHERE state IN ({marks}) ORDER BY created_at", wanted)
        return [_job(r) for r in rows]

    def set_job_state(self, job_id: str, state: JobState, *, error: Any = None, result: Any = None) -> None:
        now = time.time()
        with self._tx() as c:
            c.execute(
                "UPDATE jobs SET state = ?, updated_at = ?,"
                " started_at = CASE WHEN ? = 'running' THEN ? ELSE started_at END,"
                " finished_at = CASE WHEN ? IN ('queued', 'running') THEN NULL ELSE ? END,"
                " error = ?, result = COALESCE(?, result) WHERE id = ?",
                (state.value, now, state.value, now, state.value, now, _dump(error), _dump(result), job_id),
            )

    def request_cancel(self, job_id: str) -> None:
        with self._tx() as c:
            c.execute("UPDATE jobs SET cancel_requested = 1, updated_at = ? WHERE id = ?", (time.time(), job_id))

    def cancel_requested(self, job_id: str) -> bool:
        rows = self._query("SELECT cancel_requested FROM jobs WHERE id = ?", (job_id,))
        return bool(rows and rows[0][0])

    # --- candidates ------------------------------------------------------------------------------------

    def sync_candidates(
        self, job_id: str, rows: Iterable[tuple[str, int, int | None, str | None, str | None]]
    ) -> list[CandidateRecord]:
        """Make the job's candidates exactly `rows` (key, position, priority, type, name).

        New candidates start `pending`; known ones keep their record (hash, outputs) for the skip decision
        but a `running` one becomes `pending` again (it was interrupted). Returns the records removed
        (candidates no longer in the manifest), whose outputs the caller deletes.
        """
        rows = list(rows)
        now = time.time()
        keys = {r[0] for r in rows}
        existing = {c.key: c for c in self.candidates(job_id)}
        removed = [c for k, c in existing.items() if k not in keys]
        with self._tx() as c:
            for rec in removed:
                c.execute("DELETE FROM candidates WHERE job_id = ? AND key = ?", (job_id, rec.key))
            for key, position, priority, ctype, name in rows:
                c.execute(
                    "INSERT INTO candidates (job_id, key, position, priority, type, name, status, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)"
                    " ON CONFLICT(job_id, key) DO UPDATE SET position=excluded.position,"
                    " priority=excluded.priority, type=excluded.type, name=excluded.name,"
                    " status=CASE WHEN status IN ('running', 'cancelled') THEN 'pending' ELSE status END,"
                    " updated_at=excluded.updated_at",
                    (job_id, key, position, priority, ctype, name, now),
                )
        return removed

    def candidate(self, job_id: str, key: str) -> CandidateRecord | None:
        rows = self._query("SELECT * FROM candidates WHERE job_id = ? AND key = ?", (job_id, key))
        return _candidate(rows[0]) if rows else None

    def candidates(self, job_id: str) -> list[CandidateRecord]:
        rows = self._query("SELECT * FROM candidates WHERE job_id = ? ORDER BY position", (job_id,))
        return [_candidate(r) for r in rows]

    def set_candidate_status(self, job_id: str, key: str, status: CandidateStatus) -> None:
        with self._tx() as c:
            c.execute(
                "UPDATE candidates SET status = ?, updated_at = ? WHERE job_id = ? AND key = ?",
                (status.value, time.time(), job_id, key),
            )

    def record_candidate(
        self,
        job_id: str,
        key: str,
        *,
        status: CandidateStatus,
        input_hash: str | None,
        template_version: str | None,
        outputs: dict[str, str],
        errors: list[dict[str, Any]],
        pages: int | None,
        seconds: float | None,
        reused: bool = False,
    ) -> None:
        with self._tx() as c:
            c.execute(
                "UPDATE candidates SET status = ?, input_hash = ?, template_version = ?, outputs = ?, errors = ?,"
                " pages = ?, seconds = ?, reused = ?, updated_at = ? WHERE job_id = ? AND key = ?",
                (
                    status.value, input_hash, template_version, json.dumps(outputs, ensure_ascii=False),
                    json.dumps(errors, ensure_ascii=False), pages, seconds, int(reused), time.time(), job_id, key,
                ),
            )  # fmt: skip

    def counts(self, job_id: str) -> JobCounts:
        rows = self._query("SELECT status, COUNT(*) FROM candidates WHERE job_id = ? GROUP BY status", (job_id,))
        n = {r[0]: r[1] for r in rows}
        ok, failed = n.get("ok", 0), n.get("failed", 0)
        return JobCounts(sum(n.values()), ok + failed, ok, failed, n.get("running", 0))

    # --- batch-level artifacts -------------------------------------------------------------------------

    def artifact(self, job_id: str, name: str) -> tuple[str, dict[str, str]] | None:
        rows = self._query("SELECT input_hash, outputs FROM artifacts WHERE job_id = ? AND name = ?", (job_id, name))
        return (rows[0][0], json.loads(rows[0][1])) if rows else None

    def record_artifact(self, job_id: str, name: str, input_hash: str, outputs: dict[str, str]) -> None:
        with self._tx() as c:
            c.execute(
                "INSERT INTO artifacts (job_id, name, input_hash, outputs, updated_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(job_id, name) DO UPDATE SET input_hash=excluded.input_hash,"
                " outputs=excluded.outputs, updated_at=excluded.updated_at",
                (job_id, name, input_hash, json.dumps(outputs, ensure_ascii=False), time.time()),
            )

    def delete_artifact(self, job_id: str, name: str) -> None:
        with self._tx() as c:
            c.execute("DELETE FROM artifacts WHERE job_id = ? AND name = ?", (job_id, name))


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _load(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def _job(row: sqlite3.Row) -> JobRecord:
    return JobRecord(
        id=row["id"],
        state=JobState(row["state"]),
        manifest_path=row["manifest_path"],
        out_dir=row["out_dir"],
        workers=row["workers"],
        cancel_requested=bool(row["cancel_requested"]),
        error=_load(row["error"]),
        result=_load(row["result"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


def _candidate(row: sqlite3.Row) -> CandidateRecord:
    return CandidateRecord(
        job_id=row["job_id"],
        key=row["key"],
        position=row["position"],
        priority=row["priority"],
        type=row["type"],
        name=row["name"],
        status=CandidateStatus(row["status"]),
        input_hash=row["input_hash"],
        template_version=row["template_version"],
        outputs=json.loads(row["outputs"]),
        errors=json.loads(row["errors"]),
        pages=row["pages"],
        seconds=row["seconds"],
        reused=bool(row["reused"]),
        updated_at=row["updated_at"],
    )
