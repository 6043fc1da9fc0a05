"""Unit tests of the pool's supervision logic with a fake process (the real LibreOffice runs in
test_conversion_pool.py): retry on a fresh process, recycling, FIFO queue with a limit, health checks,
start failures, shutdown."""

from __future__ import annotations

import itertools
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable

import pytest

from service.conversion import (
    ConversionBusy,
    ConversionFailed,
    ConversionPool,
    ConversionTimeout,
    InvalidDocument,
    LibreOfficeUnavailable,
    PdfOptions,
    PoolEvent,
    PoolSettings,
)
from service.conversion import pool as pool_module
from service.conversion.pool import _close_live_pools
from service.conversion.protocol import (
    ConversionJob,
    DocumentRejected,
    ProcessCrashed,
    ProcessStartFailed,
    ProcessTimedOut,
)
from service.conversion.warmup import warm_up_docx

DOCX = warm_up_docx()


class Script:
    """What the fake processes do: one action per conversion attempt ("ok" when the queue is empty)."""

    def __init__(self) -> None:
        self.actions: deque[str | Callable[[], None]] = deque()
        self.start_failures = 0
        self.rss = 50 * 1024 * 1024
        self.processes: list[FakeProcess] = []
        self.dispatched: list[tuple[int, bytes]] = []
        self.lock = threading.Lock()

    def next_action(self) -> str | Callable[[], None]:
        with self.lock:
            return self.actions.popleft() if self.actions else "ok"


class FakeProcess:
    _pids = itertools.count(1000)

    def __init__(self, script: Script, slot: int) -> None:
        self.script = script
        self.slot = slot
        self.conversions = 0
        self._pid = next(self._pids)
        self.running = False
        self.responsive = True
        self.stopped = False
        self.started = False

    @property
    def pid(self) -> int | None:
        return self._pid

    def start(self) -> None:
        assert not self.started, "a process object starts once"
        self.started = True
        with self.script.lock:
            if self.script.start_failures:
                self.script.start_failures -= 1
                raise ProcessStartFailed("fake start failure")
        self.running = True

    def alive(self) -> bool:
        return self.running

    def ping(self, timeout: float) -> bool:
        return self.running and self.responsive

    def convert(self, job: ConversionJob, timeout: float) -> bytes:
        assert self.running and not self.stopped
        action = self.script.next_action()
        with self.script.lock:
            self.script.dispatched.append((self._pid, job.docx))
        if callable(action):
            action()
        elif action == "crash":
            self.running = False
            raise ProcessCrashed("fake crash")
        elif action == "timeout":
            self.running = False
            raise ProcessTimedOut("fake timeout")
        elif action == "reject":
            raise DocumentRejected("fake: cannot open")
        self.conversions += 1
        return b"%PDF-1.6 fake from " + str(self._pid).encode()

    def rss_bytes(self) -> int:
        return self.script.rss if self.running else 0

    def stop(self) -> None:
        self.running = False
        self.stopped = True


def make_pool(script: Script, events: list[PoolEvent] | None = None, **overrides: object) -> ConversionPool:
    values: dict[str, object] = {"size": 1, "health_interval": 0, "queue_limit": 4, "queue_wait_timeout": 30.0}
    values.update(overrides)

    def factory(slot: int) -> FakeProcess:
        process = FakeProcess(script, slot)
        script.processes.append(process)
        return process

    observer = events.append if events is not None else None
    return ConversionPool(PoolSettings(**values), process_factory=factory, on_event=observer)


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.01)


def test_conversion_returns_the_process_output_and_counts_it() -> None:
    script = Script()
    with make_pool(script, size=2) as pool:
        pdf = pool.convert(DOCX, PdfOptions(title="标题"))
        assert pdf.startswith(b"%PDF-")
        metrics = pool.metrics()
        assert (metrics.conversions_total, metrics.starts_total, metrics.ready, metrics.size) == (1, 2, 2, 2)
    assert all(p.stopped for p in script.processes)


def test_without_start_processes_are_started_as_conversions_need_them() -> None:
    script = Script()
    pool = make_pool(script, size=3)
    try:
        assert pool.convert(DOCX).startswith(b"%PDF-")
        assert pool.convert(DOCX).startswith(b"%PDF-")
        assert len(script.processes) == 1  # one document at a time needs one LibreOffice
        assert [info.state for info in pool.processes()] == ["idle", "down", "down"]
        pool.check_health()  # the background health check warms the others
        assert [info.state for info in pool.processes()] == ["idle"] * 3
    finally:
        pool.close()
    assert all(p.stopped for p in script.processes)


def test_idle_processes_are_used_in_turn() -> None:
    script = Script()
    with make_pool(script, size=2) as pool:
        for _ in range(4):
            pool.convert(DOCX)
    pids = [pid for pid, _ in script.dispatched]
    assert pids[0] != pids[1] and pids[0] == pids[2] and pids[1] == pids[3]


