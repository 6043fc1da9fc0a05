"""Dependencies of the routers: settings, the app's runtime (templates, pool, metrics), API keys, payloads.

Everything heavy happens off the event loop: rendering runs in worker threads bounded by a capacity
limiter; conversion goes to the LibreOffice pool (in a thread when its API is blocking).
"""

from __future__ import annotations

import ctypes
import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

import anyio
from anyio.to_thread import run_sync
from fastapi import Depends, Path, Request
from fastapi.security import APIKeyHeader

from service.api.metrics import Metrics
from service.api.problems import ProblemError
from service.api.settings import Settings
from service.conversion import Converter, LibreOfficeUnavailable, PdfOptions
from service.output.names import safe_file_name
from service.payloads import ValidatedPayload
from service.payloads.json_input import JsonInputError, load_json
from service.rendering import TemplateSpec, get_template, list_templates, render, validate
from service.rendering.bounded import RenderBounds, render_here, render_isolated
from service.rendering.export_schemas import schema_document

log = logging.getLogger("docgen.api")
T = TypeVar("T")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
ZIP = "application/zip"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class TemplateInfo:
    spec: TemplateSpec
    version: str
    sample: dict[str, Any] | None
    schema: dict[str, Any]
    """The payload's JSON Schema document, as `make schemas` writes it."""


