"""`docgen doctor`: LibreOffice's version, every official font name with the font it resolves to, and —
when something is missing — what and the command that fixes it."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from service.cli.convert import register
from service.conversion.fonts import FIX_COMMAND, OFFICIAL_FONTS, run_doctor


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:  # a group, like the real docgen
        pass

    register(app)
    return app


@pytest.fixture
def fontconfig_without_mapping(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fontconfig that sees the installed fonts but not the repository's name mapping."""
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>'
        f"<dir>/usr/share/fonts</dir><dir>/usr/local/share/fonts</dir><cachedir>{tmp_path}/cache</cachedir>"
        "</fontconfig>\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))


def test_a_complete_installation_has_no_problems() -> None:
    report = run_doctor()
    assert report.ok, report.problems
    assert report.libreoffice_version and report.libreoffice_version.startswith("LibreOffice 7")
    assert report.uno_available and report.fontconfig_installed and report.fontconfig_current
    resolved = {font.rule.name: font.family for font in report.fonts}
    assert resolved["仿宋_GB2312"] == "FandolFang"
    assert resolved["方正小标宋简体"] == "Noto Serif CJK SC"
    assert resolved["黑体"] == "Noto Sans CJK SC"
    assert resolved["楷体_GB2312"] == "FandolKai"
    assert resolved["宋体"] == "Noto Serif CJK SC"
    assert len(report.fonts) == len(OFFICIAL_FONTS)


def test_unmapped_fonts_are_reported_with_the_fixing_command(fontconfig_without_mapping: None) -> None:
    report = run_doctor()
    assert not report.ok
    failing = {font.rule.name for font in report.fonts if not font.ok}
    assert {"仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"} <= failing
    fangsong = next(p for p in report.problems if "“仿宋_GB2312”" in p.message)
    assert "FandolFang" in fangsong.message and "Fandol" in fangsong.message
    assert FIX_COMMAND in fangsong.fix


def test_missing_libreoffice_and_mapping_file_are_reported(tmp_path: Path) -> None:
    report = run_doctor(soffice=str(tmp_path / "no-soffice"), installed_config=tmp_path / "missing.conf")
    messages = " ".join(problem.message for problem in report.problems)
    assert report.libreoffice_version is None
    assert "LibreOffice" in messages and "missing.conf" in messages
    assert all(FIX_COMMAND in problem.fix for problem in report.problems)


def test_the_doctor_command_prints_version_fonts_and_exit_status(cli: typer.Typer) -> None:
    result = CliRunner().invoke(cli, ["doctor"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "LibreOffice 版本：LibreOffice 7" in result.output
    for name in ("仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"):
        assert name in result.output
    assert "FandolFang" in result.output and "Noto Serif CJK SC" in result.output
    assert "一切正常" in result.output


def test_the_doctor_command_fails_with_the_fix(cli: typer.Typer, fontconfig_without_mapping: None) -> None:
    result = CliRunner().invoke(cli, ["doctor"], env={"COLUMNS": "160"})
    assert result.exit_code == 1
    assert "问题" in result.output and f"修复命令：{FIX_COMMAND}" in result.output
