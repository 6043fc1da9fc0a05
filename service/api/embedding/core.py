"""The embedding kit's state and its ASGI middleware.

For every `/v1/*` request the middleware, in this order:

1. identifies the API key (named keys from DOCGEN_API_KEYS_FILE, or DOCGEN_API_KEYS) and applies the key's rate and
   concurrency limits (429 + Retry-After + RateLimit / RateLimit-Policy headers, IETF httpapi ratelimit draft);
2. on a POST with `Idempotency-Key` (IETF httpapi idempotency-key draft): replays the first response of the same key
   and body, answers 422 for the same key with another body and 409 while the first request is still running;
3. on `POST /v1/documents/{id}` or `/v1/packages/{id}` with `Prefer: respond-async` (RFC 7240): stores the request
   as a job and answers 202 + `Location: /v1/jobs/{id}` at once.

A job is executed by replaying its stored request through the same application (the very route a synchronous
request takes), marked internal so that the limits, idempotency and async handling are not applied twice and the
key check is not repeated. `JobRunner` is the seam: the embedded runner runs jobs in this process's event loop
(the heavy work goes to the render threads and the LibreOffice pool as usual); a distributed runner can take the
stored request instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import anyio
import httpx
from anyio.to_thread import run_sync
from prometheus_client import Counter
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.embedding.cache import RenderCache
from service.api.embedding.keys import KeyRegistry, Limiter, Principal
from service.api.embedding.links import LinkSigner, load_or_create_secret
from service.api.embedding.store import FINISHED, EmbeddingStore, Job
from service.api.embedding.webhooks import (
    TargetPolicy,
    WebhookRefused,
    WebhookSecretMissing,
    backoff,
    headers_for,
)
from service.api.metrics import Metrics
from service.api.problems import problem_response
from service.api.settings import Settings
from service.errors import DocgenError

log = logging.getLogger("docgen.api")

INTERNAL = "docgen.internal"
"""Scope key of a request replayed by a job (its value: the job owner's principal name)."""
ASYNC_PREFIXES = {"/v1/documents/": "document", "/v1/packages/": "package"}
KEPT_RESULT_HEADERS = ("content-type", "content-disposition", "etag", "x-template-version", "cache-control")
KEPT_REQUEST_HEADERS = ("content-type", "accept", "if-none-match", "x-request-id")
REPLAY_DROPPED_HEADERS = {"x-request-id", "content-length", "ratelimit", "ratelimit-policy"}
MAX_KEY_LENGTH = 255
KEY_PATTERN = rf"^[!-~]{{1,{MAX_KEY_LENGTH}}}$"
"""An Idempotency-Key: visible ASCII without spaces (the OpenAPI declares the same pattern)."""
KEY_SHAPE = re.compile(KEY_PATTERN)
URI_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def iso(ts: float | None) -> str | None:
    return datetime.fromtimestamp(ts, tz=UTC).isoformat().replace("+00:00", "Z") if ts is not None else None


class EmbeddingMetrics:
    def __init__(self, metrics: Metrics) -> None:
        r = metrics.registry
        self.key_requests = Counter(
            "docgen_api_key_requests", "按 API 密钥统计的请求数（outcome：allowed、rate_limited、concurrency_limited）",
            ["key", "outcome"], registry=r,
        )  # fmt: skip
        self.cache_hits = Counter("docgen_render_cache_hits", "渲染缓存命中次数", ["template"], registry=r)
        self.cache_misses = Counter("docgen_render_cache_misses", "渲染缓存未命中次数", ["template"], registry=r)
        self.jobs = Counter("docgen_async_jobs", "异步任务数（按类型和最终状态）", ["kind", "state"], registry=r)
        self.webhook_attempts = Counter(
            "docgen_webhook_attempts", "Webhook 投递尝试次数（按事件和结果）", ["event", "outcome"], registry=r
        )
        self.idempotent_replays = Counter(
            "docgen_idempotency_replays", "按 Idempotency-Key 重放首次响应的次数", ["key"], registry=r
        )


class CountingCache:
    """The render cache as the documents route uses it, with hits and misses counted per template."""

    def __init__(self, cache: RenderCache, metrics: EmbeddingMetrics) -> None:
        self.cache = cache
        self.metrics = metrics

    def get(self, template_id: str, key: str) -> bytes | None:
        if self.cache.max_bytes <= 0:
            return None
        found = self.cache.get(key)
        (self.metrics.cache_hits if found is not None else self.metrics.cache_misses).labels(template_id).inc()
        return found

    def put(self, key: str, data: bytes) -> None:
        if self.cache.max_bytes > 0:
            self.cache.put(key, data)


class JobRunner(Protocol):
    """Where async jobs run. The embedded runner below; a Celery runner can replay the stored request on a worker."""

    def submit(self, job_id: str) -> None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass
class EmbeddedJobRunner:
    execute: Callable[[str], Coroutine[Any, Any, None]]
    workers: int
    queue: asyncio.Queue[str] | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    running: dict[str, asyncio.Task[None]] = field(default_factory=dict)

    async def start(self) -> None:
        self.queue = asyncio.Queue()
        self.tasks = [asyncio.create_task(self._work()) for _ in range(self.workers)]

    def submit(self, job_id: str) -> None:
        assert self.queue is not None, "runner not started"
        self.queue.put_nowait(job_id)

    def cancel(self, job_id: str) -> None:
        task = self.running.get(job_id)
        if task is not None:
            task.cancel()

    async def _work(self) -> None:
        assert self.queue is not None
        while True:
            job_id = await self.queue.get()
            task = asyncio.create_task(self.execute(job_id))
            self.running[job_id] = task
            with contextlib.suppress(asyncio.CancelledError):
                await task
            self.running.pop(job_id, None)

    async def stop(self) -> None:
        for task in [*self.tasks, *self.running.values()]:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.tasks = []


class _Captured:
    """An ASGI `send` that keeps the response (status, headers, body) and optionally passes it on."""

    def __init__(self, send: Send | None = None) -> None:
        self.send = send
        self.status = 500
        self.headers: list[tuple[str, str]] = []
        self.chunks: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
            self.headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers", [])]
        elif message["type"] == "http.response.body":
            self.chunks.append(bytes(message.get("body", b"")))
        if self.send is not None:
            await self.send(message)

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)

    async def replay(self, send: Send) -> None:
        """Send the kept response (when it was not passed on while it was made)."""
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in self.headers]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


