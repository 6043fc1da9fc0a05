"""Prometheus metrics of one app instance, on its own registry (served at `/metrics`).

Labels are bounded: `route` is the route template (`/v1/documents/{template_id}`, or `unmatched`), and
`template` is a catalog id or `-` — never raw client input. The conversion pool's own numbers (queue
depth, LibreOffice restarts) are read from the pool at scrape time.

With `--workers N` each worker process has its own registry: a scrape sees the worker that answered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)

PoolStats = Mapping[str, float | int]
"""`queue_depth`, `busy`, `size`, `restarts`, `conversions` … whatever the pool reports."""


class _PoolCollector(Collector):
    def __init__(self, read: Callable[[], PoolStats | None]) -> None:
        self._read = read

    def collect(self) -> Iterable[Any]:
        stats = self._read() or {}
        gauges = {
            "queue_depth": ("docgen_conversion_queue_depth", "等待空闲 LibreOffice 进程的转换请求数"),
            "busy": ("docgen_conversion_busy_processes", "正在转换的 LibreOffice 进程数"),
            "size": ("docgen_conversion_pool_size", "LibreOffice 进程池的大小"),
        }
        for key, (name, doc) in gauges.items():
            if key in stats:
                yield GaugeMetricFamily(name, doc, value=float(stats[key]))
        counters = {
            "restarts": ("docgen_libreoffice_restarts", "LibreOffice 进程重启次数（崩溃、超时、内存或次数上限）"),
            "conversions": ("docgen_conversions", "LibreOffice 完成的转换次数"),
            "rejected": ("docgen_conversions_rejected", "因队列已满而拒绝的转换请求数"),
        }
        for key, (name, doc) in counters.items():
            if key in stats:
                yield CounterMetricFamily(name, doc, value=float(stats[key]))


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "docgen_http_requests",
            "HTTP 请求数（按路由、模板、方法和状态码）",
            ["method", "route", "template", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "docgen_http_request_duration_seconds",
            "HTTP 请求处理时间（秒，按路由和模板）",
            ["method", "route", "template"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.in_flight = Gauge("docgen_http_requests_in_flight", "正在处理的 HTTP 请求数", registry=self.registry)
        self.render = Histogram(
            "docgen_render_duration_seconds",
            "Word 文档渲染时间（秒，按模板）",
            ["template"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.conversion = Histogram(
            "docgen_conversion_duration_seconds",
            "Word→PDF 转换时间（秒，含排队，按模板和格式）",
            ["template", "format"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.conversion_errors = Counter(
            "docgen_conversion_errors",
            "转换失败次数（按错误代码）",
            ["code"],
            registry=self.registry,
        )
        self.package = Histogram(
            "docgen_package_duration_seconds",
            "申报材料包生成时间（秒，按模板）",
            ["template"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._pool_stats: Callable[[], PoolStats | None] = lambda: None
        self.registry.register(_PoolCollector(lambda: self._pool_stats()))

    def watch_pool(self, read: Callable[[], PoolStats | None]) -> None:
        self._pool_stats = read

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
