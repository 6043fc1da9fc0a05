"""A built wheel is self-contained: installed outside the checkout, `docgen render` finds its templates.

The wheel is built from a copy of the sources the Dockerfile copies, installed with --no-deps into a fresh venv
made as the Makefile makes one (Debian's python3 with its site-packages, for `uno`); the dependencies come from
this project's venv through a .pth line, so nothing is downloaded for them. Everything runs from a directory
outside the checkout, without PYTHONPATH.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "setup.py", "README.md", "service", "word_templates", "payload_schemas", "samples")
BUILTIN = "service/_builtin"


def run(args: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}"
    return result


def build_isolation_needed() -> bool:
    """Build in the project venv when its setuptools satisfies build-system.requires (fast, offline)."""
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["requires"]
    try:
        import setuptools
    except ImportError:
        return True
    wanted = [Requirement(r) for r in requires]
    return not all(r.name == "setuptools" and Version(setuptools.__version__) in r.specifier for r in wanted)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # A copy, so that setuptools' build/ and egg-info stay out of the work tree.
    src = tmp_path_factory.mktemp("src")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=ignore)
        else:
            shutil.copy2(path, src / name)
    shutil.copytree(ROOT / "system" / "fontconfig", src / "system" / "fontconfig")
    dist = tmp_path_factory.mktemp("dist")
    isolation = [] if build_isolation_needed() else ["--no-build-isolation"]
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", *isolation, "-w", dist, src], cwd=src)
    (built,) = dist.glob("service-*.whl")
    return built


def test_wheel_carries_templates_schemas_samples_and_fontconfig(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    expected = (
        [f"{BUILTIN}/word_templates/{p.name}" for p in (ROOT / "word_templates").glob("*.docx")]
        + [f"{BUILTIN}/payload_schemas/{p.name}" for p in (ROOT / "payload_schemas").glob("*.schema.json")]
        + [f"{BUILTIN}/samples/{p.name}" for p in (ROOT / "samples").glob("*.json")]
        + [f"{BUILTIN}/fontconfig/65-docgen-official-fonts.conf"]
    )
    assert len([e for e in expected if e.endswith(".docx")]) >= 6
    assert not [e for e in expected if e not in names]
    # Every file of the service package is in the wheel: modules (the package list is computed, not written by
    # hand) and data such as the API's static pages (pyproject.toml's package-data must name them).
    files = [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "service").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    ]
    assert len(files) > 50
    assert not [f for f in files if f not in names]
    # The builders, tests and the samples' generators stay out.
    assert not [n for n in names if "/build/" in n or n.startswith("tests/") or n.endswith("make_attachments.py")]


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("venv")
    # Without its own pip (seeding one is most of a venv's cost): this venv's pip installs into it.
    run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", "--without-pip", venv], cwd=venv)
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", python, "--disable-pip-version-check"]
    run([*pip, "install", "-q", "--no-deps", wheel], cwd=venv)
    site = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=venv).stdout.strip()
    # After the venv's own site-packages (a plain path line: the project venv's .pth files, among them the
    # editable install of this checkout, are not run).
    (Path(site) / "zz_docgen_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}


def test_installed_service_reads_its_own_copies(installed: Path, tmp_path: Path) -> None:
    probe = (
        "import json, service; from service.rendering.catalog import TEMPLATES_DIR, SAMPLES_DIR, SCHEMAS_DIR; "
        "from service.conversion.fonts import REPOSITORY_FONTCONFIG as F; "
        "print(json.dumps([service.__file__, str(TEMPLATES_DIR), str(SAMPLES_DIR), str(SCHEMAS_DIR), str(F)]))"
    )
    paths = json.loads(run([installed / "bin" / "python", "-c", probe], cwd=tmp_path, env=clean_env()).stdout)
    for path in paths:
        assert Path(path).is_relative_to(installed), f"{path} is not inside the installed venv"
        assert not Path(path).is_relative_to(ROOT), path
        assert Path(path).exists(), path


def test_docgen_renders_from_outside_the_checkout(installed: Path, tmp_path: Path) -> None:
    site = Path(
        run(
            [installed / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            cwd=tmp_path,
        ).stdout.strip()
    )
    sample = site / BUILTIN / "samples" / "park_application.json"
    out = tmp_path / "x.docx"
    run([installed / "bin" / "docgen", "render", "park_application", sample, "-o", out], cwd=tmp_path, env=clean_env())

    applicant = json.loads(sample.read_text(encoding="utf-8"))["cover"]["applicant"]
    with zipfile.ZipFile(out) as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    # The cover may break the name over several underlined lines: compare the document's text run together.
    text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))
    assert applicant in text
    assert "{{" not in text and "{%" not in text
