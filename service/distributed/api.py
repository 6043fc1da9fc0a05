"""What the HTTP API takes from the distributed mode: the Celery runner and converter, the broker metrics."""

from __future__ import annotations

from typing import Any


def distributed_parts(app: Any, settings: Any, metrics: Any) -> tuple[Any, Any]:
    """(runner, converter): the Celery runner with `DOCGEN_RUNNER=celery`, the Celery converter with
    `DOCGEN_CONVERT_VIA=celery`, None otherwise. The Celery app is kept on `app.state.celery` (for /readyz) and
    its queue and worker gauges join `metrics` (the app's /metrics). Celery is imported only when configured."""
    app.state.celery = None
    if settings.runner != "celery" and settings.convert_via != "celery":
        return None, None
    from service.distributed.app import create_app
    from service.distributed.metrics import CeleryCollector

    celery_app = create_app(settings)
    app.state.celery = celery_app
    if not getattr(metrics, "_docgen_celery", False):
        metrics.registry.register(CeleryCollector(celery_app))
        metrics._docgen_celery = True
    runner = converter = None
    if settings.runner == "celery":
        from service.distributed.context import open_store
        from service.distributed.runner import CeleryRunner

        runner = CeleryRunner(open_store(settings), celery_app)
    if settings.convert_via == "celery":
        from service.distributed.converter import CeleryConverter

        converter = CeleryConverter(celery_app, timeout=settings.conversion_timeout,
                                    queue_limit=settings.convert_queue_limit, capacity=settings.pool_size)  # fmt: skip
    return runner, converter
