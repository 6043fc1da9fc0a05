"""The `docgen` Typer app and its console entry; the command groups add themselves in `service/cli/__init__.py`."""

from __future__ import annotations

import os
import sys

import typer

from service.cli.console import err_console
from service.cli.errors import exit_for
from service.errors import DocgenError

app = typer.Typer(
    name="docgen",
    help="国家新兴产业发展示范基地申报材料生成服务：JSON → Word / PDF / 申报材料包。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def main() -> None:
    """Console entry: anything unexpected becomes one Chinese line and exit status 2, not a traceback."""
    try:
        app()
    except KeyboardInterrupt:
        err_console.print("[yellow]已中断。[/]")
        sys.exit(130)
    except DocgenError as exc:  # an error of the service no command caught: its message and its kind's exit code
        if os.environ.get("DOCGEN_DEBUG"):
            raise
        sys.exit(exit_for(exc).exit_code)
    except Exception as exc:  # the last line of defence of the CLI
        err_console.print(f"[bold red]内部错误：[/]{type(exc).__name__}: {exc}")
        err_console.print("设置环境变量 DOCGEN_DEBUG=1 可查看详细堆栈。")
        if os.environ.get("DOCGEN_DEBUG"):
            raise
        sys.exit(2)
