"""Job and candidate state in a SQL database: what lets a batch resume after a kill or a restart, and what every
API replica and worker shares.

One database per data directory (the API's `batches.db`, or the PostgreSQL database of `DOCGEN_DATABASE_URL`) or
per output folder (the CLI keeps `OUT_DIR/.docgen/state.db`). A candidate's row is written only after its outputs
are in place, so a row saying `ok` always describes files that exist; the pipeline checks their hashes again
before trusting it.

Tables
  jobs        id, state, manifest_path, out_dir, workers, cancel_requested, error (JSON), result (JSON),
              created_at, updated_at, started_at, finished_at
  candidates  (job_id, key) → position, priority, type, name, status, input_hash, template_version,
              outputs (JSON: relative path → sha256), errors (JSON list), pages, seconds, reused, updated_at
  artifacts   (job_id, name) → input_hash, outputs (JSON): products of the whole batch (the city summary)

Engines, transactions and migrations: service.batch.database. Opening a store migrates its database to this
code's Alembic head (a database written by a newer docgen is refused: `StoreTooNew`). Every write is one
transaction; the writes that read first (`sync_candidates`) lock the job's row (`FOR UPDATE` on PostgreSQL;
SQLite's `BEGIN IMMEDIATE` already holds the database's write lock).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Row,
    Table,
    Text,
    case,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from service.batch import database
from service.batch.database import StoreTooNew

__all__ = [
    "BatchStore",
    "CandidateRecord",
    "CandidateStatus",
    "JobCounts",
    "JobRecord",
    "JobState",
    "StoreTooNew",
]

AnyRow = Row[*tuple[Any, ...]]
"""A result row of any width (Row[Any] would be a row of exactly one column)."""

metadata = MetaData()
"""The tables as this code reads and writes them (the migrations in service/batch/migrations create them)."""

jobs = Table(
    "jobs",
    metadata,
    Column("id", Text, primary_key=True),
    Column("state", Text, nullable=False),
    Column("manifest_path", Text, nullable=False),
    Column("out_dir", Text, nullable=False),
    Column("workers", Integer),
    Column("cancel_requested", Integer, nullable=False, server_default="0"),
    Column("error", Text),
    Column("result", Text),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("started_at", Float),
    Column("finished_at", Float),
)
candidates = Table(
    "candidates",
    metadata,
    Column("job_id", Text, ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    Column("key", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("priority", Integer),
    Column("type", Text),
    Column("name", Text),
    Column("status", Text, nullable=False),
    Column("input_hash", Text),
    Column("template_version", Text),
    Column("outputs", Text, nullable=False, server_default="{}"),
    Column("errors", Text, nullable=False, server_default="[]"),
    Column("pages", Integer),
    Column("seconds", Float),
    Column("reused", Integer, nullable=False, server_default="0"),
    Column("updated_at", Float, nullable=False),
    PrimaryKeyConstraint("job_id", "key"),
)
artifacts = Table(
    "artifacts",
    metadata,
    Column("job_id", Text, ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    Column("name", Text, nullable=False),
    Column("input_hash", Text, nullable=False),
    Column("outputs", Text, nullable=False),
    Column("updated_at", Float, nullable=False),
    PrimaryKeyConstraint("job_id", "name"),
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
    """Thread- and process-safe access to one job database; every write is its own committed transaction.

    `target`: a SQLAlchemy URL (`postgresql+psycopg://…`, `sqlite:///…`) or the path of a SQLite file.
    """

    def __init__(self, target: Path | str) -> None:
        self.url = database.database_url(target)
        self.location = database.describe(self.url)
        self.engine = database.make_engine(self.url)
        self.dialect = self.engine.dialect.name
        self.path: Path | None = Path(self.location) if self.dialect == "sqlite" else None
        """The SQLite file (None on a database server)."""
        # Readers start a deferred transaction on SQLite (a consistent snapshot without the write lock).
        self._reader = self.engine.execution_options(sqlite_begin="DEFERRED")
        try:
            self.migration = database.upgrade(self.engine)
        except BaseException:
            self.engine.dispose()
            raise

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> BatchStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        """One write transaction (BEGIN IMMEDIATE on SQLite), committed on exit, rolled back on an error."""
        with self.engine.begin() as conn:
            yield conn

    def _query(self, statement: Any) -> Sequence[AnyRow]:
        with self._reader.connect() as conn:
            return conn.execute(statement).all()

    def _insert(self, table: Table) -> Any:
        """INSERT with this dialect's ON CONFLICT support."""
        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)

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
                jobs.insert().values(
                    id=job_id, state=state.value, manifest_path=str(manifest_path), out_dir=str(out_dir),
                    workers=workers, created_at=now, updated_at=now,
                )
            )  # fmt: skip
        job = self.get_job(job_id)
        assert job is not None
        return job

    def ensure_job(self, job_id: str, manifest_path: Path, out_dir: Path, *, workers: int | None = None) -> JobRecord:
        """The job, created if new; a finished job is reopened (a re-run of the same output folder)."""
        now = time.time()
        stmt = self._insert(jobs).values(
            id=job_id, state=JobState.QUEUED.value, manifest_path=str(manifest_path), out_dir=str(out_dir),
            workers=workers, created_at=now, updated_at=now,
        )  # fmt: skip
        stmt = stmt.on_conflict_do_update(
            index_elements=[jobs.c.id],
            set_={
                "manifest_path": stmt.excluded.manifest_path,
                "out_dir": stmt.excluded.out_dir,
                "workers": stmt.excluded.workers,
                "cancel_requested": 0,
                "updated_at": stmt.excluded.updated_at,
            },
        )
        with self._tx() as c:
            c.execute(stmt)
        job = self.get_job(job_id)
        assert job is not None
        return job

    def get_job(self, job_id: str) -> JobRecord | None:
        rows = self._query(select(jobs).where(jobs.c.id == job_id))
        return _job(rows[0]) if rows else None

    def list_jobs(self, states: Iterable[JobState] | None = None) -> list[JobRecord]:
        stmt = select(jobs).order_by(jobs.c.created_at, jobs.c.id)
        if states is not None:
            stmt = stmt.where(jobs.c.state.in_([s.value for s in states]))
        return [_job(r) for r in self._query(stmt)]

    def set_job_state(self, job_id: str, state: JobState, *, error: Any = None, result: Any = None) -> None:
        now = time.time()
        values: dict[str, Any] = {"state": state.value, "updated_at": now, "error": _dump(error)}
        if state is JobState.RUNNING:
            values["started_at"] = now
        values["finished_at"] = None if state in (JobState.QUEUED, JobState.RUNNING) else now
        if result is not None:
            values["result"] = _dump(result)
        with self._tx() as c:
            c.execute(update(jobs).where(jobs.c.id == job_id).values(**values))

    def request_cancel(self, job_id: str) -> None:
        with self._tx() as c:
            c.execute(update(jobs).where(jobs.c.id == job_id).values(cancel_requested=1, updated_at=time.time()))

    def cancel_requested(self, job_id: str) -> bool:
        rows = self._query(select(jobs.c.cancel_requested).where(jobs.c.id == job_id))
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
        with self._tx() as c:
            # Read and write under the job row's lock: two processes syncing one job do not interleave.
            c.execute(select(jobs.c.id).where(jobs.c.id == job_id).with_for_update())
            existing = [_candidate(r) for r in c.execute(select(candidates).where(candidates.c.job_id == job_id))]
            removed = [rec for rec in existing if rec.key not in keys]
            if removed:
                c.execute(
                    delete(candidates).where(
                        candidates.c.job_id == job_id, candidates.c.key.in_([rec.key for rec in removed])
                    )
                )
            if rows:
                stmt = self._insert(candidates).values(
                    [
                        {"job_id": job_id, "key": key, "position": position, "priority": priority, "type": ctype,
                         "name": name, "status": CandidateStatus.PENDING.value, "updated_at": now}
                        for key, position, priority, ctype, name in rows
                    ]
                )  # fmt: skip
                interrupted = (CandidateStatus.RUNNING.value, CandidateStatus.CANCELLED.value)
                stmt = stmt.on_conflict_do_update(
                    index_elements=[candidates.c.job_id, candidates.c.key],
                    set_={
                        "position": stmt.excluded.position,
                        "priority": stmt.excluded.priority,
                        "type": stmt.excluded.type,
                        "name": stmt.excluded.name,
                        "status": case(
                            (candidates.c.status.in_(interrupted), CandidateStatus.PENDING.value),
                            else_=candidates.c.status,
                        ),
                        "updated_at": stmt.excluded.updated_at,
                    },
                )
                c.execute(stmt)
        return sorted(removed, key=lambda rec: rec.position)

    def candidate(self, job_id: str, key: str) -> CandidateRecord | None:
        rows = self._query(select(candidates).where(candidates.c.job_id == job_id, candidates.c.key == key))
        return _candidate(rows[0]) if rows else None

    def candidates(self, job_id: str) -> list[CandidateRecord]:
        rows = self._query(
            select(candidates).where(candidates.c.job_id == job_id).order_by(candidates.c.position, candidates.c.key)
        )
        return [_candidate(r) for r in rows]

    def set_candidate_status(self, job_id: str, key: str, status: CandidateStatus) -> None:
        with self._tx() as c:
            c.execute(
                update(candidates)
                .where(candidates.c.job_id == job_id, candidates.c.key == key)
                .values(status=status.value, updated_at=time.time())
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
                update(candidates)
                .where(candidates.c.job_id == job_id, candidates.c.key == key)
                .values(
                    status=status.value, input_hash=input_hash, template_version=template_version,
                    outputs=json.dumps(outputs, ensure_ascii=False), errors=json.dumps(errors, ensure_ascii=False),
                    pages=pages, seconds=seconds, reused=int(reused), updated_at=time.time(),
                )
            )  # fmt: skip

    def counts(self, job_id: str) -> JobCounts:
        rows = self._query(
            select(candidates.c.status, func.count()).where(candidates.c.job_id == job_id).group_by(candidates.c.status)
        )
        n = {r[0]: r[1] for r in rows}
        ok, failed = n.get("ok", 0), n.get("failed", 0)
        return JobCounts(sum(n.values()), ok + failed, ok, failed, n.get("running", 0))

    # --- batch-level artifacts -------------------------------------------------------------------------

    def artifact(self, job_id: str, name: str) -> tuple[str, dict[str, str]] | None:
        rows = self._query(
            select(artifacts.c.input_hash, artifacts.c.outputs).where(
                artifacts.c.job_id == job_id, artifacts.c.name == name
            )
        )
        return (rows[0][0], json.loads(rows[0][1])) if rows else None

    def record_artifact(self, job_id: str, name: str, input_hash: str, outputs: dict[str, str]) -> None:
        stmt = self._insert(artifacts).values(
            job_id=job_id, name=name, input_hash=input_hash, outputs=json.dumps(outputs, ensure_ascii=False),
            updated_at=time.time(),
        )  # fmt: skip
        stmt = stmt.on_conflict_do_update(
            index_elements=[artifacts.c.job_id, artifacts.c.name],
            set_={
                "input_hash": stmt.excluded.input_hash,
                "outputs": stmt.excluded.outputs,
                "updated_at": stmt.excluded.updated_at,
            },
        )
        with self._tx() as c:
            c.execute(stmt)

    def delete_artifact(self, job_id: str, name: str) -> None:
        with self._tx() as c:
            c.execute(delete(artifacts).where(artifacts.c.job_id == job_id, artifacts.c.name == name))


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _load(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def _job(row: AnyRow) -> JobRecord:
    m = row._mapping
    return JobRecord(
        id=m["id"],
        state=JobState(m["state"]),
        manifest_path=m["manifest_path"],
        out_dir=m["out_dir"],
        workers=m["workers"],
        cancel_requested=bool(m["cancel_requested"]),
        error=_load(m["error"]),
        result=_load(m["result"]),
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        started_at=m["started_at"],
        finished_at=m["finished_at"],
    )


def _candidate(row: AnyRow) -> CandidateRecord:
    m = row._mapping
    return CandidateRecord(
        job_id=m["job_id"],
        key=m["key"],
        position=m["position"],
        priority=m["priority"],
        type=m["type"],
        name=m["name"],
        status=CandidateStatus(m["status"]),
        input_hash=m["input_hash"],
        template_version=m["template_version"],
        outputs=json.loads(m["outputs"]),
        errors=json.loads(m["errors"]),
        pages=m["pages"],
        seconds=m["seconds"],
        reused=bool(m["reused"]),
        updated_at=m["updated_at"],
    )
