"""Shared helpers of the Excel tests: samples, workbooks edited with openpyxl, LibreOffice re-save."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
WORKBOOK_TEMPLATES = (
    "park_application",
    "enterprise_application",
    "city_recommendation_summary",
    "province_recommendation_summary",
    "meeting_rsvp",
)


def sample(template_id: str) -> dict[str, Any]:
    return json.loads((SAMPLES / f"{template_id}.json").read_text(encoding="utf-8"))


def edit(data: bytes, change: Any) -> bytes:
    """Open a workbook with openpyxl, let `change(wb)` edit it, and save it again."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def soffice_resave(data: bytes, tmp: Path, *, convert_to: str = "xlsx") -> bytes:
    """The workbook opened and saved again by LibreOffice Calc (`soffice --convert-to xlsx`), own profile."""
    source = tmp / "in" / "book.xlsx"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_bytes(data)
    outdir = tmp / "out"
    outdir.mkdir(exist_ok=True)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp / 'profile'}", "--headless", "--convert-to", convert_to,
         "--outdir", str(outdir), str(source)],
        capture_output=True, timeout=180, check=False,
    )  # fmt: skip
    target = outdir / f"book.{convert_to.split(':')[0]}"
    assert target.is_file(), result.stderr.decode(errors="replace") + result.stdout.decode(errors="replace")
    return target.read_bytes()
