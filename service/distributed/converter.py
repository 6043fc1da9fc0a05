"""`CeleryConverter`: the `Converter` of an API replica without LibreOffice (`DOCGEN_CONVERT_VIA=celery`).

The replica renders the .docx itself and sends it to the `docgen.convert` queue; a worker converts it on its
pool and the PDF comes back through the result backend. The errors are the local pool's: a queue longer than
`DOCGEN_CONVERT_QUEUE_LIMIT` → `ConversionBusy` (503 + Retry-After), no answer within
`DOCGEN_CONVERSION_TIMEOUT` → `ConversionTimeout` (504), no broker → `LibreOfficeUnavailable` (503).

It also stands in for the pool in the API runtime (`start`, `close`, `metrics`, `settings.size`), so the
routers and `/readyz` need no other change.
"""

from __future__ import annotations

import base64
import dataclasses
from typing import Any

from celery import Celery
from celery.exceptions import TimeLimitExceeded, WorkerLostError
from celery.exceptions import TimeoutError as TimeoutError_

from service.conversion.errors import ConversionBusy, ConversionError, ConversionTimeout, LibreOfficeUnavailable
from service.conversion.options import PdfOptions
from service.conversion.pool import PoolMetrics
from service.conversion.settings import PoolSettings
from service.distributed.queues import CONVERT_QUEUE
from service.errors import ErrorKind

BUSY_RETRY_AFTER = 10
"""Retry-After (seconds) when the convert queue is full."""


class CeleryConverter:
    def __init__(self, app: Celery, *, timeout: float, queue_limit: int, capacity: int = 2) -> None:
        self.app = app
        self.timeout = timeout
        self.queue_limit = queue_limit
        self._capacity = capacity
        # what the runtime reads of a pool's settings (sizes of its thread limiter and of /readyz's answer)
        self.settings = PoolSettings(size=capacity, queue_limit=queue_limit, conversion_timeout=timeout)
        self.sent = 0

    @property
    def capacity(self) -> int:
        return self._capacity

    def start(self) -> None:
        """Nothing to start: the workers own the LibreOffice processes."""

    def close(self, drain_timeout: float | None = None) -> None:
        """Nothing to close (results still pending are abandoned by their callers' timeouts)."""

    def __enter__(self) -> CeleryConverter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def depth(self) -> int:
        from service.distributed.metrics import queue_depths

        try:
            return queue_depths(self.app).get(CONVERT_QUEUE, 0)
        except Exception as exc:
            raise LibreOfficeUnavailable(
                "PDF 转换队列（Celery 消息代理）暂时无法连接，请稍后重试。", detail=f"broker: {exc}"
            ) from exc

    def convert(self, docx: bytes, options: PdfOptions | None = None) -> bytes:
        from service.distributed.tasks import CONVERT

        if self.depth() >= self.queue_limit:
            raise ConversionBusy(BUSY_RETRY_AFTER, detail=f"{CONVERT_QUEUE} holds {self.queue_limit}+ messages")
        opts = dataclasses.asdict(options or PdfOptions())
        opts["keywords"] = list(opts.get("keywords") or ())
        try:
            result = self.app.send_task(
                CONVERT, args=[base64.b64encode(docx).decode("ascii"), opts], queue=CONVERT_QUEUE,
                expires=self.timeout,
            )  # fmt: skip
        except Exception as exc:
            raise LibreOfficeUnavailable("PDF 转换队列（Celery 消息代理）暂时无法连接，请稍后重试。",
                                         detail=f"send: {exc}") from exc  # fmt: skip
        self.sent += 1
        try:
            answer: dict[str, Any] = result.get(timeout=self.timeout, propagate=True, disable_sync_subtasks=False)
        except TimeoutError_ as exc:
            result.revoke()
            raise ConversionTimeout(self.timeout, detail="no answer from the convert queue") from exc
        except TimeLimitExceeded as exc:
            # A prefork worker killed the conversion at DOCGEN_TASK_TIME_LIMIT: the same 504 as our own timeout.
            raise ConversionTimeout(self.timeout, detail=f"killed at the task time limit: {exc}") from exc
        except WorkerLostError as exc:
            raise LibreOfficeUnavailable("PDF 转换进程意外退出，请稍后重试。", detail=f"worker lost: {exc}") from exc
        finally:
            result.forget()
        if "error" in answer:
            e = answer["error"]
            if e.get("code") == ConversionBusy.code:
                raise ConversionBusy(int(e.get("retry_after") or BUSY_RETRY_AFTER))
            if e.get("code") == ConversionTimeout.code:
                raise ConversionTimeout(self.timeout, detail=e.get("message"))
            raise ConversionError(e.get("message"), code=e.get("code"), kind=ErrorKind(e.get("kind", "internal")),
                                  retry_after=e.get("retry_after"))  # fmt: skip
        return base64.b64decode(answer["pdf"])

    def metrics(self) -> PoolMetrics:
        """The pool's metrics as the runtime reads them: `ready` = reachable broker, `queue_depth` = the queue."""
        try:
            depth = self.depth()
        except LibreOfficeUnavailable:
            return PoolMetrics(size=self._capacity, ready=0)
        return PoolMetrics(size=self._capacity, ready=self._capacity, queue_depth=depth,
                           conversions_total=self.sent)  # fmt: skip
