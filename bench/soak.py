"""Soak benchmark: mixed traffic against one server for `--minutes` (default 10), on loopback.

Starts `docgen serve` (the defaults `make serve` uses, a free 127.0.0.1 port, a temporary data directory) and
keeps `--concurrency` clients busy with a mix of requests: the 申请书 as .docx and as PDF
(POST /v1/documents/park_application), application packages with a PDF and a PNG attachment
(POST /v1/packages/park_application) and, one at a time, the sample batch of 7 candidates (POST /v1/batches,
polled to completion). Every minute it prints the RSS of the server and of each LibreOffice process, the
requests and errors of that minute and their p99 latency; at the end the totals, the RSS drift of the server
from the first to the last minute, and the batches finished. Exits 1 when any request failed.

    .venv/bin/python bench/soak.py [--minutes 10] [--concurrency 4]

Only 127.0.0.1 is contacted; requests are bounded in number (--max-requests) and time (timeout per request,
the run's end).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import random
import sys
import tempfile
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import free_port, start_server, stop_server, wait_ready

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
PAYLOAD = json.loads((SAMPLES / "park_application.json").read_text(encoding="utf-8"))
ATTACHMENTS = [
    (SAMPLES / "attachments" / "park" / "5" / "融资情况证明材料.pdf", 5, "application/pdf"),
    (SAMPLES / "batch_guangzhou" / "attachments" / "common" / "布局平面图.png", 1, "image/png"),
]
REQUEST_TIMEOUT = 300.0
MIX = {"docx": 6, "pdf": 3, "package": 1}
"""Relative weights of the request kinds (a batch runs besides them, one at a time)."""


def batch_zip() -> bytes:
    out = io.BytesIO()
    source = SAMPLES / "batch_guangzhou"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(source.rglob("*")):
            if path.is_file() and path.suffix != ".py":
                zf.write(path, path.relative_to(source).as_posix())
    return out.getvalue()


def processes_under(pid: int) -> list[tuple[int, str, int]]:
    """(pid, command name, RSS KiB) of `pid` and all its descendants, from /proc."""
    info: dict[int, tuple[int, str, int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        rss = next((int(x.split()[1]) for x in status.splitlines() if x.startswith("VmRSS:")), 0)
        info[int(entry.name)] = (ppid, name, rss)
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        if current in info:
            found.append((current, info[current][1], info[current][2]))
        stack.extend(child for child, (ppid, _, _) in info.items() if ppid == current)
    return found


@dataclass
class Window:
    latencies: list[float] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def p99(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] * 1000 if ordered else float("nan")


@dataclass
class Soak:
    base: str
    deadline: float
    max_requests: int
    window: Window = field(default_factory=Window)
    total: Window = field(default_factory=Window)
    sent: int = 0
    batches_done: int = 0
    batch_seconds: list[float] = field(default_factory=list)

    def record(self, kind: str, seconds: float, error: str | None) -> None:
        for w in (self.window, self.total):
            w.latencies.append(seconds)
            w.kinds[kind] += 1
            if error:
                w.errors.append(f"{kind}: {error}")

    async def one(self, client: httpx.AsyncClient, kind: str) -> None:
        start = time.perf_counter()
        error = None
        try:
            if kind == "package":
                files = [("files", (p.name, p.read_bytes(), mime)) for p, _, mime in ATTACHMENTS]
                data = {
                    "payload": json.dumps(PAYLOAD, ensure_ascii=False),
                    "items": [str(i) for _, i, _ in ATTACHMENTS],
                }
                response = await client.post("/v1/packages/park_application", data=data, files=files)
                ok = response.status_code == 200 and response.content.startswith(b"PK")
            else:
                response = await client.post(f"/v1/documents/park_application?format={kind}", json=PAYLOAD)
                ok = response.status_code == 200 and response.content.startswith(b"PK" if kind == "docx" else b"%PDF")
            if not ok:
                error = f"{response.status_code} {response.text[:160]}"
        except httpx.HTTPError as exc:
            error = type(exc).__name__
        self.record(kind, time.perf_counter() - start, error)

    async def client_loop(self, client: httpx.AsyncClient, rng: random.Random) -> None:
        kinds, weights = list(MIX), list(MIX.values())
        while time.monotonic() < self.deadline and self.sent < self.max_requests:
            self.sent += 1
            await self.one(client, rng.choices(kinds, weights)[0])

    async def batch_loop(self, client: httpx.AsyncClient) -> None:
        upload = batch_zip()
        while time.monotonic() < self.deadline - 60:  # a batch started in the last minute would not finish
            start = time.perf_counter()
            try:
                response = await client.post("/v1/batches", files={"file": ("广州.zip", upload, "application/zip")})
                if response.status_code != 202:
                    self.record("batch", time.perf_counter() - start, f"{response.status_code} {response.text[:160]}")
                    return
                job = response.json()["id"]
                while time.monotonic() < self.deadline + 600:
                    status = (await client.get(f"/v1/batches/{job}")).json()
                    if status.get("state") in ("completed", "completed_with_failures", "failed", "cancelled"):
                        break
                    await asyncio.sleep(1)
                result = await client.get(f"/v1/batches/{job}/result")
                failed = result.status_code != 200 or not result.content.startswith(b"PK")
                self.record("batch", time.perf_counter() - start, f"state {status.get('state')}" if failed else None)
                if not failed:
                    self.batches_done += 1
                    self.batch_seconds.append(time.perf_counter() - start)
            except httpx.HTTPError as exc:
                self.record("batch", time.perf_counter() - start, type(exc).__name__)

    async def reporter(self, pid: int, minutes: int) -> list[int]:
        server_rss: list[int] = []
        for minute in range(1, minutes + 1):
            await asyncio.sleep(max(0.0, self.deadline - (minutes - minute) * 60 - time.monotonic()))
            procs = processes_under(pid)
            own = next((rss for p, _, rss in procs if p == pid), 0)
            server_rss.append(own)
            office = ", ".join(f"{p}:{rss / 1024:.0f}" for p, name, rss in procs if name.startswith("soffice"))
            w, self.window = self.window, Window()
            kinds = " ".join(f"{k}={n}" for k, n in sorted(w.kinds.items()))
            line = f"[{minute:2d} min] 服务 RSS {own / 1024:.0f} MiB | LibreOffice RSS (pid:MiB) {office or '-'}"
            print(
                f"{line} | 请求 {len(w.latencies)} ({kinds}) | 错误 {len(w.errors)} | p99 {w.p99():.0f} ms", flush=True
            )
        return server_rss


async def run(base: str, pid: int, minutes: int, concurrency: int, max_requests: int) -> Soak:
    soak = Soak(base, time.monotonic() + minutes * 60, max_requests)
    limits = httpx.Limits(max_connections=concurrency + 2, max_keepalive_connections=concurrency + 2)
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT, limits=limits) as client:
        rng = random.Random(20260327)
        loops = [soak.client_loop(client, random.Random(rng.random())) for _ in range(concurrency)]
        reporter = asyncio.create_task(soak.reporter(pid, minutes))
        await asyncio.gather(*loops, soak.batch_loop(client))
        server_rss = await reporter
    first, last = server_rss[0], server_rss[-1]
    t = soak.total
    print(f"\n合计 total: {len(t.latencies)} 个请求（{' '.join(f'{k}={n}' for k, n in sorted(t.kinds.items()))}），"
          f"错误 {len(t.errors)}，p99 {t.p99():.0f} ms；批量任务完成 {soak.batches_done} 个"
          + (f"（每个 {min(soak.batch_seconds):.0f}–{max(soak.batch_seconds):.0f} s）" if soak.batch_seconds else "")
          + f"；服务 RSS 第 1 分钟 {first / 1024:.0f} MiB → 第 {minutes} 分钟 {last / 1024:.0f} MiB")  # fmt: skip
    return soak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=int, default=10, help="duration (default 10)")
    parser.add_argument("--concurrency", type=int, default=4, help="clients sending documents and packages")
    parser.add_argument("--max-requests", type=int, default=50_000, help="upper bound on requests sent")
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="docgen-soak-") as tmp:
        data_dir, log = Path(tmp), Path(tmp) / "server.log"
        proc = start_server(port, data_dir, log)
        try:
            wait_ready(proc, base, log)
            print(f"soak: {args.minutes} 分钟，并发 {args.concurrency}，混合 {MIX} + 批量（每次一个）", flush=True)
            soak = asyncio.run(run(base, proc.pid, args.minutes, args.concurrency, args.max_requests))
        finally:
            stop_server(proc)
    if soak.total.errors:
        print(f"错误 errors ({len(soak.total.errors)}), first: {soak.total.errors[:3]}")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
