"""`docgen workbook` and `docgen import`: a template's fill-in Excel workbook, and a filled-in one back to JSON.

    docgen workbook park_application -o 园区填报表.xlsx
    docgen workbook park_application -o 园区填报表.xlsx --from samples/park_application.json
    docgen import park_application 园区填报表.xlsx -o payload.json

Errors of a workbook name the cell (`工作表!单元格`), the JSON path and the field, write nothing and exit with 1.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from service.cli.common import load_json, write_atomically
from service.cli.console import console
from service.cli.errors import exit_for
from service.cli.fields import print_field_errors
from service.errors import DocgenError, ErrorKind


def register(app: typer.Typer) -> None:
    """Add `workbook` and `import` to the docgen CLI."""
    app.command("workbook")(workbook_command)
    app.command("import")(import_command)


def workbook_command(
    template_id: str = typer.Argument(..., help="模板 ID，见 docgen templates"),
    out: Path = typer.Option(..., "-o", "--output", help="输出的 .xlsx 填报表"),
    source: Path | None = typer.Option(None, "--from", help="用这份 JSON 数据预先填好（可选）"),
) -> None:
    """生成模板的 Excel 填报表：每个部分一个工作表，黄色单元格为填写区，带下拉列表和数值校验。"""
    from service.excel.workbook import workbook_for

    payload = load_json(source) if source is not None else None
    try:
        data = workbook_for(template_id, payload)
    except DocgenError as exc:
        raise exit_for(exc) from None
    write_atomically(out, data)
    console.print(f"[green]✓ 已生成填报表[/] {out}（{len(data) / 1024:.0f} KB）")


def import_command(
    template_id: str = typer.Argument(..., help="模板 ID，见 docgen templates"),
    workbook: Path = typer.Argument(..., help="填好的 .xlsx 填报表"),
    out: Path = typer.Option(..., "-o", "--output", help="输出的 JSON 数据文件"),
) -> None:
    """把填好的 Excel 填报表转换为 JSON 数据；有错误时逐一列出（工作表!单元格、字段、说明），不写文件。"""
    from service.excel.importer import WorkbookInvalid, read_payload

    try:
        data = workbook.read_bytes()
    except OSError:
        raise exit_for(DocgenError(f"找不到文件 {workbook}", code="file_missing", kind=ErrorKind.INVALID)) from None
    try:
        payload = read_payload(template_id, data, workbook.name)
    except WorkbookInvalid as exc:
        print_field_errors(exc.errors, title=f"Excel 数据有误：共 {len(exc.errors)} 处错误（位置见“说明”开头的单元格）")
        raise typer.Exit(code=1) from None
    except DocgenError as exc:
        raise exit_for(exc) from None
    write_atomically(out, (json.dumps(payload, ensure_ascii=False, indent=2) + "\n").encode())
    console.print(f"[green]✓ 已导入[/] {workbook} → {out}")


def render_summary_xlsx(template_id: str, payload: Path | None, out: Path) -> None:
    """`docgen render <推荐汇总表> data.json -o X.xlsx`: the table as Excel cells, like the Word form."""
    from service.excel.summaries import SUMMARY_TEMPLATES, summary_xlsx
    from service.payloads import PayloadInvalid

    if template_id not in SUMMARY_TEMPLATES:
        raise exit_for(
            DocgenError(
                f"模板“{template_id}”不提供 xlsx 格式：只有推荐汇总表（{'、'.join(SUMMARY_TEMPLATES)}）可导出为 Excel；"
                "申请书的 Excel 填报表请用 docgen workbook",
                code="format_unsupported",
                kind=ErrorKind.INVALID,
            )
        )
    if payload is None:
        raise exit_for(DocgenError("请给出 JSON 数据文件", code="payload_missing", kind=ErrorKind.INVALID))
    try:
        data = summary_xlsx(template_id, load_json(payload))
    except PayloadInvalid as exc:
        print_field_errors(exc.errors)
        raise typer.Exit(code=1) from None
    write_atomically(out, data)
    console.print(f"[green]✓ 已生成[/] {out}（{len(data) / 1024:.0f} KB）")
