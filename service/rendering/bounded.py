"""Rendering a request with bounded time and memory: `render_document(template_id, validated)`.

The payload models bound what a request may ask for (a 公文: ≤ 5 forwarded documents, ≤ 20 attachments, ≤ 3000
rows, ≤ 300 000 characters), but the largest document within those bounds still takes seconds of CPU and a few
hundred MiB. A render that asks for much work therefore runs in the isolated render process of uploaded templates
(`service.templates.sandbox.run_isolated`): a child with a CPU-time and wall-clock budget and an address-space cap,
whose memory goes back to the system when it exits. Over budget → `RenderLimitExceeded` (``render_limit_exceeded``,
413); the caller's process never grows and other requests keep being served. Everything else (a single form, a
公文 without attachments or forwarded documents: ~10 ms) stays in-process, where a fork would cost more than the
render.

`isolates()` is the one rule, used by the API, the CLI and the batch. `RenderBounds` comes from the same settings
as the API's (`DOCGEN_RENDER_TIMEOUT_SECONDS`, `DOCGEN_RENDER_MEMORY_MB`, `DOCGEN_RENDER_OUTPUT_MB`,
`DOCGEN_ISOLATE_RENDER_ABOVE_BYTES`, `DOCGEN_ISOLATED_RENDERS`; see `service.api.settings`).
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from service.errors import DocgenError, ErrorKind
from service.payloads import ValidatedPayload
from service.rendering.catalog import get_template


class RenderLimitExceeded(DocgenError):
    """A request's render went over its CPU-time, wall-clock, memory or output budget and was stopped."""

    code = "render_limit_exceeded"
    kind = ErrorKind.LIMIT
    title = "文档渲染超出资源限制"


class RenderBusy(DocgenError):
    """Every slot for isolated renders stayed taken while the request waited."""

    code = "render_busy"
    kind = ErrorKind.BUSY
    title = "渲染繁忙"
    default_message = "同时生成的大型文档过多，请稍后重试。"


@dataclass(frozen=True)
class RenderBounds:
    """The budget of one isolated render and when a render is isolated (defaults = the API's settings)."""

    timeout_seconds: float = 60.0
    """CPU time and wall-clock time of one isolated render."""
    memory_mb: int = 1024
    """Address space the isolated render may add to its process."""
    output_mb: int = 64
    """Size of the .docx (compressed or expanded) an isolated render may produce."""
    isolate_above_bytes: int = 256 * 1024
    """Payloads larger than this (as compact JSON) render isolated even without attachments."""
    concurrency: int = 2
    """Isolated renders at the same time in one process; more wait up to `timeout_seconds`, then `render_busy`."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RenderBounds:
        env = os.environ if env is None else env
        return cls(
            timeout_seconds=float(env.get("DOCGEN_RENDER_TIMEOUT_SECONDS", cls.timeout_seconds)),
            memory_mb=int(env.get("DOCGEN_RENDER_MEMORY_MB", cls.memory_mb)),
            output_mb=int(env.get("DOCGEN_RENDER_OUTPUT_MB", cls.output_mb)),
            isolate_above_bytes=int(env.get("DOCGEN_ISOLATE_RENDER_ABOVE_BYTES", cls.isolate_above_bytes)),
            concurrency=int(env.get("DOCGEN_ISOLATED_RENDERS", cls.concurrency)),
        )

    @classmethod
    def from_settings(cls, settings: Any) -> RenderBounds:
        """From the API's `Settings` (typed loosely: the rendering layer does not import the API)."""
        return cls(
            timeout_seconds=settings.render_timeout_seconds,
            memory_mb=settings.render_memory_mb,
            output_mb=settings.render_output_mb,
            isolate_above_bytes=settings.isolate_render_above_bytes,
            concurrency=settings.isolated_renders,
        )


def payload_size(validated: ValidatedPayload) -> int:
    """The validated payload as compact JSON, in bytes: what the render has to lay out."""
    return len(validated.model.model_dump_json(by_alias=True, exclude_none=True).encode("utf-8", "surrogatepass"))


def isolates(template_id: str, validated: ValidatedPayload | None, bounds: RenderBounds) -> bool:
    """Whether this render goes to the isolated process: a composed document that embeds other documents
    (attachments, forwarded documents), or a payload above `bounds.isolate_above_bytes`. Blank forms never."""
    if validated is None:
        return False
    if get_template(template_id).composer is not None:
        model = validated.model
        if getattr(model, "attachments", None) or getattr(model, "forwarded", None):
            return True
    return payload_size(validated) > bounds.isolate_above_bytes


def _render_in_child(template_id: str, validated: ValidatedPayload) -> bytes:
    from service.rendering import render

    return render(template_id, validated)


_slots_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}


def _slots_for(concurrency: int) -> threading.BoundedSemaphore:
    with _slots_lock:
        return _slots.setdefault(concurrency, threading.BoundedSemaphore(max(1, concurrency)))


def render_isolated(template_id: str, validated: ValidatedPayload, bounds: RenderBounds) -> tuple[bytes, int]:
    """(.docx bytes, the child's peak RSS in bytes), rendered in the isolated process within `bounds`."""
    from service.templates.sandbox import Limits, run_isolated

    spec = get_template(template_id)
    limits = Limits(
        cpu_seconds=max(1, math.ceil(bounds.timeout_seconds)),
        memory_mb=bounds.memory_mb,
        wall_seconds=bounds.timeout_seconds,
        output_mb=bounds.output_mb,
    )
    slots = _slots_for(bounds.concurrency)
    if not slots.acquire(timeout=bounds.timeout_seconds):
        raise RenderBusy(retry_after=5)
    try:
        done = run_isolated(
            _render_in_child,
            (template_id, validated),
            label=f"“{spec.title}”",
            limits=limits,
            limit_error=RenderLimitExceeded,
            crash=_crash,
        )
    except RenderLimitExceeded as exc:
        text = f"“{spec.title}”渲染时内存超过 {bounds.memory_mb} MiB 的上限。" if "内存" in exc.message else exc.message
        raise RenderLimitExceeded(f"{text}请减少附件、转发的文件或正文的篇幅后重试。") from None
    finally:
        slots.release()
    return done.data, done.peak_rss


def _crash(label: str, text: str) -> DocgenError:
    from service.rendering.engine import TemplateRenderError

    return TemplateRenderError(f"{label}渲染失败：{text}")


def render_here(template_id: str, validated: ValidatedPayload | None, bounds: RenderBounds) -> bytes | None:
    """The .docx rendered in this process, or None when `isolates` sends it to the isolated process (for callers
    that run the two in different places: the API renders here on its render threads, isolated on its own)."""
    from service.rendering import render

    if validated is None:
        return render(template_id, blank=True)
    if isolates(template_id, validated, bounds):
        return None
    return render(template_id, validated)


def render_document(template_id: str, validated: ValidatedPayload | None, bounds: RenderBounds | None = None) -> bytes:
    """The .docx of a validated payload (None: the blank form), in-process or isolated as `isolates` says."""
    bounds = bounds or RenderBounds.from_env()
    data = render_here(template_id, validated, bounds)
    if data is None:
        assert validated is not None
        data = render_isolated(template_id, validated, bounds)[0]
    return data
