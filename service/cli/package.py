"""`docgen package`: the complete application package (完整申报材料.pdf) and the disc bundle from one command.

    docgen package samples/park_application.json --attachments samples/attachments/park -o out/

`service/cli/__init__.py` adds it to `docgen` with `register(app)`. Output is Chinese; any error names the file and
the reason, exits with status 1 and writes nothing (the package is built in memory and written atomically at the end).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from service.cli.console import console, err_console
from service.cli.errors import exit_for
from service.cli.fields import print_field_errors
from service.errors import DocgenError
from service.payloads.json_input import JsonInputError, load_json

if TYPE_CHECKING:
    from service.templates.rendering import UploadedRenderer

APPLICATION_TEMPLATES = ("park_application", "enterprise_application")


def register(app: typer.Typer) -> None:
    """Add the `package` command to the docgen CLI."""
    app.command("package")(package_command)


def _fail(message: str, code: str | None = None) -> typer.Exit:
    """Print "错误（code）：message" (message escaped: file names may hold [brackets]) and exit 1."""
    prefix = f"错误（{code}）：" if code else "错误："
    err_console.print(f"[bold red]{escape(prefix)}[/]{escape(message)}", highlight=False)
    return typer.Exit(code=1)


def _load_payload(path: Path) -> Any:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _fail(f"找不到数据文件 {path}", "payload_missing") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _fail(f"{path} 不是 UTF-8 编码的文本文件", "payload_not_utf8") from None
    try:
        return load_json(text, str(path))
    except JsonInputError as exc:
        code = {"malformed_json": "payload_not_json"}.get(exc.code, exc.code)
        raise _fail(exc.message, code) from None


def infer_template(payload: Any) -> tuple[str | None, dict[str, list[Any]]]:
    """The one application template the payload validates against; else None and each template's errors."""
    from service.payloads import PayloadInvalid
    from service.rendering import validate

    errors: dict[str, list[Any]] = {}
    matches = []
    for template_id in APPLICATION_TEMPLATES:
        try:
            validate(template_id, payload)
            matches.append(template_id)
        except PayloadInvalid as exc:
            errors[template_id] = exc.errors
    return (matches[0] if len(matches) == 1 else None), errors


