"""Batch generation vs the naive path, in one run: wall time, ratio and peak memory.

    .venv/bin/python bench/batch.py                  # 20 candidates (8 parks, 12 enterprises)
    .venv/bin/python bench/batch.py --candidates 10

The batch is generated from the samples (samples/batch_guangzhou/make_batch.py with distinct names and credit
codes, no errors). Measured, each in its own child process:

  batch, 1 worker    `run_batch` with a LibreOffice pool of 1: every package (申请书 rendered twice for the
                     附件清单 page references, attachments, merge, page numbers, bundle) and the city summary
  batch, 2 workers   the same with a pool of 2
  naive              render each 申请书 and the summary once and convert each with a new
                     `soffice --convert-to pdf` process, sequentially (no merge, no page references: less
                     work than the batch does, so the ratio is conservative)

Peak RSS is the largest sum of resident memory of the child and all its descendants (LibreOffice included),
sampled every 50 ms from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples" / "batch_guangzhou"))


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def measure(argv: list[str]) -> tuple[dict, int]:
    """Run a child; its JSON result line and the peak RSS of its process tree."""
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, sum(_rss(p) for p in _descendants(proc.pid)))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    stop.set()
    sampler.join()
    if proc.returncode not in (0, 3):
        raise SystemExit(f"child failed ({proc.returncode}): {argv}")
    return json.loads(out.strip().splitlines()[-1]), peak


# --- children --------------------------------------------------------------------------------------------------


def child_batch(manifest: Path, out: Path, workers: int) -> None:
    from service.batch import run_batch
    from service.conversion import ConversionPool, PoolSettings

    with ConversionPool(PoolSettings(size=workers)) as pool:  # started before the clock: a service's warm pool
        start = time.perf_counter()
        report = run_batch(manifest, out, workers=workers, converter=pool)
        seconds = time.perf_counter() - start
    failed = [c.key for c in report.failed]
    if failed:
        raise SystemExit(f"unexpected failures: {failed}")
    print(json.dumps({"seconds": seconds, "documents": len(report.ok), "pages": sum(c.pages or 0 for c in report.ok)}))


def child_naive(manifest: Path, out: Path) -> None:
    from service.batch.manifest import load_manifest
    from service.rendering import render

    loaded = load_manifest(manifest)
    out.mkdir(parents=True, exist_ok=True)
    soffice = shutil.which("soffice") or "soffice"
    start = time.perf_counter()
    documents: list[tuple[str, bytes]] = []
    for n, cand in enumerate(loaded.candidates, start=1):
        assert cand.entry is not None
        documents.append((f"{n:02d}", render(cand.entry.type.template_id, cand.payload)))
    documents.append(("summary", render("city_recommendation_summary", _summary_payload(loaded))))
    for name, docx in documents:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / f"{name}.docx"
            src.write_bytes(docx)
            subprocess.run(
                [soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
                 "--outdir", str(out), str(src)],
                check=True, capture_output=True, env={**os.environ, "HOME": tmp},
            )  # fmt: skip
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "documents": len(documents)}))


def _summary_payload(loaded: Any) -> dict[str, Any]:
    from service.batch.checks import facts_of

    rows = []
    counters = {"park": 0, "enterprise": 0}
    for cand in loaded.candidates:
        facts = facts_of(cand)
        kind = cand.entry.type.value
        counters[kind] += 1
        category = "园区" if kind == "park" else "企业"
        rows.append({"priority": counters[kind], "applicant": facts.applicant, "name": facts.name,
                     "category": category, "creation_field": facts.creation_fields[0]})  # fmt: skip
    return {"recommender": loaded.recommender.department, "region": loaded.recommender.city, "rows": rows}


# --- the table -------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--child", choices=("batch", "naive"))
    parser.add_argument("--manifest", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    if args.child == "batch":
        return child_batch(args.manifest, args.out, args.workers)
    if args.child == "naive":
        return child_naive(args.manifest, args.out)

    from make_batch import make_candidates, write_batch

    parks = args.candidates * 2 // 5
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        root = Path(tmp)
        candidates, files = make_candidates(parks, args.candidates - parks, sample=False)
        manifest = write_batch(root / "batch", candidates, files)
        me = [sys.executable, str(Path(__file__).resolve())]
        results = {}
        naive_argv = [*me, "--child", "naive", "--manifest", str(manifest), "--out", str(root / "naive")]
        results["naive"] = measure(naive_argv)
        for workers in (1, 2):
            out = root / f"batch-{workers}"
            results[f"batch, {workers} worker{'s' if workers > 1 else ''}"] = measure(
                [*me, "--child", "batch", "--manifest", str(manifest), "--out", str(out), "--workers", str(workers)]
            )
    naive = results["naive"][0]["seconds"]
    cpus = len(os.sched_getaffinity(0))
    print(f"{args.candidates} 个申报对象（{parks} 园区 + {args.candidates - parks} 企业）+ 推荐汇总表，{cpus} 核")
    print(f"{'方式':<22}{'墙钟时间 (s)':>14}{'相对朴素方式':>14}{'峰值 RSS (MB)':>16}")
    for name, (data, peak) in results.items():
        ratio = data["seconds"] / naive
        print(f"{name:<22}{data['seconds']:>14.1f}{ratio:>13.0%}{peak / 2**20:>16.0f}")


if __name__ == "__main__":
    main()
