"""Deterministic ZIP archives: the same entries give the same bytes, and every unzip tool shows the names right.

Every entry gets
- the UTF-8 "language encoding" flag (general purpose bit 11), so Chinese names are read as UTF-8 (zipfile
  clears flag_bits when it writes an entry and sets the flag again for names that are not ASCII: pure ASCII
  names, as in a .docx, go without it, which every reader takes the same way);
- "made by Unix" (create_system 3) with Unix modes (0o100644 files, 0o040755 folders plus the MS-DOS folder
  bit). Not MS-DOS: Debian's Info-ZIP `unzip` re-encodes the names of DOS-made archives through the OEM code
  page even when the UTF-8 flag is set, so `unzip -Z1` would list mojibake;
- one fixed timestamp (given by the caller: the 填报日期, or 1980-01-01 for rendered documents);
- a fresh ZipInfo: `writestr` stores size and CRC in the ZipInfo it is given, so an instance shared between
  threads (or renders) can end up with another entry's CRC.
Entries are written sorted by name unless the caller asks to keep its order (a .docx keeps its template's order,
[Content_Types].xml first).

An entry the caller marks as reused (`data(..., reuse=True)`: a template's unchanged styles, theme, fonts) is
deflated once and its compressed bytes are written again on later calls: the same data at the same level always
deflates to the same bytes, so the archive is byte-for-byte what `writestr` would write.
"""

from __future__ import annotations

import shutil
import threading
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from io import BytesIO
from pathlib import Path
from typing import IO

from service.output.files import FILE_MODE, atomic_path

UTF8_FLAG = 0x800
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""The earliest time a ZIP can hold: for archives whose date means nothing (a rendered .docx)."""
UNIX = 3
DIR_MODE = 0o040755
REGULAR_FILE = 0o100000
MSDOS_DIR = 0x10
COMPRESS_LEVEL = 6

DateTime = tuple[int, int, int, int, int, int]
EntrySource = bytes | Path | None
"""Bytes, a file to copy (streamed) or None for a folder entry (a name ending in "/")."""


def zip_info(name: str, date_time: DateTime, *, folder: bool = False, mode: int = FILE_MODE) -> zipfile.ZipInfo:
    """A new ZipInfo for one entry (never reuse one: see the module docstring)."""
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.create_system = UNIX
    info.flag_bits |= UTF8_FLAG
    if folder:
        info.external_attr = (DIR_MODE << 16) | MSDOS_DIR
        info.compress_type = zipfile.ZIP_STORED
    else:
        info.external_attr = (REGULAR_FILE | mode) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
    return info


class _DeflateCache:
    """Deflated bytes (and CRC) of entries written again and again, keyed by (level, data); least recently used
    entries are dropped beyond `max_entries` or `max_bytes` of data. Thread-safe: deflating happens outside the
    lock (two threads may both deflate the same data once; they get the same bytes)."""

    def __init__(self, max_entries: int = 256, max_bytes: int = 64 << 20) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[int, bytes], tuple[int, bytes]] = OrderedDict()
        self._bytes = 0

    def get(self, data: bytes, level: int) -> tuple[int, bytes]:
        key = (level, data)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        value = deflate(data, level)
        with self._lock:
            if key not in self._items:
                self._items[key] = value
                self._bytes += len(data)
                while self._items and (len(self._items) > self.max_entries or self._bytes > self.max_bytes):
                    (_, old), _ = self._items.popitem(last=False)
                    self._bytes -= len(old)
        return value


def deflate(data: bytes, level: int = COMPRESS_LEVEL) -> tuple[int, bytes]:
    """(CRC, deflated bytes) of `data` as zipfile's ZIP_DEFLATED compressor makes them: raw deflate, one
    compress() of the whole data, then flush(). Thread-safe, and zlib releases the GIL while it works: callers
    may deflate entries in other threads ahead of writing them (`ZipWriter.data(..., ahead=…)`)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return zlib.crc32(data), compressor.compress(data) + compressor.flush()


DEFLATED = _DeflateCache()
# Small entries deflate in microseconds: not worth a cache slot.
_REUSE_MIN_BYTES = 2048
# Far below the ZIP64 limit, where zipfile would write a ZIP64 header instead.
_REUSE_MAX_BYTES = 16 << 20
_DEFLATED_MAX_BYTES = 1 << 30


