"""The attachment fuzzer's worker (run as a child process by test_attachment_fuzz.py): mutates the seed corpus
and sends every mutant through the attachment part of the package path — type detection, size checks, the
.docx checks, loading (qpdf, images, LibreOffice for .docx), then merging after an application page, stamping
page numbers and saving, as `assemble_package` does. Prints one JSON line: outcomes and peak RSS."""

from __future__ import annotations

import io
import json
import random
import re
import resource
import sys
import time
import traceback
import zipfile
from collections import Counter
from pathlib import Path

import pikepdf

from service.conversion import ConversionPool, PoolSettings
from service.output.pdf import save_pdf
from service.packaging import Attachment, PackageError, PackageLimits, merge, stamp
from service.packaging.attachments import check_docx, check_sizes, detect_kind, load
from service.packaging.convert import docx_to_pdf

CORPUS = Path(__file__).resolve().parent / "corpus"
_NUMBER = re.compile(rb"(?<![\w.])\d+(?![\w.])")
HUGE = [b"0", b"-1", b"4294967296", b"99999999", b"2147483647", b"65535", b"1e308"]


def mutate_bytes(data: bytes, rng: random.Random, keep: int) -> bytes:
    """One to four byte-level edits after the first `keep` bytes (the magic number stays, so the file gets past
    type detection into its parser)."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if len(out) <= keep + 1:
            break
        at = rng.randrange(keep, len(out))
        op = rng.choice(["flip", "byte", "insert", "delete", "dup", "truncate", "number"])
        if op == "flip":
            out[at] ^= 1 << rng.randrange(8)
        elif op == "byte":
            out[at] = rng.choice([0, 0xFF, 0x7F, 0x80, rng.randrange(256)])
        elif op == "insert":
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif op == "delete":
            del out[at : at + rng.randint(1, 64)]
        elif op == "dup":
            size = rng.randint(1, 512)
            out[at:at] = out[at : at + size] * rng.randint(2, 32)
        elif op == "truncate":
            del out[max(keep + 1, at) :]
        else:
            numbers = list(_NUMBER.finditer(out))
            if numbers:
                match = rng.choice(numbers)
                out[match.start() : match.end()] = rng.choice(HUGE)
    return bytes(out)


def mutate_docx(data: bytes, rng: random.Random) -> bytes:
    """Half raw ZIP damage, half damage inside one XML part re-zipped (so it reaches LibreOffice)."""
    if rng.random() < 0.5:
        return mutate_bytes(data, rng, 4)
    src = zipfile.ZipFile(io.BytesIO(data))
    names = [n for n in src.namelist() if n.endswith(".xml")]
    victim = rng.choice(names)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            part = src.read(name)
            dst.writestr(name, mutate_bytes(part, rng, 0) if name == victim else part)
    return out.getvalue()


def blank_application() -> pikepdf.Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595.28, 841.89))
    return pdf


def run_one(name: str, data: bytes, limits: PackageLimits, pool: ConversionPool) -> str:
    att = Attachment(item=3, title="证明材料", data=data, filename=name)

    def convert(docx: bytes) -> bytes:
        return docx_to_pdf(pool, docx)

    check_sizes([att], limits)
    kind = detect_kind(att.name, data[:1024])
    if kind == "docx":
        check_docx(att.name, data)
    loaded = load(att, 1, limits, convert)
    merged = merge.merge([blank_application(), loaded.pdf])
    stamp.stamp_pages(merged, [(i, i) for i in range(1, len(merged.pages))])
    save_pdf(merged)
    return f"ok:{kind}"


def main() -> None:
    job = json.loads(sys.argv[1])
    rng = random.Random(job["seed"])
    limits = PackageLimits()
    seeds = {p.name: p.read_bytes() for p in sorted(CORPUS.iterdir()) if p.is_file()}
    pool = ConversionPool(PoolSettings(size=1))
    outcomes: Counter[str] = Counter()
    crashes: list[str] = []
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    cases = 0
    worst: list[tuple[float, str, str]] = []  # (RSS peak growth in MiB, seed, outcome) of cases that raised the peak
    save = Path(job["save"]) if job.get("save") else None
    try:
        for name, data in seeds.items():
            budget = job["docx"] if name.endswith(".docx") else job["per_seed"]
            for _ in range(budget):
                mutant = mutate_docx(data, rng) if name.endswith(".docx") else mutate_bytes(data, rng, 8)
                cases += 1
                before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                try:
                    outcome = run_one(name, mutant, limits, pool)
                except PackageError as exc:
                    outcome = exc.code
                except Exception as exc:  # the fuzzer's finding: anything not a clean problem
                    outcome = "crash"
                    where = traceback.extract_tb(exc.__traceback__)[-1]
                    crashes.append(f"{name}: {type(exc).__name__}: {exc} ({where.filename}:{where.lineno})"[:400])
                outcomes[outcome] += 1
                grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
                if grown > 50:
                    worst.append((grown, name, outcome))
                    if save is not None:  # keep the mutant for a reproduction
                        save.mkdir(parents=True, exist_ok=True)
                        (save / f"case{cases:05d}-{outcome}-{name}").write_bytes(mutant)
    finally:
        pool.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {
        "cases": cases,
        "outcomes": dict(outcomes),
        "crashes": crashes[:20],
        "peak_rss_mb": peak / 1024,
        "peak_growth_mb": (peak - base) / 1024,
        "seconds": time.monotonic() - started,
        "peak_raisers": sorted(worst, reverse=True)[:10],
    }
    print("RESULT " + json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
