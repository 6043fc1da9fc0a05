"""The FastAPI application: `create_app(settings) -> FastAPI`.

    uvicorn --factory service.api.app:create_app        # or: docgen serve

The lifespan loads every template once and starts the LibreOffice pool; shutdown closes the pool (no
soffice process is left behind). Middleware: request id + JSON access log + metrics (outermost), CORS
allow-list, body-size limits (larger for the package route).
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from anyio.to_thread import run_sync
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api import embedding
from service.api.dependencies import TEMPLATE_IDS, Runtime, payload_components, require_api_key
from service.api.logging import configure_logging, new_request_id, reset_request_id, set_request_id
from service.api.metrics import Metrics
from service.api.problems import (
    BODY_LIMIT_SCOPE_KEY,
    http_problem,
    install_problem_handlers,
    openapi_components,
    problem_response,
    problem_responses,
    refuse_other_methods_on_literal_paths,
    size_text,
)
from service.api.routers import (
    batch_preflight,
    batches,
    docs,
    documents,
    health,
    imports,
    packages,
    template_extras,
    template_store,
    templates,
    validate,
    workbench,
    workbooks,
)
from service.api.settings import Settings, load_settings
from service.batch.database import upgrade_url
from service.distributed.api import distributed_parts

log = logging.getLogger("docgen.api")
access_log = logging.getLogger("docgen.access")

DESCRIPTION = """\
国家新兴产业发展示范基地申报材料生成服务的 HTTP 接口：门户和各级业务系统提交 JSON 数据，
得到与官方表格一致的 Word / PDF 文档或完整的申报材料包。

* 模板是固定目录（`GET /v1/templates`），每个模板的数据格式见其 JSON Schema，示例数据见 `/sample`。
* 所有错误都是 RFC 9457 `application/problem+json`：`type`、`title`、`status`、`detail`（中文）、`code`；
  数据校验错误另有 `errors[]`（`loc`、`label`、`code`、`message`，与命令行输出相同）。
