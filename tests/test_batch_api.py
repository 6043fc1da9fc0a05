"""/v1/batches over HTTP with a real uvicorn server on a loopback port and a temporary data directory:
submit, poll, download, cancel, bad uploads — and a server killed in the middle of a batch that finishes the
job after a restart without redoing the candidates it had finished."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "batch_guangzhou"
UNKNOWN = "0" * 32

# A real server in a child process, built by create_app as `docgen serve` builds it.
SERVER = r"""
import sys

import uvicorn

from service.api.app import create_app

# The app's lifespan starts the conversion pool and the batch service and resumes unfinished jobs.
uvicorn.run(create_app(), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.proc: subprocess.Popen[bytes] | None = None
        self.base = ""
        self.log = data_dir.parent / "server.log"

    def start(self) -> None:
        port = free_port()
        env = {**os.environ, "DOCGEN_DATA_DIR": str(self.data_dir), "DOCGEN_POOL_SIZE": "2"}
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], cwd=ROOT, env=env,
                                         stdout=log, stderr=log, start_new_session=True)  # fmt: skip
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert self.proc.poll() is None, self.log.read_text(errors="replace")[-3000:]
            try:
                if httpx.get(f"{self.base}/v1/batches/{UNKNOWN}", timeout=2).status_code == 404:
                    return
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[Server]:
    srv = Server(tmp_path / "data")
    srv.start()
    try:
        yield srv
    finally:
        srv.kill()


def sample_zip(*, top_folder: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(SAMPLE.rglob("*")):
            if path.is_file() and path.suffix != ".py":
                zf.write(path, top_folder + path.relative_to(SAMPLE).as_posix())
    return out.getvalue()


def submit(srv: Server, data: bytes) -> httpx.Response:
    return httpx.post(f"{srv.base}/v1/batches", files={"file": ("广州.zip", data, "application/zip")}, timeout=60)


def wait_for(srv: Server, job: str, done: Any, timeout: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status = httpx.get(f"{srv.base}/v1/batches/{job}", timeout=10).json()
        if done(status):
            return status
        assert time.monotonic() < deadline, status
        time.sleep(0.1)


def test_a_job_survives_a_server_restart(server: Server) -> None:
    created = submit(server, sample_zip(top_folder="广州/"))
    assert created.status_code == 202, created.text
    job = created.json()["id"]
    assert created.headers["location"] == f"/v1/batches/{job}"
    assert created.json()["total"] == 7

    before = wait_for(server, job, lambda s: s["ok"] >= 1)
    server.kill()  # SIGKILL in the middle of the batch
    finished = {c["key"] for c in before["candidates"] if c["status"] == "ok"}
    assert 1 <= len(finished) < 5

    server.start()  # same data directory: the job is resumed at startup
    queued = submit(server, sample_zip())  # a second job waits behind the first: cancel it while queued
    second = queued.json()["id"]
    cancelled = httpx.delete(f"{server.base}/v1/batches/{second}", timeout=10)
    assert cancelled.status_code == 202 and cancelled.json()["state"] == "cancelled"

    status = wait_for(server, job, lambda s: s["state"] not in ("queued", "running"))
    assert status["state"] == "completed_with_failures"
    assert (status["total"], status["done"], status["ok"], status["failed"]) == (7, 7, 5, 2)
    by_key = {c["key"]: c for c in status["candidates"]}
    assert {k for k, c in by_key.items() if c["status"] == "failed"} == {"park-2", "enterprise-3"}
    assert by_key["enterprise-3"]["errors"][0]["code"] == "group_and_subsidiary"
    assert by_key["park-2"]["errors"][0]["loc"] == "$.overall.built_area"
    for key in finished:
        assert by_key[key]["reused"] is True, key  # finished before the kill: not redone
    assert any(not c["reused"] for c in status["candidates"] if c["status"] == "ok")

    result = httpx.get(f"{server.base}/v1/batches/{job}/result", timeout=60)
    assert result.status_code == 200 and result.headers["content-type"] == "application/zip"
    assert "filename*=UTF-8''" in result.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(result.content)) as zf:
        names = zf.namelist()
        report = json.loads(zf.read("广州市推荐材料/report.json"))
    assert "广州市推荐材料/广州市国家新兴产业发展示范基地创建对象推荐汇总表.pdf" in names
    bundles = {n.split("/")[2] for n in names if n.count("/") >= 3 and n.split("/")[1] in ("园区类", "企业类")}
    assert len(bundles) == 5
    assert report["counts"]["ok"] == 5 and report["state"] == "completed_with_failures"

    final = httpx.get(f"{server.base}/v1/batches/{second}", timeout=10).json()
    assert final["state"] == "cancelled"
    assert httpx.get(f"{server.base}/v1/batches/{second}/result", timeout=10).status_code == 409
    again = httpx.delete(f"{server.base}/v1/batches/{second}", timeout=10)
    assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")


def bad_zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return out.getvalue()


def test_bad_uploads_are_problems(server: Server) -> None:
    def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        body = response.json()
        assert body["code"] == code and body["status"] == status
        return body

    problem(submit(server, b"not a zip"), 422, "batch_zip_invalid")
    problem(submit(server, bad_zip({"readme.txt": b"x"})), 422, "batch_zip_invalid")
    escaping = problem(submit(server, bad_zip({"manifest.json": b"{}", "../evil.json": b"{}"})), 422,
                       "batch_zip_invalid")  # fmt: skip
    assert "../evil.json" in escaping["detail"]
    unusable = problem(submit(server, bad_zip({"manifest.json": json.dumps({"candidates": []}).encode()})), 422,
                       "manifest_invalid")  # fmt: skip
    assert {e["loc"] for e in unusable["errors"]} >= {"$.recommender", "$.contact", "$.candidates"}
    outside = {"recommender": {"city": "广州市", "department": "广州市工业和信息化局"},
               "contact": {"name": "林", "phone": "020-83124567"},
               "candidates": [{"type": "park", "priority": 1, "payload": "/etc/passwd"}]}  # fmt: skip
    accepted = submit(server, bad_zip({"manifest.json": json.dumps(outside).encode()}))
    assert accepted.status_code == 202  # one bad candidate does not refuse the batch ...
    status = wait_for(server, accepted.json()["id"], lambda s: s["state"] not in ("queued", "running"))
    [cand] = status["candidates"]
    assert status["state"] == "completed_with_failures" and cand["status"] == "failed"
    assert cand["errors"][0]["loc"] == "$.candidates[0].payload"  # ... but never reads a server path
    problem(httpx.get(f"{server.base}/v1/batches/{UNKNOWN}", timeout=10), 404, "batch_not_found")
    problem(httpx.get(f"{server.base}/v1/batches/{UNKNOWN}/result", timeout=10), 404, "batch_not_found")
    assert not list((server.data_dir / "batches").glob("*/input/etc"))