def package_command(
    payload: Path = typer.Argument(..., help="申请书 JSON 数据文件", show_default=False),
    attachments: Path = typer.Option(
        ...,
        "--attachments",
        "-a",
        help="附件目录：按附件清单序号分子文件夹（1/、2/ …），或含 attachments.json（file、item、title 列表）",
        show_default=False,
    ),
    out: Path = typer.Option(..., "-o", "--output", help="输出目录", show_default=False),
    template: str | None = typer.Option(
        None, "--template", "-t", help="park_application | enterprise_application（默认按数据自动判断）"
    ),
    sequence: int = typer.Option(1, "--sequence", min=1, help="序号（推荐汇总表中的序号），用于目录名"),
    max_file_mb: float = typer.Option(50, "--max-file-mb", min=0.00001, help="单个附件大小上限（MB）"),
    max_package_mb: float = typer.Option(300, "--max-package-mb", min=0.00001, help="附件合计大小上限（MB）"),
    max_pages: int = typer.Option(500, "--max-pages", min=1, help="单个附件页数上限"),
    pdfa: bool = typer.Option(
        False, "--pdfa", help="完整申报材料.pdf 与 申请书.pdf 输出为 PDF/A-2b（长期归档格式；附件 PDF 的字体须已嵌入）"
    ),
    version: str | None = typer.Option(
        None,
        "--version",
        help="申请书的模板版本（docgen template versions 列出的版本，或内置模板的版本）；默认为最新上传的版本，"
        "没有上传过时为内置模板",
    ),
) -> None:
    """生成完整申报材料：申请书 + 附件合并为一个带书签和页码的 PDF，并生成光盘目录（ZIP）。出错时不写任何文件。"""
    from service.conversion import get_default_pool
    from service.packaging import (
        STEPS,
        PackageLimits,
        assemble_package,
        attachments_from_dir,
    )
    from service.payloads import PayloadInvalid

    data = _load_payload(payload)
    if template is None:
        template, errors = infer_template(data)
        if template is None:
            if not errors:
                raise _fail("数据同时符合示范园区和示范企业申请书，请用 --template 指定模板", "template_ambiguous")
            closest = min(errors, key=lambda t: len(errors[t]))
            print_field_errors(errors[closest])
            raise _fail(
                f"无法判断模板：数据不符合任何申请书模板（以上为与 {closest} 对照的错误）；可用 --template 指定",
                "template_unknown",
            )
    elif template not in APPLICATION_TEMPLATES:
        raise _fail(f"“{template}”不是申请书模板，可选：{' / '.join(APPLICATION_TEMPLATES)}", "unknown_template")

    limits = PackageLimits(
        max_file_bytes=int(max_file_mb * 1024 * 1024),
        max_package_bytes=int(max_package_mb * 1024 * 1024),
        max_file_pages=max_pages,
    )
    started = time.perf_counter()
    try:
        renderer = _renderer(template, version)
        files = attachments_from_dir(attachments)
        labels = dict(STEPS)
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=False,
        ) as progress:
            tasks = {key: progress.add_task(label, total=1, start=False) for key, label in STEPS}
            current: list[str] = []

            def advance(step: str) -> None:
                if current:
                    progress.update(tasks[current[-1]], completed=1)
                if step in labels:
                    progress.start_task(tasks[step])
                    current.append(step)

            package = assemble_package(
                template,
                data,
                files,
                sequence=sequence,
                limits=limits,
                progress=advance,
                converter=get_default_pool(),
                pdfa=pdfa,
                renderer=renderer,
            )
        written = package.write_to(out)
    except PayloadInvalid as exc:
        print_field_errors(exc.errors)
        raise typer.Exit(code=1) from None
    except DocgenError as exc:  # packaging errors, and busy/timeout/unavailable conversions unwrapped
        raise exit_for(exc) from None
    finally:
        _shutdown_pool()

    _summary(package, written, time.perf_counter() - started)


def _renderer(template_id: str, version: str | None) -> UploadedRenderer | None:
    """The 申请书's template version chosen as POST /v1/packages chooses it: `version` if given, else the newest
    active uploaded version in the configured template store; None: the built-in file."""
    from service.rendering import get_template
    from service.templates.errors import TemplateVersionError
    from service.templates.rendering import UploadedRenderer, pick
    from service.templates.store import configured_store

    store = configured_store()
    if store is None:  # nothing was ever uploaded: only the built-in version exists
        if version and version != get_template(template_id).version:
            raise TemplateVersionError(f"模板“{template_id}”没有版本 {version}。")
        return None
    record = pick(store, template_id, version)
    return UploadedRenderer(store, record) if record is not None else None


def _shutdown_pool() -> None:
    try:
        from service.conversion import shutdown_default_pool
    except ImportError:
        return
    shutdown_default_pool()


def _summary(package: Any, written: list[Path], seconds: float) -> None:
    table = Table(title=f"完整申报材料：共 {package.pages} 页（封面不编页码）", title_justify="left")
    table.add_column("部分")
    table.add_column("标题")
    table.add_column("页码", justify="right")
    table.add_column("页数", justify="right")
    table.add_column("原文件", style="dim")
    for part in package.parts:
        numbers = (
            f"{part.first_number}–{part.last_number}"
            if part.last_number > part.first_number
            else str(part.first_number)
        )
        table.add_row(part.label, escape(part.title), numbers, str(part.pages), escape(part.source_name or ""))
    console.print(table)
    for repair in package.repairs:
        console.print(f"[yellow]已修复[/] {escape(repair.filename)}：{escape(repair.message)}", highlight=False)
    missing = [r.item for r in package.references if not r.files]
    if missing:
        console.print(f"[yellow]提示[/]：附件清单第 {'、'.join(map(str, missing))} 项未提供材料（清单中注明“未提供”）")
    for path in written:
        console.print(f"[green]✓ 已生成[/] {escape(str(path))}", highlight=False)
    console.print(f"申请书模板版本 {package.template_version}", style="dim", highlight=False)
    console.print(f"用时 {seconds:.1f} 秒", style="dim")
