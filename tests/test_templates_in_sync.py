"""The committed Word templates are exactly what their builders make (word_templates/build/ is their source).

A builder change without `make templates`, or a hand edit of a committed .docx, fails here. Building is also
deterministic: two builds are byte-identical, otherwise the comparison would mean nothing.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from service.rendering.catalog import TemplateSpec, list_templates

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "word_templates"
SPECS: list[TemplateSpec] = list_templates()
"""Every template and its builder: the catalog is what `python -m word_templates.build` rebuilds."""


def build_all(directory: Path) -> dict[str, bytes]:
    for spec in SPECS:
        spec.build(directory / spec.docx_file)
    return {spec.docx_file: (directory / spec.docx_file).read_bytes() for spec in SPECS}


def differing_parts(made: bytes, committed: bytes, tmp: Path) -> list[str]:
    """Names of the ZIP members that differ (or exist on one side only), to say where the drift is."""
    (tmp / "made.docx").write_bytes(made)
    (tmp / "committed.docx").write_bytes(committed)
    with zipfile.ZipFile(tmp / "made.docx") as a, zipfile.ZipFile(tmp / "committed.docx") as b:
        names = sorted(set(a.namelist()) | set(b.namelist()))
        return [
            n
            for n in names
            if n not in a.namelist() or n not in b.namelist() or a.read(n) != b.read(n) or a.getinfo(n) != b.getinfo(n)
        ]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return build_all(tmp_path_factory.mktemp("built"))


def test_every_committed_template_has_a_builder() -> None:
    names = {spec.docx_file for spec in SPECS}
    assert len(names) == len(SPECS), "two templates write the same file"
    assert {p.name for p in COMMITTED.glob("*.docx")} == names
    assert {spec.docx_path.name for spec in SPECS} == names


def test_building_twice_gives_identical_bytes(built: dict[str, bytes], tmp_path: Path) -> None:
    again = build_all(tmp_path)
    unstable = [name for name in built if built[name] != again[name]]
    assert not unstable, f"builders are not deterministic: {unstable}"


@pytest.mark.parametrize("name", [spec.docx_file for spec in SPECS])
def test_committed_template_is_what_its_builder_makes(name: str, built: dict[str, bytes], tmp_path: Path) -> None:
    committed = (COMMITTED / name).read_bytes()
    if built[name] != committed:
        parts = differing_parts(built[name], committed, tmp_path)
        pytest.fail(
            f"word_templates/{name} differs from what word_templates/build makes (parts: {', '.join(parts) or 'ZIP'}); "
            "run `make templates` and commit the result, or change the builder instead of the .docx"
        )
