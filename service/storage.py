"""Where batch jobs keep their files: uploads, extracted inputs, outputs and result ZIPs.

Every node of a distributed deployment (API replicas, workers) must see the same files, so `DOCGEN_STORAGE_DIR`
is a filesystem all of them mount at the same path (NFS, CephFS…); the LibreOffice profiles and temporary files
stay in each node's own `DOCGEN_DATA_DIR`. The batch pipeline writes through paths (LibreOffice and the packaging
read and write files), so `Storage` hands out the local path of a job's folders; an object-store implementation
would stage a job's folder locally and upload what `publish` and the finished job leave there.

Layout (`SharedFilesystemStorage`):
    <root>/batches/<job id>/input/   the extracted upload (manifest.json and its files)
    <root>/batches/<job id>/out/     the outputs (candidate folders, summary, report.json, the result ZIP)
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Protocol, runtime_checkable

from service.output import atomic_write

__all__ = ["SharedFilesystemStorage", "Storage"]


@runtime_checkable
class Storage(Protocol):
    """Files of batch jobs, shared by every node."""

    def job_dir(self, job_id: str) -> Path:
        """The job's folder (not created)."""
        ...

    def create_job(self, job_id: str) -> Path:
        """A new, empty folder for the job; FileExistsError if the job already has one."""
        ...

    def input_dir(self, job_id: str) -> Path: ...

    def output_dir(self, job_id: str) -> Path: ...

    def upload_file(self, job_id: str) -> Path:
        """A new file in the job's folder to receive an upload (the caller removes it once extracted)."""
        ...

    def publish(self, job_id: str, relative: str, data: bytes) -> Path:
        """Write `data` to `relative` under the job's outputs atomically (readers see the old file or the new)."""
        ...

    def result_file(self, job_id: str, relative: str) -> Path | None:
        """The finished output `relative` (e.g. the result ZIP), if it exists and stays inside the job's outputs."""
        ...

    def discard(self, job_id: str) -> None:
        """Remove everything the job has."""
        ...


class SharedFilesystemStorage:
    """`Storage` on a local or shared (NFS, CephFS) filesystem mounted at the same path on every node."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.batches = self.root / "batches"
        self.batches.mkdir(parents=True, exist_ok=True)

    def __repr__(self) -> str:
        return f"SharedFilesystemStorage({str(self.root)!r})"

    def job_dir(self, job_id: str) -> Path:
        if not job_id or "/" in job_id or "\\" in job_id or job_id in (".", ".."):
            raise ValueError(f"not a job id: {job_id!r}")
        return self.batches / job_id

    def create_job(self, job_id: str) -> Path:
        path = self.job_dir(job_id)
        path.mkdir()
        return path

    def input_dir(self, job_id: str) -> Path:
        return self.job_dir(job_id) / "input"

    def output_dir(self, job_id: str) -> Path:
        return self.job_dir(job_id) / "out"

    def upload_file(self, job_id: str) -> Path:
        with tempfile.NamedTemporaryFile(dir=self.job_dir(job_id), suffix=".zip", delete=False) as tmp:
            return Path(tmp.name)

    def _inside_outputs(self, relative: str) -> PurePosixPath:
        path = PurePosixPath(relative)
        if not relative or path.is_absolute() or ".." in path.parts:
            raise ValueError(f"not a path inside the job's outputs: {relative!r}")
        return path

    def publish(self, job_id: str, relative: str, data: bytes) -> Path:
        target = self.output_dir(job_id).joinpath(*self._inside_outputs(relative).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, data)
        return target

    def result_file(self, job_id: str, relative: str) -> Path | None:
        try:
            parts = self._inside_outputs(relative).parts
        except ValueError:
            return None
        path = self.output_dir(job_id).joinpath(*parts)
        return path if path.is_file() and not path.is_symlink() else None

    def discard(self, job_id: str) -> None:
        shutil.rmtree(self.job_dir(job_id), ignore_errors=True)
