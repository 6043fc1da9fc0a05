"""Load benchmark of the HTTP API on loopback, with the settings `make serve` uses.

Starts the server as a subprocess (`docgen serve` with the default settings, on a free 127.0.0.1 port and a
temporary data directory), waits for /readyz, then for POST /v1/documents/park_application?format=docx and
?format=pdf at concurrency 1, 8 and 32 sends a bounded number of requests (httpx, async) and prints
requests/s, p50/p99 latency, the error count (must be 0) and the peak RSS of the server process and of the
server with its LibreOffice processes. Stops the server at the end, whatever happens.

    .venv/bin/python bench/load.py [--docx-requests 400] [--pdf-requests 96] [--quick]

Only 127.0.0.1 is contacted; every loop is bounded in requests and time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PAYLOAD = json.loads((ROOT / "samples" / "park_application.json").read_text(encoding="utf-8"))
CONCURRENCY = (1, 8, 32)
REQUEST_TIMEOUT = 300.0
MAGIC = {"docx": b"PK", "pdf": b"%PDF"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_rss_kib(pid: int) -> tuple[int, int]:
    """(RSS of the process, RSS of the process and all its descendants) in KiB, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            status = (entry / "status").read_text()
        except OSError:
            continue
        ppid = int(fields[1])
        children.setdefault(ppid, []).append(int(entry.name))
        line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), None)
        rss[int(entry.name)] = int(line.split()[1]) if line else 0
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return rss.get(pid, 0), total


class RssSampler:
    """Peak RSS while a scenario runs (sampled every 0.25 s in a thread)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = (0, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            own, total = tree_rss_kib(self.pid)
            self.peak = (max(self.peak[0], own), max(self.peak[1], total))
            self._stop.wait(0.25)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Result:
    fmt: str
    concurrency: int
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    rss: tuple[int, int] = (0, 0)

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000 if ordered else float("nan")


async def run_scenario(base: str, fmt: str, concurrency: int, requests: int) -> Result:
    result = Result(fmt, concurrency)
    remaining = requests
    url = f"/v1/documents/park_application?format={fmt}"
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def client_loop(client: httpx.AsyncClient) -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            start = time.perf_counter()
            try:
                response = await client.post(url, json=PAYLOAD)
            except httpx.HTTPError as exc:
                result.errors.append(type(exc).__name__)
                continue
            result.latencies.append(time.perf_counter() - start)
            if response.status_code != 200 or not response.content.startswith(MAGIC[fmt]):
                result.errors.append(f"{response.status_code} {response.text[:120]}")

    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT, limits=limits) as client:
        await client.post(url, json=PAYLOAD)  # warm the connection pool and the code path
        start = time.perf_counter()
        await asyncio.gather(*(client_loop(client) for _ in range(concurrency)))
        result.seconds = time.perf_counter() - start
    return result


def start_server(port: int, data_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DOCGEN_DATA_DIR": str(data_dir), "DOCGEN_LOG_LEVEL": "warning"}
    for key in ("DOCGEN_SETTINGS_FILE", "DOCGEN_API_KEYS", "DOCGEN_POOL_SIZE", "DOCGEN_QUEUE_LIMIT", "DOCGEN_WORKERS"):
        env.pop(key, None)  # the embedded defaults, as `make serve` runs them
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=data_dir, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def wait_ready(proc: subprocess.Popen[bytes], base: str, log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"服务启动失败 (server exited):\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise SystemExit("服务未在限定时间内就绪 (server not ready in time)")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docx-requests", type=int, default=400, help="requests per docx scenario")
    parser.add_argument("--pdf-requests", type=int, default=96, help="requests per pdf scenario")
    parser.add_argument("--quick", action="store_true", help="a short run (smoke test of the benchmark)")
    args = parser.parse_args()
    counts = {"docx": args.docx_requests, "pdf": args.pdf_requests}
    if args.quick:
        counts = {"docx": 40, "pdf": 12}

    from service.api.settings import Settings

    defaults = Settings(_env_file=None)
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    print(f"机器 machine: {os.cpu_count()} cores, {cpu}; Python {platform.python_version()}")
    print(f"服务设置 settings: workers={defaults.workers}, pool_size={defaults.pool_size}, "
          f"queue_limit={defaults.queue_limit}, render_threads={defaults.render_threads} (the defaults)")  # fmt: skip

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="docgen-load-") as tmp:
        data_dir, log = Path(tmp), Path(tmp) / "server.log"
        proc = start_server(port, data_dir, log)
        results: list[Result] = []
        try:
            wait_ready(proc, base, log)
            idle = tree_rss_kib(proc.pid)
            print(f"空闲 RSS idle: server {idle[0] / 1024:.0f} MiB, with LibreOffice {idle[1] / 1024:.0f} MiB\n")
            for fmt in ("docx", "pdf"):
                for concurrency in CONCURRENCY:
                    with RssSampler(proc.pid) as sampler:
                        result = asyncio.run(run_scenario(base, fmt, concurrency, counts[fmt]))
                    result.rss = sampler.peak
                    results.append(result)
        finally:
            stop_server(proc)

    print("| 格式 | 并发 | 请求数 | 请求/秒 | p50 (ms) | p99 (ms) | 错误 | 服务 RSS 峰值 (MiB) | 含 LO (MiB) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        done = len(r.latencies)
        rate, p50, p99 = done / r.seconds, r.percentile(0.5), r.percentile(0.99)
        own, total = r.rss[0] / 1024, r.rss[1] / 1024
        print(f"| {r.fmt} | {r.concurrency} | {done} | {rate:.1f} | {p50:.0f} | {p99:.0f} | {len(r.errors)} | "
              f"{own:.0f} | {total:.0f} |")  # fmt: skip
    errors = [e for r in results for e in r.errors]
    if errors:
        print(f"\n错误 errors ({len(errors)}), first: {errors[:3]}")
        raise SystemExit(1)
    print("\n全部请求成功 (all requests succeeded)。p50/p99：每个场景的延迟中位数与第 99 百分位。")


if __name__ == "__main__":
    main()
