"""`docgen worker`: a Celery worker whose process owns its LibreOffice pool and its handle on the job store.

The default is the `threads` execution pool: one process, N task threads and one `ConversionPool` of N
LibreOffice processes, created before the worker consumes and closed after it stops. With `--pool prefork`
every child process gets its own pool of 1 (signals `worker_process_init` / `worker_process_shutdown`) and the
task time limits are enforced by killing the child; with threads the conversion timeout bounds each task.

SIGTERM is Celery's warm shutdown: running tasks finish, unstarted ones go back to the broker (acks_late), then
the pool is closed, so no soffice is left. LibreOffice processes die with the worker even on SIGKILL (they run
under PR_SET_PDEATHSIG, see `service.conversion.spawner`), and the unacknowledged task is delivered again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from pathlib import Path
from typing import Any

from service.batch.store import BatchStore

log = logging.getLogger("docgen.distributed")


class WorkerContext:
    """What the tasks of this process use: the settings, the job store, the converter, task metrics."""

    def __init__(self, settings: Any, *, pool_size: int) -> None:
        from service.distributed.metrics import TaskMetrics

        self.settings = settings
        self.pool_size = pool_size
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
    if _current is None:
        raise RuntimeError("not in a docgen worker process")
    return _current


def open_store(settings: Any) -> BatchStore:
    """The job store the API uses (`DOCGEN_DATABASE_URL`, else `<data_dir>/batches/batches.db`)."""
    configured = getattr(settings, "batch_database_url", None)
    if callable(configured):
        return BatchStore(configured())
    url = str(getattr(settings, "database_url", "") or os.environ.get("DOCGEN_DATABASE_URL", ""))
    if url:
        return BatchStore(url)
    root = Path(settings.data_dir) / "batches"
    root.mkdir(parents=True, exist_ok=True)
    return BatchStore(root / "batches.db")


def _survive_broker_restarts() -> None:
    """Keep the worker alive when Redis restarts while it runs tasks (kombu 5.7's Redis transport stops the
    worker with "Unrecoverable error: AttributeError" in both places below).

    After a lost connection the worker reconnects on a new channel, but a task that was running still holds its
    message from the old, closed channel: acknowledging it there, and closing that channel (which puts its
    unacknowledged messages back at once), go through a connection that no longer exists. Both are safe to skip:
    the message stays in Redis's unacked index and any worker delivers it again after the visibility timeout, where
    the task finds its work recorded and ends at once (tasks are idempotent). With acks_late and prefetch 1 a warm
    shutdown leaves nothing unacknowledged, so the restore-on-close is not needed either.
    """
    from kombu.transport import redis as kombu_redis

    qos = kombu_redis.QoS
    if getattr(qos, "_docgen_guarded", False):
        return
    qos.restore_at_shutdown = False
    ack, reject = qos.ack, qos.reject

    def closed(self: Any) -> bool:
        connection = getattr(self.channel, "connection", None)
        return connection is None or getattr(connection, "client", None) is None

    def guarded_ack(self: Any, delivery_tag: Any) -> None:
        if closed(self):
            log.warning("消息代理连接已重建，旧连接上的确认跳过，任务将在可见性超时后重投 (ack on closed channel)")
            return
        ack(self, delivery_tag)

    def guarded_reject(self: Any, delivery_tag: Any, requeue: bool = False) -> None:
        if closed(self):
            log.warning("消息代理连接已重建，旧连接上的拒绝跳过，任务将在可见性超时后重投 (reject on closed channel)")
            return
        reject(self, delivery_tag, requeue=requeue)

    setattr(qos, "ack", guarded_ack)  # noqa: B010  (assigning a method: mypy wants setattr)
    setattr(qos, "reject", guarded_reject)  # noqa: B010
    setattr(qos, "_docgen_guarded", True)  # noqa: B010


def run_worker(
    settings: Any,
    *,
    concurrency: int,
    queues: list[str],
    pool: str = "threads",
    hostname: str | None = None,
    loglevel: str = "INFO",
    metrics_port: int = 0,
) -> int:
    """Run a worker until SIGTERM/SIGINT; returns its exit code."""
    global _current
    from celery.signals import worker_process_init, worker_process_shutdown

    from service.distributed.app import create_app

    app = create_app(settings)
    _survive_broker_restarts()
    if pool == "prefork":

        @worker_process_init.connect(weak=False)
        def _child_start(**_: Any) -> None:
            global _current
            _current = WorkerContext(settings, pool_size=1)
            _current.start()

        @worker_process_shutdown.connect(weak=False)
        def _child_stop(**_: Any) -> None:
            if _current is not None:
                _current.close()

    else:
        _current = WorkerContext(settings, pool_size=concurrency)
        _current.start()
        if metrics_port:
            _current.metrics.serve(metrics_port)
    name = hostname or f"docgen-{os.getpid()}@{socket.gethostname()}"
    worker = app.Worker(
        hostname=name,
        pool=pool,
        concurrency=concurrency,
        queues=queues,
        loglevel=loglevel,
        without_mingle=True,
        without_gossip=True,
        optimization="fair",
    )
    try:
        worker.start()
    finally:
        if _current is not None:
            _current.close()
            _current = None
    return int(worker.exitcode or 0)
