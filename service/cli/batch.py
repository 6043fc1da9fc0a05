"""`docgen batch` and `docgen rollup`: a city's candidates in one resumable run, and the province roll-up.

    docgen batch samples/batch_guangzhou/manifest.json -o out/广州 --workers 2
    docgen batch 广州/list.xlsx -o out/广州                # the candidate list as .xlsx (候选名单)
    docgen batch --template-xlsx list.xlsx                  # an empty 候选名单 with drop-downs
    docgen rollup out/广州 out/深圳 -o out/省汇总

`service/cli/__init__.py` adds these commands to `docgen` by calling `register(app)`.

Exit status of `docgen batch`
  0    every candidate produced, and the city summary
  3    completed with failures: some candidates were skipped (their errors are in 报告.txt / report.json);
       everything else, the summary of the candidates that succeeded included, was produced
  1    unusable input (manifest missing, not JSON, no 推荐单位 or no candidates): nothing written
  130  interrupted (Ctrl-C): finished candidates are kept; run the same command again to resume
`docgen rollup` exits 0, 3 when some candidates were left out of the province table (reported), or 1.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from service.batch.pipeline import BatchProgress, BatchReport, CandidateResult
from service.batch.store import CandidateStatus
from service.cli.console import console, err_console
from service.cli.errors import exit_code_for, exit_for
from service.cli.fields import field_error_line, print_field_errors
from service.errors import DocgenError

if TYPE_CHECKING:
    from service.conversion import ConversionPool

EXIT_OK, EXIT_UNUSABLE, EXIT_FAILURES, EXIT_INTERRUPTED = 0, 1, 3, 130


def register(app: typer.Typer) -> None:
    """Add `batch` and `rollup` to the docgen CLI."""
    app.command("batch")(batch_command)
    app.command("rollup")(rollup_command)


class RichBatchProgress(BatchProgress):
    """An overall bar and one bar per candidate in production (packaging steps)."""

    def __init__(self, progress: Progress) -> None:
        from service.packaging import STEPS

        self.progress = progress
        self.steps = {key: (i, label) for i, (key, label) in enumerate(STEPS)}
        self.overall: TaskID = progress.add_task("检查申报对象…", total=None)
        self.tasks: dict[str, TaskID] = {}
        self.names: dict[str, str] = {}
        self._lock = threading.Lock()

    def planned(self, results: list[CandidateResult]) -> None:
        done = sum(1 for r in results if r.status in (CandidateStatus.OK, CandidateStatus.FAILED))
        self.names = {r.key: r.display for r in results}
        self.progress.update(self.overall, description="生成申报材料", total=len(results), completed=done)

    def candidate_started(self, key: str) -> None:
        with self._lock:
            self.tasks[key] = self.progress.add_task(
                f"  {escape(self.names.get(key, key))}", total=len(self.steps), completed=0
            )

    def candidate_step(self, key: str, step: str) -> None:
        task = self.tasks.get(key)
        if task is None:
            return
        if step == "done":
            self.progress.update(task, completed=len(self.steps))
            return
        index, label = self.steps.get(step, (0, step))
        self.progress.update(task, completed=index, description=f"  {escape(self.names.get(key, key))}：{label}")

    def candidate_finished(self, result: CandidateResult) -> None:
        with self._lock:
            task = self.tasks.pop(result.key, None)
        if task is not None:
            self.progress.remove_task(task)
        mark = "[green]✓[/]" if result.status is CandidateStatus.OK else "[red]✗[/]"
        self.progress.console.print(f"{mark} {escape(result.display)}：{result.status.label}", highlight=False)
        self.progress.advance(self.overall)

    def stage(self, text: str) -> None:
        self.progress.update(self.overall, description=text)


def _close(pool: ConversionPool) -> None:
    """Stop the command's own LibreOffice processes."""
    pool.close()


