"""The Dockerfile and the Makefile install the same system: one script, one package list, one way to make the venv,
one lock for the Python dependencies.

No Docker engine runs here, so this reads the files: a change to one that the other does not follow fails.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
INSTALLER = "system/install.sh"
PACKAGES = "system/packages.txt"
VENV = "/usr/bin/python3 -m venv --system-site-packages"
LOCK = "requirements.lock"
TEST_LOCK = "requirements-test.lock"


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    out: list[tuple[str, str]] = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), " ".join(rest.split())))
    return out


def makefile_recipe(target: str) -> str:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n)+)", text, re.MULTILINE)
    assert match, f"Makefile has no recipe for {target}"
    return match.group(1)


@pytest.fixture(scope="module")
def docker() -> list[tuple[str, str]]:
    return instructions(ROOT / "Dockerfile")


def runs(docker: list[tuple[str, str]]) -> str:
    return "\n".join(args for kw, args in docker if kw == "RUN")


def test_both_install_system_packages_with_the_same_script(docker: list[tuple[str, str]]) -> None:
    assert f"bash {INSTALLER}" in makefile_recipe("system")
    copies = [args for kw, args in docker if kw == "COPY"]
    copied_to = next(args.split()[-1] for args in copies if args.split()[0].rstrip("/") == "system")
    assert f"bash {copied_to.rstrip('/')}/install.sh" in runs(docker)


def test_the_package_list_is_the_only_one() -> None:
    installer = (ROOT / INSTALLER).read_text(encoding="utf-8")
    assert "packages.txt" in installer
    for name in ("Dockerfile", "Makefile"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert not re.search(r"apt(-get)?\s+install", text), f"{name} installs packages outside {PACKAGES}"
    wanted = [p.strip() for p in (ROOT / PACKAGES).read_text(encoding="utf-8").splitlines()]
    wanted = [p for p in wanted if p and not p.startswith("#")]
    assert {"libreoffice-writer-nogui", "python3-uno", "python3-venv"} <= set(wanted)


def test_debian_python_image_and_the_venv_made_as_the_makefile_does(docker: list[tuple[str, str]]) -> None:
    base = next(args for kw, args in docker if kw == "FROM")
    assert re.fullmatch(r"python:3\.\d+(-slim)?-bookworm", base), base
    assert VENV in (ROOT / "Makefile").read_text(encoding="utf-8")
    assert VENV in runs(docker)


def test_both_install_dependencies_from_the_lock_and_the_project_without_resolving(
    docker: list[tuple[str, str]],
) -> None:
    copies = [shlex.split(args) for kw, args in docker if kw == "COPY"]
    lock_in_image = next(
        (dest.rstrip("/") + "/" + LOCK if dest.endswith("/") else dest) for *sources, dest in copies if LOCK in sources
    )
    assert re.search(rf"pip install( -q)? --require-hashes -r {re.escape(lock_in_image)}", runs(docker))
    # A regular install: the image must not depend on a source tree (the wheel carries the templates).
    assert re.search(r"pip install( -q)? --no-deps /", runs(docker))
    assert " -e " not in runs(docker)

    stamp = makefile_recipe("$(STAMP)")
    assert "--require-hashes -r $(TEST_LOCK)" in stamp and "--no-deps -e ." in stamp
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(rf"^LOCK\s*:= {re.escape(LOCK)}$", makefile, re.MULTILINE)
    assert re.search(rf"^TEST_LOCK\s*:= {re.escape(TEST_LOCK)}$", makefile, re.MULTILINE)
    assert "$(TEST_LOCK)" in re.search(r"^\$\(STAMP\):(.*)$", makefile, re.MULTILINE).group(1)


def locked(name: str) -> dict[str, str]:
    """{normalized package name: version} of a lock file, each entry checked to carry hashes."""
    text = (ROOT / name).read_text(encoding="utf-8")
    assert not re.search(r"^\s*(--index-url|--extra-index-url|--find-links|--trusted-host|-i |-f )", text, re.M), (
        f"{name} names a package index: the lock must work from any machine"
    )
    entries = re.findall(
        r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\\n((?:\s+--hash=sha256:[0-9a-f]{64}[ \\]*\n)+)", text, re.M
    )
    pins = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", text, re.M)
    assert len(entries) == len(pins), f"{name}: every pin needs its hashes (run `make lock`)"
    return {canonicalize_name(n): v for n, v, _ in entries}


def test_the_locks_cover_pyproject_and_agree() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime, test = locked(LOCK), locked(TEST_LOCK)
    for lock_name, lock, requirements in (
        (LOCK, runtime, project["dependencies"]),
        (TEST_LOCK, test, project["dependencies"] + project["optional-dependencies"]["test"]),
    ):
        for line in requirements:
            requirement = Requirement(line)
            name = canonicalize_name(requirement.name)
            assert name in lock, f"{requirement.name} is in pyproject.toml but not in {lock_name}: run `make lock`"
            assert requirement.specifier.contains(lock[name], prereleases=True), (
                f"{lock_name} pins {name}=={lock[name]}, outside pyproject.toml's {requirement}: run `make lock`"
            )
    # The image runs what the tests ran: the test lock is compiled under the runtime lock's constraint.
    assert {n: test.get(n) for n in runtime} == runtime


def test_copied_paths_exist_and_are_not_docker_ignored(docker: list[tuple[str, str]]) -> None:
    ignored = {
        line.strip().rstrip("/")
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", ".venv", "data", ".env"} <= ignored
    for kw, args in docker:
        if kw == "COPY":
            for source in shlex.split(args)[:-1]:
                assert (ROOT / source).exists(), source
                assert source.rstrip("/") not in ignored, source


def test_runs_as_non_root_with_a_healthcheck(docker: list[tuple[str, str]]) -> None:
    users = [args for kw, args in docker if kw == "USER"]
    assert users and users[-1] not in ("root", "0") and not users[-1].startswith(("root:", "0:"))
    user_index = max(i for i, (kw, _) in enumerate(docker) if kw == "USER")
    assert all(kw != "RUN" for kw, _ in docker[user_index:]), "nothing runs as root after USER"
    health = [args for kw, args in docker if kw == "HEALTHCHECK"]
    assert len(health) == 1 and "/healthz" in health[0] and "CMD" in health[0]
    assert ("EXPOSE", "8000") in docker
    cmd = next(args for kw, args in reversed(docker) if kw == "CMD")
    assert "docgen" in cmd and '"serve"' in cmd and '"0.0.0.0"' in cmd
