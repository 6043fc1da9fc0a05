"""The CLI's one mapping of the error model: a `DocgenError` becomes one Chinese line and the exit code of its kind.

Exit codes (README): 1 for errors of the input or of the run (invalid, limit, not_found, busy, timeout,
unavailable), 2 for internal errors; `docgen batch` adds 3 (finished with failed candidates) and 130 (interrupted).
"""

from __future__ import annotations

import typer
from rich.markup import escape

from service.cli.console import err_console
from service.cli.fields import field_error_line
from service.errors import POLICY, DocgenError, kind_of


def exit_code_for(exc: BaseException) -> int:
    """The exit code of any exception: its kind's (anything that is not a DocgenError is internal)."""
    return POLICY[kind_of(exc)].exit_code


def exit_for(exc: DocgenError) -> typer.Exit:
    """Print "错误（code）：message" and each field error (escaped: file names may hold [brackets]); the Exit
    to raise."""
    prefix = "内部错误" if exc.policy.log_traceback else "错误"
    err_console.print(f"[bold red]{escape(f'{prefix}（{exc.code}）：')}[/]{escape(exc.message)}", highlight=False)
    for e in exc.errors:
        err_console.print(f"  · {field_error_line(e.loc, e.label, e.code, e.message)}", highlight=False)
    return typer.Exit(code=exit_code_for(exc))
