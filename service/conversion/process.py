"""One supervised LibreOffice process: start with a timeout, readiness poll, health check, conversion with
a time limit, kill, memory measurement, conversion counter.

The process is `soffice.bin` itself (not the `soffice` shell script and its `oosplash` parent), so its
pid is the one to watch, measure and kill. oosplash's one job we take over: on its first start with a
fresh profile LibreOffice exits with code 81 ("restart me"), and we start it again.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from service.conversion import procfs
from service.conversion.profile import ProcessDirectory, remove_socket_files
from service.conversion.protocol import (
    ConversionJob,
    DocumentRejected,
    ProcessCrashed,
    ProcessStartFailed,
    ProcessTimedOut,
)
from service.conversion.settings import PoolSettings
from service.conversion.spawner import spawn
from service.conversion.warmup import warm_up_docx

RESTART_EXIT_CODES = frozenset({79, 81})  # desktop/inc/app.hxx: EXITHELPER_NORMAL_RESTART, _CRASH_WITH_RESTART
_MAX_LAUNCHES = 3
_POLL_INTERVAL = 0.05
_UNWIND_GRACE = 5.0
DEFAULT_SOFFICE_LOCATIONS = ("/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice")

T = TypeVar("T")


def find_soffice(explicit: str | None = None) -> Path | None:
    """The soffice.bin to run: from an explicit path, PATH's soffice, or the usual install locations."""
    candidates = [explicit] if explicit else [shutil.which("soffice"), *DEFAULT_SOFFICE_LOCATIONS]
    for candidate in candidates:
        if not candidate:
            continue
        path = Path(candidate).resolve()
        binary = path if path.name.endswith(".bin") else path.with_name(path.name + ".bin")
        if binary.is_file() and os.access(binary, os.X_OK):
            return binary
    return None


JEMALLOC_LOCATIONS = (
    "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
    "/usr/lib/aarch64-linux-gnu/libjemalloc.so.2",
    "/usr/lib/libjemalloc.so.2",
)


def find_allocator(setting: str | None) -> Path | None:
    """The allocator library to preload into soffice.bin: "auto" = jemalloc if installed, a path, or None."""
    if not setting:
        return None
    candidates = JEMALLOC_LOCATIONS if setting == "auto" else (setting,)
    for candidate in candidates:
        path = Path(candidate)
        if path.is_file():
            return path
    return None


@dataclass
class _Outcome(Generic[T]):
    finished: bool
    value: T | None = None
    error: BaseException | None = None
    thread: threading.Thread | None = None


def _call_with_timeout(function: Callable[[], T], timeout: float, name: str) -> _Outcome[T]:
    """Run function in a daemon thread; give up waiting after timeout (the thread may still be blocked)."""
    outcome: _Outcome[T] = _Outcome(finished=False)

    def target() -> None:
        try:
            outcome.value = function()
        except BaseException as exc:
            outcome.error = exc

    thread = threading.Thread(target=target, name=name, daemon=True)
    outcome.thread = thread
    thread.start()
    thread.join(max(timeout, 0.0))
    outcome.finished = not thread.is_alive()
    return outcome


