"""The job database: engines (SQLite or PostgreSQL) and the Alembic migrations that bring it to this code's schema.

A database is named by a SQLAlchemy URL: `sqlite:////abs/path/state.db` (the default, one machine) or
`postgresql+psycopg://user:password@host/db` (shared by API replicas and workers). `database_url(path_or_url)`
turns a plain file path into the SQLite URL; `job_database_url` is the one place that decides which database the
job store of a configuration is (DOCGEN_DATABASE_URL, else SQLite under the data directory).

SQLite: WAL journal (readers never wait for the writer), `BEGIN IMMEDIATE` for every write transaction so a
read-modify-write cannot interleave with another process's, a 30 s busy timeout. PostgreSQL: read committed
plus `SELECT … FOR UPDATE` where the store reads before it writes; connections are checked before use so a
restarted server is reconnected to.

Migrations live in `service/batch/migrations/versions/` and run in one transaction under a lock (SQLite: the
write lock of `BEGIN IMMEDIATE`; PostgreSQL: an advisory lock), so replicas starting together migrate once. A
database whose revision this code does not know was written by a newer docgen and is refused (`StoreTooNew`).
A store from before Alembic (SQLite `PRAGMA user_version` 1, the same tables as revision 0001) is stamped at 0001
and migrated from there.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

from service.errors import DocgenError, ErrorKind

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
LEGACY_USER_VERSION = 1
"""`PRAGMA user_version` of the stores written before Alembic (their schema is revision 0001's)."""
ALEMBIC_USER_VERSION = 2
"""Set on SQLite stores managed by Alembic, so that a docgen from before Alembic (which knew user_version 1 only)
refuses them instead of writing a schema it does not know."""
ADVISORY_LOCK = 0x646F6367656E  # "docgen": serialises migrations of one PostgreSQL database
BUSY_TIMEOUT_S = 30


class StoreTooNew(DocgenError):
    """The state database was written by a newer docgen (its revision is not one this code knows)."""

    code = "store_version_too_new"
    kind = ErrorKind.INVALID
    title = "任务状态数据库版本过新"

    def __init__(self, location: str, found: str, supported: str) -> None:
        self.location, self.found, self.supported = location, found, supported
        super().__init__(
            f"任务状态数据库 {location} 的版本为 {found}，本程序只支持到版本 {supported}："
            "它由更新版本的 docgen 写入。请升级 docgen 后再运行，或换用新的输出目录（数据目录、数据库）。"
        )


class DatabaseUnavailable(DocgenError):
    """The job database cannot be reached (server down, wrong address or password)."""

    code = "database_unavailable"
    kind = ErrorKind.UNAVAILABLE
    title = "任务数据库不可用"

    def __init__(self, location: str, reason: str) -> None:
        self.location = location
        super().__init__(f"无法连接任务数据库 {location}（DOCGEN_DATABASE_URL）：{reason}")


def database_url(target: Path | str) -> str:
    """A SQLAlchemy URL for `target`: a URL is returned as it is, a file path becomes an absolute SQLite URL."""
    if isinstance(target, str) and "://" in target:
        return target
    return f"sqlite:///{Path(target).resolve()}"


JOB_DATABASE_FILE = Path("batches") / "batches.db"
"""The default job database, relative to the data directory: a SQLite file (one machine only)."""


def job_database_url(configured: str | None, data_dir: Path | str) -> str:
    """The job database every part of docgen uses (API, embedding kit, workers, CLI): `configured`
    (`DOCGEN_DATABASE_URL`) when set, else the SQLite file `<data_dir>/batches/batches.db`."""
    if configured:
        return database_url(configured)
    return database_url(Path(data_dir) / JOB_DATABASE_FILE)


def describe(url: str) -> str:
    """The database as users should see it: the file of a SQLite database, the URL without its password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)


def make_engine(url: str) -> Engine:
    """An engine for `url` (see the module's notes on SQLite and PostgreSQL)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False})
        _sqlite_transactions(engine)
    else:
        engine = create_engine(parsed, pool_pre_ping=True, pool_size=5, max_overflow=10)
    _dispose_in_forked_children(engine)
    return engine


def _sqlite_transactions(engine: Engine) -> None:
    """pysqlite's own transaction handling starts transactions late and never IMMEDIATE; take it over (the
    SQLAlchemy recipe): the driver in autocommit mode, and the BEGIN emitted here, IMMEDIATE unless the
    connection is a reader (`sqlite_begin="DEFERRED"`)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")


def _dispose_in_forked_children(engine: Engine) -> None:
    """A forked worker must not use its parent's pooled connections (two processes on one socket)."""
    ref = weakref.ref(engine)

    def after_fork() -> None:
        forked = ref()
        if forked is not None:
            forked.dispose(close=False)

    os.register_at_fork(after_in_child=after_fork)


# --- migrations --------------------------------------------------------------------------------------------


def _alembic_config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision this code knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


@dataclass(frozen=True)
class Migration:
    location: str
    before: str | None
    """The revision found (None: a new database; "legacy" revisions are reported as 0001)."""
    after: str


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[Connection]:
    """One transaction holding the database's migration lock."""
    with engine.begin() as conn:  # SQLite: BEGIN IMMEDIATE (the write lock) from the begin hook
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
        yield conn


def current_revision(conn: Connection) -> str | None:
    """The database's Alembic revision; None for a database without one (new, or from before Alembic)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return row[0] if row else None


def _legacy_user_version(conn: Connection) -> int:
    if conn.dialect.name != "sqlite":
        return 0
    return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())


def upgrade(engine: Engine) -> Migration:
    """Bring the database to this code's head revision (or refuse it: StoreTooNew). Safe to call from several
    processes at once: the first migrates, the others find it done."""
    from alembic import command

    location = describe(engine.url.render_as_string(hide_password=False))
    head = head_revision()
    try:
        with _migration_lock(engine) as conn:
            found = current_revision(conn)
            user_version = _legacy_user_version(conn)
            if found is None and user_version > LEGACY_USER_VERSION:
                raise StoreTooNew(location, str(user_version), head)
            if found is not None and found not in known_revisions():
                raise StoreTooNew(location, found, head)
            config = _alembic_config(conn)
            if found is None and user_version == LEGACY_USER_VERSION:
                command.stamp(config, "0001")  # the pre-Alembic tables are revision 0001's
                found = "0001"
            if found != head:
                command.upgrade(config, "head")
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql(f"PRAGMA user_version={ALEMBIC_USER_VERSION}")
            return Migration(location, found, head)
    except DocgenError:
        raise
    except Exception as exc:
        if _is_connection_error(exc):
            raise DatabaseUnavailable(location, _reason(exc)) from exc
        raise


def check(engine: Engine) -> str | None:
    """The database's revision, without changing anything (for `docgen db current` and readiness checks)."""
    with engine.connect() as conn:
        return current_revision(conn)


def upgrade_url(url: str) -> Migration:
    """`docgen db upgrade`: migrate the database at `url` and close the connections."""
    engine = make_engine(url)
    try:
        return upgrade(engine)
    finally:
        engine.dispose()


def _is_connection_error(exc: BaseException) -> bool:
    from sqlalchemy.exc import InterfaceError, OperationalError

    return isinstance(exc, OperationalError | InterfaceError)


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
