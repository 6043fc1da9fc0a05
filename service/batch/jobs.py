"""A batch job as runners pass it around: plain data, importable without the pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BatchJob:
    """Everything a runner needs to execute a batch (plain data: it can be sent to another machine)."""

    id: str
    manifest_path: Path
    out_dir: Path
    workers: int | None = None
