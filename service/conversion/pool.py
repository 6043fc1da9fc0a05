"""The conversion pool: N supervised LibreOffice processes, a FIFO queue with a limit, retry on a fresh
process after a crash or a timeout, recycling, health checks, and a shutdown that leaves nothing behind.

    with ConversionPool(PoolSettings(size=2)) as pool:
        pdf = pool.convert(docx_bytes, PdfOptions(title="…", author="…"))

Scheduling: a conversion takes the free process that has been idle longest; when none is free it waits
in a FIFO queue of at most `queue_limit` entries (one more gets ConversionBusy with a Retry-After hint).
A process is restarted after a crash or a timeout (and the conversion retried once on the fresh one),
after `max_conversions_per_process` conversions, when its memory passes `max_rss_bytes`, and when it
fails a health check while idle. Recycling happens in the background, after the result was returned.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import math
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from service.conversion.errors import (
    ConversionBusy,
    ConversionFailed,
    ConversionTimeout,
    InvalidDocument,
    LibreOfficeUnavailable,
)
from service.conversion.options import PdfOptions
from service.conversion.profile import sweep_stale
from service.conversion.protocol import (
    ConversionJob,
    DocumentRejected,
    ProcessCrashed,
    ProcessFactory,
    ProcessStartFailed,
    ProcessTimedOut,
    WorkerProcess,
)
from service.conversion.sanitize import sanitize_docx
from service.conversion.settings import PoolSettings
from service.output.files import atomic_write

logger = logging.getLogger("docgen.conversion")

_PING_TIMEOUT = 5.0
_CLOSED_MESSAGE = "转换服务已关闭，不再接受转换请求。"


@dataclass(frozen=True)
class PoolEvent:
    """Something that happened to a process, for logs, metrics and tests.

    kind: started, start_failed, dispatch (a conversion attempt is about to be sent), converted, crashed,
    timeout, rejected (document cannot be opened), recycled, health_failed, stopped, busy.
    """

    kind: str
    slot: int
    pid: int | None
    detail: str = ""


@dataclass(frozen=True)
class ProcessInfo:
    slot: int
    pid: int | None
    state: str  # idle | busy | starting | down
    conversions: int


@dataclass
class PoolMetrics:
    """Counters since the pool was made (for a Prometheus exporter) and the current gauges."""

    size: int = 0
    ready: int = 0
    busy: int = 0
    queue_depth: int = 0
    conversions_total: int = 0
    failures_total: int = 0
    retries_total: int = 0
    crashes_total: int = 0
    timeouts_total: int = 0
    rejected_documents_total: int = 0
    busy_rejections_total: int = 0
    starts_total: int = 0
    restarts_total: int = 0
    recycles_total: int = 0
    start_failures_total: int = 0
    health_failures_total: int = 0


@dataclass(eq=False)
class _Slot:
    index: int
    process: WorkerProcess | None = None
    busy: bool = False
    ever_started: bool = False


@dataclass(eq=False)
class _Waiter:
    event: threading.Event = field(default_factory=threading.Event)
    slot: _Slot | None = None


_live_pools: weakref.WeakSet[ConversionPool] = weakref.WeakSet()


@atexit.register
def _close_live_pools() -> None:
    """Safety net: no LibreOffice process or profile directory survives the interpreter."""
    for pool in list(_live_pools):
        with contextlib.suppress(Exception):
            pool.close(drain_timeout=0)


def _default_factory(settings: PoolSettings) -> ProcessFactory:
    from service.conversion.process import LibreOfficeProcess

    return lambda index: LibreOfficeProcess(settings, name=f"lo{index}")


class ConversionPool:
    def __init__(
        self,
        settings: PoolSettings | None = None,
        *,
        process_factory: ProcessFactory | None = None,
        on_event: Callable[[PoolEvent], None] | None = None,
    ) -> None:
        self.settings = settings or PoolSettings()
        self._factory = process_factory or _default_factory(self.settings)
        self._on_event = on_event
        self._lock = threading.Lock()
        self._returned = threading.Condition(self._lock)
        self._slots = [_Slot(index) for index in range(self.settings.size)]
        self._idle: deque[_Slot] = deque(self._slots)
        self._waiters: deque[_Waiter] = deque()
        self._metrics = PoolMetrics(size=self.settings.size)
        self._average_seconds: float | None = None
        self._started = False
        self._closed = False
        self._stop_health = threading.Event()
        self._health_thread: threading.Thread | None = None
        self._background: set[threading.Thread] = set()
        _live_pools.add(self)

    # -- lifecycle -----------------------------------------------------------------------------------

    def __enter__(self) -> ConversionPool:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return self._closed

    def start(self) -> None:
        """Start every process in parallel and wait (all warm); raises LibreOfficeUnavailable if none starts.
        Without it, convert() starts processes as they are needed."""
        with self._lock:
            if self._started or self._closed:
                return self._raise_if_closed_locked()
        for stale in sweep_stale(self.settings.temp_root):
            logger.warning("removed the directory of a LibreOffice process whose service died: %s", stale)
        with self._lock:
            if self._started or self._closed:
                return self._raise_if_closed_locked()
            self._started = True
            slots = list(self._idle)
            self._idle.clear()
            for slot in slots:
                slot.busy = True
        errors: list[LibreOfficeUnavailable] = []

        def start_slot(slot: _Slot) -> None:
            try:
                self._ensure_process(slot)
            except LibreOfficeUnavailable as exc:
                errors.append(exc)
            finally:
                self._hand_over(slot)

        threads = [threading.Thread(target=start_slot, args=(slot,), daemon=True) for slot in slots]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self._start_health_thread()
        if errors and len(errors) == len(slots):
            raise errors[0]

    def _raise_if_closed_locked(self) -> None:
        if self._closed:
            raise LibreOfficeUnavailable(_CLOSED_MESSAGE)

    def close(self, drain_timeout: float | None = None) -> None:
        """Stop accepting work, let running conversions finish (up to drain_timeout, default the conversion
        timeout), then kill every process and remove every profile directory. Idempotent."""
        with self._lock:
            self._closed = True
            waiters = list(self._waiters)
            self._waiters.clear()
            idle = list(self._idle)
            self._idle.clear()
        for waiter in waiters:
            waiter.event.set()
        self._stop_health.set()
        if self._health_thread is not None and self._health_thread is not threading.current_thread():
            self._health_thread.join(_PING_TIMEOUT + 1)
        for slot in idle:
            self._stop_process(slot, "stopped")
        deadline = time.monotonic() + (self.settings.conversion_timeout if drain_timeout is None else drain_timeout)
        with self._lock:
            while any(slot.busy for slot in self._slots):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._returned.wait(remaining)
        # Whatever is still running is killed now (its conversion fails with LibreOfficeUnavailable).
        for slot in self._slots:
            self._stop_process(slot, "stopped")
        for thread in list(self._background):
            if thread is not threading.current_thread():
                thread.join(self.settings.start_timeout + 1)
        for slot in self._slots:
            self._stop_process(slot, "stopped")
        _live_pools.discard(self)

    # -- public work ---------------------------------------------------------------------------------

    @property
    def capacity(self) -> int:
        """Conversions that run at the same time: one per LibreOffice process (the `Converter` protocol)."""
        return self.settings.size

    def convert(self, docx: bytes, options: PdfOptions | None = None, *, timeout: float | None = None) -> bytes:
        """The PDF of a .docx (sanitized first). Raises a ConversionError subclass.

        `timeout`: a shorter limit for this call than the pool's `conversion_timeout` (a caller with a deadline of
        its own, such as a distributed task), counted from the call: the wait for a free process and the retry on a
        fresh process get only what is left of it."""
        options = options or PdfOptions()
        sanitized = sanitize_docx(docx, slim=self.settings.slim_styles, core_properties=options.core_properties())
        if sanitized.report.changed:
            logger.info("sanitized document: %s", sanitized.report)
        if sanitized.core_properties_set:
            options = options.without_core_properties()
        return self._run(ConversionJob(sanitized.data, options), timeout)

    def convert_file(self, source: Path, target: Path, options: PdfOptions | None = None) -> None:
        atomic_write(Path(target), self.convert(Path(source).read_bytes(), options))

    def metrics(self) -> PoolMetrics:
        with self._lock:
            snapshot = PoolMetrics(**vars(self._metrics))
            snapshot.queue_depth = len(self._waiters)
            snapshot.busy = sum(1 for slot in self._slots if slot.busy)
            snapshot.ready = sum(1 for slot in self._slots if slot.process is not None and slot.process.alive())
        return snapshot

    def processes(self) -> list[ProcessInfo]:
        with self._lock:
            return [
                ProcessInfo(
                    slot=slot.index,
                    pid=slot.process.pid if slot.process else None,
                    state=self._state_locked(slot),
                    conversions=slot.process.conversions if slot.process else 0,
                )
                for slot in self._slots
            ]

    def _state_locked(self, slot: _Slot) -> str:
        if self._closed:
            return "down"
        if slot.busy:
            return "busy" if slot.process is not None else "starting"
        return "idle" if slot.process is not None and slot.process.alive() else "down"

    def check_health(self) -> None:
        """Check every idle process now (also run every `health_interval` seconds in the background)."""
        for slot in self._slots:
            with self._lock:
                if self._closed or slot.busy or slot not in self._idle:
                    continue
                self._idle.remove(slot)
                slot.busy = True
            try:
                self._check_slot(slot)
            finally:
                self._hand_over(slot)

    # -- scheduling ----------------------------------------------------------------------------------

    def _retry_after_locked(self) -> int:
        average = self._average_seconds or 1.0
        ahead = len(self._waiters) + sum(1 for slot in self._slots if slot.busy)
        return max(1, math.ceil(average * (ahead + 1) / self.settings.size))

    def _acquire(self, timeout: float | None = None) -> _Slot:
        """A slot for one conversion: at once, or after waiting in the queue (at most `queue_wait_timeout`, and
        at most the caller's `timeout`: then ConversionTimeout)."""
        with self._lock:
            if self._closed:
                raise LibreOfficeUnavailable(_CLOSED_MESSAGE)
            if self._idle and not self._waiters:
                # The longest idle running process; a slot without one (not started yet) only if none.
                slot = next((s for s in self._idle if s.process is not None and s.process.alive()), self._idle[0])
                self._idle.remove(slot)
                slot.busy = True
                return slot
            full = len(self._waiters) >= self.settings.queue_limit
            if full:
                self._metrics.busy_rejections_total += 1
                retry_after = self._retry_after_locked()
            else:
                waiter = _Waiter()
                self._waiters.append(waiter)
        if full:
            self._emit(PoolEvent("busy", -1, None, "queue full"))
            raise ConversionBusy(retry_after, detail="queue full")
        callers = timeout is not None and timeout < self.settings.queue_wait_timeout
        waiter.event.wait(timeout if callers else self.settings.queue_wait_timeout)
        with self._lock:
            if waiter.slot is not None:
                return waiter.slot
            if waiter in self._waiters:
                self._waiters.remove(waiter)
            if self._closed:
                raise LibreOfficeUnavailable(_CLOSED_MESSAGE)
            if callers:
                assert timeout is not None
                self._metrics.failures_total += 1
                raise ConversionTimeout(timeout, detail="no process became free within the caller's timeout")
            self._metrics.busy_rejections_total += 1
            raise ConversionBusy(self._retry_after_locked(), detail="waited too long in the queue")

    def _hand_over(self, slot: _Slot) -> None:
        """Give a slot to the first waiter, or put it back at the end of the idle list."""
        stop = False
        with self._lock:
            if self._closed:
                slot.busy = False
                stop = True
            elif self._waiters:
                waiter = self._waiters.popleft()
                waiter.slot = slot
                waiter.event.set()
            else:
                slot.busy = False
                self._idle.append(slot)
            self._returned.notify_all()
        if stop:
            self._stop_process(slot, "stopped")

    def _release(self, slot: _Slot, recycle_reason: str | None) -> None:
        if self._closed or (slot.process is not None and recycle_reason is None):
            self._hand_over(slot)
            return
        # Restart in the background, then hand the slot over: the caller has its result already.
        thread = threading.Thread(
            target=self._restart_then_hand_over, args=(slot, recycle_reason), name="docgen-lo-restart", daemon=True
        )
        with self._lock:
            self._background.add(thread)
        thread.start()

    def _restart_then_hand_over(self, slot: _Slot, recycle_reason: str | None) -> None:
        try:
            if recycle_reason is not None:
                with self._lock:
                    self._metrics.recycles_total += 1
                self._stop_process(slot, "recycled", recycle_reason)
            with contextlib.suppress(LibreOfficeUnavailable):
                self._ensure_process(slot)
        finally:
            self._hand_over(slot)
            with self._lock:
                self._background.discard(threading.current_thread())

    # -- processes -----------------------------------------------------------------------------------

    def _emit(self, event: PoolEvent) -> None:
        level = logging.INFO if event.kind in ("started", "recycled", "stopped") else logging.WARNING
        if event.kind in ("dispatch", "converted"):
            level = logging.DEBUG
        logger.log(level, "libreoffice %s slot=%s pid=%s %s", event.kind, event.slot, event.pid, event.detail)
        if self._on_event is not None:
            try:
                self._on_event(event)
            except Exception:
                logger.exception("pool event callback failed")

    def _stop_process(self, slot: _Slot, kind: str, detail: str = "") -> None:
        process = slot.process
        if process is None:
            return
        slot.process = None
        process.stop()
        self._emit(PoolEvent(kind, slot.index, process.pid, detail))

    def _ensure_process(self, slot: _Slot) -> WorkerProcess:
        """The slot's live process, starting a new one if needed (in the calling thread)."""
        current = slot.process
        if current is not None and current.alive():
            return current
        if current is not None:
            with self._lock:
                self._metrics.crashes_total += 1
            self._stop_process(slot, "crashed", "found dead while idle")
        if self._closed:
            raise LibreOfficeUnavailable(_CLOSED_MESSAGE)
        process = self._factory(slot.index)
        try:
            process.start()
        except ProcessStartFailed as exc:
            with self._lock:
                self._metrics.start_failures_total += 1
            self._emit(PoolEvent("start_failed", slot.index, None, str(exc)))
            raise LibreOfficeUnavailable(detail=str(exc)) from exc
        with self._lock:
            closed = self._closed
            if not closed:
                slot.process = process
                self._metrics.starts_total += 1
                if slot.ever_started:
                    self._metrics.restarts_total += 1
                slot.ever_started = True
        if closed:
            process.stop()
            raise LibreOfficeUnavailable(_CLOSED_MESSAGE)
        self._emit(PoolEvent("started", slot.index, process.pid))
        return process

    def _check_slot(self, slot: _Slot) -> None:
        process = slot.process
        reason = None
        if process is None:
            reason = "not running"
        elif not process.alive():
            reason = "process gone"
        elif not process.ping(_PING_TIMEOUT):
            reason = "no answer to ping"
        elif process.rss_bytes() > self.settings.max_rss_bytes:
            reason = "memory limit"
        if reason is None:
            return
        with self._lock:
            if reason == "memory limit":
                self._metrics.recycles_total += 1
            elif process is not None:
                self._metrics.health_failures_total += 1
        if process is not None:
            self._stop_process(slot, "recycled" if reason == "memory limit" else "health_failed", reason)
        with contextlib.suppress(LibreOfficeUnavailable):
            self._ensure_process(slot)

    def _health_loop(self) -> None:
        while not self._stop_health.wait(self.settings.health_interval):
            try:
                self.check_health()
            except Exception:
                logger.exception("health check failed")

    def _recycle_reason(self, process: WorkerProcess) -> str | None:
        if process.conversions >= self.settings.max_conversions_per_process:
            return f"{process.conversions} conversions"
        rss = process.rss_bytes()
        if rss > self.settings.max_rss_bytes:
            return f"memory {rss // (1024 * 1024)} MiB"
        return None

    # -- one conversion ------------------------------------------------------------------------------

    def _start_lazily(self) -> None:
        """convert() before start(): processes start one by one as conversions need them (a one-document
        command starts one LibreOffice, not one per core)."""
        with self._lock:
            if self._started or self._closed:
                return self._raise_if_closed_locked()
            self._started = True
        sweep_stale(self.settings.temp_root)
        self._start_health_thread()

    def _start_health_thread(self) -> None:
        if self.settings.health_interval > 0 and self._health_thread is None:
            self._health_thread = threading.Thread(target=self._health_loop, name="docgen-lo-health", daemon=True)
            self._health_thread.start()

    def _run(self, job: ConversionJob, timeout: float | None = None) -> bytes:
        if not self._started:
            self._start_lazily()
        limit = self.settings.conversion_timeout if timeout is None else min(timeout, self.settings.conversion_timeout)
        called = time.monotonic()
        slot = self._acquire(None if timeout is None else limit)
        recycle_reason: str | None = None
        began = time.monotonic()
        try:
            for attempt in (1, 2):
                # A caller's timeout counts from its call: the wait for a process, a process start and both
                # attempts share it. Otherwise each attempt gets the pool's own conversion_timeout.
                if timeout is not None and time.monotonic() >= called + limit:
                    self._count(failures_total=1)
                    raise ConversionTimeout(limit, detail="the caller's timeout left no time for (another) attempt")
                process = self._ensure_process(slot)
                allowed = limit if timeout is None else max(0.001, called + limit - time.monotonic())
                self._emit(PoolEvent("dispatch", slot.index, process.pid, f"attempt {attempt}"))
                try:
                    pdf = process.convert(job, allowed)
                except ProcessTimedOut as exc:
                    self._count(timeouts_total=1)
                    self._stop_process(slot, "timeout", str(exc))
                    if attempt == 2:
                        self._count(failures_total=1)
                        raise ConversionTimeout(limit, detail=str(exc)) from exc
                except ProcessCrashed as exc:
                    self._count(crashes_total=1)
                    self._stop_process(slot, "crashed", str(exc))
                    if attempt == 2:
                        self._count(failures_total=1)
                        raise ConversionFailed(detail=str(exc)) from exc
                except DocumentRejected as exc:
                    self._count(failures_total=1, rejected_documents_total=1)
                    self._emit(PoolEvent("rejected", slot.index, process.pid, str(exc)))
                    raise InvalidDocument(detail=str(exc)) from exc
                else:
                    elapsed = time.monotonic() - began
                    with self._lock:
                        self._metrics.conversions_total += 1
                        previous = self._average_seconds
                        self._average_seconds = elapsed if previous is None else 0.8 * previous + 0.2 * elapsed
                    self._emit(PoolEvent("converted", slot.index, process.pid, f"{elapsed:.3f} s"))
                    recycle_reason = self._recycle_reason(process)
                    return pdf
                self._count(retries_total=1)
            raise AssertionError("unreachable")  # pragma: no cover
        except LibreOfficeUnavailable:
            self._count(failures_total=1)
            raise
        finally:
            self._release(slot, recycle_reason)

    def _count(self, **increments: int) -> None:
        with self._lock:
            for name, value in increments.items():
                setattr(self._metrics, name, getattr(self._metrics, name) + value)
