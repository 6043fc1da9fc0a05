"""Task time limits and the prefork pool, on real `docgen worker` processes with real LibreOffice.

A candidate with a large Word attachment (a long table: LibreOffice needs far longer than the limits below to lay
it out) runs past small time limits: in the default threads pool the conversion is killed at the task's hard limit
(the worker's own deadline, Celery ignores limits there), in the prefork pool Celery kills the child. Either way
the candidate is retried per policy, recorded as failed with `task_time_limit_exceeded`, the batch completes and no
LibreOffice process is left. A prefork worker with two children (a LibreOffice each) runs a small batch to the end
and leaves nothing behind on SIGTERM.

These tests use a Redis of their own: the package's cluster workers must not take their tasks.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.distributed.conftest import (
    DOCGEN,
    ROOT,
    Cluster,
    Worker,
    alive,
    batch_of,
    soffice_descendants,
    soffice_of,
)
from tests.redis_server import RedisServer

LIMITED = {"DOCGEN_TASK_MAX_RETRIES": "1"}
"""One retry: a stopped candidate runs twice, then is recorded as failed."""


def run_batch(env: dict[str, str], manifest: Path, out: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    argv = [*DOCGEN, "batch", str(manifest), "-o", str(out), "--runner", "celery"]
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def candidate_log(worker: Worker) -> list[str]:
    return [line for line in worker.log.read_text(errors="replace").splitlines() if "docgen.batch.candidate[" in line]


def run_seconds(worker: Worker) -> list[float]:
    """How long each run of a candidate task took, from the worker's JSON log (received → retry or succeeded)."""
    runs: list[float] = []
    began: datetime | None = None
    for line in candidate_log(worker):
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        at = datetime.fromisoformat(record["ts"])
        if "] received" in record["message"]:
            began = at
        elif began is not None and ("] retry" in record["message"] or "] succeeded" in record["message"]):
            runs.append((at - began).total_seconds())
            began = None
    return runs


@pytest.fixture(scope="module")
def own_cluster(tmp_path_factory: pytest.TempPathFactory, postgres_server: Any) -> Iterator[Cluster]:
    """A Redis and a job database of this module's own; each test starts and stops its workers."""
    base = tmp_path_factory.mktemp("limits")
    redis = RedisServer(base / "redis")
    redis.start()
    cluster = Cluster(base, redis, str(postgres_server.create_database()))
    yield cluster
    for w in cluster.workers:
        w.terminate()
    redis.stop()


def start_worker(
    cluster: Cluster, name: str, env: dict[str, str], *, pool: str = "threads", concurrency: int = 1
) -> Worker:
    worker = Worker(name, {**cluster.env, **env}, cluster.base, pool=pool, concurrency=concurrency)
    cluster.workers.append(worker)
    worker.wait_ready()
    return worker


def assert_failed_by_time_limit(out: Path, key: str, *, hard: bool) -> dict[str, Any]:
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    candidate = {c["key"]: c for c in report["candidates"]}[key]
    assert candidate["status"] == "failed", candidate
    error = candidate["errors"][0]
    assert error["code"] == "task_time_limit_exceeded", candidate
    assert ("DOCGEN_TASK_TIME_LIMIT" if hard else "DOCGEN_TASK_SOFT_TIME_LIMIT") in error["message"], error
    return dict(report)


