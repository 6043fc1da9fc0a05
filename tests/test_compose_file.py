"""deploy/docker-compose.yml: it parses, builds the project's Dockerfile, runs commands docgen has, with
settings docgen knows, and has the parts of the distributed mode (api, a scalable worker, redis, postgres)."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from service.api.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "deploy" / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def docgen_commands(compose: dict[str, Any]) -> dict[str, list[str]]:
    found = {}
    for name, service in compose["services"].items():
        command = service.get("command")
        if command is None:
            continue
        argv = shlex.split(command) if isinstance(command, str) else list(command)
        if argv[0] == "docgen":
            found[name] = argv[1:]
    return found


def test_services_and_image(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"api", "worker", "redis", "postgres"} <= set(services)
    built = [s for s in services.values() if "build" in s]
    assert built, "no service builds the project's image"
    for s in built:
        assert (COMPOSE.parent / s["build"]["context"] / s["build"].get("dockerfile", "Dockerfile")).resolve() == (
            ROOT / "Dockerfile"
        )
    # `--scale worker=N` needs a worker without a fixed name or published port
    assert "container_name" not in services["worker"] and "ports" not in services["worker"]
    # outputs on storage shared by the API and the workers, at the same path
    assert set(services["api"]["volumes"]) & set(services["worker"]["volumes"])


def test_every_command_exists(compose: dict[str, Any]) -> None:
    """Each docgen command of the file, run with --help, is accepted with the options it is given."""
    from service.cli import app

    commands = docgen_commands(compose)
    assert {argv[0] for argv in commands.values()} >= {"serve", "worker"}
    assert any(argv[:2] == ["db", "upgrade"] for argv in commands.values())
    runner = CliRunner()
    for name, argv in commands.items():
        words = [a for a in argv if not a.startswith("-")]
        group = argv[: 2 if words[:1] == ["db"] else 1]
        shown = runner.invoke(app, [*group, "--help"], env={"COLUMNS": "200"})
        assert shown.exit_code == 0, f"{name}: docgen {' '.join(group)} does not exist: {shown.output}"
        for option in (a.split("=")[0] for a in argv if a.startswith("--")):
            assert option in shown.output, f"{name}: docgen {' '.join(group)} has no option {option}"


def test_environment_names_are_settings(compose: dict[str, Any]) -> None:
    known = {f"DOCGEN_{name.upper()}" for name in Settings.model_fields}
    for name, service in compose["services"].items():
        env = service.get("environment") or {}
        for key in env if isinstance(env, dict) else [e.split("=")[0] for e in env]:
            if key.startswith("DOCGEN_"):
                assert key in known, f"{name}: {key} is not a docgen setting"
