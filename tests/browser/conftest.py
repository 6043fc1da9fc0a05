"""Browser tests of the 申报工作台: a real uvicorn server (sharing the suite's LibreOffice pool) and Debian's
Chromium driven by Playwright (no browser download: `executable_path=/usr/bin/chromium`).

Set DOCGEN_SCREENSHOTS=docs to write the README's screenshots (docs/workbench-*.png) while the journeys run.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from service.api.app import create_app
from service.api.settings import Settings
from service.conversion import ConversionPool

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
# Waits for server work (validation, conversion, packages, batches) on a loaded 2-core machine.
SERVER_WORK_MS = 240_000


class ServerThread:
    """uvicorn serving `app` on a socket bound to 127.0.0.1:0 (so the port is free by construction)."""

    def __init__(self, app: FastAPI) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="on", timeout_graceful_shutdown=30)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 120
        while not self.server.started:
            assert self.thread.is_alive(), "uvicorn exited during startup"
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(60)
        self.sock.close()


def start_server(converter: ConversionPool, data_dir: Path, **settings: Any) -> ServerThread:
    app = create_app(Settings(data_dir=data_dir, pool_size=1, _env_file=None, **settings), pool=converter)
    return ServerThread(app)


@pytest.fixture(scope="session")
def server(converter: ConversionPool, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    with start_server(converter, tmp_path_factory.mktemp("workbench-data")) as srv:
        yield srv


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: `make install` installs it from system/packages.txt")
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser profile (its own localStorage) at 1366×768, the smallest screen the page supports."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True, locale="zh-CN")
    context.set_default_timeout(30_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def screenshot(page: Any, name: str) -> None:
    """docs/workbench-<name>.png when DOCGEN_SCREENSHOTS names a folder (the README shows them)."""
    folder = os.environ.get("DOCGEN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"workbench-{name}.png"))
