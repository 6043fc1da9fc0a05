"""`docgen`: the command line of the service, one module per command group.

    app.py        the Typer app and `main` (the console entry `docgen = "service.cli:main"`)
    documents.py  templates, validate, render
    convert.py    convert, doctor
    package.py    package
    batch.py      batch, rollup
    serve.py      serve
    distributed.py  worker
    db.py         db upgrade, db current (the job database's schema)
    excel.py      workbook, import
    templates.py  template lint|upload|list|versions|export
    console.py    the consoles every command prints to
    errors.py     exit codes by error kind (`exit_for`)
    fields.py     the one table of field errors (`print_field_errors`) and the one line per field error
    common.py     helpers for any group: `fail`, `load_json`, `spec_or_fail`, `write_atomically`

Output is Chinese; errors name the field or file, write nothing, and exit with the code of their kind.

Adding a command group: write `service/cli/<group>.py` with a `register(app: typer.Typer) -> None` that calls
`app.command("<name>")(<function>)` (or `app.add_typer(sub, name="<group>")` for `docgen <group> <command>`), print
through `service.cli.console`, map errors with `service.cli.errors.exit_for`, print field errors with
`service.cli.fields.print_field_errors`; then import it below and add it to `COMMAND_GROUPS`. Import heavy
dependencies inside the command functions so `docgen --help` stays fast, and never import `service.cli` itself from a
group module, nor another group (import `service.cli.app` or the helpers): the package imports the groups.
"""

from __future__ import annotations

from service.cli import batch, convert, db, distributed, documents, excel, package, serve, templates
from service.cli.app import app, main

# The order here is the order of `docgen --help`.
COMMAND_GROUPS = (
    documents,
    excel,
    convert,
    package,
    batch,
    serve,
    distributed,
    db,
    templates,
)

for _group in COMMAND_GROUPS:
    _group.register(app)

__all__ = ["COMMAND_GROUPS", "app", "main"]
