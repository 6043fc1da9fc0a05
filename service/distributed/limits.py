"""Task time limits that hold in every execution pool of `docgen worker`.

Celery enforces `task_soft_time_limit` / `task_time_limit` only in the prefork pool, and there the soft limit is an
exception raised asynchronously wherever the task happens to be (possibly inside the LibreOffice pool, between a
request and its reply). docgen's tasks keep their own deadline instead (`Deadline`, started when the task starts):

- **soft** (`DOCGEN_TASK_SOFT_TIME_LIMIT`): checked between the steps of a candidate (before each packaging step
  and before each conversion, `DeadlineProgress` / `DeadlineConverter`); past it the task stops at that point with
  `TimeLimitReached`, and records `TaskTimeLimitExceeded` as the candidate's error;
- **hard** (`DOCGEN_TASK_TIME_LIMIT`): in the threads pool every conversion's timeout is capped by the time left
  until it (the LibreOffice pool kills a conversion that overruns); in the prefork pool Celery kills the child
  process at the hard limit (its LibreOffice dies with it) and the worker's main process hands the candidate to
  `docgen.batch.time_limited` (see `tasks`).

A candidate stopped either way is retried with backoff (the error's code is transient, `steps.TRANSIENT_PREFIXES`)
and recorded as failed with the coded error when the retries are used up; the batch still completes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from service.batch.progress import BatchProgress
from service.conversion.errors import ConversionTimeout
from service.conversion.options import PdfOptions
from service.conversion.pool import ConversionPool
from service.errors import DocgenError, ErrorKind
from service.packaging import STEPS

STEP_LABELS = dict(STEPS)
"""Chinese names of the packaging steps a task may stop before."""


class TaskTimeLimitExceeded(DocgenError):
    """A distributed task ran past its soft or hard time limit and was stopped."""

    code = "task_time_limit_exceeded"
    kind = ErrorKind.TIMEOUT
    title = "任务超出时间限制"

    def __init__(self, seconds: float, *, hard: bool = False, step: str | None = None) -> None:
        self.seconds, self.hard, self.step = seconds, hard, step
        which = "硬时间限制（DOCGEN_TASK_TIME_LIMIT）" if hard else "软时间限制（DOCGEN_TASK_SOFT_TIME_LIMIT）"
        where = f"，停止于“{STEP_LABELS.get(step, step)}”" if step else ""
        super().__init__(
            f"申报材料的生成超过分布式任务的{which} {seconds:g} 秒{where}，已终止；"
            "已按重试策略重试。文档或附件较大时请提高时间限制。",
            detail=f"{'hard' if hard else 'soft'} limit {seconds:g} s, step {step}",
        )


class TimeLimitReached(BaseException):
    """Stops a task at a checkpoint. A BaseException, like asyncio.CancelledError: the batch's per-candidate
    handling (which records any Exception as the candidate's failure, and tries timeouts again in place) lets it
    through to the task, which records `error` and decides about the retry."""

    def __init__(self, error: TaskTimeLimitExceeded) -> None:
        super().__init__(error.message)
        self.error = error


@dataclass
class Deadline:
    """A task's time limits, counted from its start. `hard` None: something else enforces it (prefork)."""

    soft: float
    hard: float | None
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def of(cls, settings: Any, *, enforce_hard: bool) -> Deadline:
        hard = float(settings.task_time_limit) if enforce_hard else None
        return cls(soft=float(settings.task_soft_time_limit), hard=hard)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def check(self, step: str) -> None:
        """Stop here (before `step`) when the soft limit has passed."""
        if self.elapsed() >= self.soft:
            raise TimeLimitReached(TaskTimeLimitExceeded(self.soft, step=step))
        if self.hard is not None and self.elapsed() >= self.hard:
            raise TimeLimitReached(TaskTimeLimitExceeded(self.hard, hard=True, step=step))

    def remaining(self) -> float | None:
        """Seconds until the hard limit (None: not enforced here)."""
        return None if self.hard is None else self.hard - self.elapsed()


class DeadlineProgress(BatchProgress):
    """The batch progress of one candidate task: each packaging step begins only within the soft limit."""

    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline

    def candidate_step(self, key: str, step: str) -> None:
        if step != "done":
            self.deadline.check(step)


class DeadlineConverter:
    """The worker's converter as a task under a deadline sees it (a `Converter`).

    `stop`: conversions begin only within the soft limit, and one that overran the hard limit stops the task
    (a candidate); without it (the completion step) an overrun is the conversion's own `ConversionTimeout`, which
    the city summary reports as its error while the batch finishes."""

    def __init__(self, converter: Any, deadline: Deadline, *, stop: bool = True) -> None:
        self.converter = converter
        self.deadline = deadline
        self.stop = stop

    @property
    def capacity(self) -> int:
        return int(self.converter.capacity)

    def convert(self, docx: bytes, options: PdfOptions | None = None) -> bytes:
        if self.stop:
            self.deadline.check("convert")
        remaining = self.deadline.remaining()
        if remaining is None or not isinstance(self.converter, ConversionPool):
            return bytes(self.converter.convert(docx, options))
        if remaining <= 0:
            return self._overrun(None)
        try:
            return self.converter.convert(docx, options, timeout=remaining)
        except ConversionTimeout as exc:
            if (self.deadline.remaining() or 0) > 0:
                raise  # the pool's own conversion timeout, shorter than what was left
            return self._overrun(exc)

    def _overrun(self, exc: ConversionTimeout | None) -> bytes:
        assert self.deadline.hard is not None
        if self.stop:
            raise TimeLimitReached(TaskTimeLimitExceeded(self.deadline.hard, hard=True, step="convert")) from exc
        raise ConversionTimeout(self.deadline.hard, detail="the task's hard time limit") from exc
