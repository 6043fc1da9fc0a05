"""Embedding kit (README "嵌入门户"): what a portal needs to run docgen as its rendering backend.

`install(app, settings, metrics)` adds the middleware (per-key limits, Idempotency-Key, Prefer: respond-async)
and the routes (/v1/jobs, /v1/files/{token}, webhook deliveries); the lifespan calls `start(app)` / `stop(app)`.
`adjust_openapi(schema)` gives the OpenAPI what client generators need (ASCII tags, binary responses they keep,
the Prefer / Idempotency-Key / X-Webhook-URL headers and the 202 / 409 / 429 answers).
"""

from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI

from service.api.embedding.core import (
    INTERNAL,
    KEY_PATTERN,
    MAX_KEY_LENGTH,
    CountingCache,
    EmbeddingMiddleware,
    EmbeddingState,
    wants_async,
)
from service.api.metrics import Metrics
from service.api.settings import Settings

__all__ = [
    "INTERNAL",
    "CountingCache",
    "EmbeddingState",
    "adjust_openapi",
    "install",
    "start",
    "stop",
    "wants_async",
]


def install(app: FastAPI, settings: Settings, metrics: Metrics, secured: dict[str, Any]) -> EmbeddingState:
    """Routes and middleware of the kit. Call before the body-limit middleware is added (so that it runs inside
    it: bodies are bounded before this middleware reads them)."""
    from service.api.embedding.routes import files_router, router

    state = EmbeddingState(settings, metrics)
    app.state.embedding = state
    app.include_router(router, **secured)
    app.include_router(files_router)  # signed links need no key: the signature is the authorisation
    app.add_middleware(EmbeddingMiddleware, state=state)
    return state


async def start(app: FastAPI) -> None:
    state: EmbeddingState | None = getattr(app.state, "embedding", None)
    if state is not None:
        await state.start(app)


async def stop(app: FastAPI) -> None:
    state: EmbeddingState | None = getattr(app.state, "embedding", None)
    if state is not None:
        await state.stop()


# --- OpenAPI for client generators ------------------------------------------------------------------------

TAG_IDS = {
    "模板": "templates",
    "文档": "documents",
    "校验": "validation",
    "申报材料包": "packages",
    "批量任务": "batches",
    "运维": "operations",
    "Excel": "excel",
}
JOBS_TAG = {
    "name": "jobs",
    "description": "异步任务：Prefer: respond-async 提交后查询状态、下载结果、签名下载链接、Webhook 投递记录",
}
OCTET = "application/octet-stream"
EXTRA_RESPONSES = (
    ("400", "请求头 Idempotency-Key 无效"),
    ("409", "相同 Idempotency-Key 的请求正在处理"),
    ("429", "请求过多（API 密钥的频率或并发上限）"),
)
ASYNC_OPERATIONS = {"createDocument", "createPackage"}

_HEADERS = {
    "Idempotency-Key": {
        "name": "Idempotency-Key", "in": "header", "required": False,
        "description": "幂等键（IETF httpapi idempotency-key 草案）：相同的键和请求体重试时返回首次的响应；"
                       "相同的键、不同的请求体返回 422；首次请求仍在处理时返回 409",
        "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": KEY_PATTERN},
    },
    "Prefer": {
        "name": "Prefer", "in": "header", "required": False,
        "description": "respond-async（RFC 7240）：立即返回 202 和 Location: /v1/jobs/{job_id}，在后台生成",
        "schema": {"type": "string"}, "examples": {"async": {"value": "respond-async"}},
    },
    "X-Webhook-URL": {
        "name": "X-Webhook-URL", "in": "header", "required": False,
        "description": "任务结束时接收 Webhook（Standard Webhooks 签名）的地址；缺省为 API 密钥设置的 webhook_url",
        "schema": {"type": "string", "format": "uri"},
    },
}  # fmt: skip


def _job_accepted() -> dict[str, Any]:
    return {
        "description": "已接受为异步任务（请求头 Prefer: respond-async）：用 Location 查询状态",
        "headers": {
            "Location": {"description": "/v1/jobs/{job_id}", "schema": {"type": "string"}},
            "Preference-Applied": {"description": "respond-async", "schema": {"type": "string"}},
        },
        "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}},
    }


def _mark_binary(node: Any) -> None:
    """OpenAPI 3.1 file parts (`contentMediaType`) also as `format: binary`, which generators read as files."""
    if isinstance(node, dict):
        if node.get("type") == "string" and "contentMediaType" in node and "format" not in node:
            node["format"] = "binary"
        for value in node.values():
            _mark_binary(value)
    elif isinstance(node, list):
        for value in node:
            _mark_binary(value)


def adjust_openapi(schema: dict[str, Any]) -> dict[str, Any]:
    """ASCII tags (their Chinese names stay as descriptions), binary responses also declared as
    application/octet-stream (generators drop application/pdf, application/zip, …), the kit's headers."""
    problem = {"$ref": "#/components/schemas/Problem"}
    tags: list[dict[str, Any]] = []
    for tag in schema.get("tags", []):
        name = tag["name"]
        tags.append({**tag, "name": TAG_IDS.get(name, name), "x-displayName": name,
                     "description": f"{name}：{tag.get('description', '')}"})  # fmt: skip
    if not any(t["name"] == "jobs" for t in tags):
        tags.append({**JOBS_TAG, "x-displayName": "异步任务"})
    schema["tags"] = tags
    _mark_binary(schema.get("components", {}).get("schemas", {}))
    for methods in schema.get("paths", {}).values():
        for method, op in methods.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            op["tags"] = [TAG_IDS.get(t, t) for t in op.get("tags", [])]
            for response in op["responses"].values():
                content = response.get("content") or {}
                binary = [v for k, v in content.items() if k != OCTET and v.get("schema", {}).get("format") == "binary"]
                if binary and OCTET not in content:
                    # First, so that generators which take one media type pick the binary one.
                    response["content"] = {OCTET: copy.deepcopy(binary[0]), **content}
            if method != "post":
                continue
            params = op.setdefault("parameters", [])
            names = {p.get("name") for p in params}
            wanted = ["Idempotency-Key"]
            if op.get("operationId") in ASYNC_OPERATIONS:
                wanted += ["Prefer", "X-Webhook-URL"]
                op["responses"].setdefault("202", _job_accepted())
            elif op.get("operationId") == "createBatch":
                wanted.append("X-Webhook-URL")  # batch.completed / batch.failed
            params.extend(copy.deepcopy(_HEADERS[n]) for n in wanted if n not in names)
            for status, title in EXTRA_RESPONSES:
                op["responses"].setdefault(status, {
                    "description": title, "content": {"application/problem+json": {"schema": problem}},
                })  # fmt: skip
    return schema
