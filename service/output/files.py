"""Atomic publishing: a reader (or a resumed run) sees the old file or folder or the new one, never half of one."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

FILE_MODE = 0o644
"""Published files are readable by the web server and the user's other tools (mkstemp would leave 0600)."""


@contextmanager
def atomic_path(path: Path, *, mode: int = FILE_MODE) -> Iterator[Path]:
    """A temporary path beside `path` to write to; renamed onto `path` when the block ends without error."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write(path: Path, data: bytes, *, mode: int = FILE_MODE) -> None:
    """Write beside the target and rename."""
    with atomic_path(path, mode=mode) as tmp:
        tmp.write_bytes(data)


def publish_folder(target: Path, files: Mapping[str, bytes], *, staging_dir: Path, mode: int = FILE_MODE) -> None:
    """Build the folder `target` from `files` (relative POSIX paths → bytes) under `staging_dir`, then rename it
    into place, replacing an older version. `staging_dir` must be on the same file system as `target`; it may be
    the folder `target` is in (the staging folder there is hidden and removed at the end)."""
    staging_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=staging_dir))
    try:
        built = staging / "new"
        built.mkdir()
        for rel, data in files.items():
            path = built / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            os.chmod(path, mode)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            os.replace(target, staging / "old")
        os.replace(built, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