def test_a_crash_is_retried_once_on_a_fresh_process() -> None:
    script = Script()
    script.actions.append("crash")
    with make_pool(script) as pool:
        first_pid = pool.processes()[0].pid
        pdf = pool.convert(DOCX)
        assert pdf.startswith(b"%PDF-")
        (info,) = pool.processes()
        assert info.pid != first_pid and info.state == "idle"
        assert script.processes[0].stopped
        metrics = pool.metrics()
        assert (metrics.crashes_total, metrics.retries_total, metrics.restarts_total) == (1, 1, 1)
        assert metrics.failures_total == 0


def test_two_crashes_fail_with_a_clear_error_and_the_pool_heals() -> None:
    script = Script()
    script.actions.extend(["crash", "crash"])
    with make_pool(script) as pool:
        with pytest.raises(ConversionFailed) as caught:
            pool.convert(DOCX)
        assert caught.value.code == "conversion_failed"
        assert "LibreOffice" in caught.value.message
        # The slot is restarted in the background, then the next conversion succeeds.
        assert pool.convert(DOCX).startswith(b"%PDF-")
        wait_until(lambda: pool.processes()[0].state == "idle")
        assert pool.metrics().failures_total == 1


def test_a_timeout_is_retried_once_then_fails_with_the_timeout_error() -> None:
    script = Script()
    script.actions.extend(["timeout", "timeout"])
    with make_pool(script, conversion_timeout=7) as pool:
        with pytest.raises(ConversionTimeout) as caught:
            pool.convert(DOCX)
        assert caught.value.code == "conversion_timeout"
        assert "7 秒" in caught.value.message
        assert pool.metrics().timeouts_total == 2
        assert len({pid for pid, _ in script.dispatched}) == 2  # the retry ran on another process


def test_a_timeout_then_success_returns_the_pdf() -> None:
    script = Script()
    script.actions.append("timeout")
    with make_pool(script) as pool:
        assert pool.convert(DOCX).startswith(b"%PDF-")
        assert pool.metrics().timeouts_total == 1


def test_a_document_libreoffice_cannot_open_is_not_retried() -> None:
    script = Script()
    script.actions.append("reject")
    with make_pool(script) as pool:
        with pytest.raises(InvalidDocument) as caught:
            pool.convert(DOCX)
        assert caught.value.code == "invalid_document"
        assert len(script.dispatched) == 1
        assert len(script.processes) == 1 and not script.processes[0].stopped
        assert pool.metrics().rejected_documents_total == 1


def test_bytes_that_are_not_a_docx_never_reach_a_process() -> None:
    script = Script()
    with make_pool(script) as pool:
        for data in (b"", b"%PDF-1.4 not a docx", b"PK\x03\x04broken"):
            with pytest.raises(InvalidDocument):
                pool.convert(data)
    assert script.dispatched == []


def test_a_process_is_recycled_after_m_conversions() -> None:
    script = Script()
    events: list[PoolEvent] = []
    with make_pool(script, events, max_conversions_per_process=2) as pool:
        for _ in range(5):
            pool.convert(DOCX)
        pids = [pid for pid, _ in script.dispatched]
        assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4]
        assert pool.metrics().recycles_total == 2
        assert [e.kind for e in events].count("recycled") == 2
        assert all(p.stopped for p in script.processes[:2])


def test_a_process_over_the_memory_limit_is_recycled() -> None:
    script = Script()
    script.rss = 2 << 30
    with make_pool(script, max_rss_bytes=1 << 30) as pool:
        pool.convert(DOCX)
        pool.convert(DOCX)
        assert len({pid for pid, _ in script.dispatched}) == 2
        assert pool.metrics().recycles_total >= 1


def test_the_queue_is_fifo_and_a_full_queue_is_a_busy_error() -> None:
    script = Script()
    gate = threading.Event()
    script.actions.append(gate.wait)  # the first conversion holds the only process
    results: dict[str, bytes] = {}
    order: list[str] = []

    def convert(name: str) -> None:
        results[name] = pool.convert(DOCX)
        order.append(name)

    with make_pool(script, queue_limit=2) as pool:
        holder = threading.Thread(target=convert, args=("first",))
        holder.start()
        wait_until(lambda: pool.metrics().busy == 1 and len(script.dispatched) == 1)
        second = threading.Thread(target=convert, args=("second",))
        second.start()
        wait_until(lambda: pool.metrics().queue_depth == 1)
        third = threading.Thread(target=convert, args=("third",))
        third.start()
        wait_until(lambda: pool.metrics().queue_depth == 2)
        with pytest.raises(ConversionBusy) as caught:
            pool.convert(DOCX)
        assert caught.value.code == "conversion_busy"
        assert caught.value.retry_after >= 1
        assert caught.value.to_dict()["retry_after"] == caught.value.retry_after
        assert "繁忙" in caught.value.message
        gate.set()
        for thread in (holder, second, third):
            thread.join(10)
        assert order == ["first", "second", "third"]
        assert pool.metrics().busy_rejections_total == 1


def test_a_long_wait_in_the_queue_ends_with_a_busy_error() -> None:
    script = Script()
    gate = threading.Event()
    script.actions.append(gate.wait)
    with make_pool(script, queue_wait_timeout=0.2) as pool:
        holder = threading.Thread(target=pool.convert, args=(DOCX,))
        holder.start()
        wait_until(lambda: len(script.dispatched) == 1)
        with pytest.raises(ConversionBusy):
            pool.convert(DOCX)
        assert pool.metrics().queue_depth == 0
        gate.set()
        holder.join(10)


