"""Every logger of the service is named under `docgen.*`, so one logging configuration entry covers them all."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def logger_names() -> dict[str, list[str]]:
    """Module path → the first argument of each `logging.getLogger(...)` / `getLogger(...)` call in it."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "service").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name != "getLogger":
                continue
            arg = node.args[0] if node.args else None
            text = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else ast.dump(node)
            found.setdefault(str(path.relative_to(ROOT)), []).append(text)
    return found


def test_every_service_logger_is_under_docgen() -> None:
    names = logger_names()
    assert "service/conversion/pool.py" in names  # the walk finds the pool's logger
    wrong = {path: [n for n in found if not n.startswith("docgen.")] for path, found in names.items()}
    assert {path: bad for path, bad in wrong.items() if bad} == {}


def test_the_logging_configuration_names_only_docgen_for_our_loggers() -> None:
    from service.api.logging import logging_config

    ours = {name for name in logging_config()["loggers"] if not name.startswith("uvicorn")}
    assert ours == {"docgen"}