class LibreOfficeProcess:
    """A soffice.bin with a private directory, reachable over a private UNO pipe."""

    def __init__(self, settings: PoolSettings, *, name: str = "lo") -> None:
        self.settings = settings
        self.name = name
        self.conversions = 0
        self._popen: subprocess.Popen[bytes] | None = None
        self._directory: ProcessDirectory | None = None
        self._connection: Any = None
        self._sockets: list[str] = []
        self._pipe = f"docgen-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._jobs = 0
        self._lock = threading.Lock()

    # -- state ---------------------------------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        return self._popen.pid if self._popen else None

    @property
    def directory(self) -> Path | None:
        return self._directory.root if self._directory else None

    @property
    def socket_paths(self) -> list[str]:
        """The Unix sockets (OSL_PIPE_* in /tmp) this process bound; removed by stop()."""
        return list(self._sockets)

    def alive(self) -> bool:
        return self._popen is not None and self._popen.poll() is None and self._connection is not None

    def rss_bytes(self) -> int:
        pid = self.pid
        return procfs.rss_bytes(pid) if pid and self.alive() else 0

    def log_tail(self, limit: int = 2000) -> str:
        if not self._directory:
            return ""
        try:
            return (self._directory.root / "soffice.log").read_text(errors="replace")[-limit:]
        except OSError:
            return ""

    # -- start / stop --------------------------------------------------------------------------------

    def _launch(self, binary: Path, directory: ProcessDirectory) -> subprocess.Popen[bytes]:
        argv = [
            str(binary),
            "--headless",
            "--invisible",
            "--nocrashreport",
            "--nodefault",
            "--nologo",
            "--nofirststartwizard",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={directory.profile_url}",
            f"--accept={_pipe_accept(self._pipe)}",
        ]
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("SAL_", "OOO_", "UNO_", "URE_")) and key not in ("LD_PRELOAD", "PYTHONPATH")
        }
        env.update(HOME=str(directory.home), TMPDIR=str(directory.tmp), SAL_ENABLE_FILE_LOCKING="1")
        allocator = find_allocator(self.settings.allocator)
        if allocator is not None:
            env["LD_PRELOAD"] = str(allocator)
            if self.settings.allocator_conf:
                env["MALLOC_CONF"] = self.settings.allocator_conf
        return spawn(argv, env, directory.root, directory.root / "soffice.log")

    def start(self) -> None:
        if self._popen is not None:
            raise RuntimeError("a LibreOfficeProcess object starts once; make a new one to restart")
        binary = find_soffice(self.settings.soffice)
        if binary is None:
            raise ProcessStartFailed("LibreOffice (soffice.bin) not found")
        try:
            from service.conversion.bridge import UnoConnection
        except ImportError as exc:
            raise ProcessStartFailed(f"python3-uno is not importable: {exc}") from exc

        deadline = time.monotonic() + self.settings.start_timeout
        self._directory = ProcessDirectory.create(self.settings.temp_root)
        try:
            launches = 0
            last_error = "no answer"
            while True:
                if self._popen is None or self._popen.poll() is not None:
                    if self._popen is not None:
                        code = self._popen.returncode
                        if code not in RESTART_EXIT_CODES or launches >= _MAX_LAUNCHES:
                            raise ProcessStartFailed(f"soffice.bin exited with status {code} while starting")
                    self._connection = None
                    self._popen = self._launch(binary, self._directory)
                    launches += 1
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ProcessStartFailed(f"not ready within {self.settings.start_timeout:g} s ({last_error})")
                if self._connection is None:
                    attempt = _call_with_timeout(
                        lambda: UnoConnection.try_connect(self._pipe), remaining, f"{self.name}-connect"
                    )
                    if not attempt.finished:
                        raise ProcessStartFailed(f"not ready within {self.settings.start_timeout:g} s")
                    if attempt.error is not None or attempt.value is None:
                        # Not accepting yet, or accepting but not ready, or about to restart itself.
                        if attempt.error is not None:
                            last_error = f"UNO: {attempt.error}"
                        time.sleep(_POLL_INTERVAL)
                        continue
                    self._connection = attempt.value
                if self.settings.warm_up:
                    try:
                        self.convert(ConversionJob(warm_up_docx()), max(remaining, 1.0))
                    except ProcessCrashed as exc:
                        # The first start with a fresh profile exits with 81 to restart itself; when the
                        # connection was made just before, the loop sees that exit and launches again.
                        last_error = f"warm-up: {exc}"
                        self._connection = None
                        with contextlib.suppress(subprocess.TimeoutExpired):
                            self._popen.wait(_UNWIND_GRACE)
                        continue
                    except (ProcessTimedOut, DocumentRejected) as exc:
                        raise ProcessStartFailed(f"warm-up conversion failed: {exc}") from exc
                    self.conversions = 0
                break
            self._sockets = procfs.bound_unix_sockets(self._popen.pid)
            self._directory.record_sockets(self._sockets)
        except BaseException as exc:
            tail = self.log_tail()
            self.stop()
            if isinstance(exc, ProcessStartFailed) and tail:
                raise ProcessStartFailed(f"{exc}; soffice output: {tail.strip()}") from exc
            raise

    def stop(self) -> None:
        """Kill the whole process group, reap it, remove its pipes and its private directory."""
        with self._lock:
            self._connection = None
            popen = self._popen
            if popen is not None and popen.poll() is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(popen.pid, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    popen.wait(_UNWIND_GRACE)
            remove_socket_files(self._sockets)
            self._sockets = []
            if self._directory is not None:
                self._directory.remove()
                self._directory = None

    def _kill_only(self) -> None:
        popen = self._popen
        if popen is not None and popen.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(popen.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                popen.wait(_UNWIND_GRACE)

    # -- work ----------------------------------------------------------------------------------------

    def ping(self, timeout: float) -> bool:
        connection = self._connection
        if connection is None or not self.alive():
            return False
        outcome = _call_with_timeout(connection.ping, timeout, f"{self.name}-ping")
        return outcome.finished and outcome.error is None

    def convert(self, job: ConversionJob, timeout: float) -> bytes:
        from service.conversion.bridge import BridgeLost, DocumentLoadError, may_have_indexes

        connection = self._connection
        if connection is None or self._directory is None or not self.alive():
            raise ProcessCrashed("the process is not running")
        self._jobs += 1
        source = self._directory.jobs / f"{self._jobs}.docx"
        target = self._directory.jobs / f"{self._jobs}.pdf"
        source.write_bytes(job.docx)
        indexes = may_have_indexes(job.docx)
        try:
            outcome = _call_with_timeout(
                lambda: connection.convert(source, target, job.options, may_have_indexes=indexes),
                timeout,
                f"{self.name}-convert",
            )
            if not outcome.finished:
                # Killing the process disposes the bridge, which unblocks the waiting call.
                self._kill_only()
                if outcome.thread is not None:
                    outcome.thread.join(_UNWIND_GRACE)
                raise ProcessTimedOut(f"conversion exceeded {timeout:g} s")
            error = outcome.error
            if error is not None:
                if isinstance(error, DocumentLoadError) and self._popen is not None and self._popen.poll() is None:
                    raise DocumentRejected(str(error)) from error
                self._kill_only()
                kind = "bridge lost" if isinstance(error, BridgeLost) else type(error).__name__
                raise ProcessCrashed(f"{kind}: {error}") from error
            try:
                pdf = target.read_bytes()
            except OSError as exc:
                raise ProcessCrashed(f"no PDF written: {exc}") from exc
            if not pdf.startswith(b"%PDF-"):
                raise ProcessCrashed("the output is not a PDF")
            self.conversions += 1
            return pdf
        finally:
            for path in (source, target):
                with contextlib.suppress(OSError):
                    path.unlink()


def _pipe_accept(name: str) -> str:
    return f"pipe,name={name};urp;StarOffice.ComponentContext"