@dataclass
class Runtime:
    """What the app holds between requests (created in the lifespan, in `app.state.runtime`)."""

    settings: Settings
    metrics: Metrics
    templates: dict[str, TemplateInfo] = field(default_factory=dict)
    pool: Any = None
    """The LibreOffice conversion pool (`service.conversion.ConversionPool`), None until started."""
    pool_error: str | None = None
    owns_pool: bool = False
    render_limiter: anyio.CapacityLimiter | None = None
    conversion_limiter: anyio.CapacityLimiter | None = None
    package_limiter: anyio.CapacityLimiter | None = None
    isolated_limiter: anyio.CapacityLimiter | None = None
    """Isolated renders (`service.rendering.bounded`) at a time; they wait here, holding no thread."""
    blank_cache: dict[tuple[str, str], bytes] = field(default_factory=dict)
    render_cache: Any = None
    """The embedding kit's render cache (`service.api.embedding.CountingCache`), None when disabled."""

    @property
    def converter(self) -> Converter:
        """The converter batches run on: this runtime's pool, whichever is current when a job converts."""
        return _RuntimeConverter(self)

    def load_templates(self) -> None:
        """Import every payload model, prepare every Word template once, read the samples."""
        from service.rendering.engine import TEMPLATES

        loaded: dict[str, TemplateInfo] = {}
        for spec in list_templates():
            TEMPLATES.get(spec.docx_path)
            sample = json.loads(spec.sample_path.read_text(encoding="utf-8")) if spec.sample_path.is_file() else None
            loaded[spec.id] = TemplateInfo(spec, spec.version, sample, schema_document(spec))
        self.templates = loaded

    def info(self, template_id: str) -> TemplateInfo:
        spec = get_template(template_id)  # UnknownTemplate → 404
        found = self.templates.get(spec.id)
        if found is None:
            raise ProblemError(
                503, "templates_not_loaded", "模板尚未加载", "服务正在启动，模板尚未加载完成，请稍后重试。",
                headers={"Retry-After": "5"},
            )  # fmt: skip
        return found

    # --- Heavy work, off the event loop -------------------------------------------------------------

    async def in_thread(self, fn: Callable[..., T], *args: Any) -> T:
        return await run_sync(fn, *args, limiter=self.render_limiter)

    async def validate(self, template_id: str, payload: Any) -> ValidatedPayload:
        return await self.in_thread(validate, template_id, payload)

    async def render(self, template_id: str, payload: ValidatedPayload | None) -> bytes:
        start = time.perf_counter()
        if payload is None:
            data = await self.in_thread(lambda: render(template_id, blank=True))
        else:
            bounds = RenderBounds.from_settings(self.settings)
            here = await self.in_thread(render_here, template_id, payload, bounds)
            if here is not None:
                data = here
            else:  # much work: in the isolated process, waiting here rather than on a render thread
                if self.isolated_limiter is None:
                    self.isolated_limiter = anyio.CapacityLimiter(bounds.concurrency)
                data, _ = await run_sync(render_isolated, template_id, payload, bounds, limiter=self.isolated_limiter)
        elapsed = time.perf_counter() - start
        if elapsed >= RELEASE_AFTER_SECONDS:
            await run_sync(release_memory)
        self.metrics.render.labels(template_id).observe(elapsed)
        return data

    async def to_pdf(self, template_id: str, docx: bytes, *, pdfa: bool, title: str, author: str) -> bytes:
        """Convert on the LibreOffice pool (blocking API → a worker thread); errors become problems."""
        from service.conversion import ConversionError, PdfOptions

        pool = self.require_pool()
        options = PdfOptions(pdfa=pdfa, title=title, author=author or None, subject=title)
        start = time.perf_counter()
        try:
            return await run_sync(pool.convert, docx, options, limiter=self.conversion_limiter)
        except ConversionError as exc:
            self.metrics.conversion_errors.labels(exc.code).inc()
            raise  # the problem handler answers it by its kind
        finally:
            fmt = "pdfa" if pdfa else "pdf"
            self.metrics.conversion.labels(template_id, fmt).observe(time.perf_counter() - start)

    # --- The conversion pool ------------------------------------------------------------------------

    def pool_settings(self) -> Any:
        from service.conversion import PoolSettings

        s = self.settings
        return PoolSettings(
            size=s.pool_size,
            conversion_timeout=s.conversion_timeout,
            start_timeout=s.pool_start_timeout,
            max_conversions_per_process=s.max_conversions_per_process,
            max_rss_bytes=s.memory_limit_mb * 1024 * 1024,
            queue_limit=s.queue_limit,
            queue_wait_timeout=max(s.conversion_timeout, 30.0),
            temp_root=str(s.data_dir.resolve()),
        )

    async def start_pool(self, shared: Any = None) -> None:
        """Start the app's pool (or adopt a shared, already started one); never fails the startup:
        without LibreOffice the service still validates and renders .docx, and /readyz says why not PDF."""
        from service.conversion import ConversionError, ConversionPool

        size = shared.settings.size + shared.settings.queue_limit if shared is not None else (
            self.settings.pool_size + self.settings.queue_limit)  # fmt: skip
        # Enough threads for every running and queued conversion: the pool, not this limiter, says "busy".
        self.conversion_limiter = anyio.CapacityLimiter(size + 2)
        self.package_limiter = anyio.CapacityLimiter(max(1, self.settings.pool_size))
        if shared is not None:
            self.pool, self.owns_pool = shared, False
        else:
            self.settings.data_dir.mkdir(parents=True, exist_ok=True)
            pool = ConversionPool(self.pool_settings())
            try:
                await run_sync(pool.start)
            except ConversionError as exc:
                self.pool_error = exc.message
                log.error("LibreOffice 进程池启动失败 (pool start failed): %s", exc.detail or exc.message)
                await run_sync(pool.close)
                return
            self.pool, self.owns_pool = pool, True
        self.metrics.watch_pool(self.pool_stats)
        log.info("LibreOffice 进程池已启动 (pool started): size=%s", self.pool.settings.size)

    async def stop_pool(self) -> None:
        pool, self.pool = self.pool, None
        if pool is None:
            return
        if self.owns_pool:
            await run_sync(pool.close)
            log.info("LibreOffice 进程池已关闭 (pool closed)")
        # A shared pool is closed by its owner: other apps may still use it.

    def require_pool(self) -> Any:
        if self.pool is None:
            reason = self.pool_error or "LibreOffice 进程池未启动"
            raise LibreOfficeUnavailable(f"{reason}。")
        return self.pool

    def pool_stats(self) -> dict[str, Any]:
        if self.pool is None:
            return {}
        m = self.pool.metrics()
        return {
            "size": m.size,
            "ready": m.ready,
            "busy": m.busy,
            "queue_depth": m.queue_depth,
            "conversions": m.conversions_total,
            "restarts": m.restarts_total,
            "rejected": m.busy_rejections_total,
        }


