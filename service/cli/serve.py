"""`docgen serve`: run the HTTP API with uvicorn (`service/cli/__init__.py` adds it to `docgen` with `register(app)`).

    docgen serve [--host H] [--port P] [--workers N]

Defaults come from the settings (DOCGEN_HOST, DOCGEN_PORT, DOCGEN_WORKERS, settings file, .env):
http://127.0.0.1:8000 with the docs at /docs. Also `python -m service.cli serve`.
"""

from __future__ import annotations

import typer

from service.api.logging import configure_logging, logging_config
from service.api.settings import load_settings


def serve(host: str | None = None, port: int | None = None, workers: int | None = None) -> None:
    import uvicorn

    settings = load_settings()
    host = host or settings.host
    port = settings.port if port is None else port
    workers = workers or settings.workers
    configure_logging(settings.log_level)
    # Each worker process builds its app from the same environment, and so from the same settings.
    uvicorn.run(
        "service.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=logging_config(settings.log_level),
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=max(5, int(settings.conversion_timeout)),
    )


def register(app: typer.Typer) -> None:
    """Add the `serve` command to the `docgen` Typer app."""

    @app.command("serve")
    def serve_command(
        host: str | None = typer.Option(None, "--host", help="监听地址（默认 DOCGEN_HOST 或 127.0.0.1）"),
        port: int | None = typer.Option(None, "--port", help="监听端口（默认 DOCGEN_PORT 或 8000）"),
        workers: int | None = typer.Option(None, "--workers", min=1, help="工作进程数（默认 DOCGEN_WORKERS 或 1）"),
    ) -> None:
        """启动 HTTP 服务（API 文档在 /docs），设置见 README 的环境变量表。"""
        serve(host, port, workers)