def result_table(report: BatchReport) -> Table:
    table = Table(title=f"{report.manifest.recommender.city}：{report.state.label}", title_justify="left")
    table.add_column("类别")
    table.add_column("优先级", justify="right")
    table.add_column("序号", justify="right")
    table.add_column("名称")
    table.add_column("创建领域")
    table.add_column("状态")
    table.add_column("页数", justify="right")
    table.add_column("用时", justify="right")
    table.add_column("问题")
    for c in report.candidates:
        status = {
            CandidateStatus.OK: "[green]成功[/]" + ("（沿用）" if c.reused else ""),
            CandidateStatus.FAILED: "[red]失败[/]",
        }.get(c.status, c.status.label)
        problem = "、".join(dict.fromkeys(e["code"] for e in c.errors))
        table.add_row(
            c.type.label if c.type else "—",
            str(c.priority or "—"),
            str(c.sequence) if c.status is CandidateStatus.OK and c.sequence else "",
            escape(c.name or c.applicant or c.key),
            c.creation_field or "",
            status,
            str(c.pages) if c.pages and c.status is CandidateStatus.OK else "",
            f"{c.seconds:.1f} 秒" if c.seconds is not None and c.status is CandidateStatus.OK else "",
            escape(problem),
        )
    return table


def batch_command(
    manifest: Path | None = typer.Argument(
        None, help="批量清单 manifest.json，或候选名单 .xlsx（见 --template-xlsx）", show_default=False
    ),
    out: Path | None = typer.Option(
        None, "-o", "--output", help="输出目录（重新运行时跳过未变化的申报对象、从中断处继续）"
    ),
    workers: int | None = typer.Option(
        None, "--workers", "-w", min=1, max=32, help="LibreOffice 进程数（并行生成的申报对象数），默认为 CPU 核数"
    ),
    runner: str = typer.Option(
        "embedded", "--runner", help="embedded：本机生成；celery：交给 docgen worker（分布式部署）"
    ),
    detach: bool = typer.Option(False, "--detach", help="与 --runner celery 一起使用：提交后只打印任务编号，不等待"),
    template_xlsx: Path | None = typer.Option(
        None,
        "--template-xlsx",
        help="写出空白候选名单（.xlsx，类型和领域为下拉列表、优先级只能填整数）后退出，不运行批量任务",
        show_default=False,
    ),
) -> None:
    """批量生成一个地市的全部申报材料和推荐汇总表：可重复运行（只生成有变化的部分），中断后重新运行即可续做。

    退出码：0 全部成功；3 已完成但有申报对象失败（见 报告.txt）；1 清单不可用（未生成任何文件）；130 已中断。
    """
    from service.batch.manifest import ManifestInvalid
    from service.batch.pipeline import run_batch
    from service.conversion import ConversionPool, PoolSettings

    if template_xlsx is not None:
        raise typer.Exit(_write_list_template(template_xlsx))
    if manifest is None or out is None:
        err_console.print("[red]请给出批量清单（manifest.json 或候选名单 .xlsx）和输出目录 -o，"
                          "或用 --template-xlsx 写出空白候选名单[/]")  # fmt: skip
        raise typer.Exit(2)
    if runner != "embedded":
        raise typer.Exit(_on_workers(manifest, out, runner, detach))
    pool = ConversionPool(PoolSettings(size=workers) if workers else PoolSettings())
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(bar_width=30),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=console, transient=False) as progress:
            report = run_batch(manifest, out, workers=workers, converter=pool, progress=RichBatchProgress(progress))
    except ManifestInvalid as exc:
        print_field_errors(exc.errors, f"批量清单不可用：共 {len(exc.errors)} 处错误（未生成任何文件）")
        raise typer.Exit(exit_code_for(exc)) from None
    except KeyboardInterrupt:
        err_console.print("[yellow]已中断：[/]已完成的申报对象已保存；重新运行同一命令即可从中断处继续。")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    finally:
        _close(pool)
    console.print(result_table(report))
    failed = [c for c in report.candidates if c.errors]
    if failed:
        console.print("[bold]失败原因：[/]")
        for c in failed:
            console.print(f"  [red]✗[/] {escape(c.display)}", highlight=False)
            for error in c.errors:
                line = field_error_line(error.get("loc", "$"), error.get("label", ""), error["code"], error["message"])
                console.print(f"      · {line}", highlight=False)
    if report.summary:
        s = report.summary
        counts = f"园区类 {s['parks']} 个，企业类 {s['enterprises']} 个"
        files = " / ".join(escape(s[k]) for k in ("docx", "pdf", "xlsx") if s.get(k))
        console.print(f"推荐汇总表：{files}（{counts}）")
    elif report.summary_error:
        err_console.print(f"[red]推荐汇总表未生成：[/]{escape(report.summary_error['message'])}")
    counts = report.as_dict()["counts"]
    console.print(
        f"共 {counts['total']} 个申报对象：成功 {counts['ok']} 个（本次生成 {counts['produced']} 个，"
        f"沿用 {counts['reused']} 个），失败 {counts['failed']} 个。输出目录：{escape(str(out))}"
        + (f"，ZIP：{escape(report.zip_name)}" if report.zip_name else "")
    )
    raise typer.Exit(report.exit_code)


