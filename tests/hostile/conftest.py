"""Hostile inputs (issue 12, file-borne defects): builders of the reproductions, and a child process that runs
the package path under an address-space limit and reports its peak memory."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pikepdf

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "corpus"
MiB = 1024 * 1024
GiB = 1024 * MiB
PEAK_CEILING = 1 * GiB
"""What one request may add to the process (address space, enforced with RLIMIT_AS in the child)."""


def flate_bomb(size: int, chunk: int = MiB, fill: bytes = b" ") -> bytes:
    """zlib data that inflates to `size` bytes, made in seconds: after a full flush the compressor starts
    afresh, so one compressed block repeats byte for byte (1 GiB → about 1 MiB)."""
    block = fill * chunk
    compressor = zlib.compressobj(9)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    unit = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    adler = 1
    for _ in range(size // chunk):
        adler = zlib.adler32(block, adler)
    return first + unit * (size // chunk - 1) + b"\x03\x00" + struct.pack(">I", adler)


def bomb_pdf(path: Path, inflated: int = GiB) -> Path:
    """A one-page PDF whose content stream (FlateDecode) inflates to `inflated` bytes of spaces."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    stream = pikepdf.Stream(pdf, b"")
    stream.write(flate_bomb(inflated), filter=pikepdf.Name.FlateDecode)
    pdf.pages[0].obj.Contents = pdf.make_indirect(stream)
    pdf.save(path, compress_streams=False)
    return path


def _raw_deflate_repeat(block: bytes, count: int) -> bytes:
    """Raw deflate data (as in a ZIP) of `block` repeated `count` times, by the same full-flush trick."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    unit = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    return first + unit * (count - 1) + b"\x03\x00"


def write_zip_raw(entries: list[tuple[bytes, bytes, int, int]]) -> bytes:
    """A ZIP from (name bytes, raw deflate data, crc, uncompressed size) with true declared sizes and no
    UTF-8 flag (Zip64 left out: every size here stays below 4 GiB)."""
    out = bytearray()
    central = bytearray()
    for name, data, crc, size in entries:
        offset = len(out)
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(name), 0)
        out += header + name + data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size, len(name), 0, 0, 0, 0,
            0, offset,
        ) + name  # fmt: skip
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(out), 0)
    return bytes(out + central + end)


def zip_bomb_docx(path: Path, inflated: int) -> Path:
    """The seed .docx plus a part inflating to `inflated` bytes of zeros (sizes declared truthfully)."""
    import zipfile

    entries = []
    with zipfile.ZipFile(CORPUS / "seed.docx") as seed:
        for info in seed.infolist():
            data = seed.read(info)
            compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
            raw = compressor.compress(data) + compressor.flush()
            entries.append((info.filename.encode(), raw, zlib.crc32(data), len(data)))
    block = b"\0" * MiB
    crc = 0
    for _ in range(inflated // MiB):
        crc = zlib.crc32(block, crc)
    entries.append((b"word/media/bomb.bin", _raw_deflate_repeat(block, inflated // MiB), crc, inflated))
    path.write_bytes(write_zip_raw(entries))
    return path


CHILD = r"""
import json, os, resource, sys, time
from pathlib import Path
job = json.loads(sys.argv[1])
from service.conversion import ConversionPool, PoolSettings
from service.packaging import Attachment, PackageError, assemble_package
payload = json.loads(Path(job["payload"]).read_text(encoding="utf-8"))
attachments = [Attachment.from_path(p, item) for p, item in job["attachments"]]
pool = ConversionPool(PoolSettings(size=1))  # lazy: LibreOffice starts only if a conversion is reached
vm = int(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmSize:"))) * 1024
resource.setrlimit(resource.RLIMIT_AS, (vm + job["ceiling"], vm + job["ceiling"]))
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.process_time()
try:
    package = assemble_package(job["template"], payload, attachments, converter=pool)
    result = {"outcome": "ok", "pages": package.pages if hasattr(package, "pages") else None}
except PackageError as exc:
    result = {"outcome": "error", "code": exc.code, "message": exc.message}
except MemoryError:
    result = {"outcome": "memory"}
result["cpu_seconds"] = time.process_time() - start
result["peak_growth_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
result["libreoffice_started"] = pool.metrics().ready > 0
pool.close()
print("RESULT " + json.dumps(result, ensure_ascii=False))
"""


def run_package_child(attachments: list[tuple[Path, int]], ceiling: int = PEAK_CEILING) -> dict:
    """assemble_package("park_application", sample payload, attachments) in a child whose address space may
    grow by at most `ceiling` bytes after start-up; its outcome, CPU seconds and peak RSS growth."""
    job = {
        "template": "park_application",
        "payload": str(ROOT / "samples" / "park_application.json"),
        "attachments": [[str(p), item] for p, item in attachments],
        "ceiling": ceiling,
    }
    env = {**os.environ, "MALLOC_ARENA_MAX": "2"}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(job)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, f"child failed (exit {proc.returncode}): {proc.stderr[-2000:]}"
    return json.loads(lines[-1][len("RESULT ") :])
