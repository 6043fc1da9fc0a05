"""The Celery tasks: thin wrappers that run the batch steps (`steps`) with the worker's store and converter.

`docgen.batch.start`     plan a queued job (or re-plan a running one whose tasks may be lost) and fan out
`docgen.batch.candidate` produce one candidate, then run the completion step
`docgen.batch.complete`  the completion step alone (a retry when another task held the claim)
`docgen.convert.pdf`     convert one .docx for an API replica (`DOCGEN_CONVERT_VIA=celery`)

Errors: the store or the broker unreachable, a soft time limit, a candidate that failed only because the
converter was busy, slow or down — retried with exponential backoff; invalid input is recorded, never retried.
A worker that dies mid-task gives the task back to the broker (acks_late + reject_on_worker_lost).
"""

from __future__ import annotations

import base64
import logging
import time
from typing import Any

from celery import Celery, Task
from celery.exceptions import SoftTimeLimitExceeded

from service.distributed import claims, steps
from service.distributed.queues import BATCH_QUEUE, CONVERT_QUEUE

log = logging.getLogger("docgen.distributed")

START, CANDIDATE, COMPLETE, CONVERT = (
    "docgen.batch.start",
    "docgen.batch.candidate",
    "docgen.batch.complete",
    ("docgen.convert.pdf"),
)
CLAIM_RETRY_SECONDS = 2.0
"""Wait before a completion step tries again for a claim another task holds."""


def _infrastructure_errors() -> tuple[type[BaseException], ...]:
    """Errors that say nothing about the input: the database, the broker or the storage briefly unavailable."""
    import sqlite3

    found: list[type[BaseException]] = [sqlite3.OperationalError, OSError, ConnectionError, SoftTimeLimitExceeded]
    try:
        from sqlalchemy.exc import OperationalError as SAOperationalError
        from sqlalchemy.exc import TimeoutError as SATimeoutError

        found += [SAOperationalError, SATimeoutError]
    except ImportError:  # the sqlite3 store
        pass
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError

        found.append(RedisConnectionError)
    except ImportError:
        pass
    return tuple(found)


def backoff(retries: int) -> float:
    """Seconds before retry number `retries` + 1: 1, 2, 4 … at most 60."""
    return float(min(60, 2**retries))


def _settings(task: Task) -> Any:
    return task.app.conf.docgen_settings


def _context() -> Any:
    from service.distributed.context import current

    return current()


def send_start(app: Celery, job_id: str, *, resume: bool = False) -> None:
    app.send_task(START, args=[job_id, resume], queue=BATCH_QUEUE)


def send_candidates(app: Celery, job_id: str, todo: list[steps.Todo], round_: int) -> None:
    for t in todo:
        app.send_task(
            CANDIDATE,
            args=[job_id, t.key, t.input_hash, round_],
            queue=BATCH_QUEUE,
            task_id=candidate_task_id(job_id, t.key, round_),
        )


def candidate_task_id(job_id: str, key: str, round_: int) -> str:
    """Stable ids: a cancel can revoke them, and a duplicate submission is recognisable in the logs."""
    return f"docgen-{job_id}-{key}-r{round_}"


def register(app: Celery) -> None:
    """Define the tasks on `app` (one app per broker configuration)."""
    retry_on = _infrastructure_errors()
    common: dict[str, Any] = {
        "bind": True,
        "acks_late": True,
        "reject_on_worker_lost": True,
        "autoretry_for": retry_on,
        "retry_backoff": True,
        "retry_backoff_max": 60,
        "retry_jitter": True,
        "max_retries": int(_settings_of(app).task_max_retries),
        "ignore_result": True,  # the outcome is in the job store; the backend is for conversions only
    }

    def completion(task: Task, job_id: str, round_: int, mode: steps.Mode) -> str:
        ctx = _context()
        owner = task.request.id or f"local-{time.monotonic_ns()}"
        lease = float(_settings(task).task_time_limit) + 60
        if not claims.claim(ctx.store, job_id, owner, lease=lease):
            # Another task is planning or finishing this job; look again shortly (it may decide before our
            # candidate's record was visible to it).
            app.send_task(COMPLETE, args=[job_id, round_], queue=BATCH_QUEUE, countdown=CLAIM_RETRY_SECONDS)
            return "claimed-elsewhere"
        try:
            result = steps.advance(ctx.store, job_id, ctx.converter, mode, round_=round_)
            next_round = 0 if mode is steps.Mode.START else round_ + (1 if mode is steps.Mode.COMPLETE else 0)
            if result.todo:
                send_candidates(app, job_id, result.todo, next_round)
        finally:
            claims.release(ctx.store, job_id, owner)
        return "finished" if result.finished else "waiting" if result.waiting else f"queued {len(result.todo)}"

    @app.task(name=START, **common)
    def start(self: Task, job_id: str, resume: bool = False) -> str:
        return completion(self, job_id, 0, steps.Mode.RESUME if resume else steps.Mode.START)

    @app.task(name=COMPLETE, **common)
    def complete(self: Task, job_id: str, round_: int = 0) -> str:
        return completion(self, job_id, round_, steps.Mode.COMPLETE)

    @app.task(name=CANDIDATE, **common)
    def candidate(self: Task, job_id: str, key: str, input_hash: str, round_: int = 0) -> str:
        ctx = _context()
        started = time.perf_counter()
        status = steps.produce_candidate(ctx.store, job_id, key, input_hash, ctx.converter)
        ctx.observe(CANDIDATE, time.perf_counter() - started)
        if (
            status == "failed"
            and steps.transient_failure(ctx.store, job_id, key)
            and self.request.retries < (self.max_retries or 0)
        ):
            from service.batch.store import CandidateStatus

            ctx.store.set_candidate_status(job_id, key, CandidateStatus.PENDING)  # not done: no completion yet
            ctx.retried(CANDIDATE)
            raise self.retry(countdown=backoff(self.request.retries))
        completion(self, job_id, round_, steps.Mode.COMPLETE)
        return status

    @app.task(
        name=CONVERT,
        bind=True,
        acks_late=True,
        reject_on_worker_lost=True,
        max_retries=0,
    )
    def convert(self: Task, docx_b64: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        """{"pdf": base64} or {"error": {code, kind, message, retry_after}}: conversion errors travel as data, so
        the API replica raises the same coded error the local pool would have."""
        from service.conversion.options import PdfOptions
        from service.errors import DocgenError

        ctx = _context()
        opts = PdfOptions(**{**(options or {}), "keywords": tuple((options or {}).get("keywords", ()))})
        started = time.perf_counter()
        try:
            pdf = ctx.converter.convert(base64.b64decode(docx_b64), opts)
        except DocgenError as exc:
            error = {"code": exc.code, "kind": str(exc.kind), "message": exc.message, "retry_after": exc.retry_after}
            return {"error": error}
        finally:
            ctx.observe(CONVERT, time.perf_counter() - started)
        return {"pdf": base64.b64encode(pdf).decode("ascii")}

    app.conf.task_routes = {START: {"queue": BATCH_QUEUE}, CANDIDATE: {"queue": BATCH_QUEUE},
                            COMPLETE: {"queue": BATCH_QUEUE}, CONVERT: {"queue": CONVERT_QUEUE}}  # fmt: skip
    _ = (start, complete, candidate, convert)


def _settings_of(app: Celery) -> Any:
    return app.conf.docgen_settings