def _write_list_template(path: Path) -> int:
    """`--template-xlsx`: the empty candidate list (service/batch/candidate_list.py)."""
    from service.batch.candidate_list import template_xlsx
    from service.output import atomic_write

    if path.suffix.lower() != ".xlsx":
        err_console.print(f"[red]--template-xlsx 的文件名应以 .xlsx 结尾，收到：{escape(str(path))}[/]")
        return 2
    atomic_write(path, template_xlsx())
    console.print(
        f"已写出空白候选名单：{escape(str(path))}（填好后与申请书数据、附件放在同一文件夹，"
        "运行 docgen batch list.xlsx -o 输出目录）"
    )
    return EXIT_OK


def _on_workers(manifest: Path, out: Path, runner: str, detach: bool) -> int:
    """`--runner celery`: the batch runs on the workers (service/cli/distributed.py); same exit codes."""
    from service.batch.manifest import ManifestInvalid
    from service.cli.distributed import batch_on_workers

    if runner != "celery":
        err_console.print(f"[red]--runner 只能是 embedded 或 celery，收到：{escape(runner)}[/]")
        return 2
    try:
        return batch_on_workers(manifest, out, detach=detach)
    except ManifestInvalid as exc:
        print_field_errors(exc.errors, f"批量清单不可用：共 {len(exc.errors)} 处错误（未生成任何文件）")
        return exit_code_for(exc)


def rollup_command(
    city_dirs: list[Path] = typer.Argument(
        ..., help="各地市 docgen batch 的输出目录（按此顺序排列）", show_default=False
    ),
    out: Path = typer.Option(..., "-o", "--output", help="输出目录"),
    recommender: str = typer.Option(
        "广东省工业和信息化厅", "--recommender", help="推荐单位（省级工业和信息化主管部门）"
    ),
) -> None:
    """省级汇总：由各地市的批量输出生成工业和信息化部附件1 推荐汇总表（.docx、.pdf 与 .xlsx），园区类和企业类分别列表。

    退出码：0 成功；3 有申报对象因跨地市重复等问题未列入（见 汇总报告.txt）；1 无法汇总。
    """
    from service.batch.rollup import RollupInvalid, rollup
    from service.conversion import ConversionPool, PoolSettings

    pool = ConversionPool(PoolSettings(size=1))
    try:
        report = rollup(city_dirs, out, recommender=recommender, converter=pool)
    except RollupInvalid as exc:
        for problem in exc.problems:
            err_console.print(f"[bold red]错误：[/]{escape(problem)}", highlight=False)
        raise typer.Exit(exit_code_for(exc)) from None
    except DocgenError as exc:  # the converter busy, timed out or unavailable
        raise exit_for(exc) from None
    finally:
        _close(pool)
    table = Table(title=f"省级推荐汇总表（{escape(recommender)}）", title_justify="left")
    for column in ("类别", "序号", "名称", "申报单位", "地市", "创建领域"):
        table.add_column(column)
    for r in report.rows:
        table.add_row(r.category.label, str(r.priority), escape(r.name), escape(r.applicant), r.city, r.creation_field)
    console.print(table)
    for p in report.problems:
        console.print(f"[magenta]{p.code}[/]：{escape(p.message)}", highlight=False)
    files = "、".join(escape(f) for f in report.files)
    console.print(f"已生成：{files}（{report.pages} 页），输出目录：{escape(str(out))}")
    raise typer.Exit(report.exit_code)