def test_libreoffice_that_does_not_start_is_reported_and_retried_later() -> None:
    script = Script()
    script.start_failures = 1
    pool = make_pool(script)
    try:
        with pytest.raises(LibreOfficeUnavailable) as caught:
            pool.start()
        assert caught.value.code == "libreoffice_unavailable"
        assert "docgen doctor" in caught.value.message
        assert pool.processes()[0].state == "down"
        # The next conversion starts a process again.
        assert pool.convert(DOCX).startswith(b"%PDF-")
        assert pool.metrics().start_failures_total == 1
    finally:
        pool.close()


def test_a_process_found_dead_is_restarted_before_use() -> None:
    script = Script()
    with make_pool(script) as pool:
        script.processes[0].running = False  # died while idle (e.g. killed)
        assert pool.convert(DOCX).startswith(b"%PDF-")
        assert script.dispatched[0][0] == script.processes[1].pid
        assert pool.metrics().crashes_total == 1


def test_health_check_restarts_dead_unresponsive_and_oversized_processes() -> None:
    script = Script()
    events: list[PoolEvent] = []
    with make_pool(script, events, size=3, max_rss_bytes=1 << 30) as pool:
        dead, mute, healthy = script.processes
        dead.running = False
        mute.responsive = False
        pool.check_health()
        assert dead.stopped and mute.stopped and not healthy.stopped
        assert [p.state for p in pool.processes()] == ["idle"] * 3
        assert pool.metrics().health_failures_total == 2
        script.rss = 2 << 30
        pool.check_health()
        assert pool.metrics().recycles_total == 3
        assert {e.kind for e in events} >= {"health_failed", "recycled", "started"}


def test_close_stops_every_process_and_refuses_new_work() -> None:
    script = Script()
    pool = make_pool(script, size=2)
    pool.start()
    pool.close()
    pool.close()  # idempotent
    assert all(p.stopped for p in script.processes)
    assert [p.state for p in pool.processes()] == ["down", "down"]
    with pytest.raises(LibreOfficeUnavailable):
        pool.convert(DOCX)


def test_close_lets_a_running_conversion_finish_and_wakes_waiters() -> None:
    script = Script()
    gate = threading.Event()
    script.actions.append(gate.wait)
    outcomes: dict[str, object] = {}

    def run(name: str) -> None:
        try:
            outcomes[name] = pool.convert(DOCX)
        except Exception as exc:
            outcomes[name] = exc

    pool = make_pool(script)
    pool.start()
    running = threading.Thread(target=run, args=("running",))
    running.start()
    wait_until(lambda: len(script.dispatched) == 1)
    waiting = threading.Thread(target=run, args=("waiting",))
    waiting.start()
    wait_until(lambda: pool.metrics().queue_depth == 1)
    closer = threading.Thread(target=pool.close)
    closer.start()
    waiting.join(10)
    assert isinstance(outcomes["waiting"], LibreOfficeUnavailable)
    gate.set()
    closer.join(10)
    running.join(10)
    assert isinstance(outcomes["running"], bytes)
    assert all(p.stopped for p in script.processes)


def test_the_atexit_safety_net_closes_live_pools(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script()
    pool = make_pool(script)
    pool.start()
    # the net closes every live pool: let it see only this one, not the suite's shared real pools
    monkeypatch.setattr(pool_module, "_live_pools", weakref.WeakSet([pool]))
    _close_live_pools()
    assert pool.closed and script.processes[0].stopped


def test_a_failing_event_callback_does_not_break_conversions() -> None:
    script = Script()

    def explode(event: PoolEvent) -> None:
        raise RuntimeError("observer bug")

    pool = ConversionPool(
        PoolSettings(size=1, health_interval=0),
        process_factory=lambda slot: FakeProcess(script, slot),
        on_event=explode,
    )
    with pool:
        assert pool.convert(DOCX).startswith(b"%PDF-")


def test_pdf_options_map_to_the_export_filter_and_document_properties() -> None:
    assert PdfOptions().filter_data()["SelectPdfVersion"] == 0
    data = PdfOptions(pdfa=True, bookmarks=False).filter_data()
    assert data["SelectPdfVersion"] == 2 and data["ExportBookmarks"] is False and data["EmbedStandardFonts"]
    props = PdfOptions(title="标题", author="申报单位", subject="模板", keywords=("示范基地",)).document_properties()
    assert props == {"Title": "标题", "Author": "申报单位", "Subject": "模板", "Keywords": ("示范基地",)}
    assert PdfOptions().document_properties() == {}


def test_settings_are_validated() -> None:
    assert PoolSettings().size >= 1
    for bad in ({"size": 0}, {"conversion_timeout": 0}, {"max_conversions_per_process": 0}, {"queue_limit": -1}):
        with pytest.raises(ValueError):
            PoolSettings(**bad)  # type: ignore[arg-type]
