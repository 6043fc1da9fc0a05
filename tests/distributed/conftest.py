"""The distributed mode's real parts, started by the tests: a throwaway Redis (tests/redis_server.py), a
PostgreSQL database (tests/pg_server.py, the session's server), `docgen worker` processes (one LibreOffice process
each, their own data folder as on separate machines) and the embedded reference run they are compared with."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.redis_server import RedisServer

ROOT = Path(__file__).resolve().parents[2]
DOCGEN = [sys.executable, "-m", "service.cli"]
SAMPLE = ROOT / "samples" / "batch_guangzhou"
VISIBILITY_TIMEOUT = 20
"""Seconds before a task taken by a killed worker is delivered again (production: an hour)."""
TIMING_KEYS = ("job_id", "started_at", "finished_at", "seconds")


class Worker:
    def __init__(
        self, name: str, env: dict[str, str], base: Path, *, pool: str = "threads", concurrency: int = 1
    ) -> None:
        self.name = name
        self.log = base / f"{name}.log"
        self.data = base / f"{name}-data"  # LibreOffice profiles stay local to each worker
        argv = [*DOCGEN, "worker", "--concurrency", str(concurrency), "--pool", pool, "--hostname", f"{name}@test"]
        self.proc = subprocess.Popen(argv, cwd=ROOT, env={**env, "DOCGEN_DATA_DIR": str(self.data)},
                                     stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
                                     start_new_session=True)  # fmt: skip

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text(errors="replace")[-3000:]
            if "ready." in self.log.read_text(errors="replace"):
                return
            time.sleep(0.2)
        raise AssertionError(f"worker {self.name} not ready: {self.log.read_text(errors='replace')[-3000:]}")

    def terminate(self, timeout: float = 90) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        return int(self.proc.returncode)


class Cluster:
    """Redis, the job database, workers; `env` is what every docgen process of the cluster is started with."""

    def __init__(self, base: Path, redis: RedisServer, database_url: str) -> None:
        self.base = base
        self.redis = redis
        self.database_url = database_url
        self.env = {
            **os.environ,
            "DOCGEN_BROKER_URL": redis.url,
            "DOCGEN_DATABASE_URL": database_url,
            "DOCGEN_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "DOCGEN_LOG_LEVEL": "info",
            "COLUMNS": "160",
        }
        self.workers: list[Worker] = []

    def add_worker(self, name: str) -> Worker:
        worker = Worker(name, self.env, self.base)
        self.workers.append(worker)
        return worker


@pytest.fixture(scope="package")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def cluster(tmp_path_factory: pytest.TempPathFactory, redis: RedisServer, postgres_server: Any) -> Iterator[Cluster]:
    """Two workers on Redis and PostgreSQL; tests may kill and add workers (all are stopped at the end)."""
    c = Cluster(tmp_path_factory.mktemp("cluster"), redis, str(postgres_server.create_database()))
    first = [c.add_worker("w1"), c.add_worker("w2")]
    for w in first:
        w.wait_ready()
    yield c
    for w in c.workers:
        w.terminate()


@pytest.fixture(scope="package")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded run of the sample batch (pool of 2), the outputs every distributed run must equal."""
    out = tmp_path_factory.mktemp("reference") / "广州"
    done = subprocess.run([*DOCGEN, "batch", str(SAMPLE / "manifest.json"), "-o", str(out), "--workers", "2"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 3, done.stdout + done.stderr  # the sample has two invalid candidates
    return out


NOT_COMPARED = (".zip", ".txt", ".xlsx")
"""The ZIP and 报告.txt carry times and durations; the summary workbook carries its save time (docProps/core.xml
`dcterms:modified`, entry dates), so two embedded runs differ there too."""


def delivered(out: Path) -> dict[str, str]:
    """sha256 of every package file and of the summary .docx/.pdf (not the state, report.json, NOT_COMPARED)."""
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".docgen" not in p.relative_to(out).parts and p.suffix not in NOT_COMPARED
        and p.name != "report.json"
    }  # fmt: skip


def report_without_timing(out: Path) -> dict[str, Any]:
    """report.json less what differs between any two runs (job id, clock times, durations)."""
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    for key in TIMING_KEYS:
        report.pop(key)
    for c in report["candidates"]:
        c.pop("seconds")
    return dict(report)


def soffice_descendants(pid: int) -> set[int]:
    """LibreOffice processes below `pid` (read from /proc)."""
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
        names[int(entry.name)] = name
    found: set[int] = set()
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            stack.append(child)
            if names.get(child, "").startswith("soffice"):
                found.add(child)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def wait_for(predicate: Any, timeout: float, what: str, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(interval)


def copy_sample(target: Path) -> Path:
    shutil.copytree(SAMPLE, target)
    return target / "manifest.json"


BIG_ROWS = 800
"""Rows of the large attachment's table: LibreOffice takes well over 20 s to lay it out here (the time-limit tests
use limits of 4–6 s)."""


def big_docx(rows: int) -> bytes:
    from docx import Document

    document = Document()
    table = document.add_table(rows=rows, cols=6)
    table.style = "Table Grid"
    for i, row in enumerate(table.rows):
        for j, cell in enumerate(row.cells):
            cell.text = f"第{i}行第{j}列 主导产业规上企业名单"
    data = io.BytesIO()
    document.save(data)
    return data.getvalue()


def batch_of(target: Path, keys: list[str], *, big: str | None = None) -> Path:
    """The sample batch with only `keys`; `big`'s item 3 gets the large Word attachment as well."""
    manifest = copy_sample(target)
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["candidates"] = [c for c in data["candidates"] if c["id"] in keys]
    assert [c["id"] for c in data["candidates"]] == keys
    manifest.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    if big is not None:
        (target / "attachments" / big / "3" / "企业名单明细.docx").write_bytes(big_docx(BIG_ROWS))
    return manifest


def soffice_of(data_dir: Path) -> set[int]:
    """Every LibreOffice process whose profile is under `data_dir` (a worker's own), wherever its parent is: a
    process left behind by a killed child would be re-parented, not below the worker any more."""
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name = (entry / "comm").read_text().strip()
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if name.startswith("soffice") and str(data_dir.resolve()) in cmdline and alive(int(entry.name)):
            found.add(int(entry.name))
    return found
