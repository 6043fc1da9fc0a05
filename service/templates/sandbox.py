"""Render an uploaded template in a child process with limits: `render_isolated(source, name, context, …)`.

Jinja's sandbox refuses Python internals but does not bound work: `{% for i in range(99999) %}` nested twice, or
`'x' * 10**9`, runs until the machine gives up. So an uploaded template renders in a child forked from a small
fork server (loaded once with the rendering code, no threads, no sockets of the service), which sets its own
limits before it reads the template: CPU seconds (RLIMIT_CPU, the kernel stops it), address space (RLIMIT_AS,
a MemoryError), and the parent kills it at the wall-clock limit. Output over the size limit is refused.

Limits come from the environment (`Limits.from_env`): DOCGEN_TEMPLATE_CPU_SECONDS (10), DOCGEN_TEMPLATE_MEMORY_MB
(512, on top of the child's own size), DOCGEN_TEMPLATE_WALL_SECONDS (30), DOCGEN_TEMPLATE_OUTPUT_MB (20).

`run_isolated(work, args, …)` is the same child for any module-level function returning .docx bytes: a built-in
form whose request asks for much work renders there too (`service.rendering.bounded`), with its own limits and
error, and learns the child's peak memory.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import resource
import signal
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from service.errors import DocgenError, ErrorKind
from service.rendering.engine import PreparedTemplate, TemplateLimitExceeded, TemplateRenderError


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 10
    memory_mb: int = 512
    wall_seconds: float = 30.0
    output_mb: int = 20

    @classmethod
    def from_env(cls) -> Limits:
        env = os.environ
        return cls(
            cpu_seconds=int(env.get("DOCGEN_TEMPLATE_CPU_SECONDS", cls.cpu_seconds)),
            memory_mb=int(env.get("DOCGEN_TEMPLATE_MEMORY_MB", cls.memory_mb)),
            wall_seconds=float(env.get("DOCGEN_TEMPLATE_WALL_SECONDS", cls.wall_seconds)),
            output_mb=int(env.get("DOCGEN_TEMPLATE_OUTPUT_MB", cls.output_mb)),
        )


_context_lock = threading.Lock()
_context: Any = None


def _mp_context() -> Any:
    global _context
    with _context_lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            # Only this module (and the renderer it imports) is loaded in the fork server, not the caller's __main__;
            # the built-in templates are prepared there once, for the built-in forms rendered in a child.
            ctx.set_forkserver_preload([__name__, "service.rendering.prepared"])
            _context = ctx
        return _context


def _vm_size(field: str = "VmSize") -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _reached_address_space_cap() -> bool:
    """Whether this process's address space once grew to (nearly) its RLIMIT_AS: libraries that run out of memory
    in C (libxml2: "XMLSyntaxError: unknown error") fail without a MemoryError, but their peak tells."""
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return soft != resource.RLIM_INFINITY and _vm_size("VmPeak") >= soft - 64 * 1024 * 1024


def _render_template(source: bytes, name: str, context: dict[str, Any], properties: dict[str, str] | None) -> bytes:
    return PreparedTemplate(source, name).render(context, properties)


def _out_of_memory(exc: BaseException | None) -> bool:
    """A MemoryError, or an error raised while one was being handled (a writer closed by it: "I/O operation on
    closed file" when the address-space limit stopped a render inside a ZIP being written)."""
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, MemoryError):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _child(conn: Connection, work: Callable[..., bytes], args: tuple[Any, ...], label: str, limits: Limits) -> None:
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_AS, (_vm_size() + limits.memory_mb * 1024 * 1024,) * 2)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        data = work(*args)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:  # the XML as written, not only the compressed file
            expanded = sum(info.file_size for info in archive.infolist())
        if max(len(data), expanded) > limits.output_mb * 1024 * 1024:
            conn.send(("limit", f"{label}生成的文档超过 {limits.output_mb} MiB 的上限。"))
        else:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            conn.send(("ok", data, peak))
    except Exception as exc:  # a template error Jinja raises at evaluation (undefined variable, bad call …)
        # The cap first: libxml2 out of memory surfaces as "not well-formed XML", which the renderer reports as
        # its own coded error; near the cap, that error is the cap's.
        if _out_of_memory(exc) or _reached_address_space_cap():
            conn.send(
                ("limit", f"{label}渲染时内存超过 {limits.memory_mb} MiB 的上限（例如过长的字符串或过多的重复）。")
            )
        elif isinstance(exc, DocgenError):
            conn.send(("error", exc.code, exc.kind.value, exc.message))
        else:
            conn.send(("crash", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


@dataclass(frozen=True)
class Isolated:
    data: bytes
    """The .docx the child rendered."""
    peak_rss: int
    """The child's peak resident memory in bytes (its own, including what it shares with the fork server)."""


def _template_crash(label: str, text: str) -> DocgenError:
    return DocgenError(f"{label}渲染失败：{text}", code="template_error", kind=ErrorKind.INVALID)


def run_isolated(
    work: Callable[..., bytes],
    args: tuple[Any, ...],
    *,
    label: str,
    limits: Limits,
    limit_error: type[DocgenError] = TemplateLimitExceeded,
    crash: Callable[[str, str], DocgenError] = _template_crash,
) -> Isolated:
    """`work(*args)` (a module-level function, pickled to the child) under `limits`. A limit that stopped it
    raises `limit_error` with a message starting with `label`; an error the child raised travels as it is; any
    other exception becomes `crash(label, "Type: text")`."""
    ctx = _mp_context()
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(child, work, args, label, limits), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(limits.wall_seconds):
            raise limit_error(f"{label}渲染超过 {limits.wall_seconds:g} 秒的时间上限，已停止。")
        try:
            message = parent.recv()
        except EOFError:
            message = None
    finally:
        parent.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    if message is None:
        code = process.exitcode
        if code in (-signal.SIGXCPU, -signal.SIGKILL):
            raise limit_error(f"{label}渲染超过 {limits.cpu_seconds} 秒的 CPU 时间上限，已停止。")
        raise TemplateRenderError(f"{label}的渲染进程异常退出（退出码 {code}）。")
    if message[0] == "ok":
        return Isolated(message[1], message[2])
    if message[0] == "limit":
        raise limit_error(message[1])
    if message[0] == "crash":
        raise crash(label, message[1])
    _, code, kind, text = message
    if code == limit_error.code:
        raise limit_error(text)
    raise DocgenError(text, code=code, kind=ErrorKind(kind))


def render_isolated(
    source: bytes,
    name: str,
    context: dict[str, Any],
    properties: dict[str, str] | None = None,
    limits: Limits | None = None,
) -> bytes:
    """The rendered .docx, or the error the child reported; `TemplateLimitExceeded` when a limit stopped it."""
    args = (source, name, context, properties)
    return run_isolated(_render_template, args, label=f"模板 {name} ", limits=limits or Limits.from_env()).data
