"""Attachments fuzzed through the package path: mutated PDFs, images and .docx files from the seed corpus in
`corpus/` (a PDF with object streams, an ASCII85+Flate form and a Flate image; a JPEG; palette and alpha PNGs;
a .docx). Every outcome must be a result or a clean coded problem, and the worker's peak memory stays under the
ceiling. `make test` runs the fast profile; `make fuzz` sets DOCGEN_FUZZ_CASES for the long one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import PEAK_CEILING, ROOT

WORKER = Path(__file__).resolve().parent / "fuzz_child.py"
CASES = int(os.environ.get("DOCGEN_FUZZ_CASES", "40"))
"""Mutants per PDF/image seed; .docx seeds get a quarter (each one that survives is a LibreOffice run)."""
SEED = int(os.environ.get("DOCGEN_FUZZ_SEED", "20260327"))


def test_mutated_attachments_give_results_or_clean_problems() -> None:
    job = {"seed": SEED, "per_seed": CASES, "docx": max(4, CASES // 4)}
    proc = subprocess.run(
        [sys.executable, str(WORKER), json.dumps(job)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "MALLOC_ARENA_MAX": "2"},
        capture_output=True,
        text=True,
        timeout=3600,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, f"worker failed (exit {proc.returncode}): {proc.stderr[-3000:]}"
    result = json.loads(lines[-1][len("RESULT ") :])
    print(json.dumps(result, ensure_ascii=False, indent=1))
    assert result["crashes"] == [], result["crashes"]
    assert result["cases"] == 4 * CASES + job["docx"]
    assert sum(result["outcomes"].values()) == result["cases"]
    ok = sum(n for outcome, n in result["outcomes"].items() if outcome.startswith("ok:"))
    assert 0 < ok < result["cases"]  # mutations both pass and fail: the fuzzer is neither inert nor all-noise
    assert result["peak_rss_mb"] * 1024 * 1024 < PEAK_CEILING
