"""The embedding kit's tables in the job database (Alembic revision 0003): asynchronous jobs, Idempotency-Key
records, webhook deliveries with their attempts, and batch webhook subscriptions.

The engine is the batch store's (`service.batch.database.make_engine`), so jobs survive a restart and every API
replica sharing DOCGEN_DATABASE_URL sees the same jobs. Blocking calls: the API runs them in worker threads.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    Table,
    Text,
    and_,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from service.batch.database import make_engine

metadata = MetaData()

jobs = Table(
    "embedding_jobs",
    metadata,
    Column("id", Text, primary_key=True),
    Column("owner", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("template_id", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("progress", Float, nullable=False),
    Column("request", Text, nullable=False),
    Column("webhook_url", Text),
    Column("status_code", Integer),
    Column("result_headers", Text),
    Column("result_file", Text),
    Column("result_size", Integer),
    Column("error", Text),
    Column("created_at", Float, nullable=False),
    Column("started_at", Float),
    Column("finished_at", Float),
    Column("expires_at", Float),
    Column("result_removed", Integer, nullable=False),
)
idempotency = Table(
    "idempotency_keys",
    metadata,
    Column("owner", Text, primary_key=True),
    Column("key", Text, primary_key=True),
    Column("fingerprint", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("status_code", Integer),
    Column("headers", Text),
    Column("body_file", Text),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
)
deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Text, primary_key=True),
    Column("owner", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("event", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", Float),
    Column("created_at", Float, nullable=False),
)
attempts = Table(
    "webhook_attempts",
    metadata,
    Column("delivery_id", Text, primary_key=True),
    Column("attempt", Integer, primary_key=True),
    Column("at", Float, nullable=False),
    Column("status_code", Integer),
    Column("error", Text),
    Column("duration_ms", Float, nullable=False),
)
subscriptions = Table(
    "batch_subscriptions",
    metadata,
    Column("batch_id", Text, primary_key=True),
    Column("owner", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("notified", Integer, nullable=False),
)

JOB_STATES = ("queued", "running", "succeeded", "failed", "cancelled")
FINISHED = ("succeeded", "failed", "cancelled")


@dataclass(frozen=True)
class Job:
    id: str
    owner: str
    kind: str
    template_id: str
    state: str
    progress: float
    request: dict[str, Any]
    webhook_url: str | None
    status_code: int | None
    result_headers: dict[str, str]
    result_file: str | None
    result_size: int | None
    error: Any
    created_at: float
    started_at: float | None
    finished_at: float | None
    expires_at: float | None
    result_removed: bool


def _job(row: Any) -> Job:
    m = row._mapping
    return Job(
        id=m["id"],
        owner=m["owner"],
        kind=m["kind"],
        template_id=m["template_id"],
        state=m["state"],
        progress=float(m["progress"]),
        request=json.loads(m["request"]),
        webhook_url=m["webhook_url"],
        status_code=m["status_code"],
        result_headers=json.loads(m["result_headers"] or "{}"),
        result_file=m["result_file"],
        result_size=m["result_size"],
        error=json.loads(m["error"]) if m["error"] else None,
        created_at=m["created_at"],
        started_at=m["started_at"],
        finished_at=m["finished_at"],
        expires_at=m["expires_at"],
        result_removed=bool(m["result_removed"]),
    )


@dataclass(frozen=True)
class IdempotencyRecord:
    fingerprint: str
    state: str
    """`in_progress` or `done`."""
    status_code: int | None
    headers: list[tuple[str, str]]
    body_file: str | None
    expires_at: float


class EmbeddingStore:
    def __init__(self, url: str) -> None:
        self.engine: Engine = make_engine(url)

    def close(self) -> None:
        self.engine.dispose()

    # --- jobs ---------------------------------------------------------------------------------------------

    def create_job(
        self, job_id: str, owner: str, kind: str, template_id: str, request: dict[str, Any], webhook_url: str | None
    ) -> Job:
        now = time.time()
        with self.engine.begin() as conn:
            conn.execute(
                insert(jobs).values(
                    id=job_id, owner=owner, kind=kind, template_id=template_id, state="queued", progress=0.0,
                    request=json.dumps(request, ensure_ascii=False), webhook_url=webhook_url, created_at=now,
                    result_removed=0,
                )
            )  # fmt: skip
        job = self.get_job(job_id)
        assert job is not None
        return job

    def get_job(self, job_id: str) -> Job | None:
        with self.engine.connect().execution_options(sqlite_begin="DEFERRED") as conn:
            row = conn.execute(select(jobs).where(jobs.c.id == job_id)).first()
        return _job(row) if row else None

    def unfinished_jobs(self) -> list[Job]:
        with self.engine.connect().execution_options(sqlite_begin="DEFERRED") as conn:
            rows = conn.execute(
                select(jobs).where(jobs.c.state.in_(("queued", "running"))).order_by(jobs.c.created_at)
            ).all()
        return [_job(r) for r in rows]

    def start_job(self, job_id: str) -> bool:
        """queued → running; False when the job is no longer queued (cancelled meanwhile)."""
        with self.engine.begin() as conn:
            done = conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.state.in_(("queued", "running")))
                .values(state="running", progress=0.1, started_at=time.time())
            )
        return bool(done.rowcount)

    def set_progress(self, job_id: str, progress: float) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(jobs).where(jobs.c.id == job_id, jobs.c.state == "running").values(progress=progress))

    def finish_job(
        self,
        job_id: str,
        state: str,
        *,
        status_code: int,
        headers: dict[str, str],
        result_file: str | None,
        result_size: int | None,
        error: Any,
        ttl: float,
    ) -> bool:
        """running → succeeded / failed; False when the job was cancelled meanwhile."""
        now = time.time()
        with self.engine.begin() as conn:
            done = conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.state == "running")
                .values(
                    state=state, progress=1.0, status_code=status_code,
                    result_headers=json.dumps(headers, ensure_ascii=False), result_file=result_file,
                    result_size=result_size, error=json.dumps(error, ensure_ascii=False) if error else None,
                    finished_at=now, expires_at=now + ttl,
                )
            )  # fmt: skip
        return bool(done.rowcount)

    def cancel_job(self, job_id: str) -> bool:
        with self.engine.begin() as conn:
            done = conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.state.in_(("queued", "running")))
                .values(state="cancelled", finished_at=time.time())
            )
        return bool(done.rowcount)

    def expired_results(self, now: float) -> list[Job]:
        with self.engine.connect().execution_options(sqlite_begin="DEFERRED") as conn:
            rows = conn.execute(
                select(jobs).where(jobs.c.result_removed == 0, jobs.c.expires_at.is_not(None), jobs.c.expires_at <= now)
            ).all()
        return [_job(r) for r in rows]

    def mark_result_removed(self, job_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(jobs).where(jobs.c.id == job_id).values(result_removed=1))

    # --- Idempotency-Key ----------------------------------------------------------------------------------

    def claim_key(self, owner: str, key: str, fingerprint: str, ttl: float) -> IdempotencyRecord | None:
        """Record `key` as in progress; None when it is new (the caller runs the request), else the record found.
        An expired record is replaced (the key may be used again)."""
        now = time.time()
        with self.engine.begin() as conn:
            conn.execute(delete(idempotency).where(idempotency.c.owner == owner, idempotency.c.key == key,
                                                   idempotency.c.expires_at <= now))  # fmt: skip
            row = conn.execute(
                select(idempotency).where(idempotency.c.owner == owner, idempotency.c.key == key)
            ).first()
            if row is not None:
                m = row._mapping
                return IdempotencyRecord(
                    m["fingerprint"], m["state"], m["status_code"],
                    [tuple(h) for h in json.loads(m["headers"] or "[]")], m["body_file"], m["expires_at"],
                )  # fmt: skip
            try:
                conn.execute(
                    insert(idempotency).values(
                        owner=owner, key=key, fingerprint=fingerprint, state="in_progress", created_at=now,
                        expires_at=now + ttl,
                    )
                )  # fmt: skip
            except IntegrityError:  # pragma: no cover - PostgreSQL: another replica claimed it just now
                return IdempotencyRecord(fingerprint, "in_progress", None, [], None, now + ttl)
        return None

    def complete_key(
        self, owner: str, key: str, status_code: int, headers: list[tuple[str, str]], body_file: str
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(idempotency)
                .where(idempotency.c.owner == owner, idempotency.c.key == key)
                .values(state="done", status_code=status_code, headers=json.dumps(headers), body_file=body_file)
            )

    def release_key(self, owner: str, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(idempotency).where(idempotency.c.owner == owner, idempotency.c.key == key))

    def expired_keys(self, now: float) -> list[str | None]:
        with self.engine.begin() as conn:
            files = conn.execute(select(idempotency.c.body_file).where(idempotency.c.expires_at <= now)).scalars()
            found = list(files)
            conn.execute(delete(idempotency).where(idempotency.c.expires_at <= now))
        return found

    # --- webhooks -----------------------------------------------------------------------------------------

    def add_delivery(self, delivery_id: str, owner: str, subject: str, event: str, url: str, payload: str) -> None:
        now = time.time()
        with self.engine.begin() as conn:
            conn.execute(
                insert(deliveries).values(
                    id=delivery_id, owner=owner, subject=subject, event=event, url=url, payload=payload,
                    state="pending", attempts=0, next_attempt_at=now, created_at=now,
                )
            )  # fmt: skip

    def due_deliveries(self, now: float, limit: int = 20) -> list[dict[str, Any]]:
        with self.engine.connect().execution_options(sqlite_begin="DEFERRED") as conn:
            rows = conn.execute(
                select(deliveries)
                .where(deliveries.c.state == "pending", deliveries.c.next_attempt_at <= now)
                .order_by(deliveries.c.next_attempt_at)
                .limit(limit)
            ).all()
        return [dict(r._mapping) for r in rows]

    def record_attempt(
        self,
        delivery_id: str,
        attempt: int,
        *,
        status_code: int | None,
        error: str | None,
        duration_ms: float,
        state: str,
        next_attempt_at: float | None,
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(attempts).values(
                    delivery_id=delivery_id, attempt=attempt, at=time.time(), status_code=status_code, error=error,
                    duration_ms=duration_ms,
                )
            )  # fmt: skip
            conn.execute(
                update(deliveries)
                .where(deliveries.c.id == delivery_id)
                .values(attempts=attempt, state=state, next_attempt_at=next_attempt_at)
            )

    def deliveries_of(self, subject: str) -> list[dict[str, Any]]:
        with self.engine.connect().execution_options(sqlite_begin="DEFERRED") as conn:
            rows = conn.execute(
                select(deliveries).where(deliveries.c.subject == subject).order_by(deliveries.c.created_at)
            ).all()
            out = []
            for row in rows:
                d = dict(row._mapping)
                tries = conn.execute(
                    select(attempts).where(attempts.c.delivery_id == d["id"]).order_by(attempts.c.attempt)
                ).all()
                d["attempt_list"] = [dict(t._mapping) for t in tries]
                out.append(d)
        return out

    # --- batch subscriptions ------------------------------------------------------------------------------

    def subscribe_batch(self, batch_id: str, owner: str, url: str) -> None:
        with self.engine.begin() as conn:
            values = {"batch_id": batch_id, "owner": owner, "url": url, "created_at": time.time(), "notified": 0}
            conn.execute(insert(subscriptions).values(**values))

    def open_subscriptions(self) -> list[dict[str, Any]]:
        with self.engine.connect().execution_options(sqlite_begin="DEFERRED") as conn:
            rows = conn.execute(select(subscriptions).where(subscriptions.c.notified == 0)).all()
        return [dict(r._mapping) for r in rows]

    def mark_notified(self, batch_id: str) -> bool:
        with self.engine.begin() as conn:
            done = conn.execute(
                update(subscriptions)
                .where(and_(subscriptions.c.batch_id == batch_id, or_(subscriptions.c.notified == 0)))
                .values(notified=1)
            )
        return bool(done.rowcount)