RELEASE_AFTER_SECONDS = 0.5
"""Renders at least this long (a 公文 with many attachments) hand their freed heap back to the system."""


def release_memory() -> None:
    """Return freed heap pages to the system: glibc keeps them otherwise, and a server that once composed a large
    公文 would stay at that peak (measured: 271 → 125 MiB after 20 attached forms). No-op without glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.malloc_trim(0)


@dataclass(frozen=True)
class _RuntimeConverter:
    """Converts on the runtime's pool at call time, so a job resumed before the pool is up fails cleanly."""

    runtime: Runtime

    @property
    def capacity(self) -> int:
        return int(self.runtime.settings.pool_size)

    def convert(self, docx: bytes, options: PdfOptions | None = None) -> bytes:
        pool = self.runtime.pool
        if pool is None:
            raise LibreOfficeUnavailable()
        result: bytes = pool.convert(docx, options)
        return result


def get_runtime(request: Request) -> Runtime:
    runtime = getattr(request.app.state, "runtime", None)
    if not isinstance(runtime, Runtime):  # pragma: no cover - only if the lifespan did not run
        raise ProblemError(503, "not_ready", "服务尚未就绪", "服务正在启动，请稍后重试。", headers={"Retry-After": "5"})
    return runtime


def get_settings(runtime: Annotated[Runtime, Depends(get_runtime)]) -> Settings:
    return runtime.settings


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


# --- API keys -------------------------------------------------------------------------------------------

api_key_header = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    scheme_name="ApiKey",
    description="API 密钥（由服务管理员通过 DOCGEN_API_KEYS 配置）",
)


async def require_api_key(
    request: Request, settings: SettingsDep, key: Annotated[str | None, Depends(api_key_header)] = None
) -> None:
    """Only added to the app when keys are configured (so the OpenAPI says so only then)."""
    if "docgen.internal" in request.scope:
        return  # an async job replaying its request: the key was checked when it was submitted
    registry = getattr(getattr(request.app.state, "embedding", None), "registry", None)
    if registry is not None and registry.configured:
        # Named keys (DOCGEN_API_KEYS_FILE, hashed, reloaded) and DOCGEN_API_KEYS both live in the registry.
        if key is not None and registry.identify(key) is not None:
            return
        allowed = ["\x00"]  # a key that nobody can send: the answer below says missing or invalid
    else:
        allowed = settings.api_key_values()
    if not allowed:
        return
    if key is None:
        raise ProblemError(401, "api_key_required", "需要 API 密钥", "请在请求头 X-API-Key 中提供 API 密钥。",
                           headers={"WWW-Authenticate": 'ApiKey header="X-API-Key"'})  # fmt: skip
    supplied = key.encode()
    # Compare with every key, always, in constant time per key.
    if not any([hmac.compare_digest(supplied, k.encode()) for k in allowed]):
        raise ProblemError(401, "api_key_invalid", "API 密钥无效", "请求头 X-API-Key 中的 API 密钥无效。",
                           headers={"WWW-Authenticate": 'ApiKey header="X-API-Key"'})  # fmt: skip


# --- Path parameter and JSON payloads -------------------------------------------------------------------

TEMPLATE_IDS = [spec.id for spec in list_templates()]

TemplateIdPath = Annotated[
    str,
    Path(
        description="模板 ID（固定目录，见 `GET /v1/templates`）",
        json_schema_extra={"enum": TEMPLATE_IDS},
        examples=TEMPLATE_IDS[:1],
    ),
]


def template_info(template_id: TemplateIdPath, runtime: RuntimeDep) -> TemplateInfo:
    return runtime.info(template_id)


TemplateDep = Annotated[TemplateInfo, Depends(template_info)]


def is_json_media_type(content_type: str | None) -> bool:
    if not content_type:
        return False
    main = content_type.split(";", 1)[0].strip().lower()
    return main == "application/json" or (main.startswith("application/") and main.endswith("+json"))