* 配置了 API 密钥时，`/v1/*` 需要请求头 `X-API-Key`。
* 每个响应都带 `X-Request-ID`（可由调用方传入），与服务日志对应。
"""

OPENAPI_TAGS = [
    {"name": "模板", "description": "模板目录、数据的 JSON Schema、示例数据和空白表格"},
    {"name": "文档", "description": "用数据生成 Word / PDF / PDF/A 文档"},
    {"name": "校验", "description": "只校验数据，不生成文档（供门户表单实时校验）"},
    {"name": "申报材料包", "description": "申请书 + 附件 → 申报材料包（ZIP）或合并后的 PDF"},
    {"name": "批量任务", "description": "一个地市的批量材料（ZIP）→ 后台生成全部申报材料包和推荐汇总表"},
    {"name": "运维", "description": "存活、就绪检查和 Prometheus 指标"},
]

QUIET_PATHS = {"/healthz", "/readyz", "/metrics"}


class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=413)


_CORS_REFUSALS = {
    "origin": "来源（Origin）不在允许列表中",
    "method": "请求方法不被允许",
    "headers": "请求头不被允许",
    "private-network": "不允许私有网络访问",
}


class ProblemCORSMiddleware(CORSMiddleware):
    """Starlette's CORS allow-list whose refused preflight answers with a problem document in Chinese, like every
    other error of the API (Starlette's own answer is 400 text/plain "Disallowed CORS origin")."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        text = bytes(response.body).decode("utf-8", "replace").removeprefix("Disallowed CORS ")
        reasons = [_CORS_REFUSALS.get(f.strip(), f.strip()) for f in text.split(",") if f.strip()]
        detail = f"跨域预检请求被拒绝：{'；'.join(reasons) or '不被允许'}。"
        headers = {k: v for k, v in response.headers.items() if k not in ("content-type", "content-length")}
        return problem_response(None, response.status_code, "cors_not_allowed", "跨域请求不被允许", detail,
                                headers=headers)  # fmt: skip


class BodyLimitMiddleware:
    """Request body limits: a declared Content-Length over the limit is refused before anything is read;
    otherwise the bytes are counted as they arrive and reading stops at the limit (413 either way).

    The package route takes multipart uploads and has its own, larger limit."""

    def __init__(self, app: ASGIApp, default: int, by_prefix: dict[str, int]) -> None:
        self.app = app
        self.default = default
        self.by_prefix = by_prefix

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.by_prefix.items():
            if path.startswith(prefix):
                return limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        scope[BODY_LIMIT_SCOPE_KEY] = limit
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await body_too_large_response(scope, limit)(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge()
            return message

        await self.app(scope, counting_receive, send)


def body_too_large_response(scope: Scope, limit: int) -> Response:
    return http_problem(Request(scope), 413, f"请求体超过了 {size_text(limit)} 的上限。")


class RequestContextMiddleware:
    """Request id (X-Request-ID in and out), access log line, request metrics; a last-resort 500 problem."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        request_id = new_request_id(headers.get(b"x-request-id", b"").decode("latin-1") or None)
        token = set_request_id(request_id)
        status = 500
        started = False
        start = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        self.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            log.error("未处理的异常 (unhandled exception): %s", type(exc).__name__, exc_info=exc)
            if started:
                raise
            response = http_problem(Request(scope), 500)
            await response(scope, receive, send_with_id)
        finally:
            self.metrics.in_flight.dec()
            elapsed = time.perf_counter() - start
            route = scope.get("route")
            route_path = getattr(route, "path", None) or "unmatched"
            template = (scope.get("path_params") or {}).get("template_id")
            template = template if template in TEMPLATE_IDS else "-"
            method = scope.get("method", "")
            self.metrics.requests.labels(method, route_path, template, str(status)).inc()
            self.metrics.latency.labels(method, route_path, template).observe(elapsed)
            client = scope.get("client")
            access_log.log(
                logging.DEBUG if scope.get("path") in QUIET_PATHS and status < 400 else logging.INFO,
                "%s %s %s", method, scope.get("path"), status,
                extra={
                    "http": {
                        "method": method,
                        "path": scope.get("path"),
                        "route": route_path,
                        "template": template,
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 1),
                        "client": client[0] if client else None,
                    }
                },
            )  # fmt: skip
            reset_request_id(token)


def unique_id(route: APIRoute) -> str:
    return route.operation_id or route.name


def create_app(settings: Settings | None = None, *, pool: Any = None) -> FastAPI:
    """The application. `pool`: an already started conversion pool to share (the caller closes it);
    by default the lifespan starts one from the settings and closes it on shutdown."""
    settings = settings or load_settings()
    metrics = Metrics()
    runtime = Runtime(settings=settings, metrics=metrics)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime.render_limiter = anyio.CapacityLimiter(settings.render_threads)
        await run_sync(runtime.load_templates)
        log.info("模板已加载 (templates loaded): %s", ", ".join(runtime.templates))
        # Migrations first: the runner and the batch service open the job database at this code's schema.
        migration = await run_sync(upgrade_url, settings.batch_database_url())
        log.info("任务数据库 (job database) %s：版本 %s", migration.location, migration.after)
        runner, shared_pool = distributed_parts(app, settings, runtime.metrics)  # both None unless configured
        await runtime.start_pool(pool if pool is not None else shared_pool)
        try:
            resumed = await run_sync(batches.resume_unfinished_jobs, app, settings, runtime.converter, runner)
            if resumed:
                log.info("继续未完成的批量任务 (resuming batch jobs): %s", ", ".join(resumed))
            await embedding.start(app)  # after the batch service: batch webhooks watch its jobs
            try:
                yield
            finally:
                await embedding.stop(app)
                await run_sync(batches.stop_batch_service, app)
        finally:
            await runtime.stop_pool()

    app = FastAPI(
        title="docgen：申报材料生成服务",
        version="1.0.0",
        summary="JSON → 与官方表格一致的 Word / PDF / 申报材料包",
        description=DESCRIPTION,
        openapi_tags=OPENAPI_TAGS,
        lifespan=lifespan,
        generate_unique_id_function=unique_id,
        docs_url=None,  # served from local files by routers.docs (no CDN)
        redoc_url=None,
    )
    app.state.runtime = runtime
    install_problem_handlers(app)

    # With API keys configured (only then) /v1/* require X-API-Key, and the OpenAPI says so.
    secured: dict[str, Any] = (
        {"dependencies": [Depends(require_api_key)], "responses": problem_responses(401)}
        if settings.api_keys or settings.api_keys_file
        else {}
    )
    app.include_router(health.router)
    app.include_router(docs.router)
    app.mount(docs.STATIC_PREFIX, docs.static_files(), name="static")
    app.include_router(templates.router, **secured)
    app.include_router(template_store.router, **secured)
    app.include_router(documents.router, **secured)
    app.include_router(validate.router, **secured)
    app.include_router(batches.router, **secured)
    # The workbench page is open (it asks for a key when the API wants one); its API calls are secured.
    app.include_router(workbench.router)
    app.include_router(template_extras.router, **secured)
    app.include_router(batch_preflight.router, **secured)
    app.include_router(workbooks.router, **secured)
    app.include_router(imports.router, **secured)
    app.include_router(
        packages.router,
        **secured,
        form_limits={"max_files": settings.max_attachments + 1, "max_part_size": settings.max_body_bytes},
    )

    if settings.cors_origins:
        app.add_middleware(
            ProblemCORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=[
                "Content-Type",
                "X-API-Key",
                "X-Request-ID",
                "If-None-Match",
                "Idempotency-Key",
                "Prefer",
                "X-Webhook-URL",
            ],
            expose_headers=[
                "Content-Disposition",
                "ETag",
                "Retry-After",
                "X-Request-ID",
                "Location",
                "Preference-Applied",
                "RateLimit",
                "RateLimit-Policy",
                "Idempotent-Replayed",
            ],
            max_age=600,
        )
    # Async jobs, Idempotency-Key, per-key limits: inside the body limits, so the bodies it reads are bounded.
    runtime.render_cache = embedding.install(app, settings, metrics, secured).cache
    refuse_other_methods_on_literal_paths(app)  # after every router
    app.add_middleware(
        BodyLimitMiddleware,
        default=settings.max_body_bytes,
        by_prefix={packages.router.prefix: settings.max_package_bytes, batches.router.prefix: settings.max_batch_bytes},
    )
    app.add_middleware(RequestContextMiddleware, metrics=metrics)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for name, sub in {**openapi_components(), **payload_components()}.items():
                if components.setdefault(name, sub) != sub:
                    raise RuntimeError(f"two different schemas are named {name} in the OpenAPI components")
            app.openapi_schema = embedding.adjust_openapi(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def main() -> None:  # pragma: no cover - `python -m service.api.app`
    import uvicorn

    settings = load_settings()
    configure_logging(settings.log_level)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None, access_log=False)


if __name__ == "__main__":  # pragma: no cover
    main()
