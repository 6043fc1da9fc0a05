"""Helpers every command group may use: stop with a Chinese message, read a JSON file, look up a template, write a
file atomically. Group modules import these from here, never from another group (no cycles between groups)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from service.cli.console import err_console
from service.payloads.json_input import JsonInputError
from service.payloads.json_input import load_json as read_json
from service.rendering import TemplateSpec, UnknownTemplate, get_template


class CliFailure(typer.Exit):
    """Exit with status 1 after the message was printed."""

    def __init__(self) -> None:
        super().__init__(code=1)


def fail(message: str) -> CliFailure:
    err_console.print(f"[bold red]错误：[/]{message}")
    return CliFailure()


def load_json(path: Path) -> Any:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise fail(f"找不到文件 {path}") from None
    try:
        return read_json(data, str(path))
    except JsonInputError as exc:
        raise fail(exc.message) from None


def spec_or_fail(template_id: str) -> TemplateSpec:
    try:
        return get_template(template_id)
    except UnknownTemplate as exc:
        raise fail(str(exc)) from None


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, then rename: never a half-written output."""
    from service.output import atomic_write

    atomic_write(path, data)
