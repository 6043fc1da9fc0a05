"""Start LibreOffice processes so that they die with the service, even when it is killed with SIGKILL.

Each process runs under `setpriv --pdeathsig KILL` (util-linux, always present on Debian), so the kernel
kills it when its parent goes away. The parent is the *thread* that forked (prctl(2)), so every process
is started from one long-lived thread here rather than from short-lived restart threads. The process is
also the leader of a new session, so its whole group can be killed at once.
"""

from __future__ import annotations

import queue
import shutil
import subprocess
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from pathlib import Path

_SETPRIV = shutil.which("setpriv")

_Request = tuple[list[str], dict[str, str], Path, Path, "Future[subprocess.Popen[bytes]]"]


class _Spawner:
    def __init__(self) -> None:
        self._requests: queue.SimpleQueue[_Request] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="docgen-lo-spawner", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            argv, env, cwd, log_path, future = self._requests.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                with open(log_path, "ab") as log:
                    process = subprocess.Popen(
                        argv,
                        env=env,
                        cwd=cwd,
                        stdin=subprocess.DEVNULL,
                        stdout=log,
                        stderr=log,
                        start_new_session=True,
                        close_fds=True,
                    )
            except BaseException as exc:
                future.set_exception(exc)
            else:
                future.set_result(process)

    def spawn(self, argv: Sequence[str], env: Mapping[str, str], cwd: Path, log_path: Path) -> subprocess.Popen[bytes]:
        command = list(argv)
        if _SETPRIV:
            command = [_SETPRIV, "--pdeathsig", "KILL", "--", *command]
        future: Future[subprocess.Popen[bytes]] = Future()
        self._ensure_thread()
        self._requests.put((command, dict(env), cwd, log_path, future))
        return future.result()


_spawner = _Spawner()


def spawn(argv: Sequence[str], env: Mapping[str, str], cwd: Path, log_path: Path) -> subprocess.Popen[bytes]:
    """Popen(argv) in a new session, output appended to log_path, killed when this Python process dies."""
    return _spawner.spawn(argv, env, cwd, log_path)
