"""The Celery application, built from the settings (`DOCGEN_BROKER_URL`, `DOCGEN_RESULT_BACKEND` …).

Delivery is at least once: tasks are acknowledged after they ran (`acks_late`) and given back to the broker when
the worker process dies (`reject_on_worker_lost`), each worker takes one task at a time (prefetch 1, so a long
candidate does not hold others back), and every task is idempotent (see `steps`).
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from kombu.entity import Exchange, Queue

from service.distributed.queues import BATCH_QUEUE, QUEUES

_apps: dict[tuple[str, str], Celery] = {}


def result_backend_for(settings: Any) -> str:
    """The configured backend; by default the broker's Redis, or the job database for other brokers."""
    if settings.result_backend:
        return str(settings.result_backend)
    broker = str(settings.broker_url)
    if broker.startswith(("redis://", "rediss://", "redis+socket://")):
        return broker
    database = str(getattr(settings, "database_url", "") or os.environ.get("DOCGEN_DATABASE_URL", ""))
    if database:
        return database if database.startswith("db+") else "db+" + database
    return "rpc://"


def create_app(settings: Any) -> Celery:
    """A Celery app configured from `settings`; one per (broker, backend) in a process."""
    backend = result_backend_for(settings)
    key = (str(settings.broker_url), backend)
    if key in _apps:
        configure(_apps[key], settings)
        return _apps[key]
    app = Celery("docgen", broker=str(settings.broker_url), backend=backend, set_as_current=False)
    configure(app, settings)
    from service.distributed import tasks

    tasks.register(app)
    _apps[key] = app
    return app


def configure(app: Celery, settings: Any) -> None:
    exchange = Exchange("docgen", type="direct")
    app.conf.update(
        task_queues=[Queue(name, exchange, routing_key=name) for name in QUEUES],
        task_default_queue=BATCH_QUEUE,
        task_default_exchange="docgen",
        task_default_routing_key=BATCH_QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        # The soft limit is the tasks' own (service.distributed.limits): Celery's would raise anywhere, e.g. inside
        # the LibreOffice pool. The hard limit: the prefork pool kills the child (the threads pool ignores it).
        task_soft_time_limit=None,
        task_time_limit=float(settings.task_time_limit),
        # prefork: a new child starts its LibreOffice in worker_process_init before it reports up (Celery's default
        # 4 s would kill children whose LibreOffice starts slowly on a busy machine).
        worker_proc_alive_timeout=float(settings.pool_start_timeout) + 30,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_expires=3600,
        task_track_started=True,
        broker_connection_retry_on_startup=True,
        broker_connection_retry=True,
        broker_connection_max_retries=None,
        broker_transport_options={
            "visibility_timeout": float(settings.visibility_timeout),
            # Redis restarts: reconnect instead of failing the publish
            "max_retries": 10,
            "interval_start": 0,
            "interval_step": 0.5,
            "interval_max": 2,
        },
        result_backend_transport_options={"retry_policy": {"timeout": 10.0}},
        redis_backend_health_check_interval=5,
        redis_socket_keepalive=True,
        worker_send_task_events=True,
        task_send_sent_event=False,
        worker_hijack_root_logger=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        broker_heartbeat=10,
    )
    app.conf.docgen_settings = settings
