"""`docgen templates`, `docgen validate` and `docgen render`: the forms, checking a payload, one document.

    docgen templates [--json]
    docgen validate park_application samples/park_application.json
    docgen render park_application samples/park_application.json -o 申请书.pdf

Output is in Chinese; errors list every problem with its JSON path and label and exit with status 1,
writing nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from service.cli.common import CliFailure, fail, load_json, spec_or_fail, write_atomically
from service.cli.console import console
from service.cli.errors import exit_for
from service.cli.fields import print_field_errors
from service.payloads import PayloadInvalid
from service.rendering import list_templates, render, validate
from service.rendering.bounded import render_document


def register(app: typer.Typer) -> None:
    """Add `templates`, `validate` and `render` to the docgen CLI."""
    app.command("templates")(templates_command)
    app.command("validate")(validate_command)
    app.command("render")(render_command)


def templates_command(as_json: bool = typer.Option(False, "--json", help="以 JSON 输出")) -> None:
    """列出所有模板及其标题。"""
    specs = list_templates()
    if as_json:
        rows = [{"id": s.id, "title": s.title, "formats": list(s.formats)} for s in specs]
        console.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(title="可用模板")
    table.add_column("模板 ID", style="cyan")
    table.add_column("标题")
    table.add_column("输出格式")
    for s in specs:
        table.add_row(s.id, s.title, " / ".join(s.formats))
    console.print(table)


def validate_command(
    template_id: str = typer.Argument(..., help="模板 ID，见 docgen templates"),
    payload: Path = typer.Argument(..., help="JSON 数据文件"),
) -> None:
    """校验数据：打印全部错误；通过时打印计算得出的数值（近三年平均值、比重等）。"""
    spec_or_fail(template_id)
    try:
        result = validate(template_id, load_json(payload))
    except PayloadInvalid as exc:
        print_field_errors(exc.errors)
        raise CliFailure() from None
    console.print(f"[green]✓ 校验通过[/]：{payload}")
    if result.derived:
        table = Table(title="计算得出的数值")
        table.add_column("位置 (JSON path)", style="cyan")
        table.add_column("数值", justify="right")
        for loc, value in result.derived.items():
            table.add_row(loc, "" if value is None else f"{value:.2f}" if isinstance(value, float) else str(value))
        console.print(table)


FORMATS = ("docx", "pdf", "pdfa")


def output_format(out: Path, fmt: str | None) -> str:
    if fmt:
        if fmt not in FORMATS:
            raise fail(f"不支持的格式“{fmt}”，可选：{' / '.join(FORMATS)}")
        return fmt
    suffix = out.suffix.lower().lstrip(".")
    if suffix not in ("docx", "pdf"):
        raise fail(f"无法从文件名 {out.name} 判断输出格式：请用 .docx / .pdf 结尾，或给出 --format")
    return suffix


def render_command(
    template_id: str = typer.Argument(..., help="模板 ID，见 docgen templates"),
    payload: Path | None = typer.Argument(None, help="JSON 数据文件（--blank 时不需要）"),
    out: Path = typer.Option(..., "-o", "--output", help="输出文件：.docx 或 .pdf"),
    fmt: str | None = typer.Option(None, "--format", help="docx | pdf | pdfa（默认按输出文件扩展名）"),
    blank: bool = typer.Option(False, "--blank", help="生成空白表格（供手工填写），不需要数据"),
) -> None:
    """用 JSON 数据生成文档（Word 或 PDF）；数据有误时列出全部错误，不写任何文件。"""
    spec = spec_or_fail(template_id)
    if fmt == "xlsx" or (fmt is None and out.suffix.lower() == ".xlsx"):
        from service.cli.excel import render_summary_xlsx  # the 推荐汇总表 as Excel cells

        render_summary_xlsx(template_id, payload, out)
        return
    kind = output_format(out, fmt)
    if blank:
        docx = render(template_id, blank=True)
        applicant = ""
    else:
        if payload is None:
            raise fail("请给出 JSON 数据文件，或用 --blank 生成空白表格")
        try:
            validated = validate(template_id, load_json(payload))
        except PayloadInvalid as exc:
            print_field_errors(exc.errors)
            raise CliFailure() from None
        docx = render_document(template_id, validated)  # large work: isolated, within DOCGEN_RENDER_*
        applicant = validated.model.applicant_name()
    from service.rendering.titles import document_title

    # a 公文's PDF Title is its own 标题, as in its .docx; the template's title stays the Subject
    title = document_title(template_id, None if blank else validated)
    pdfa = kind == "pdfa"
    data = docx if kind == "docx" else _to_pdf(docx, pdfa=pdfa, title=title, author=applicant, subject=spec.title)
    write_atomically(out, data)
    console.print(f"[green]✓ 已生成[/] {out}（{len(data) / 1024:.0f} KB）")


def _to_pdf(docx: bytes, *, pdfa: bool, title: str, author: str, subject: str) -> bytes:
    from service.conversion import ConversionError, PdfOptions, convert_to_pdf, shutdown_default_pool

    try:
        return convert_to_pdf(docx, PdfOptions(pdfa=pdfa, title=title, author=author, subject=subject))
    except ConversionError as exc:
        raise exit_for(exc) from None
    finally:
        shutdown_default_pool()
