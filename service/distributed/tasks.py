"""The Celery tasks: thin wrappers that run the batch steps (`steps`) with the worker's store and converter.

`docgen.batch.start`     plan a queued job (or re-plan a running one whose tasks may be lost) and fan out
`docgen.batch.candidate` produce one candidate, then run the completion step
`docgen.batch.complete`  the completion step alone (a retry when another task held the claim)
`docgen.batch.time_limited`  record a candidate whose task was killed at the hard time limit (prefork), then
                         retry it or run the completion step
`docgen.convert.pdf`     convert one .docx for an API replica (`DOCGEN_CONVERT_VIA=celery`)

Errors: the store or the broker unreachable, a candidate that failed only because the converter was busy, slow or
down or because its task ran out of time (`limits`) — retried with exponential backoff; invalid input is recorded,
never retried. A worker that dies mid-task gives the task back to the broker (acks_late + reject_on_worker_lost).

Time limits (`limits`): every task keeps its own deadline, in the threads and the prefork pool alike; Celery's
prefork pool also kills a child at the hard limit, and `TimeLimitedRequest` (run by the worker's main process)
then sends the candidate to `docgen.batch.time_limited`, since Celery acknowledges a task it killed.
"""

from __future__ import annotations

import base64
import logging
import time
from typing import Any

from celery import Celery, Task
from celery.worker.request import Request

from service.distributed import claims, limits, steps
from service.distributed.queues import BATCH_QUEUE, CONVERT_QUEUE

log = logging.getLogger("docgen.distributed")

START, CANDIDATE, COMPLETE, TIME_LIMITED, CONVERT = (
    "docgen.batch.start",
    "docgen.batch.candidate",
    "docgen.batch.complete",
    "docgen.batch.time_limited",
    "docgen.convert.pdf",
)
CLAIM_RETRY_SECONDS = 2.0
"""Wait before a completion step tries again for a claim another task holds."""


def _infrastructure_errors() -> tuple[type[BaseException], ...]:
    """Errors that say nothing about the input: the database, the broker or the storage briefly unavailable."""
    import sqlite3

    from redis.exceptions import ConnectionError as RedisConnectionError
    from sqlalchemy.exc import OperationalError as SAOperationalError
    from sqlalchemy.exc import TimeoutError as SATimeoutError

    return (sqlite3.OperationalError, OSError, ConnectionError, SAOperationalError, SATimeoutError,
            RedisConnectionError)  # fmt: skip


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


class TimeLimitedRequest(Request):  # type: ignore[misc]  # Celery is untyped
    """A task request whose hard time limit is followed up: in the prefork pool Celery kills the child running it
    and acknowledges the message, so nothing would run the task again nor finish its batch. Runs in the worker's
    main process."""

    def on_timeout(self, soft: bool, timeout: float) -> None:
        super().on_timeout(soft, timeout)
        from celery.worker import state

        if soft or state.should_terminate:  # a cold shutdown leaves the message unacknowledged: it comes back
            return
        after_hard_limit(self.task.app, self.task.name, list(self.args), int(self.request_dict.get("retries") or 0),
                         float(timeout))  # fmt: skip


class DocgenTask(Task):  # type: ignore[misc]  # Celery is untyped
    Request = TimeLimitedRequest


def after_hard_limit(app: Celery, name: str, args: list[Any], retries: int, seconds: float) -> None:
    """A task killed at the hard time limit: a candidate is recorded and retried (`time_limited`), a planning or
    completion step is sent again (with backoff, within the retries)."""
    try:
        if name == CANDIDATE:
            app.send_task(TIME_LIMITED, args=[*args[:4], retries, seconds], queue=BATCH_QUEUE)
        elif name in (START, COMPLETE) and retries < int(_settings_of(app).task_max_retries):
            app.send_task(name, args=args, queue=BATCH_QUEUE, retries=retries + 1, countdown=backoff(retries))
        else:
            return
        log.warning("任务 %s 超过硬时间限制 %g 秒被终止，已交给后续处理 (hard time limit)", name, seconds)
    except Exception:
        log.exception("任务 %s 超过硬时间限制后未能安排后续处理 (follow-up not sent)", name)


