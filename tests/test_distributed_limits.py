"""Unit tests of the supervision logic behind task time limits (service.distributed.limits and the pool's
per-call timeout), with a fake LibreOffice process that takes a given time per conversion. The real thing (real
workers, LibreOffice, Redis) is tests/distributed/test_time_limits.py."""

from __future__ import annotations

import threading
import time

import pytest

from service.conversion import ConversionPool, ConversionTimeout, PoolSettings
from service.conversion.protocol import ConversionJob, ProcessTimedOut
from service.conversion.warmup import warm_up_docx
from service.distributed.limits import (
    Deadline,
    DeadlineConverter,
    DeadlineProgress,
    TaskTimeLimitExceeded,
    TimeLimitReached,
)
from service.errors import POLICY, ErrorKind, kind_of

DOCX = warm_up_docx()


class SlowProcess:
    """Converts in `seconds`, or times out (and dies) when given less; records the timeouts it was given."""

    def __init__(self, seconds: float, timeouts: list[float]) -> None:
        self.seconds, self.timeouts = seconds, timeouts
        self.conversions = 0
        self.running = False

    @property
    def pid(self) -> int | None:
        return 4242

    def start(self) -> None:
        self.running = True

    def alive(self) -> bool:
        return self.running

    def ping(self, timeout: float) -> bool:
        return self.running

    def convert(self, job: ConversionJob, timeout: float) -> bytes:
        self.timeouts.append(timeout)
        if timeout < self.seconds:
            time.sleep(timeout)
            self.running = False
            raise ProcessTimedOut("fake timeout")
        time.sleep(self.seconds)
        self.conversions += 1
        return b"%PDF-1.6 fake"

    def rss_bytes(self) -> int:
        return 0

    def stop(self) -> None:
        self.running = False


def pool_of(seconds: float, timeouts: list[float], conversion_timeout: float = 30.0) -> ConversionPool:
    settings = PoolSettings(size=1, health_interval=0, conversion_timeout=conversion_timeout, queue_wait_timeout=30.0)
    return ConversionPool(settings, process_factory=lambda _slot: SlowProcess(seconds, timeouts))


def test_a_call_timeout_is_shared_by_both_attempts_and_counts_from_the_call() -> None:
    timeouts: list[float] = []
    with pool_of(5.0, timeouts) as pool:
        began = time.monotonic()
        with pytest.raises(ConversionTimeout) as raised:
            pool.convert(DOCX, timeout=0.3)
        assert time.monotonic() - began < 1.5  # not 2 × 0.3 plus a retry, nor the pool's own 30 s
        assert raised.value.timeout == pytest.approx(0.3)
        assert len(timeouts) == 1 and timeouts[0] <= 0.3  # no time was left for the retry on a fresh process


def test_without_a_call_timeout_each_attempt_gets_the_pools_own() -> None:
    timeouts: list[float] = []
    with pool_of(0.4, timeouts, conversion_timeout=0.2) as pool, pytest.raises(ConversionTimeout):
        pool.convert(DOCX)
    assert timeouts == [0.2, 0.2]


def test_the_wait_for_a_busy_process_ends_at_the_call_timeout() -> None:
    timeouts: list[float] = []
    with pool_of(1.5, timeouts) as pool:
        holder = threading.Thread(target=pool.convert, args=(DOCX,))
        holder.start()
        time.sleep(0.2)  # the only process is busy for ~1.3 s more
        began = time.monotonic()
        with pytest.raises(ConversionTimeout):
            pool.convert(DOCX, timeout=0.3)
        assert time.monotonic() - began < 1.0
        holder.join()


def test_soft_limit_stops_before_the_next_step_with_a_coded_error() -> None:
    deadline = Deadline(soft=0.2, hard=None)
    progress = DeadlineProgress(deadline)
    progress.candidate_step("park-1", "check")  # within the limit
    time.sleep(0.25)
    progress.candidate_step("park-1", "done")  # the end is not a step to stop before
    with pytest.raises(TimeLimitReached) as stopped:
        progress.candidate_step("park-1", "merge")
    error = stopped.value.error
    assert isinstance(error, TaskTimeLimitExceeded) and not error.hard
    assert (error.code, error.kind) == ("task_time_limit_exceeded", ErrorKind.TIMEOUT)
    assert "DOCGEN_TASK_SOFT_TIME_LIMIT" in error.message and "合并为完整申报材料" in error.message
    assert not isinstance(stopped.value, Exception)  # passes the batch's per-candidate `except Exception`


def test_conversions_are_capped_at_the_hard_limit_and_an_overrun_stops_the_task() -> None:
    timeouts: list[float] = []
    with pool_of(5.0, timeouts) as pool:
        converter = DeadlineConverter(pool, Deadline(soft=60.0, hard=0.5))
        with pytest.raises(TimeLimitReached) as stopped:
            converter.convert(DOCX)
        assert stopped.value.error.hard and "DOCGEN_TASK_TIME_LIMIT" in stopped.value.error.message
        assert timeouts and max(timeouts) <= 0.5
        # The completion step's converter reports the overrun as the conversion's own timeout instead.
        summary = DeadlineConverter(pool, Deadline(soft=60.0, hard=0.3), stop=False)
        with pytest.raises(ConversionTimeout):
            summary.convert(DOCX)


def test_without_a_hard_limit_here_conversions_keep_the_pools_timeout() -> None:
    timeouts: list[float] = []
    with pool_of(0.05, timeouts, conversion_timeout=7.0) as pool:
        converter = DeadlineConverter(pool, Deadline(soft=60.0, hard=None))  # prefork: Celery kills the child
        assert converter.convert(DOCX) == b"%PDF-1.6 fake"
    assert timeouts == [7.0]


class _KilledResult:
    """An AsyncResult whose task a prefork worker killed: `get` raises what Celery's backend stores."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def get(self, **_: object) -> dict[str, str]:
        raise self.error

    def forget(self) -> None:
        pass


class _App:
    def __init__(self, error: BaseException) -> None:
        self.error = error

    def send_task(self, *_: object, **__: object) -> _KilledResult:
        return _KilledResult(self.error)


@pytest.mark.parametrize(
    ("error", "code", "status"),
    [
        ("time_limit", "conversion_timeout", 504),
        ("worker_lost", "libreoffice_unavailable", 503),
    ],
)
def test_offloaded_conversion_killed_by_a_worker_maps_to_the_pools_problems(
    monkeypatch: pytest.MonkeyPatch, error: str, code: str, status: int
) -> None:
    from celery.exceptions import TimeLimitExceeded, WorkerLostError

    from service.distributed.converter import CeleryConverter

    raised = TimeLimitExceeded(5.0) if error == "time_limit" else WorkerLostError("signal 9")
    converter = CeleryConverter(_App(raised), timeout=30, queue_limit=10)
    monkeypatch.setattr(converter, "depth", lambda: 0)
    with pytest.raises(Exception) as info:
        converter.convert(DOCX)
    assert getattr(info.value, "code", None) == code
    assert POLICY[kind_of(info.value)].status == status
