"""Batches and conversions on real Celery workers over a real Redis, with the job store on PostgreSQL.

Two distributed runs of samples/batch_guangzhou are compared with the embedded run, file for file: one through
`docgen batch --runner celery` with a worker killed (SIGKILL) while it produces a candidate, one through the HTTP
API restarted mid-batch and with Redis restarted mid-batch. The API of the second run has no LibreOffice at all
(`DOCGEN_CONVERT_VIA=celery`): a single PDF request is converted by a worker.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import time
import zipfile
from pathlib import Path
from typing import Any

import httpx

from tests.distributed.conftest import (
    DOCGEN,
    ROOT,
    SAMPLE,
    VISIBILITY_TIMEOUT,
    Cluster,
    alive,
    delivered,
    report_without_timing,
    soffice_descendants,
    wait_for,
)
from tests.redis_server import free_port

BATCH_TIMEOUT = 480


def running_candidate(log: Path) -> str | None:
    """The id of the candidate task a worker (concurrency 1, prefetch 1) received and has not finished."""
    received: list[str] = []
    finished: set[str] = set()
    for line in log.read_text(errors="replace").splitlines():
        if "docgen.batch.candidate[" not in line or not line.startswith("{"):
            continue
        task_id = line.split("docgen.batch.candidate[", 1)[1].split("]", 1)[0]
        if "] received" in line:
            received.append(task_id)
        elif "] succeeded" in line or "] retry" in line or "] raised" in line:
            finished.add(task_id)
    open_ = [t for t in received if t not in finished]
    return open_[-1] if open_ else None


def test_killed_worker_task_is_redelivered_and_outputs_equal_the_embedded_run(
    cluster: Cluster, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "广州"
    argv = [*DOCGEN, "batch", str(SAMPLE / "manifest.json"), "-o", str(out), "--runner", "celery"]
    cli = subprocess.Popen(argv, cwd=ROOT, env=cluster.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)  # fmt: skip
    try:
        victim, task = None, None

        def busy() -> bool:
            nonlocal victim, task
            for w in cluster.workers:
                if w.proc.poll() is None and (t := running_candidate(w.log)):
                    victim, task = w, t
                    return True
            return False

        wait_for(busy, 180, "a worker producing a candidate")
        assert victim is not None and task is not None
        time.sleep(2)  # well inside the candidate (rendering or converting)
        lo = soffice_descendants(victim.proc.pid)
        assert lo, "the worker's LibreOffice process was not found"
        os.kill(victim.proc.pid, signal.SIGKILL)  # the worker only: its LibreOffice must die with it
        victim.proc.wait(10)
        wait_for(lambda: not any(alive(pid) for pid in lo), 15, "the killed worker's soffice to exit")
        cluster.add_worker("w3").wait_ready()  # the cluster stays at two workers for the next test

        output, _ = cli.communicate(timeout=BATCH_TIMEOUT)
    finally:
        if cli.poll() is None:
            cli.kill()
    assert cli.returncode == 3, output  # completed with the sample's two invalid candidates
    from service.cli.distributed import cli_job_id

    key = task.removeprefix(f"docgen-{cli_job_id(out)}-").rsplit("-r", 1)[0]
    # The killed task ran again elsewhere (redelivered after the visibility timeout) and succeeded.
    redone = [w for w in cluster.workers if w is not victim and f"{task}] succeeded" in w.log.read_text()]
    assert redone, f"task {task} was not delivered again"
    report = report_without_timing(out)
    assert {c["key"]: c["status"] for c in report["candidates"]}[key] == "ok"
    # Nothing missing, nothing twice: the same files with the same bytes as the embedded run.
    assert delivered(out) == delivered(reference)
    assert report == report_without_timing(reference)
    assert not list((out / ".docgen" / "tmp").glob("*")) if (out / ".docgen" / "tmp").exists() else True
    assert VISIBILITY_TIMEOUT < BATCH_TIMEOUT


def sample_zip() -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(SAMPLE.rglob("*")):
            if path.is_file() and path.suffix != ".py":
                zf.write(path, path.relative_to(SAMPLE).as_posix())
    return data.getvalue()


class Api:
    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.base = f"http://127.0.0.1:{port}"
        argv = [*DOCGEN, "serve", "--port", str(port)]
        self.proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
                                     start_new_session=True)  # fmt: skip

        def up() -> bool:
            assert self.proc.poll() is None, log.read_text(errors="replace")[-3000:]
            try:
                return httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(up, 120, "the API")

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return httpx.get(self.base + path, timeout=60, **kw)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


def test_api_and_redis_restarted_mid_batch_and_pdf_converted_by_a_worker(
    cluster: Cluster, reference: Path, tmp_path: Path
) -> None:
    port = free_port()
    data_dir = tmp_path / "api-data"  # stands for the shared storage: the batch's input and output live here
    env = {**cluster.env, "DOCGEN_RUNNER": "celery", "DOCGEN_CONVERT_VIA": "celery", "DOCGEN_DATA_DIR": str(data_dir)}
    log = tmp_path / "api.log"
    api = Api(env, port, log)
    try:
        created = httpx.post(f"{api.base}/v1/batches", files={"file": ("广州.zip", sample_zip(), "application/zip")},
                             timeout=60)  # fmt: skip
        assert created.status_code == 202, created.text
        job_id = created.json()["id"]

        wait_for(lambda: api.get(f"/v1/batches/{job_id}").json()["ok"] >= 1, 240, "a first candidate")
        before = api.get(f"/v1/batches/{job_id}").json()
        assert before["state"] == "running" and before["ok"] < 5  # mid-batch
        cluster.redis.restart()  # workers reconnect; queued and unacknowledged tasks survive (append-only file)
        api.stop()
        api = Api(env, port, log)  # a new API process: status comes from PostgreSQL
        status = api.get(f"/v1/batches/{job_id}")
        assert status.status_code == 200 and status.json()["ok"] >= before["ok"]

        def finished() -> bool:
            return api.get(f"/v1/batches/{job_id}").json()["state"] not in ("queued", "running")

        wait_for(finished, BATCH_TIMEOUT, "the batch to finish", interval=1)
        final = api.get(f"/v1/batches/{job_id}").json()
        assert final["state"] == "completed_with_failures" and final["ok"] == 5 and final["failed"] == 2
        out = data_dir / "batches" / job_id / "out"
        assert delivered(out) == delivered(reference)
        assert report_without_timing(out) == report_without_timing(reference)
        result = api.get(f"/v1/batches/{job_id}/result")
        assert result.status_code == 200 and result.headers["content-type"] == "application/zip"

        # A single document as PDF: rendered by the API, converted by a worker (the API has no LibreOffice).
        payload = json.loads((ROOT / "samples" / "park_application.json").read_text(encoding="utf-8"))
        pdf = httpx.post(f"{api.base}/v1/documents/park_application", params={"format": "pdf"}, json=payload,
                         timeout=120)  # fmt: skip
        assert pdf.status_code == 200, pdf.text
        assert pdf.content.startswith(b"%PDF") and pdf.headers["content-type"].startswith("application/pdf")
        assert soffice_descendants(api.proc.pid) == set()
        worker_logs = "".join(w.log.read_text(errors="replace") for w in cluster.workers)
        assert "docgen.convert.pdf[" in worker_logs

        assert len([w for w in cluster.workers if w.proc.poll() is None]) == 2  # no worker died of the restart
        ready = api.get("/readyz")
        assert ready.status_code == 200, ready.text
        metrics = api.get("/metrics").text
        assert 'docgen_queue_depth{queue="docgen.convert"}' in metrics
        assert 'docgen_queue_depth{queue="docgen.batch"}' in metrics
        assert "docgen_workers 2.0" in metrics and "docgen_broker_up 1.0" in metrics
    finally:
        api.stop()


def test_sigterm_stops_a_worker_cleanly_without_libreoffice_left(cluster: Cluster) -> None:
    worker = next(w for w in cluster.workers if w.proc.poll() is None)
    lo = soffice_descendants(worker.proc.pid)
    assert lo, "the worker's LibreOffice process was not found"
    assert worker.terminate(timeout=60) == 0  # warm shutdown: exit status 0
    assert not any(alive(pid) for pid in lo)
    assert "LibreOffice 进程池已关闭" in worker.log.read_text(errors="replace")
