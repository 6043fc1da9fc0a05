"""Prometheus view of the distributed mode: queue depth per queue, workers, task durations and retries.

The API's `/metrics` carries what an autoscaler needs, read from the broker at scrape time:
`docgen_queue_depth{queue}` (messages waiting; scale workers on `docgen.batch` and `docgen.convert`) and
`docgen_workers` (workers answering a ping). Each worker serves its own task metrics
(`docgen_task_seconds{task}`, `docgen_task_retries_total{task}`) on `DOCGEN_WORKER_METRICS_PORT`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

from celery import Celery
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from service.distributed.queues import QUEUES

log = logging.getLogger("docgen.distributed")

WORKER_CACHE_SECONDS = 10.0
"""A ping is a broadcast that waits for answers: scrapes within this time reuse the last count."""


def queue_depths(app: Celery, timeout: float = 2.0) -> dict[str, int]:
    """Messages waiting in each queue (Redis: the list length; AMQP: the queue's message count)."""
    depths: dict[str, int] = {}
    with app.connection_for_read() as conn:
        conn.ensure_connection(max_retries=1, timeout=timeout)
        channel = conn.default_channel
        for name in QUEUES:
            try:
                depths[name] = int(channel.queue_declare(queue=name, passive=True).message_count)
            except Exception:  # a queue nobody declared yet is empty
                depths[name] = 0
    return depths


def broker_reachable(app: Celery, timeout: float = 2.0) -> str | None:
    """None when the broker answers, else a short reason."""
    try:
        with app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
        return None
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


class CeleryCollector(Collector):
    """Reads the broker at scrape time; a broker that does not answer yields `docgen_broker_up 0`."""

    def __init__(self, app: Celery) -> None:
        self.app = app
        self._workers: tuple[float, int] = (0.0, 0)
        self._lock = threading.Lock()

    def worker_count(self) -> int:
        with self._lock:
            at, count = self._workers
            if time.monotonic() - at < WORKER_CACHE_SECONDS:
                return count
        replies = self.app.control.inspect(timeout=1.0).ping() or {}
        with self._lock:
            self._workers = (time.monotonic(), len(replies))
        return len(replies)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("docgen_broker_up", "Celery 消息代理是否可连接（1 可连接）")
        depth = GaugeMetricFamily("docgen_queue_depth", "队列中等待执行的任务数", labels=["queue"])
        for attempt in (1, 2):  # a broker restart leaves stale pooled connections: the second try gets new ones
            try:
                depths = queue_depths(self.app)
                workers = self.worker_count()
                break
            except Exception as exc:
                if attempt == 2:
                    log.warning("读取 Celery 队列失败 (broker unreachable): %s", exc)
                    up.add_metric([], 0.0)
                    yield up
                    return
        for name, value in depths.items():
            depth.add_metric([name], float(value))
        up.add_metric([], 1.0)
        yield up
        yield depth
        yield GaugeMetricFamily("docgen_workers", "在线的 docgen worker 数（响应 ping）", value=float(workers))


class TaskMetrics:
    """A worker's task durations and retries, on its own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.seconds = Histogram(
            "docgen_task_seconds",
            "分布式任务的执行时间（秒）",
            ["task"],
            buckets=(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600),
            registry=self.registry,
        )
        self.retries = Counter("docgen_task_retries", "分布式任务的重试次数", ["task"], registry=self.registry)

    def serve(self, port: int, addr: str = "0.0.0.0") -> Any:
        from prometheus_client import start_http_server

        return start_http_server(port, addr=addr, registry=self.registry)
