"""`docgen db upgrade` and `docgen db current`: the job database's schema (Alembic revisions).

The database is `--database-url`, else DOCGEN_DATABASE_URL, else the API's SQLite file under the data directory.
The API and `docgen batch` migrate at startup too; running `docgen db upgrade` first (one replica, a deploy step)
keeps a schema change out of the replicas' startup.
"""

from __future__ import annotations

import typer
from rich.markup import escape

from service.cli.console import console
from service.cli.errors import exit_for
from service.errors import DocgenError

db_app = typer.Typer(help="任务数据库：迁移到本程序的版本、查看当前版本。", no_args_is_help=True)

URL_HELP = (
    "数据库地址（SQLAlchemy URL 或 SQLite 文件路径）；默认 DOCGEN_DATABASE_URL，"
    "未设置时为数据目录下的 batches/batches.db"
)


def _url(given: str | None) -> str:
    from service.api.settings import load_settings
    from service.batch.database import database_url

    return database_url(given) if given else load_settings().batch_database_url()


@db_app.command("upgrade")
def upgrade_command(
    database_url: str | None = typer.Option(None, "--database-url", help=URL_HELP),
) -> None:
    """把任务数据库迁移到本程序的版本（新数据库则建表）；版本更新的数据库会被拒绝。"""
    from service.batch.database import upgrade_url

    try:
        migration = upgrade_url(_url(database_url))
    except DocgenError as exc:
        raise exit_for(exc) from None
    where = escape(migration.location)
    if migration.before == migration.after:
        console.print(f"任务数据库 {where} 已是最新版本 {migration.after}，无需迁移。", highlight=False)
    else:
        before = migration.before or "（空数据库）"
        console.print(f"任务数据库 {where} 已从 {before} 迁移到版本 {migration.after}。", highlight=False)


@db_app.command("current")
def current_command(
    database_url: str | None = typer.Option(None, "--database-url", help=URL_HELP),
) -> None:
    """显示任务数据库的当前版本和本程序支持的版本（不做任何修改）。"""
    from service.batch.database import DatabaseUnavailable, check, describe, head_revision, make_engine

    url = _url(database_url)
    engine = make_engine(url)
    try:
        found = check(engine)
    except Exception as exc:  # a server that cannot be reached: the same coded error as the migration's
        raise exit_for(DatabaseUnavailable(describe(url), str(exc).splitlines()[0])) from None
    finally:
        engine.dispose()
    console.print(f"任务数据库 {escape(describe(url))}", highlight=False)
    console.print(f"当前版本：{found or '（未迁移）'}；本程序的版本：{head_revision()}", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
