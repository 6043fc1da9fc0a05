"""What the tasks of a worker process use: the settings, the job store, the LibreOffice pool, task metrics.

`docgen worker` (`worker.run_worker`) makes one per process and installs it with `set_current`; tasks read it with
`current()`. Kept apart from `worker` so that the tasks do not import the worker's startup code.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

from service.batch.database import job_database_url
from service.batch.store import BatchStore

log = logging.getLogger("docgen.distributed")


class WorkerContext:
    """What the tasks of this process use: the settings, the job store, the converter, task metrics."""

    def __init__(self, settings: Any, *, pool_size: int, pool_kills_at_hard_limit: bool = False) -> None:
        """`pool_kills_at_hard_limit`: the execution pool enforces the hard time limit itself (Celery's prefork
        pool kills the child); otherwise each task keeps it (`limits`)."""
        from service.distributed.metrics import TaskMetrics

        self.settings = settings
        self.pool_size = pool_size
        self.pool_kills_at_hard_limit = pool_kills_at_hard_limit
        self.metrics = TaskMetrics()
        self._store: BatchStore | None = None
        self._pool: Any = None
        self._lock = threading.Lock()

    @property
    def store(self) -> BatchStore:
        with self._lock:
            if self._store is None:
                self._store = open_store(self.settings)
            return self._store

    @property
    def converter(self) -> Any:
        with self._lock:
            if self._pool is None:
                self._pool = self._start_pool()
            return self._pool

    def _start_pool(self) -> Any:
        from service.conversion import ConversionPool, PoolSettings

        s = self.settings
        # Each worker keeps its LibreOffice profiles and temporary files under its own local data_dir
        Path(s.data_dir).mkdir(parents=True, exist_ok=True)
        pool = ConversionPool(PoolSettings(
            size=self.pool_size, conversion_timeout=s.conversion_timeout, start_timeout=s.pool_start_timeout,
            max_conversions_per_process=s.max_conversions_per_process, max_rss_bytes=s.memory_limit_mb * 1024 * 1024,
            queue_limit=max(s.queue_limit, self.pool_size), queue_wait_timeout=max(s.conversion_timeout, 30.0),
            temp_root=str(Path(s.data_dir).resolve()),
        ))  # fmt: skip
        pool.start()
        log.info("worker %s: LibreOffice 进程池已启动 (pool started), size=%d", os.getpid(), self.pool_size)
        return pool

    def start(self) -> None:
        """Start the pool now (not at the first task), so that a broken LibreOffice shows at startup."""
        _ = self.converter

    def observe(self, task: str, seconds: float) -> None:
        self.metrics.seconds.labels(task).observe(seconds)

    def retried(self, task: str) -> None:
        self.metrics.retries.labels(task).inc()

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
            store, self._store = self._store, None
        if pool is not None:
            pool.close()
            log.info("worker %s: LibreOffice 进程池已关闭 (pool closed)", os.getpid())
        if store is not None:
            store.close()


_current: WorkerContext | None = None


def current() -> WorkerContext:
    """The context of this worker process (tasks run only in workers)."""
    if _current is None:
        raise RuntimeError("not in a docgen worker process")
    return _current


def set_current(context: WorkerContext | None) -> None:
    global _current
    _current = context


def open_store(settings: Any) -> BatchStore:
    """The job store the API uses (`DOCGEN_DATABASE_URL`, else `<data_dir>/batches/batches.db`)."""
    return BatchStore(job_database_url(settings.database_url, settings.data_dir))