def _receive_from(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await anyio.sleep_forever()
        raise AssertionError  # pragma: no cover

    return receive


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


class EmbeddingState:
    """Everything of the kit one app holds (`app.state.embedding`)."""

    def __init__(self, settings: Settings, metrics: Metrics) -> None:
        self.settings = settings
        self.metrics = EmbeddingMetrics(metrics)
        plain = settings.api_key_values()
        self.registry = KeyRegistry(settings.api_keys_file, plain)
        self.limiter = Limiter()
        self.cache = CountingCache(RenderCache(settings.render_cache_bytes), self.metrics)
        self.targets = TargetPolicy.of(settings.webhook_allowed_hosts, settings.webhook_allowed_networks)
        self.root: Path = settings.batch_storage_dir() / "embedding"
        self.store: EmbeddingStore | None = None
        self.signer: LinkSigner | None = None
        self.runner = EmbeddedJobRunner(self.execute, settings.async_workers)
        self.app: ASGIApp | None = None
        """The whole application (jobs replay their request through it)."""
        self._tasks: list[asyncio.Task[None]] = []
        self._wake = asyncio.Event()
        self.batches: Any = None

    # --- lifecycle ----------------------------------------------------------------------------------------

    async def start(self, app: Any) -> None:
        self.app = app
        self.batches = app.state
        self.root.mkdir(parents=True, exist_ok=True)
        self.store = EmbeddingStore(self.settings.batch_database_url())
        secret = await run_sync(load_or_create_secret, self.settings.signing_secret.get_secret_value(), self.root)
        self.signer = LinkSigner(secret)
        self._wake = asyncio.Event()
        await self.runner.start()
        for job in await run_sync(self.store.unfinished_jobs):
            log.info("继续未完成的异步任务 (resuming job) %s", job.id)
            self.runner.submit(job.id)
        self._tasks = [asyncio.create_task(self._deliver_loop()), asyncio.create_task(self._housekeeping_loop())]

    async def stop(self) -> None:
        await self.runner.stop()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        if self.store is not None:
            self.store.close()

    def require_store(self) -> EmbeddingStore:
        if self.store is None:
            raise DocgenError("异步任务服务尚未启动。")
        return self.store

    # --- jobs ---------------------------------------------------------------------------------------------

    def job_dir(self, job_id: str) -> Path:
        return self.root / "jobs" / job_id

    async def submit_job(
        self, principal: Principal, kind: str, scope: Scope, body: bytes, webhook_url: str | None
    ) -> Job:
        store = self.require_store()
        job_id = uuid.uuid4().hex
        directory = self.job_dir(job_id)

        def save() -> None:
            directory.mkdir(parents=True, exist_ok=True)
            (directory / "request").write_bytes(body)

        await run_sync(save)
        headers = [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, v in scope.get("headers", [])
            if k.decode("latin-1").lower() in KEPT_REQUEST_HEADERS
        ]
        request = {
            "method": scope["method"],
            "path": scope["path"],
            "query": scope.get("query_string", b"").decode("latin-1"),
            "headers": headers,
        }
        template_id = scope["path"].rsplit("/", 1)[-1]
        job = await run_sync(store.create_job, job_id, principal.name, kind, template_id, request, webhook_url)
        self.runner.submit(job_id)
        return job

    async def execute(self, job_id: str) -> None:
        store = self.require_store()
        job = await run_sync(store.get_job, job_id)
        if job is None or job.state in FINISHED or not await run_sync(store.start_job, job_id):
            return
        assert self.app is not None
        directory = self.job_dir(job_id)
        body = await run_sync((directory / "request").read_bytes)
        req = job.request
        scope: Scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": req["method"],
            "scheme": "http", "path": req["path"], "raw_path": req["path"].encode("utf-8"), "root_path": "",
            "query_string": req["query"].encode("latin-1"), "client": None, "server": ("docgen-job", 0),
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in req["headers"]]
            + [(b"content-length", str(len(body)).encode())],
            "state": {}, INTERNAL: job.owner,
        }  # fmt: skip
        captured = _Captured()
        try:
            await self.app(scope, _receive_from(body), captured)
        except asyncio.CancelledError:
            await run_sync(store.cancel_job, job_id)
            raise
        except Exception as exc:  # pragma: no cover - the app answers its own errors
            log.error("异步任务执行失败 (job crashed) %s", job_id, exc_info=exc)
            captured.status = 500
        result_headers = {k.lower(): v for k, v in captured.headers if k.lower() in KEPT_RESULT_HEADERS}
        ttl = self.settings.job_result_ttl
        if 200 <= captured.status < 300:
            path = directory / "result"
            await run_sync(path.write_bytes, captured.body)
            done = await run_sync(
                lambda: store.finish_job(job_id, "succeeded", status_code=captured.status, headers=result_headers,
                                         result_file=str(path), result_size=len(captured.body), error=None, ttl=ttl)
            )  # fmt: skip
        else:
            try:
                error = json.loads(captured.body)
            except ValueError:
                error = {"status": captured.status, "code": "internal_error", "detail": "任务执行失败。"}
            done = await run_sync(
                lambda: store.finish_job(job_id, "failed", status_code=captured.status, headers=result_headers,
                                         result_file=None, result_size=None, error=error, ttl=ttl)
            )  # fmt: skip
        with contextlib.suppress(OSError):
            await run_sync((directory / "request").unlink)
        if not done:
            return  # cancelled while running
        finished = await run_sync(store.get_job, job_id)
        assert finished is not None
        self.metrics.jobs.labels(finished.kind, finished.state).inc()
        if finished.webhook_url:
            event = "job.completed" if finished.state == "succeeded" else "job.failed"
            await self.enqueue_webhook(finished.owner, f"job:{job_id}", event, finished.webhook_url,
                                       self.job_body(finished, self.settings.public_base_url.rstrip("/")))  # fmt: skip

    def job_body(self, job: Job, base: str) -> dict[str, Any]:
        """The job as `GET /v1/jobs/{id}` shows it. Links are relative unless `base` (the request's root URL, or
        for a webhook, which has no request, the configured public base URL)."""
        body: dict[str, Any] = {
            "id": job.id, "kind": job.kind, "template_id": job.template_id, "state": job.state,
            "progress": round(job.progress, 3), "created_at": iso(job.created_at), "started_at": iso(job.started_at),
            "finished_at": iso(job.finished_at), "expires_at": iso(job.expires_at),
            "links": {"self": f"{base}/v1/jobs/{job.id}", "deliveries": f"{base}/v1/jobs/{job.id}/deliveries"},
            "result": None, "error": job.error,
        }  # fmt: skip
        if job.state == "succeeded" and not job.result_removed and job.expires_at is not None:
            assert self.signer is not None
            expiry = min(job.expires_at, time.time() + self.settings.link_ttl)
            body["result"] = {
                "url": f"{base}/v1/jobs/{job.id}/result",
                "signed_url": f"{base}/v1/files/{self.signer.sign(job.id, expiry)}",
                "signed_url_expires_at": iso(float(int(expiry))),
                "content_type": job.result_headers.get("content-type"),
                "size": job.result_size,
            }
        elif job.state == "succeeded":
            body["result"] = {"removed": True}
        return body

    # --- webhooks -----------------------------------------------------------------------------------------

    def webhook_secret(self, owner: str) -> str | None:
        for policy in self.registry.by_hash.values():
            if policy.name == owner and policy.webhook_secret:
                return policy.webhook_secret
        return self.settings.webhook_secret.get_secret_value() or None

    def webhook_target(self, principal: Principal, supplied: str | None) -> str | None:
        """The webhook URL of a submission (the header, else the key's), checked; None without one."""
        url = supplied or (principal.policy.webhook_url if principal.policy else None)
        if not url:
            return None
        self.targets.check(url)
        if not self.webhook_secret(principal.name):
            raise WebhookSecretMissing()
        return url

    async def enqueue_webhook(self, owner: str, subject: str, event: str, url: str, data: dict[str, Any]) -> None:
        store = self.require_store()
        msg_id = f"msg_{uuid.uuid4().hex}"
        payload = json.dumps(
            {"type": event, "timestamp": iso(time.time()), "data": data}, ensure_ascii=False, separators=(",", ":")
        )
        await run_sync(store.add_delivery, msg_id, owner, subject, event, url, payload)
        self._wake.set()

    async def _deliver_loop(self) -> None:
        async with httpx.AsyncClient(follow_redirects=False, timeout=self.settings.webhook_timeout) as client:
            while True:
                try:
                    await self._watch_batches()
                    store = self.require_store()
                    for delivery in await run_sync(store.due_deliveries, time.time()):
                        await self._attempt(client, delivery)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # the sender must outlive one bad delivery or a database hiccup
                    log.error("Webhook 发送循环出错 (webhook loop error): %s", type(exc).__name__, exc_info=exc)
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self._poll_interval())

    def _poll_interval(self) -> float:
        return max(0.05, min(1.0, *(d / 2 for d in self.settings.webhook_retry_delays or [2.0])))

    async def _attempt(self, client: httpx.AsyncClient, delivery: dict[str, Any]) -> None:
        store = self.require_store()
        attempt = int(delivery["attempts"]) + 1
        secret = self.webhook_secret(delivery["owner"])
        status: int | None = None
        error: str | None = None
        start = time.perf_counter()
        try:
            if secret is None:
                raise WebhookSecretMissing()
            await run_sync(self.targets.check, delivery["url"])  # again: DNS may have changed since submission
            headers = headers_for(secret, delivery["id"], delivery["payload"])
            response = await client.post(delivery["url"], content=delivery["payload"].encode(), headers=headers)
            status = response.status_code
        except (httpx.HTTPError, WebhookRefused, WebhookSecretMissing) as exc:
            error = exc.message if isinstance(exc, DocgenError) else f"{type(exc).__name__}: {exc}"[:500]
        duration = (time.perf_counter() - start) * 1000
        ok = status is not None and 200 <= status < 300
        delay = None if ok else backoff(self.settings.webhook_retry_delays, attempt)
        state = "succeeded" if ok else ("pending" if delay is not None else "failed")
        next_at = time.time() + delay if delay is not None else None
        await run_sync(
            lambda: store.record_attempt(delivery["id"], attempt, status_code=status, error=error,
                                         duration_ms=duration, state=state, next_attempt_at=next_at)
        )  # fmt: skip
        outcome = "delivered" if ok else ("retrying" if state == "pending" else "gave_up")
        self.metrics.webhook_attempts.labels(delivery["event"], outcome).inc()

    async def _watch_batches(self) -> None:
        """Batch webhooks: a subscription made when the batch was submitted fires once the batch has finished."""
        store = self.require_store()
        service = getattr(self.batches, "batches", None) if self.batches is not None else None
        if service is None:
            return
        for sub in await run_sync(store.open_subscriptions):
            record = await run_sync(service.store.get_job, sub["batch_id"])
            if record is None or not record.state.finished:
                continue
            if not await run_sync(store.mark_notified, sub["batch_id"]):
                continue
            event = "batch.completed" if record.state.value.startswith("completed") else "batch.failed"
            data = {"id": record.id, "state": record.state.value, "links": {"self": f"/v1/batches/{record.id}"}}
            if event == "batch.completed":
                data["links"]["result"] = f"/v1/batches/{record.id}/result"
            await self.enqueue_webhook(sub["owner"], f"batch:{record.id}", event, sub["url"], data)

    async def _housekeeping_loop(self) -> None:
        """Removes expired job results and Idempotency-Key records."""
        interval = max(0.5, min(60.0, self.settings.job_result_ttl / 4, self.settings.idempotency_ttl / 4))
        while True:
            try:
                await run_sync(self.housekeeping)
            except Exception as exc:
                log.error("清理过期结果出错 (housekeeping error): %s", type(exc).__name__, exc_info=exc)
            await asyncio.sleep(interval)

    def housekeeping(self, now: float | None = None) -> None:
        store = self.require_store()
        now = time.time() if now is None else now
        for job in store.expired_results(now):
            shutil.rmtree(self.job_dir(job.id), ignore_errors=True)
            store.mark_result_removed(job.id)
        for body_file in store.expired_keys(now):
            if body_file:
                with contextlib.suppress(OSError):
                    os.unlink(body_file)