class ZipWriter:
    """Adds entries to a ZIP (a path or an open binary file), each with its own fresh, deterministic ZipInfo."""

    def __init__(self, target: Path | IO[bytes], date_time: DateTime, *, compresslevel: int = COMPRESS_LEVEL) -> None:
        self.date_time = date_time
        self.compresslevel = compresslevel
        self._zf = zipfile.ZipFile(target, "w", allowZip64=True)

    def folder(self, name: str) -> None:
        name = name if name.endswith("/") else f"{name}/"
        self._zf.writestr(zip_info(name, self.date_time, folder=True), b"")

    def data(self, name: str, data: bytes, *, reuse: bool = False, ahead: tuple[int, bytes] | None = None) -> None:
        """One entry; `reuse`: the same bytes are written often (a template's static part), deflate them once.
        `ahead`: `deflate(data, level)` made beforehand (in another thread) at this writer's level; the archive
        is the same as without it."""
        info = zip_info(name, self.date_time)
        if (
            ahead is not None
            and len(data) < _DEFLATED_MAX_BYTES
            and self.compresslevel > 0
            and self._zf._seekable  # type: ignore[attr-defined]
            and ahead[0] == zlib.crc32(data)
        ):
            self._write_deflated(info, len(data), *ahead)
            return
        if reuse and _REUSE_MIN_BYTES <= len(data) < _REUSE_MAX_BYTES and self.compresslevel > 0 and self._zf._seekable:  # type: ignore[attr-defined]
            crc, deflated = DEFLATED.get(data, self.compresslevel)
            self._write_deflated(info, len(data), crc, deflated)
            return
        self._zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=self.compresslevel)

    def _write_deflated(self, info: zipfile.ZipInfo, size: int, crc: int, deflated: bytes) -> None:
        """What `writestr` writes for this entry (zipfile 3.11-3.13 `_open_to_write` and `_ZipWriteFile.close`
        on a seekable file), with the deflated bytes given."""
        zf = self._zf
        with zf._lock:  # type: ignore[attr-defined]
            if zf._writing:  # type: ignore[attr-defined]
                raise ValueError("Can't write to ZIP archive while an open writing handle exists.")
            info.compress_type = zipfile.ZIP_DEFLATED
            info.flag_bits = 0x00  # as _open_to_write: the UTF-8 flag is derived from the name when written
            info.file_size = size
            info.compress_size = len(deflated)
            info.CRC = crc
            fp = zf.fp
            assert fp is not None
            fp.seek(zf.start_dir)
            info.header_offset = fp.tell()
            zf._writecheck(info)  # type: ignore[attr-defined]
            zf._didModify = True  # type: ignore[attr-defined]
            fp.write(info.FileHeader(False))
            fp.write(deflated)
            zf.start_dir = fp.tell()
            zf.filelist.append(info)
            zf.NameToInfo[info.filename] = info

    def file(self, name: str, path: Path) -> None:
        """Copy a file in chunks (a batch delivery can hold gigabytes)."""
        info = zip_info(name, self.date_time)
        # zf.open(info, "w") takes the level from the ZipInfo (`compress_level` from Python 3.13 on)
        setattr(info, "compress_level" if hasattr(info, "compress_level") else "_compresslevel", self.compresslevel)
        with Path(path).open("rb") as src, self._zf.open(info, "w", force_zip64=True) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)

    def add(self, name: str, source: EntrySource) -> None:
        if source is None:
            self.folder(name)
        elif isinstance(source, Path):
            self.file(name, source)
        else:
            self.data(name, source)

    def close(self) -> None:
        self._zf.close()

    def __enter__(self) -> ZipWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def tree_entries(root: str | None, files: Mapping[str, EntrySource]) -> dict[str, EntrySource]:
    """`files` (relative POSIX paths) under `root/` with a folder entry for `root` and every parent folder."""
    prefix = f"{root}/" if root else ""
    entries: dict[str, EntrySource] = {prefix: None} if root else {}
    for rel, source in files.items():
        parts = rel.split("/")
        for depth in range(1, len(parts)):
            entries[f"{prefix}{'/'.join(parts[:depth])}/"] = None
        entries[f"{prefix}{rel}"] = source
    return entries


def _write(
    writer: ZipWriter, entries: Mapping[str, EntrySource] | Iterable[tuple[str, EntrySource]], sort: bool
) -> None:
    items = list(entries.items()) if isinstance(entries, Mapping) else list(entries)
    if sort:
        items.sort(key=lambda item: item[0])
    for name, source in items:
        writer.add(name, source)


def build_zip(
    entries: Mapping[str, EntrySource] | Iterable[tuple[str, EntrySource]],
    date_time: DateTime,
    *,
    sort: bool = True,
    compresslevel: int = COMPRESS_LEVEL,
) -> bytes:
    """The archive in memory. `sort=False` keeps the given order."""
    out = BytesIO()
    with ZipWriter(out, date_time, compresslevel=compresslevel) as writer:
        _write(writer, entries, sort)
    return out.getvalue()


def write_zip(
    target: Path,
    entries: Mapping[str, EntrySource] | Iterable[tuple[str, EntrySource]],
    date_time: DateTime,
    *,
    sort: bool = True,
    compresslevel: int = COMPRESS_LEVEL,
) -> None:
    """The archive streamed to a temporary file beside `target`, then renamed onto it (atomic)."""
    with atomic_path(target) as tmp, ZipWriter(tmp, date_time, compresslevel=compresslevel) as writer:
        _write(writer, entries, sort)
