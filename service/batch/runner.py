"""Where batch jobs run: a small `JobRunner` interface and the default embedded runner.

The HTTP API talks only to `JobRunner` (submit / status / cancel); the state lives in the `BatchStore`, so a
runner that executes jobs elsewhere (the planned Celery-on-Redis runner for users who outgrow one machine)
implements the same three methods against a shared store and needs no change in the API.

`EmbeddedRunner` runs jobs in this process, one batch at a time in submission order, each batch with a
thread pool sized to the LibreOffice pool: a candidate's rendering (Python, CPU) happens in its worker
thread while other workers wait on their conversions, so rendering never queues behind conversions and the
LibreOffice processes stay busy.
"""

from __future__ import annotations

import logging
import queue
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.batch.jobs import BatchJob
from service.batch.store import BatchStore, CandidateRecord, JobState

__all__ = [
    "BatchJob",
    "EmbeddedRunner",
    "JobRunner",
    "JobStatus",
    "RunFunction",
    "resume_unfinished",
    "status_from_store",
]

log = logging.getLogger("docgen.batch")


@dataclass
class JobStatus:
    id: str
    state: JobState
    total: int
    done: int
    ok: int
    failed: int
    candidates: list[CandidateRecord] = field(default_factory=list)
    error: Any = None
    result: Any = None
    cancel_requested: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state.value,
            "state_label": self.state.label,
            "total": self.total,
            "done": self.done,
            "ok": self.ok,
            "failed": self.failed,
            "cancel_requested": self.cancel_requested,
            "error": self.error,
            "candidates": [c.as_dict() | {"status_label": c.status.label} for c in self.candidates],
        }


def status_from_store(store: BatchStore, job_id: str) -> JobStatus | None:
    job = store.get_job(job_id)
    if job is None:
        return None
    counts = store.counts(job_id)
    return JobStatus(
        id=job.id,
        state=job.state,
        total=counts.total,
        done=counts.done,
        ok=counts.ok,
        failed=counts.failed,
        candidates=store.candidates(job_id),
        error=job.error,
        result=job.result,
        cancel_requested=job.cancel_requested,
    )


class JobRunner(ABC):
    """Executes batch jobs whose state is kept in a `BatchStore`."""

    store: BatchStore

    @abstractmethod
    def submit(self, job: BatchJob) -> str:
        """Queue a job (already recorded in the store) for execution; returns its id."""

    def status(self, job_id: str) -> JobStatus | None:
        """The job's state and per-candidate status, or None if unknown."""
        return status_from_store(self.store, job_id)

    def take_over(self, job: BatchJob) -> bool:
        """After a restart, run a job a previous process left queued or running. False when nothing had to be
        done here (it still runs elsewhere, e.g. on distributed workers), so it is not reported as resumed."""
        self.submit(job)
        return True

    @abstractmethod
    def cancel(self, job_id: str) -> JobStatus | None:
        """Ask a job to stop: queued jobs end at once, running ones after their current candidates."""

    @abstractmethod
    def shutdown(self, *, wait: bool = True) -> None:
        """Stop taking jobs; running jobs stop after their current candidates and stay resumable."""


RunFunction = Callable[[BatchJob, BatchStore, threading.Event], None]


class EmbeddedRunner(JobRunner):
    """Runs jobs in a background thread of this process, FIFO, one batch at a time.

    `run` executes one job until done or until the event is set (cancel or shutdown); it records every
    state change in the store itself (see `service.batch.pipeline.run_job`).
    """

    def __init__(self, store: BatchStore, run: RunFunction) -> None:
        self.store = store
        self._run = run
        self._queue: queue.Queue[BatchJob | None] = queue.Queue()
        self._events: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="docgen-batch-runner", daemon=True)
        self._thread.start()

    def submit(self, job: BatchJob) -> str:
        if self._stopping.is_set():
            raise RuntimeError("runner is shut down")
        with self._lock:
            self._events[job.id] = threading.Event()
        self._queue.put(job)
        return job.id

    def cancel(self, job_id: str) -> JobStatus | None:
        job = self.store.get_job(job_id)
        if job is None:
            return None
        if not job.state.finished:
            self.store.request_cancel(job_id)
            with self._lock:
                event = self._events.get(job_id)
            if event is not None:
                event.set()
            if job.state is JobState.QUEUED:
                self.store.set_job_state(job_id, JobState.CANCELLED)
        return self.status(job_id)

    def active(self) -> bool:
        """Is a job queued or running here?"""
        with self._lock:
            return bool(self._events)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every submitted job has finished (tests, shutdown); False on timeout."""
        done = threading.Event()
        self._queue.put(_Marker(done))  # type: ignore[arg-type]
        return done.wait(timeout)

    def shutdown(self, *, wait: bool = True, timeout: float | None = 60) -> None:
        self._stopping.set()
        with self._lock:
            for event in self._events.values():
                event.set()  # not a cancel: the store keeps the job `running`, to be resumed on restart
        self._queue.put(None)
        if wait:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if isinstance(item, _Marker):
                item.event.set()
                continue
            with self._lock:
                event = self._events.setdefault(item.id, threading.Event())
            try:
                if self._stopping.is_set():
                    continue
                job = self.store.get_job(item.id)
                if job is None or job.state.finished:
                    continue
                self._run(item, self.store, event)
            except Exception:  # a bug must not kill the runner thread: the job is marked failed
                log.exception("批量任务 %s 异常终止 (batch job crashed)", item.id)
                error = {"code": "internal_error", "message": "批量任务异常终止（内部错误），请联系管理员"}
                self.store.set_job_state(item.id, JobState.FAILED, error=error)
            finally:
                with self._lock:
                    self._events.pop(item.id, None)


@dataclass
class _Marker:
    event: threading.Event


def resume_unfinished(runner: JobRunner) -> list[str]:
    """Resubmit the jobs a previous process left queued or running; jobs asked to cancel end cancelled. Returns
    the ids of the jobs this runner resumed (not those still running elsewhere)."""
    resumed: list[str] = []
    for job in runner.store.list_jobs([JobState.QUEUED, JobState.RUNNING]):
        if job.cancel_requested:
            runner.store.set_job_state(job.id, JobState.CANCELLED)
            continue
        if runner.take_over(BatchJob(job.id, Path(job.manifest_path), Path(job.out_dir), job.workers)):
            resumed.append(job.id)
    return resumed
