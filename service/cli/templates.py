"""`docgen template lint|upload|list|versions|export`: check a Word template, store it as a new version (in the
data directory and job database of DOCGEN_DATA_DIR / DOCGEN_DATABASE_URL), list the stored ones, write a built-in
template out to edit in Word."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from service.cli.common import fail, load_json, spec_or_fail, write_atomically
from service.cli.console import console, err_console

if TYPE_CHECKING:
    from service.templates.store import TemplateStore

group = typer.Typer(help="模板：检查、上传、版本、导出内置模板。", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="template")


def _store() -> TemplateStore:
    from service.api.settings import load_settings
    from service.templates.store import store_for

    settings = load_settings()
    return store_for(settings.batch_storage_dir() / "templates", settings.batch_database_url())


@group.command("lint")
def lint(
    file: Annotated[Path, typer.Argument(help="Word 模板（.docx）")],
    model: Annotated[str | None, typer.Option("--model", help="按此内置模板的数据模型检查变量")] = None,
    schema: Annotated[Path | None, typer.Option("--schema", help="按此 JSON Schema 检查变量")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """检查模板，一次列出全部问题。退出码：0 无错误（可有警告），1 有错误，2 文件无法使用。"""
    from rich.markup import escape
    from rich.table import Table

    from service.templates.lint import lint_docx
    from service.templates.rendering import builtin_paths

    try:
        data = file.read_bytes()
    except OSError:
        err_console.print(f"[bold red]错误：[/]找不到文件 {file}")
        raise typer.Exit(2) from None
    spec = spec_or_fail(model) if model else None
    schema_doc = load_json(schema) if schema else None
    report = lint_docx(
        data,
        file.name,
        model=spec.model if spec and not spec.composer else None,
        baseline=builtin_paths(spec.id) if spec and not spec.composer else None,
        schema=schema_doc,
    )
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        raise typer.Exit(report.exit_code)
    if not report.findings:
        console.print(f"[green]✓[/] {escape(file.name)}：没有发现问题。")
        raise typer.Exit(0)
    table = Table(show_lines=False)
    for column in ("级别", "代码", "位置", "文字", "说明"):
        table.add_column(column, overflow="fold")
    for f in report.findings:
        level = "[red]错误[/]" if f.severity == "error" else "[yellow]警告[/]"
        table.add_row(level, f.code, escape(f.where), escape(f.text), escape(f.message))
    console.print(table)
    console.print(f"{len(report.errors)} 个错误，{len(report.warnings)} 个警告。")
    raise typer.Exit(report.exit_code)


@group.command("upload")
def upload(
    file: Annotated[Path, typer.Argument(help="Word 模板（.docx）")],
    template_id: Annotated[str | None, typer.Option("--id", help="模板 ID；与内置模板相同时为其新版本")] = None,
    title: Annotated[str, typer.Option("--title", help="标题")] = "",
    description: Annotated[str, typer.Option("--description", help="说明")] = "",
    schema: Annotated[Path | None, typer.Option("--schema", help="数据的 JSON Schema")] = None,
    sample: Annotated[Path | None, typer.Option("--sample", help="试渲染用的示例数据（JSON）")] = None,
) -> None:
    """检查、试渲染并保存为新版本；没有 Schema 时打印推断出的 Schema。"""
    from service.cli.errors import exit_for
    from service.cli.fields import print_field_errors
    from service.errors import DocgenError

    try:
        data = file.read_bytes()
    except OSError:
        raise fail(f"找不到文件 {file}") from None
    store = _store()
    try:
        result = store.upload(
            data,
            filename=file.name,
            template_id=template_id,
            title=title,
            description=description,
            schema=load_json(schema) if schema else None,
            sample=load_json(sample) if sample else None,
            uploaded_by="命令行",
        )
    except DocgenError as exc:
        err_console.print(f"[bold red]错误：[/]{exc.message}（{exc.code}）")
        if exc.errors:
            print_field_errors(exc.errors)
        raise typer.Exit(exit_for(exc).exit_code) from None
    record = result.record
    state = "已保存新版本" if result.created else "该版本已存在"
    console.print(f"[green]✓[/] {state}：{record.template_id} 版本 {record.version}")
    if result.schema is not None and record.schema_inferred:
        console.print("推断出的数据 Schema（可修改后用 --schema 重新上传）：")
        print(json.dumps(result.schema, ensure_ascii=False, indent=2))


@group.command("list")
def list_templates() -> None:
    """列出上传的模板（每个模板的当前版本）。"""
    from rich.table import Table

    table = Table()
    for column in ("模板 ID", "标题", "当前版本", "上传者", "部署时间"):
        table.add_column(column)
    for record in _store().list():
        d = record.to_dict()
        table.add_row(d["id"], d["title"], d["version"], d["uploaded_by"], d["deployed_at"])
    console.print(table)


@group.command("versions")
def versions(template_id: Annotated[str, typer.Argument(help="模板 ID")]) -> None:
    """一个模板的全部版本，最新的在前。"""
    from rich.table import Table

    records = _store().versions(template_id)
    if not records:
        raise fail(f"模板“{template_id}”没有上传过的版本。")
    table = Table()
    for column in ("版本", "上传者", "部署时间", "状态"):
        table.add_column(column)
    for record in records:
        d = record.to_dict()
        table.add_row(d["version"], d["uploaded_by"], d["deployed_at"], "已停用" if d["retired_at"] else "可用")
    console.print(table)


@group.command("export")
def export(
    template_id: Annotated[str, typer.Argument(help="内置模板 ID")],
    output: Annotated[Path, typer.Option("-o", "--output", help="输出的 .docx")],
) -> None:
    """把内置模板写成 .docx，供在 Word 中修改后上传。"""
    spec = spec_or_fail(template_id)
    write_atomically(output, spec.docx_path.read_bytes())
    console.print(f"[green]✓[/] 已导出 {spec.title} → {output}")