def test_threads_worker_stops_a_task_at_its_time_limit_kills_the_conversion_and_retries(
    own_cluster: Cluster, tmp_path: Path
) -> None:
    limits = {**LIMITED, "DOCGEN_TASK_SOFT_TIME_LIMIT": "6", "DOCGEN_TASK_TIME_LIMIT": "6"}
    worker = start_worker(own_cluster, "threads-limited", limits)
    manifest = batch_of(tmp_path / "batch", ["park-1"], big="park-1")
    out = tmp_path / "out"
    started = time.monotonic()
    done = run_batch({**own_cluster.env, **limits}, manifest, out)
    elapsed = time.monotonic() - started
    assert done.returncode == 3, done.stdout + done.stderr  # completed, with the candidate failed
    assert_failed_by_time_limit(out, "park-1", hard=True)
    # Two runs of the task (one retry, the policy here), each stopped near 6 s, not after the attachment's ~20 s+.
    lines = candidate_log(worker)
    assert len([ln for ln in lines if "] received" in ln]) == 2, lines
    assert len([ln for ln in lines if "] retry" in ln]) == 1, lines
    for run in run_seconds(worker):  # stopped at the limit, far from the conversion's own time
        assert run < 6 + 3, run_seconds(worker)
    assert elapsed < 2 * 6 + 40, elapsed
    # Each run's conversion was killed by the LibreOffice pool at the hard limit, and that process is gone.
    log = worker.log.read_text(errors="replace")
    killed = {int(pid) for pid in re.findall(r"libreoffice timeout slot=\d+ pid=(\d+)", log)}
    assert len(killed) == 2, log[-3000:]
    assert not any(alive(pid) for pid in killed)
    assert soffice_of(worker.data) <= soffice_descendants(worker.proc.pid)  # no orphan
    assert len(soffice_of(worker.data)) <= 1  # the pool's one process at most
    assert worker.terminate(60) == 0
    assert soffice_of(worker.data) == set()


def test_prefork_worker_runs_a_batch_with_a_pool_per_child_and_drains_on_sigterm(
    own_cluster: Cluster, tmp_path: Path
) -> None:
    worker = start_worker(own_cluster, "prefork", {}, pool="prefork", concurrency=2)
    manifest = batch_of(tmp_path / "batch", ["park-1", "enterprise-1"])
    out = tmp_path / "out"
    done = run_batch(own_cluster.env, manifest, out)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["counts"]["ok"] == 2 and report["counts"]["failed"] == 0, report["counts"]
    for c in report["candidates"]:
        assert c["status"] == "ok" and c["files"] and all((out / rel).is_file() for rel in c["files"]), c
    # One LibreOffice per child process, each below its own child.
    lo = soffice_of(worker.data)
    assert lo == soffice_descendants(worker.proc.pid) and len(lo) == 2, lo
    parents = {int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]) for pid in lo}
    assert len(parents) == 2 and worker.proc.pid not in parents
    assert worker.terminate(90) == 0  # warm shutdown: the children finish, close their pools, exit
    assert not any(alive(pid) for pid in lo)
    assert soffice_of(worker.data) == set()
    log = worker.log.read_text(errors="replace")
    assert log.count("LibreOffice 进程池已关闭") == 2 and log.count("LibreOffice 进程池已启动") == 2
    assert "Timed out waiting for UP message" not in log  # no child killed while starting its LibreOffice


def test_prefork_hard_time_limit_kills_the_child_and_the_batch_completes(own_cluster: Cluster, tmp_path: Path) -> None:
    # The soft limit is far away: only Celery's kill at the hard limit stops the task here.
    limits = {**LIMITED, "DOCGEN_TASK_SOFT_TIME_LIMIT": "600", "DOCGEN_TASK_TIME_LIMIT": "4"}
    worker = start_worker(own_cluster, "prefork-limited", limits, pool="prefork", concurrency=1)
    manifest = batch_of(tmp_path / "batch", ["park-1"], big="park-1")
    out = tmp_path / "out"
    done = run_batch({**own_cluster.env, **limits}, manifest, out)
    assert done.returncode == 3, done.stdout + done.stderr
    assert_failed_by_time_limit(out, "park-1", hard=True)
    log = worker.log.read_text(errors="replace")
    assert log.count("Hard time limit (4.0s) exceeded for docgen.batch.candidate") == 2, log[-3000:]
    assert len(re.findall(r"docgen\.batch\.time_limited\[[^]]+\] succeeded", log)) == 2  # each kill's follow-up
    assert "Timed out waiting for UP message" not in log
    assert len(soffice_of(worker.data)) <= 1  # the current child's pool; the killed children's died with them
    assert soffice_of(worker.data) <= soffice_descendants(worker.proc.pid)
    assert worker.terminate(90) == 0
    assert soffice_of(worker.data) == set()
