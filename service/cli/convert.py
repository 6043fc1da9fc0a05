"""`docgen convert` (Word → PDF) and `docgen doctor` (LibreOffice and fonts).

    docgen convert 申请书.docx -o 申请书.pdf [--pdfa]
    docgen doctor

Output is Chinese. `convert` runs one LibreOffice process for the command and always shuts it down: no
soffice process or profile directory is left behind, also after an error or Ctrl-C.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from service.cli.console import console, err_console
from service.cli.errors import exit_for


def register(app: typer.Typer) -> None:
    """Add the `convert` and `doctor` commands to the docgen CLI."""
    app.command("convert")(convert_command)
    app.command("doctor")(doctor_command)


def _fail(message: str, code: str) -> typer.Exit:
    err_console.print(f"[bold red]{escape(f'错误（{code}）：')}[/]{escape(message)}", highlight=False)
    return typer.Exit(code=1)


def convert_command(
    source: Path = typer.Argument(..., help="要转换的 Word 文档（.docx）"),
    out: Path | None = typer.Option(None, "-o", "--output", help="输出的 PDF 文件（默认与输入同名，扩展名 .pdf）"),
    pdfa: bool = typer.Option(False, "--pdfa", help="输出 PDF/A-2b（长期归档格式）"),
    title: str | None = typer.Option(None, "--title", help="PDF 文档标题（默认沿用 Word 文档属性）"),
    author: str | None = typer.Option(None, "--author", help="PDF 作者，通常为申报单位"),
    subject: str | None = typer.Option(None, "--subject", help="PDF 主题，通常为模板标题"),
    timeout: float = typer.Option(60.0, "--timeout", min=1.0, help="单次转换的超时时间（秒）"),
) -> None:
    """将 Word 文档（.docx）转换为 PDF（字体嵌入、按标题生成书签；外部链接的图片和文件一律不加载）。"""
    from service.conversion import ConversionError, ConversionPool, PdfOptions, PoolSettings

    if not source.is_file():
        raise _fail(f"找不到文件 {source}", "input_missing")
    if source.suffix.lower() != ".docx":
        raise _fail(f"{source} 不是 .docx 文件（只支持 Word 2007 及以后的 .docx 格式）", "invalid_document")
    target = out or source.with_suffix(".pdf")
    if target.suffix.lower() != ".pdf":
        raise _fail(f"输出文件 {target} 的扩展名应为 .pdf", "invalid_output")
    options = PdfOptions(pdfa=pdfa, title=title, author=author, subject=subject)
    settings = PoolSettings(size=1, conversion_timeout=timeout, health_interval=0)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with ConversionPool(settings) as pool:
            pool.convert_file(source, target, options)
    except ConversionError as exc:
        raise exit_for(exc) from None
    except OSError as exc:
        raise _fail(f"读写文件失败：{exc}", "io_error") from None
    kind = "PDF/A-2b" if pdfa else "PDF"
    console.print(f"[green]✓ 已生成 {kind}[/] {escape(str(target))}（{target.stat().st_size / 1024:.0f} KB）")


def doctor_command() -> None:
    """检查 LibreOffice、python3-uno 与公文字体映射（每个公文字体名实际解析到的字体），并给出修复命令。"""
    from service.conversion.fonts import run_doctor

    report = run_doctor()
    console.print(f"LibreOffice 版本：{escape(report.libreoffice_version or '未找到')}")
    if report.soffice_path:
        console.print(f"LibreOffice 程序：{escape(report.soffice_path)}")
    console.print(f"Python UNO（python3-uno）：{'可用' if report.uno_available else '不可用'}")
    console.print(
        "公文字体映射配置："
        + ("已安装" if report.fontconfig_installed else "未安装")
        + ("" if report.fontconfig_current or not report.fontconfig_installed else "（与仓库版本不一致）")
    )
    table = Table(title="公文字体解析结果（fc-match）", title_justify="left")
    table.add_column("字体名")
    table.add_column("用途")
    table.add_column("解析为")
    table.add_column("字形")
    table.add_column("字体文件")
    table.add_column("状态")
    for font in report.fonts:
        status = "[green]✓[/]" if font.ok else "[red]✗[/]"
        if font.fallback:
            status = "[yellow]✓ 备选[/]"
        table.add_row(
            font.rule.name,
            font.rule.role,
            escape(font.family or "（无）"),
            escape(font.style or ""),
            escape(Path(font.file).name if font.file else ""),
            status,
        )
    console.print(table)
    if report.ok:
        console.print("[green]✓ 一切正常：LibreOffice 可用，所有公文字体均映射到规定的简体中文字体。[/]")
        return
    err_console.print(f"[bold red]发现 {len(report.problems)} 个问题：[/]")
    fixes: list[str] = []
    for problem in report.problems:
        err_console.print(f"  • {escape(problem.message)}")
        if problem.fix not in fixes:
            fixes.append(problem.fix)
    for fix in fixes:
        err_console.print(f"修复命令：[bold]{escape(fix)}[/]")
    raise typer.Exit(code=1)
