"""Embedded batch vs Celery workers: wall time, candidates per minute, queueing overhead per task, peak memory.

    .venv/bin/python bench/distributed.py                   # 40 candidates (16 parks, 24 enterprises)
    .venv/bin/python bench/distributed.py --candidates 10

The batch is generated from the samples (samples/batch_guangzhou/make_batch.py, no errors). Measured:

  embedded, pool of 2      `run_batch` in one process with a LibreOffice pool of 2 (started before the clock)
  celery, 1 worker         `docgen batch --runner celery` against one `docgen worker --concurrency 1`
  celery, 2 workers        the same against two workers with a pool of 1 each (as on two machines)

Redis is a throwaway server (tests/redis_server.py); the job store is one SQLite file shared by the workers
(one machine). Workers are started and ready (LibreOffice warm) before the clock starts. The clock of a Celery run
runs from submission until the job is finished in the store.

Queueing overhead per task: a candidate task's time on the worker (Celery's runtime, from the worker log) minus the
candidate's own production time (report.json `seconds`) — loading the manifest, validating the candidate,
the store round trips and the completion check — plus the broker's hand-over (mean time between one task's end
and the next task's start on the same worker, while tasks were waiting).
Peak RSS: the largest sum of resident memory of every process involved (workers and LibreOffice included),
sampled every 100 ms from /proc.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples" / "batch_guangzhou"))
sys.path.insert(0, str(ROOT / "bench"))

from batch import _descendants, _rss  # noqa: E402  (bench/batch.py)

DOCGEN = [sys.executable, "-m", "service.cli"]


class PeakRss:
    """Largest summed RSS of the process trees below `pids` (the list may grow)."""

    def __init__(self, pids: list[int]) -> None:
        self.pids, self.peak = pids, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            seen = {p for root in list(self.pids) for p in _descendants(root)}
            self.peak = max(self.peak, sum(_rss(p) for p in seen))
            self._stop.wait(0.1)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def embedded(manifest: Path, out: Path) -> dict[str, Any]:
    argv = [sys.executable, str(ROOT / "bench" / "batch.py"), "--child", "batch", "--manifest", str(manifest),
            "--out", str(out), "--workers", "2"]  # fmt: skip
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    rss = PeakRss([proc.pid])
    stdout, _ = proc.communicate()
    peak = rss.stop()
    if proc.returncode != 0:
        raise SystemExit(f"embedded run failed ({proc.returncode})")
    data = json.loads(stdout.strip().splitlines()[-1])
    return {"seconds": data["seconds"], "peak": peak, "overhead": None, "handover": None}


def celery(manifest: Path, root: Path, workers: int) -> dict[str, Any]:
    from tests.redis_server import RedisServer

    redis = RedisServer(root / "redis")
    redis.start()
    env = {**os.environ, "DOCGEN_BROKER_URL": redis.url, "DOCGEN_LOG_LEVEL": "info",
           "DOCGEN_DATABASE_URL": f"sqlite:///{root / 'jobs.db'}"}  # fmt: skip
    procs: list[subprocess.Popen[bytes]] = []
    logs = [root / f"worker-{n}.log" for n in range(workers)]
    try:
        for n, log in enumerate(logs):
            argv = [*DOCGEN, "worker", "--concurrency", "1", "--hostname", f"bench{n}@local"]
            procs.append(subprocess.Popen(argv, cwd=ROOT, env={**env, "DOCGEN_DATA_DIR": str(root / f"w{n}")},
                                          stdout=log.open("wb"), stderr=subprocess.STDOUT))  # fmt: skip
        deadline = time.monotonic() + 180
        while not all("ready." in log.read_text(errors="replace") for log in logs):
            if time.monotonic() > deadline:
                raise SystemExit("workers did not start")
            time.sleep(0.2)
        rss = PeakRss([p.pid for p in procs])
        out = root / "out"
        start = time.perf_counter()
        done = subprocess.run([*DOCGEN, "batch", str(manifest), "-o", str(out), "--runner", "celery"], cwd=ROOT,
                              env=env, capture_output=True, text=True)  # fmt: skip
        seconds = time.perf_counter() - start
        peak = rss.stop()
        if done.returncode != 0:
            raise SystemExit(f"celery run failed ({done.returncode}): {done.stdout[-2000:]}")
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(120)
        redis.stop()
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    produce = {c["key"]: c["seconds"] for c in report["candidates"]}
    overheads, handovers = [], []
    for log in logs:
        events = _task_events(log)
        overheads += [runtime - produce[key] for key, (_, _, runtime) in events.items()]
        spans = sorted(events.values())
        handovers += [b[0] - a[1] for a, b in itertools.pairwise(spans)]
    return {
        "seconds": seconds,
        "peak": peak,
        "overhead": sum(overheads) / len(overheads),
        "handover": sum(handovers) / len(handovers) if handovers else None,
    }


def _task_events(log: Path) -> dict[str, tuple[float, float, float]]:
    """candidate key → (received, succeeded, runtime) of its candidate task, from a worker's JSON log."""
    received: dict[str, float] = {}
    out: dict[str, tuple[float, float, float]] = {}
    for line in log.read_text(errors="replace").splitlines():
        if not line.startswith("{") or "docgen.batch.candidate[" not in line:
            continue
        entry = json.loads(line)
        data = entry.get("data") or {}
        at = datetime.fromisoformat(entry["ts"]).timestamp()
        key = json.loads(data["args"].replace("'", '"'))[1] if "args" in data else None
        if key is None:
            continue
        if "received" in entry["message"]:
            received[key] = at
        elif "succeeded" in entry["message"] and key in received:
            out[key] = (received[key], at, float(data["runtime"]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=40)
    args = parser.parse_args()
    from make_batch import make_candidates, write_batch

    parks = args.candidates * 2 // 5
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-distributed-") as tmp:
        root = Path(tmp)
        candidates, files = make_candidates(parks, args.candidates - parks, sample=False)
        manifest = write_batch(root / "batch", candidates, files)
        results["embedded, pool of 2"] = embedded(manifest, root / "embedded")
        for workers in (1, 2):
            (root / f"celery-{workers}").mkdir()
            name = f"celery, {workers} worker{'s' if workers > 1 else ''} × pool 1"
            results[name] = celery(manifest, root / f"celery-{workers}", workers)
    cpus = len(os.sched_getaffinity(0))
    n = args.candidates
    print(f"{n} 个申报对象（{parks} 园区 + {n - parks} 企业）+ 推荐汇总表，{cpus} 核（同一台机器）")
    print(f"{'方式':<30}{'墙钟 (s)':>10}{'个/分钟':>10}{'任务开销 (s)':>14}{'交接 (s)':>10}{'峰值 RSS (MB)':>16}")
    for name, r in results.items():
        overhead = "—" if r["overhead"] is None else f"{r['overhead']:.2f}"
        handover = "—" if r["handover"] is None else f"{r['handover']:.2f}"
        print(f"{name:<30}{r['seconds']:>10.1f}{n / r['seconds'] * 60:>10.1f}{overhead:>14}{handover:>10}"
              f"{r['peak'] / 2**20:>16.0f}")  # fmt: skip
    print(json.dumps({k: {**v, "per_minute": n / v["seconds"] * 60} for k, v in results.items()}))


if __name__ == "__main__":
    main()
