"""`docgen worker` and the Celery side of `docgen batch --runner celery` (`service/cli/__init__.py` registers
`worker` with `register(app)`; `service/cli/batch.py` hands `--runner celery` runs to `batch_on_workers`).

    docgen worker [--concurrency N] [--queues docgen.batch,docgen.convert] [--pool threads|prefork]
    docgen batch manifest.json -o OUT --runner celery [--detach]

The broker, the job database and the task limits come from the settings (DOCGEN_BROKER_URL, DOCGEN_DATABASE_URL
…). The manifest, its attachments and OUT must be on storage every worker mounts under the same path.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from service.cli.console import console, err_console

EXIT_OK, EXIT_UNUSABLE, EXIT_FAILURES = 0, 1, 3
POLL_SECONDS = 0.5


def worker_command(
    concurrency: int = typer.Option(
        None,
        "--concurrency",
        "-c",
        min=1,
        max=64,
        help="并行执行的任务数，也是本 worker 的 LibreOffice 进程数（默认 DOCGEN_POOL_SIZE）",
    ),
    queues: str = typer.Option("docgen.batch,docgen.convert", "--queues", "-Q", help="消费的队列，逗号分隔"),
    pool: str = typer.Option(
        "threads", "--pool", help="执行方式：threads（一个进程，N 个线程）或 prefork（N 个子进程）"
    ),
    hostname: str | None = typer.Option(None, "--hostname", "-n", help="worker 名称（默认 docgen-<主机>-<进程号>）"),
    metrics_port: int = typer.Option(
        0, "--metrics-port", min=0, max=65535, help="任务指标（Prometheus）端口，0 为不开启"
    ),
) -> None:
    """启动一个 Celery worker：执行批量任务的申报对象和 PDF 转换（分布式部署）。

    消息代理、任务数据库由 DOCGEN_BROKER_URL、DOCGEN_DATABASE_URL 等设置给出。收到 SIGTERM 后完成正在执行的任务、
    关闭 LibreOffice 进程后退出。
    """
    from service.api.logging import configure_logging
    from service.api.settings import load_settings
    from service.distributed.worker import run_worker

    if pool not in ("threads", "prefork"):
        err_console.print(f"[red]--pool 只能是 threads 或 prefork，收到：{escape(pool)}[/]")
        raise typer.Exit(2)
    settings = load_settings()
    configure_logging(settings.log_level)
    names = [q.strip() for q in queues.split(",") if q.strip()]
    code = run_worker(settings, concurrency=concurrency or settings.pool_size, queues=names, pool=pool,
                      hostname=hostname, loglevel=settings.log_level.upper(), metrics_port=metrics_port)  # fmt: skip
    raise typer.Exit(code)


def cli_job_id(out: Path) -> str:
    """One job per output folder, as the embedded run keeps one state per folder: a re-run resumes it."""
    return "cli-" + hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]


def batch_on_workers(manifest: Path, out: Path, *, detach: bool) -> int:
    """Submit the batch to the workers, follow it in the store, print the outcome; the exit code of `docgen batch`.
    Raises ManifestInvalid (the caller prints it) before anything is submitted."""
    from service.api.settings import load_settings
    from service.batch.jobs import BatchJob
    from service.batch.manifest import load_manifest
    from service.batch.planning import candidate_rows
    from service.batch.store import JobState
    from service.distributed import claims
    from service.distributed.app import create_app
    from service.distributed.context import open_store
    from service.distributed.runner import CeleryRunner

    loaded = load_manifest(manifest)
    settings = load_settings()
    store = open_store(settings)
    try:
        runner = CeleryRunner(store, create_app(settings))
        out.mkdir(parents=True, exist_ok=True)
        job_id = cli_job_id(out)
        job = store.ensure_job(job_id, manifest.resolve(), out.resolve())
        if job.state is not JobState.RUNNING:
            store.set_job_state(job_id, JobState.QUEUED)
            claims.clear(store, job_id)
            store.sync_candidates(job_id, candidate_rows(loaded))
            runner.submit(BatchJob(job_id, manifest.resolve(), out.resolve()))
        if detach:
            console.print(job_id, highlight=False)
            return EXIT_OK
        return follow(store, job_id, out)
    finally:
        store.close()


def follow(store: Any, job_id: str, out: Path) -> int:
    from service.batch.store import JobState

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(bar_width=30), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console, transient=False) as progress:
        bar = progress.add_task("申报对象（worker 执行中）", total=None)
        while True:
            job = store.get_job(job_id)
            counts = store.counts(job_id)
            progress.update(bar, total=counts.total or None, completed=counts.done)
            if job is None or job.state.finished:
                break
            time.sleep(POLL_SECONDS)
    assert job is not None
    if job.state is JobState.FAILED:
        error = job.error or {}
        err_console.print(f"[red]批量任务失败：[/]{escape(str(error.get('message', error)))}")
        return EXIT_UNUSABLE
    report_path = out / "report.json"
    report: dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8")) if report_path.is_file() else {}
    c = report.get("counts", {})
    for cand in report.get("candidates", []):
        if cand.get("status") != "ok":
            who = cand.get("name") or cand.get("applicant") or cand.get("key")
            first = (cand.get("errors") or [{}])[0]
            console.print(f"  [red]✗[/] {escape(str(who))}：{escape(str(first.get('message', cand.get('status'))))}",
                          highlight=False)  # fmt: skip
    console.print(
        f"{job.state.label}。共 {c.get('total', 0)} 个申报对象："
        f"成功 {c.get('ok', 0)} 个（本次生成 {c.get('produced', 0)} 个，"
        f"沿用 {c.get('reused', 0)} 个），失败 {c.get('failed', 0)} 个。输出目录：{escape(str(out))}"
        + (f"，ZIP：{escape(str(report['zip']))}" if report.get("zip") else ""),
        highlight=False,
    )
    return EXIT_OK if job.state is JobState.COMPLETED else EXIT_FAILURES


def register(app: typer.Typer) -> None:
    """Add `worker` to the docgen CLI."""
    app.command("worker")(worker_command)