def parse_json(body: bytes, what: str = "请求体") -> Any:
    """The body as JSON (bounded: `service.payloads.json_input`). Syntax errors keep their 400; a number too
    large or nesting too deep is content the parser refuses, 422 like any invalid payload."""
    try:
        return load_json(body, what)
    except JsonInputError as exc:
        if exc.code == "malformed_json":
            raise ProblemError(400, "malformed_json", "JSON 格式错误", exc.message) from None
        raise


async def json_payload(request: Request) -> Any:
    """The request body as JSON: 415 unless it is declared JSON, 400 unless it parses (size: see the app)."""
    content_type = request.headers.get("content-type")
    if not is_json_media_type(content_type):
        raise ProblemError(
            415, "unsupported_media_type", "不支持的内容类型",
            f"请求体应为 JSON，并设置请求头 Content-Type: application/json（收到：{content_type or '未设置'}）。",
        )  # fmt: skip
    return parse_json(await request.body())


JsonPayload = Annotated[Any, Depends(json_payload)]


# --- Download headers -----------------------------------------------------------------------------------


def canonical_json(payload: Any) -> bytes:
    # surrogatepass: a lone surrogate in a JSON string (dropped by validation) must not fail the ETag.
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8", "surrogatepass")


def etag_for(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode("utf-8"))
        digest.update(b"\x00")
    return f'"{digest.hexdigest()[:32]}"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 §13.1.2: weak comparison; `*` matches any current representation."""
    if not if_none_match:
        return False
    wanted = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False


_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def download_name(stem: str, applicant: str, ext: str) -> str:
    """`创建申请书（示范园区）-<申报单位>.pdf`, without characters that file systems or headers reject and without
    bidi or other invisible characters (a spoofed extension such as "\\u202egpj.exe")."""
    who = safe_file_name(applicant, fallback="").strip(" ._")
    return f"{stem}-{who}.{ext}" if who else f"{stem}.{ext}"


def content_disposition(filename: str, ascii_fallback: str) -> str:
    """RFC 6266 `attachment` with an ASCII `filename` and the UTF-8 `filename*` (RFC 8187/5987)."""
    fallback = _UNSAFE_NAME.sub("_", ascii_fallback).encode("ascii", "replace").decode("ascii").replace("?", "_")
    encoded = quote(filename, safe="!#$&+-.^_`|~")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


# --- OpenAPI of the payload request bodies --------------------------------------------------------------


def payload_schema_name(spec: TemplateSpec) -> str:
    return spec.model.__name__


def payload_request_body(*, strict: bool = True) -> dict[str, Any]:
    """The `requestBody` of the payload operations, with each sample as an example. `strict`: the body must
    satisfy the template's schema (documents); else any JSON object, whose problems are the answer (validate)."""
    examples: dict[str, Any] = {}
    for spec in list_templates():
        if spec.sample_path.is_file():
            examples[spec.id] = {
                "summary": spec.title,
                "value": json.loads(spec.sample_path.read_text(encoding="utf-8")),
            }
    schema: dict[str, Any] = {"description": "所选模板的数据（见 GET /v1/templates/{template_id}/schema）"}
    if strict:
        schema["anyOf"] = [{"$ref": f"#/components/schemas/{payload_schema_name(s)}"} for s in list_templates()]
    else:
        schema.update(type="object", additionalProperties=True)
    content: dict[str, Any] = {"schema": schema}
    if examples:
        content["examples"] = examples
    return {"required": True, "description": "所选模板的 JSON 数据", "content": {"application/json": content}}


PAYLOAD_REQUEST_BODY = payload_request_body()
ANY_PAYLOAD_REQUEST_BODY = payload_request_body(strict=False)


def payload_components() -> dict[str, Any]:
    """Component schemas of every template's payload model (their `$defs` hoisted), for the OpenAPI."""
    out: dict[str, Any] = {}
    for spec in list_templates():
        schema = spec.model.model_json_schema(by_alias=True, ref_template="#/components/schemas/{model}")
        for name, sub in {**schema.pop("$defs", {}), payload_schema_name(spec): schema}.items():
            if name in out and out[name] != sub:
                raise RuntimeError(f"two payload models define different schemas named {name}")
            out[name] = sub
    return out