def _header(scope: Scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", []):
        if k.lower() == name:
            return str(v.decode("latin-1"))
    return None


def wants_async(prefer: str | None) -> bool:
    """RFC 7240: `respond-async` among the comma-separated preferences (parameters after `;` ignored)."""
    if not prefer:
        return False
    return any(p.split(";", 1)[0].split("=", 1)[0].strip().lower() == "respond-async" for p in prefer.split(","))


def _canonical_body(content_type: str | None, body: bytes) -> bytes:
    """The body as the fingerprint sees it: a multipart body with its boundary replaced by a fixed one, since
    clients draw a new random boundary for each retry of the same form."""
    main, _, params = (content_type or "").partition(";")
    if main.strip().lower() != "multipart/form-data":
        return body
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.lower() == "boundary" and value.strip('"'):
            return body.replace(b"--" + value.strip('"').encode("latin-1"), b"--docgen-boundary")
    return body


def _is_http_url(url: str) -> bool:
    """An absolute http(s) URL made of URI characters only (RFC 3986), with a host."""
    if not URI_CHARS.fullmatch(url):
        return False
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


async def _webhook_problem(scope: Scope, send: Send, exc: WebhookRefused | WebhookSecretMissing) -> None:
    """422 like every other 422 of the API: with the field error, here the header (or the key's webhook_url)."""
    supplied = _header(scope, b"x-webhook-url") is not None
    error = {
        "loc": "header.X-Webhook-URL" if supplied else "api_key.webhook_url",
        "label": "Webhook 地址（X-Webhook-URL）" if supplied else "API 密钥的 Webhook 地址（webhook_url）",
        "code": exc.code,
        "message": exc.message,
    }
    response = problem_response(Request(scope), 422, code=exc.code, title=exc.title, detail=exc.message,
                                errors=[error])  # fmt: skip
    await response(scope, _receive_from(b""), send)


class EmbeddingMiddleware:
    def __init__(self, app: ASGIApp, state: EmbeddingState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith("/v1/") or path.startswith("/v1/files/") or INTERNAL in scope:
            await self.app(scope, receive, send)
            return
        state = self.state
        principal = state.registry.identify(_header(scope, b"x-api-key"))
        if principal is None:  # the route's key check answers 401
            await self.app(scope, receive, send)
            return
        policy = principal.policy
        extra: list[tuple[bytes, bytes]] = []
        if policy is not None:
            decision = state.limiter.check(policy)
            if decision is not None:
                extra = [
                    (b"ratelimit-policy", f'"default";q={decision.limit};w={decision.window}'.encode()),
                    (b"ratelimit", f'"default";r={decision.remaining};t={decision.reset}'.encode()),
                ]
                if not decision.allowed:
                    state.metrics.key_requests.labels(principal.name, "rate_limited").inc()
                    await self._too_many(scope, receive, send, decision.reset, extra,
                                         f"API 密钥“{principal.name}”在 {decision.window} 秒内最多可发出 "
                                         f"{decision.limit} 个请求，请在 {decision.reset} 秒后重试。")  # fmt: skip
                    return
            if not state.limiter.enter(policy):
                state.metrics.key_requests.labels(principal.name, "concurrency_limited").inc()
                detail = f"API 密钥“{principal.name}”同时处理的请求最多 {policy.concurrency} 个，请稍后重试。"
                await self._too_many(scope, receive, send, 1, extra, detail, code="concurrency_limited")
                return
        state.metrics.key_requests.labels(principal.name, "allowed").inc()

        async def send_with_limits(message: Message) -> None:
            if message["type"] == "http.response.start" and extra:
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self._handle(scope, receive, send_with_limits, principal)
        finally:
            if policy is not None:
                state.limiter.leave(policy)

    async def _too_many(
        self, scope: Scope, receive: Receive, send: Send, retry_after: int, extra: list[tuple[bytes, bytes]],
        detail: str, code: str = "rate_limited",
    ) -> None:  # fmt: skip
        headers = {"Retry-After": str(retry_after), **{k.decode(): v.decode() for k, v in extra}}
        response = problem_response(Request(scope), 429, code=code, title="请求过多", detail=detail, headers=headers)
        await response(scope, receive, send)

    async def _handle(self, scope: Scope, receive: Receive, send: Send, principal: Principal) -> None:
        if scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        key = _header(scope, b"idempotency-key")
        async_capable = any(scope["path"].startswith(p) and scope["path"].count("/") == 3 for p in ASYNC_PREFIXES)
        is_async = async_capable and wants_async(_header(scope, b"prefer"))
        hook = _header(scope, b"x-webhook-url")
        if hook is not None and (async_capable or scope["path"] == "/v1/batches") and not _is_http_url(hook):
            # Malformed even where it would be ignored (a synchronous request): the client has a bug to know about.
            await _webhook_problem(scope, send, WebhookRefused(hook, "不是有效的 http 或 https 地址"))
            return
        watch_batch = scope["path"] == "/v1/batches" and (hook or (principal.policy and principal.policy.webhook_url))
        if key is None and not is_async and not watch_batch:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        if key is None:
            await self._dispatch(scope, body, send, principal, is_async)
            return
        await self._idempotent(scope, body, send, principal, key, is_async)

    async def _dispatch(self, scope: Scope, body: bytes, send: Send, principal: Principal, is_async: bool) -> None:
        state = self.state
        if is_async:
            try:
                url = await run_sync(state.webhook_target, principal, _header(scope, b"x-webhook-url"))
            except (WebhookRefused, WebhookSecretMissing) as exc:
                await _webhook_problem(scope, send, exc)
                return
            kind = next(k for p, k in ASYNC_PREFIXES.items() if scope["path"].startswith(p))
            job = await state.submit_job(principal, kind, scope, body, url)
            payload = json.dumps(state.job_body(job, ""), ensure_ascii=False).encode()
            await send({"type": "http.response.start", "status": 202, "headers": [
                (b"content-type", b"application/json"), (b"location", f"/v1/jobs/{job.id}".encode()),
                (b"preference-applied", b"respond-async"), (b"retry-after", b"1"),
                (b"content-length", str(len(payload)).encode()),
            ]})  # fmt: skip
            await send({"type": "http.response.body", "body": payload})
            return
        if scope["path"] == "/v1/batches":
            try:
                url = await run_sync(state.webhook_target, principal, _header(scope, b"x-webhook-url"))
            except (WebhookRefused, WebhookSecretMissing) as exc:
                await _webhook_problem(scope, send, exc)
                return
            captured = _Captured(send)
            await self.app(scope, _receive_from(body), captured)
            if url and captured.status == 202:
                with contextlib.suppress(ValueError, KeyError, TypeError):
                    batch_id = str(json.loads(captured.body)["id"])
                    await run_sync(state.require_store().subscribe_batch, batch_id, principal.name, url)
            return
        await self.app(scope, _receive_from(body), send)

    async def _idempotent(
        self, scope: Scope, body: bytes, send: Send, principal: Principal, key: str, is_async: bool
    ) -> None:
        state = self.state
        store = state.require_store()
        request = Request(scope)
        if not KEY_SHAPE.fullmatch(key):
            await problem_response(request, 400, code="idempotency_key_invalid", title="Idempotency-Key 无效",
                                   detail=f"请求头 Idempotency-Key 应为 1–{MAX_KEY_LENGTH} 个可见 ASCII 字符"
                                          "（不含空格），如 UUID。",
                                   )(scope, _receive_from(b""), send)  # fmt: skip
            return
        digest = hashlib.sha256()
        for part in (scope["method"], scope["path"], scope.get("query_string", b"").decode("latin-1"),
                     _header(scope, b"prefer") or "", _header(scope, b"x-webhook-url") or ""):  # fmt: skip
            digest.update(part.encode("utf-8") + b"\x00")
        digest.update(_canonical_body(_header(scope, b"content-type"), body))
        fingerprint = digest.hexdigest()
        found = await run_sync(store.claim_key, principal.name, key, fingerprint, state.settings.idempotency_ttl)
        if found is not None:
            if found.fingerprint != fingerprint:
                detail = (f"Idempotency-Key“{key}”已用于另一个请求（请求方法、地址或请求体不同）；"
                          "新的请求请使用新的 Idempotency-Key。")  # fmt: skip
                error = {"loc": "header.Idempotency-Key", "label": "幂等键（Idempotency-Key）",
                         "code": "idempotency_key_mismatch", "message": detail}  # fmt: skip
                title = "Idempotency-Key 已用于其他请求"
                response = problem_response(request, 422, code="idempotency_key_mismatch", title=title,
                                            detail=detail, errors=[error])  # fmt: skip
            elif found.state != "done" or found.body_file is None:
                response = problem_response(
                    request, 409, code="idempotency_key_in_progress", title="相同 Idempotency-Key 的请求正在处理",
                    detail=f"Idempotency-Key“{key}”的首次请求仍在处理中，请稍后重试。",
                    headers={"Retry-After": "1"},
                )  # fmt: skip
            else:
                stored = await run_sync(Path(found.body_file).read_bytes)
                state.metrics.idempotent_replays.labels(principal.name).inc()
                headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in found.headers]
                headers.append((b"idempotent-replayed", b"true"))
                await send({"type": "http.response.start", "status": found.status_code or 200, "headers": headers})
                await send({"type": "http.response.body", "body": stored})
                return
            await response(scope, _receive_from(b""), send)
            return
        # Held back until the record is complete: a client retrying as soon as it has the answer gets the replay,
        # not 409 "in progress".
        captured = _Captured()
        try:
            await self._dispatch(scope, body, captured, principal, is_async)
        except BaseException:
            await run_sync(store.release_key, principal.name, key)
            raise
        if captured.status >= 500 or captured.status == 429:
            await run_sync(store.release_key, principal.name, key)  # transient: a retry runs the request again
            await captured.replay(send)
            return
        directory = state.root / "idempotency"
        name = hashlib.sha256(principal.name.encode() + b"\x00" + key.encode("utf-8", "replace")).hexdigest()
        path = directory / f"{name}.bin"
        kept = [(k, v) for k, v in captured.headers if k.lower() not in REPLAY_DROPPED_HEADERS]

        def save() -> None:
            directory.mkdir(parents=True, exist_ok=True)
            path.write_bytes(captured.body)
            store.complete_key(principal.name, key, captured.status, kept, str(path))

        await run_sync(save)
        await captured.replay(send)
