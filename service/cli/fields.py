"""The one way `docgen` prints field errors (`FieldError`: JSON path, Chinese label, code, message).

A table for a whole list (`docgen validate` / `render` / `package` on an invalid payload, `docgen batch` on an
unusable manifest) and a line for each error under a message (`exit_for`, the failed candidates of a batch). Every
cell is escaped: labels and messages quote user text, which may hold [brackets].
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.markup import escape
from rich.table import Table

from service.cli.console import err_console
from service.errors import FieldError


def field_error_table(errors: Sequence[FieldError], title: str | None = None) -> Table:
    """The errors in four columns; the title says how many (by default: the payload failed validation)."""
    table = Table(title=title or f"数据校验未通过：共 {len(errors)} 处错误", title_justify="left")
    table.add_column("位置 (JSON path)", style="cyan", no_wrap=True)
    table.add_column("字段", overflow="fold")
    table.add_column("代码", style="magenta", no_wrap=True)
    table.add_column("说明", overflow="fold")
    for e in errors:
        table.add_row(escape(e.loc), escape(e.label), escape(e.code), escape(e.message))
    return table


def print_field_errors(errors: Sequence[FieldError], title: str | None = None) -> None:
    """Print the table to stderr (errors never mix with a command's output)."""
    err_console.print(field_error_table(errors, title))


def field_error_line(loc: str, label: str, code: str, message: str) -> str:
    """`位置 字段：code message` as console markup; an error of the whole input ($) has no place."""
    where = "" if loc in ("", "$") else f"{loc} {label}："
    return f"{escape(where)}[magenta]{escape(code)}[/] {escape(message)}"