def register(app: Celery) -> None:
    """Define the tasks on `app` (one app per broker configuration)."""
    retry_on = _infrastructure_errors()
    common: dict[str, Any] = {
        "base": DocgenTask,
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

    def completion(task: Task, job_id: str, round_: int, mode: steps.Mode,
                   deadline: limits.Deadline | None = None) -> str:  # fmt: skip
        ctx = _context()
        owner = task.request.id or f"local-{time.monotonic_ns()}"
        lease = float(_settings(task).task_time_limit) + 60
        if not claims.claim(ctx.store, job_id, owner, lease=lease):
            # Another task is planning or finishing this job; look again shortly (it may decide before our
            # candidate's record was visible to it).
            app.send_task(COMPLETE, args=[job_id, round_], queue=BATCH_QUEUE, countdown=CLAIM_RETRY_SECONDS)
            return "claimed-elsewhere"
        # The city summary's conversion is capped by the hard limit; an overrun is the summary's own error.
        converter = limits.DeadlineConverter(ctx.converter, deadline or _deadline(task, ctx), stop=False)
        try:
            result = steps.advance(ctx.store, job_id, converter, mode, round_=round_)
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

    def retry_or_complete(task: Task, job_id: str, key: str, input_hash: str, round_: int, status: str,
                          retries: int, deadline: limits.Deadline | None = None) -> str:  # fmt: skip
        """After a candidate: try it again later if it failed for a transient reason, else the completion step."""
        ctx = _context()
        if status == "failed" and steps.transient_failure(ctx.store, job_id, key) and retries < (task.max_retries or 0):
            from service.batch.store import CandidateStatus

            ctx.store.set_candidate_status(job_id, key, CandidateStatus.PENDING)  # not done: no completion yet
            ctx.retried(CANDIDATE)
            if task.name == CANDIDATE:
                raise task.retry(countdown=backoff(retries))
            app.send_task(CANDIDATE, args=[job_id, key, input_hash, round_], queue=BATCH_QUEUE, retries=retries + 1,
                          countdown=backoff(retries), task_id=candidate_task_id(job_id, key, round_))  # fmt: skip
            return "retrying"
        completion(task, job_id, round_, steps.Mode.COMPLETE, deadline)
        return status

    @app.task(name=CANDIDATE, **common)
    def candidate(self: Task, job_id: str, key: str, input_hash: str, round_: int = 0) -> str:
        ctx = _context()
        started = time.perf_counter()
        deadline = _deadline(self, ctx)
        converter = limits.DeadlineConverter(ctx.converter, deadline)
        try:
            status = steps.produce_candidate(ctx.store, job_id, key, input_hash, converter,
                                             limits.DeadlineProgress(deadline))  # fmt: skip
        except limits.TimeLimitReached as stop:
            log.warning("申报对象 %s 超过任务时间限制，已停止 (time limit): %s", key, stop.error.detail)
            status = steps.record_failure(ctx.store, job_id, key, input_hash, ctx.converter, stop.error)
        ctx.observe(CANDIDATE, time.perf_counter() - started)
        return retry_or_complete(self, job_id, key, input_hash, round_, status, self.request.retries, deadline)

    @app.task(name=TIME_LIMITED, **common)
    def time_limited(self: Task, job_id: str, key: str, input_hash: str, round_: int, retries: int,
                     seconds: float) -> str:  # fmt: skip
        """The candidate's task was killed at the hard time limit (prefork): record it, then as after a failure."""
        ctx = _context()
        error = limits.TaskTimeLimitExceeded(seconds, hard=True)
        status = steps.record_failure(ctx.store, job_id, key, input_hash, ctx.converter, error)
        return retry_or_complete(self, job_id, key, input_hash, round_, status, retries)

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
        converter = limits.DeadlineConverter(ctx.converter, _deadline(self, ctx), stop=False)
        try:
            pdf = converter.convert(base64.b64decode(docx_b64), opts)
        except DocgenError as exc:
            error = {"code": exc.code, "kind": str(exc.kind), "message": exc.message, "retry_after": exc.retry_after}
            return {"error": error}
        finally:
            ctx.observe(CONVERT, time.perf_counter() - started)
        return {"pdf": base64.b64encode(pdf).decode("ascii")}

    app.conf.task_routes = {START: {"queue": BATCH_QUEUE}, CANDIDATE: {"queue": BATCH_QUEUE},
                            COMPLETE: {"queue": BATCH_QUEUE}, TIME_LIMITED: {"queue": BATCH_QUEUE},
                            CONVERT: {"queue": CONVERT_QUEUE}}  # fmt: skip
    _ = (start, complete, candidate, time_limited, convert)


def _deadline(task: Task, ctx: Any) -> limits.Deadline:
    """The running task's deadline; the hard limit is the task's own to keep unless the pool kills at it."""
    return limits.Deadline.of(_settings(task), enforce_hard=not ctx.pool_kills_at_hard_limit)


def _settings_of(app: Celery) -> Any:
    return app.conf.docgen_settings
