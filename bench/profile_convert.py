"""Where the time of one warm conversion goes: a per-phase breakdown against one started LibreOffice.

    .venv/bin/python bench/profile_convert.py [--runs 30] [--only park_application] [--perf SECONDS]

Starts one LibreOfficeProcess (the pool's, same profile, environment and warm-up), then for each document
(the generated one-page table and the rendered samples, as bench/convert.py builds them) repeats the
conversion step by step over the UNO bridge and prints the p50 of every phase: sanitizing the .docx (Python),
writing the temp file, loadComponentFromURL, setting the document properties, the index check, storeToURL
(PDF export), reading the PDF and close; then the whole `process.convert` call as the pool runs it, and the
CPU time soffice.bin spends per conversion (from /proc/<pid>/stat, robust to machine load).

With --perf N, `perf record -g` is attached to soffice.bin during a loop of whole conversions for N seconds
and `perf report --no-children --sort dso` / `--sort dso,sym` is printed (top entries).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.convert import cpu_seconds, documents
from service.conversion import PdfOptions, PoolSettings
from service.conversion.process import LibreOfficeProcess
from service.conversion.protocol import ConversionJob
from service.conversion.sanitize import sanitize_docx


def phases(process: LibreOfficeProcess, data: bytes, options: PdfOptions, runs: int) -> dict[str, list[float]]:
    """Per-phase timings of `runs` conversions, each phase as its own bridge call(s)."""
    import uno

    from service.conversion import bridge

    connection: Any = process._connection
    directory = process.directory
    assert connection is not None and directory is not None
    jobs = directory / "jobs"
    result: dict[str, list[float]] = defaultdict(list)
    for run in range(runs):
        connection._wait_for_close()
        clock = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            result[name].append(now - clock)
            clock = now

        total_began = clock
        sanitized = sanitize_docx(data, slim=process.settings.slim_styles).data
        lap("sanitize + slim (Python)")
        source, target = jobs / f"p{run}.docx", jobs / f"p{run}.pdf"
        source.write_bytes(sanitized)
        lap("write temp .docx")
        frame, connection._spare_frame = connection._spare_frame, None
        frame = frame or connection._bare_frame()
        lap("frame (made ahead)")
        document = frame.loadComponentFromURL(
            source.as_uri(),
            "_self",
            0,
            bridge._props(
                Hidden=True,
                ReadOnly=True,
                FilterName=bridge.WORD_IMPORT_FILTER,
                MacroExecutionMode=0,
                UpdateDocMode=0,
            ),
        )
        lap("loadComponentFromURL")
        properties = document.getDocumentProperties()
        for name, value in options.document_properties().items():
            setattr(properties, name, value)
        lap("document properties")
        indexes = document.getDocumentIndexes()
        count = indexes.getCount()
        lap("index check")
        for _ in range(2 if count else 0):
            for i in range(count):
                indexes.getByIndex(i).update()
        if count:
            lap("index update")
        filter_data = uno.Any("[]com.sun.star.beans.PropertyValue", bridge._props(**options.filter_data()))
        document.storeToURL(
            target.as_uri(),
            (
                *bridge._props(FilterName=bridge.PDF_EXPORT_FILTER, Overwrite=True),
                bridge.PropertyValue("FilterData", 0, filter_data, 0),
            ),
        )
        lap("storeToURL (PDF export)")
        pdf = target.read_bytes()
        assert pdf.startswith(b"%PDF-")
        source.unlink()
        target.unlink()
        lap("read PDF + unlink")
        result["= critical path"].append(clock - total_began)
        connection._close_later(document)
        connection._wait_for_close()
        lap("close + next frame (off critical path)")
    return result


def whole(process: LibreOfficeProcess, data: bytes, options: PdfOptions, runs: int) -> tuple[list[float], float]:
    """Wall times of process.convert (sanitized as the pool does) and soffice.bin CPU seconds per conversion."""
    pid = process.pid
    assert pid is not None
    times = []
    cpu_before = cpu_seconds(pid)
    for _ in range(runs):
        began = time.perf_counter()
        process.convert(ConversionJob(sanitize_docx(data, slim=process.settings.slim_styles).data, options), 60)
        times.append(time.perf_counter() - began)
    process._connection._wait_for_close()
    return times, (cpu_seconds(pid) - cpu_before) / runs


def run_perf(process: LibreOfficeProcess, docs: list[tuple[str, bytes]], seconds: float, out: Path) -> None:
    pid = process.pid
    assert pid is not None
    stop = threading.Event()
    count = 0

    def loop() -> None:
        nonlocal count
        while not stop.is_set():
            for _, data in docs:
                process.convert(
                    ConversionJob(sanitize_docx(data, slim=process.settings.slim_styles).data, PdfOptions()), 60
                )
                count += 1

    worker = threading.Thread(target=loop)
    worker.start()
    try:
        for _attempt in range(5):  # attaching races with threads that soffice.bin starts and ends
            recorded = subprocess.run(
                [
                    "perf",
                    "record",
                    "-F",
                    "499",
                    "--call-graph",
                    "dwarf,16384",
                    "-o",
                    str(out),
                    "-p",
                    str(pid),
                    "--",
                    "sleep",
                    str(seconds),
                ],
                capture_output=True,
                text=True,
            )
            if recorded.returncode == 0:
                break
            print(f"perf record failed: {recorded.stderr.strip()[-300:]}")
    finally:
        stop.set()
        worker.join()
    print(f"\nperf: {count} conversions in {seconds:g} s ({out})")
    for sort, limit in (("dso", 15), ("dso,sym", 45)):
        report = subprocess.run(
            ["perf", "report", "-i", str(out), "--no-children", "--sort", sort, "--stdio", "-g", "none"],
            capture_output=True,
            text=True,
        ).stdout
        lines = [line for line in report.splitlines() if line.strip() and not line.startswith("#")]
        print(f"\n-- perf report --sort {sort} (top {limit})")
        print("\n".join(lines[:limit]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--only", action="append", default=[], help="document name prefix (repeatable)")
    parser.add_argument("--perf", type=float, default=0, help="perf record soffice.bin for this many seconds")
    parser.add_argument("--perf-output", default="/tmp/docgen-soffice.perf.data", help="perf data file")
    parser.add_argument("--no-slim", action="store_true", help="load the documents with all their styles")
    parser.add_argument("--no-allocator", action="store_true", help="run soffice.bin on glibc malloc")
    args = parser.parse_args()
    only = args.only or ["一页表格", "park_application"]
    docs = [(n, d) for n, d in documents() if any(n.startswith(o) for o in only)]
    with tempfile.TemporaryDirectory(prefix="docgen-profile-") as temp_root:
        settings = PoolSettings(
            size=1,
            temp_root=temp_root,
            allocator=None if args.no_allocator else "auto",
            slim_styles=not args.no_slim,
        )
        process = LibreOfficeProcess(settings, name="profile")
        process.start()
        try:
            options = PdfOptions(title="标题", author="申请单位", subject="申请书", keywords=("a", "b"))
            for name, data in docs:
                process.convert(ConversionJob(sanitize_docx(data, slim=process.settings.slim_styles).data, options), 60)
                result = phases(process, data, options, args.runs)
                times, cpu = whole(process, data, options, args.runs)
                print(f"\n{name}  ({len(data)} bytes, {args.runs} runs; p50 / mean ms)")
                for phase, values in result.items():
                    print(
                        f"  {phase:<28}{statistics.median(values) * 1000:>8.1f}{statistics.mean(values) * 1000:>8.1f}"
                    )
                print(
                    f"  {'process.convert (whole)':<28}{statistics.median(times) * 1000:>8.1f}"
                    f"{statistics.mean(times) * 1000:>8.1f}"
                )
                print(f"  {'soffice.bin CPU / conv':<28}{cpu * 1000:>8.1f}")
            if args.perf:
                run_perf(process, docs, args.perf, Path(args.perf_output))
        finally:
            process.stop()


if __name__ == "__main__":
    main()
