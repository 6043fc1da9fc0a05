"""`docgen worker`: a Celery worker whose process owns its LibreOffice pool and its handle on the job store.

The default is the `threads` execution pool: one process, N task threads and one `ConversionPool` of N
LibreOffice processes, created before the worker consumes and closed after it stops. With `--pool prefork`
every child process gets its own pool of 1 (signals `worker_process_init` / `worker_process_shutdown`). In both,
a task stops between its steps once past the soft time limit (`limits`); the hard limit caps each conversion of a
task in the threads pool, and kills the child in the prefork pool.

SIGTERM is Celery's warm shutdown: running tasks finish, unstarted ones go back to the broker (acks_late), then
the pool is closed, so no soffice is left. LibreOffice processes die with the worker even on SIGKILL (they run
under PR_SET_PDEATHSIG, see `service.conversion.spawner`), and the unacknowledged task is delivered again.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any

from service.distributed.context import WorkerContext, set_current

log = logging.getLogger("docgen.distributed")


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
    from celery.signals import worker_process_init, worker_process_shutdown

    from service.distributed.app import create_app

    app = create_app(settings)
    _survive_broker_restarts()
    context: WorkerContext | None = None
    if pool == "prefork":

        @worker_process_init.connect(weak=False)
        def _child_start(**_: Any) -> None:
            child = WorkerContext(settings, pool_size=1, pool_kills_at_hard_limit=True)
            child.start()
            set_current(child)

        @worker_process_shutdown.connect(weak=False)
        def _child_stop(**_: Any) -> None:
            from service.distributed.context import current

            current().close()
            set_current(None)

    else:
        context = WorkerContext(settings, pool_size=concurrency)
        context.start()
        set_current(context)
        if metrics_port:
            context.metrics.serve(metrics_port)
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
        if context is not None:
            context.close()
            set_current(None)
    return int(worker.exitcode or 0)
