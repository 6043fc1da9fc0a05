"""Distributed mode: batches and PDF conversion on Celery workers over a broker (Redis or RabbitMQ).

`app` builds the Celery application from the settings, `tasks` holds the tasks, `steps` the batch steps they run
(planning, one candidate, the completion step), `claims` the store-side lock of the completion step, `runner`
the `JobRunner` the API and the CLI submit to, `converter` the `Converter` that sends conversions to the workers,
`worker` the worker process, `context` what its tasks use (its own LibreOffice pool, the store), `queues` the queue
names, `api` what the HTTP API takes from here, and `metrics` the Prometheus view of queues and workers.
Nothing here is imported unless `DOCGEN_RUNNER=celery` or `DOCGEN_CONVERT_VIA=celery` asks for it.
"""
