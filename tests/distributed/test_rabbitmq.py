"""A distributed batch over RabbitMQ (`DOCGEN_BROKER_URL=amqp://…`): a throwaway RabbitMQ (tests/rabbitmq_server.py),
the job store and the result backend on PostgreSQL, one real `docgen worker`, two candidates of the sample."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.distributed.conftest import DOCGEN, ROOT, Worker, alive, batch_of, soffice_descendants
from tests.rabbitmq_server import RabbitMQServer


@pytest.fixture(scope="module")
def rabbitmq(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RabbitMQServer]:
    server = RabbitMQServer(tmp_path_factory.mktemp("rabbitmq"))
    server.start()
    yield server
    server.stop()


def test_batch_over_rabbitmq(rabbitmq: RabbitMQServer, postgres_server: Any, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DOCGEN_BROKER_URL": rabbitmq.url,
        "DOCGEN_DATABASE_URL": str(postgres_server.create_database()),
        "DOCGEN_LOG_LEVEL": "info",
        "COLUMNS": "160",
    }
    worker = Worker("amqp", env, tmp_path)
    try:
        worker.wait_ready()
        assert f"amqp://guest:**@127.0.0.1:{rabbitmq.port}//" in worker.log.read_text(errors="replace")
        manifest = batch_of(tmp_path / "batch", ["park-1", "enterprise-1"])
        out = tmp_path / "out"
        argv = [*DOCGEN, "batch", str(manifest), "-o", str(out), "--runner", "celery"]
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        assert report["state"] == "completed" and report["counts"]["ok"] == 2, report["counts"]
        for c in report["candidates"]:
            assert c["status"] == "ok" and c["files"] and all((out / rel).is_file() for rel in c["files"]), c
        assert (out / report["zip"]).is_file() and (out / report["summary"]["pdf"]).is_file()
        assert "docgen.batch.candidate[" in worker.log.read_text(errors="replace")
        lo = soffice_descendants(worker.proc.pid)
        assert lo
    finally:
        code = worker.terminate(60)
    assert code == 0
    assert not any(alive(pid) for pid in lo)
