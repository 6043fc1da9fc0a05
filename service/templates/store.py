"""Uploaded templates: `TemplateStore(files_dir, database_url)`.

A template has a stable id; each upload of it is an immutable version named by the file's content hash
(sha256, 16 hex digits), with when it was deployed and who uploaded it. The files live under
`<storage dir>/templates/<id>/<version>.docx` (the shared storage directory when the service runs on several
machines, else the data directory); their metadata lives in the job database (tables `templates` and
`template_versions`, Alembic revision 0002), through the job store's engine factory and migrations.

Retiring a version keeps its file and row (an old batch can be reproduced): it is no longer the default, and it
renders only when pinned. An upload with a built-in template's id is a new version of that built-in form (a new
campaign year): its payload is still validated by the built-in model.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, Table, Text, and_, insert, select, update

from service.batch import database
from service.errors import ErrorKind
from service.templates.errors import TemplateRejected, TemplateVersionError
from service.templates.lint import LintReport, lint_docx

metadata = MetaData()
templates_table = Table(
    "templates",
    metadata,
    Column("id", Text, primary_key=True),
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("builtin", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
)
versions_table = Table(
    "template_versions",
    metadata,
    Column("template_id", Text, primary_key=True),
    Column("version", Text, primary_key=True),
    Column("file", Text, nullable=False),
    Column("size", Integer, nullable=False),
    Column("schema", Text),
    Column("schema_inferred", Integer, nullable=False),
    Column("warnings", Text, nullable=False),
    Column("uploaded_by", Text, nullable=False),
    Column("deployed_at", Float, nullable=False),
    Column("retired_at", Float),
)

TEMPLATE_ID = re.compile(r"[a-z][a-z0-9_]{2,63}")


@dataclass(frozen=True)
class TemplateVersion:
    template_id: str
    version: str
    file: str
    size: int
    schema: dict[str, Any] | None
    schema_inferred: bool
    warnings: list[dict[str, Any]]
    uploaded_by: str
    deployed_at: float
    retired_at: float | None
    title: str = ""
    builtin: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.template_id,
            "version": self.version,
            "title": self.title,
            "builtin_override": self.builtin,
            "size": self.size,
            "uploaded_by": self.uploaded_by,
            "deployed_at": _iso(self.deployed_at),
            "retired_at": _iso(self.retired_at) if self.retired_at else None,
        }


def _iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


@dataclass
class UploadResult:
    record: TemplateVersion
    report: LintReport
    schema: dict[str, Any] | None
    created: bool
    """False when the same file was already a version of this template."""
    sample: Any = field(default=None)

    def to_dict(self) -> dict[str, Any]:
        out = self.record.to_dict()
        out["created"] = self.created
        out["warnings"] = [f.to_dict() for f in self.report.warnings]
        if self.schema is not None:
            out["schema"] = self.schema
            out["schema_inferred"] = self.record.schema_inferred
        return out


def template_version(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


class TemplateStore:
    def __init__(self, files_dir: Path, database_url: str) -> None:
        self.files_dir = files_dir
        self.url = database.database_url(database_url)
        self.engine = database.make_engine(self.url)
        database.upgrade(self.engine)

    # --- reading ---------------------------------------------------------------------------------------------

    def _record(self, row: Any, title: str = "", builtin: bool = False) -> TemplateVersion:
        m = row._mapping
        return TemplateVersion(
            template_id=m["template_id"],
            version=m["version"],
            file=m["file"],
            size=m["size"],
            schema=json.loads(m["schema"]) if m["schema"] else None,
            schema_inferred=bool(m["schema_inferred"]),
            warnings=json.loads(m["warnings"]),
            uploaded_by=m["uploaded_by"],
            deployed_at=m["deployed_at"],
            retired_at=m["retired_at"],
            title=title or m.get("title", ""),
            builtin=builtin or bool(m.get("builtin", 0)),
        )

    def _query(self, *conditions: Any) -> list[TemplateVersion]:
        query = (
            select(versions_table, templates_table.c.title, templates_table.c.builtin)
            .join(templates_table, templates_table.c.id == versions_table.c.template_id)
            .where(*conditions)
            .order_by(versions_table.c.template_id, versions_table.c.deployed_at.desc())
        )
        with self.engine.connect().execution_options(sqlite_begin="DEFERRED") as conn, conn.begin():
            return [self._record(row) for row in conn.execute(query)]

    def versions(self, template_id: str) -> list[TemplateVersion]:
        """Every version of a template, newest first (retired ones included)."""
        return self._query(versions_table.c.template_id == template_id)

    def list(self) -> list[TemplateVersion]:
        """The current (newest active) version of every uploaded template."""
        current: dict[str, TemplateVersion] = {}
        for record in self._query(versions_table.c.retired_at.is_(None)):
            current.setdefault(record.template_id, record)
        return list(current.values())

    def has(self, template_id: str) -> bool:
        return bool(self._query(versions_table.c.template_id == template_id))

    def resolve(self, template_id: str, version: str | None = None) -> TemplateVersion | None:
        """The version to render: the pinned one (retired or not), else the newest active; None when the template
        has no uploaded version (a built-in renders its own file)."""
        if version:
            found = self._query(and_(versions_table.c.template_id == template_id, versions_table.c.version == version))
            if not found:
                raise TemplateVersionError(f"模板“{template_id}”没有版本 {version}。")
            return found[0]
        active = self._query(and_(versions_table.c.template_id == template_id, versions_table.c.retired_at.is_(None)))
        return active[0] if active else None

    def source(self, record: TemplateVersion) -> bytes:
        return (self.files_dir / record.file).read_bytes()

    # --- writing ---------------------------------------------------------------------------------------------

    def retire(self, template_id: str, version: str) -> TemplateVersion:
        record = self.resolve(template_id, version)
        assert record is not None
        if record.retired_at is None:
            with self.engine.begin() as conn:
                conn.execute(
                    update(versions_table)
                    .where(and_(versions_table.c.template_id == template_id, versions_table.c.version == version))
                    .values(retired_at=time.time())
                )
        return self._query(and_(versions_table.c.template_id == template_id, versions_table.c.version == version))[0]

    def upload(
        self,
        data: bytes,
        *,
        filename: str = "",
        template_id: str | None = None,
        title: str = "",
        description: str = "",
        schema: dict[str, Any] | None = None,
        sample: Any = None,
        uploaded_by: str = "匿名",
    ) -> UploadResult:
        """Lint, render once with sample data in the isolated process, then store. Raises `TemplateRejected`."""
        from service.templates import rendering

        template_id = template_id or _id_from_filename(filename)
        if not TEMPLATE_ID.fullmatch(template_id):
            raise TemplateRejected(
                f"模板 ID“{template_id}”无效：须以小写字母开头，只含小写字母、数字和下划线，3–64 个字符。",
                code="template_id_invalid",
            )
        target = rendering.target_for(template_id, schema)
        report = lint_docx(data, filename, model=target.model, baseline=target.baseline, schema=target.schema)
        if report.unusable or report.errors:
            first = report.errors[0]
            limit = first.code in ("template_too_large", "template_too_many_parts", "template_zip_bomb")
            code = "template_lint_failed" if not report.unusable else first.code
            if any(f.code == "template_unsafe" for f in report.errors):
                code = "template_unsafe"  # the template-injection attempts answer with their own code
            raise TemplateRejected(
                f"模板未通过检查，共 {len(report.errors)} 处错误。",
                code=code,
                kind=ErrorKind.LIMIT if limit else ErrorKind.INVALID,
                findings=report.errors,
            )
        inferred = target.model is None and schema is None
        if inferred:
            from service.templates.schema import infer_schema

            schema = infer_schema(report.variables, report.iterated, title=title or template_id)
        if target.model is not None:
            schema = None  # the built-in model validates the payload
        sample = rendering.test_render(template_id, data, target, schema, sample)
        version = template_version(data)
        relative = f"{template_id}/{version}.docx"
        path = self.files_dir / relative
        if not path.is_file():
            from service.output import atomic_write

            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, data)
        now = time.time()
        with _write_lock, self.engine.begin() as conn:
            exists = conn.execute(select(templates_table.c.id).where(templates_table.c.id == template_id)).first()
            if exists is None:
                conn.execute(
                    insert(templates_table).values(
                        id=template_id,
                        title=title or target.title or template_id,
                        description=description,
                        builtin=int(target.model is not None),
                        created_at=now,
                    )
                )
            elif title or description:
                values = {k: v for k, v in (("title", title), ("description", description)) if v}
                conn.execute(update(templates_table).where(templates_table.c.id == template_id).values(**values))
            found = conn.execute(
                select(versions_table.c.version).where(
                    and_(versions_table.c.template_id == template_id, versions_table.c.version == version)
                )
            ).first()
            created = found is None
            if created:
                conn.execute(
                    insert(versions_table).values(
                        template_id=template_id,
                        version=version,
                        file=relative,
                        size=len(data),
                        schema=json.dumps(schema, ensure_ascii=False) if schema is not None else None,
                        schema_inferred=int(inferred),
                        warnings=json.dumps([f.to_dict() for f in report.warnings], ensure_ascii=False),
                        uploaded_by=uploaded_by,
                        deployed_at=now,
                        retired_at=None,
                    )
                )
        record = self.resolve(template_id, version)
        assert record is not None
        return UploadResult(record, report, schema, created, sample)


_write_lock = threading.Lock()


def _id_from_filename(filename: str) -> str:
    stem = Path(filename).stem.lower()
    slug = re.sub(r"[^a-z0-9_]+", "_", stem).strip("_")
    if not slug or not slug[0].isalpha():
        slug = "tpl_" + (slug or hashlib.sha256(filename.encode()).hexdigest()[:8])
    return slug[:64]


_stores: dict[tuple[str, str], TemplateStore] = {}
_stores_lock = threading.Lock()


def store_for(files_dir: Path, database_url: str) -> TemplateStore:
    """One store per (directory, database) in a process (its engine and migration run once)."""
    key = (str(files_dir.resolve()), database_url)
    with _stores_lock:
        if key not in _stores:
            _stores[key] = TemplateStore(files_dir, database_url)
        return _stores[key]


def configured_store() -> TemplateStore | None:
    """The store the service and `docgen template` use (DOCGEN_DATA_DIR / DOCGEN_STORAGE_DIR / DOCGEN_DATABASE_URL),
    for a batch to find uploaded versions; None when its SQLite database does not exist yet (nothing was uploaded:
    a batch does not create it just to find it empty)."""
    from sqlalchemy.engine import make_url

    from service.api.settings import load_settings

    settings = load_settings()
    url = settings.batch_database_url()
    parsed = make_url(database.database_url(url))
    if parsed.get_backend_name() == "sqlite" and not (parsed.database and Path(parsed.database).is_file()):
        return None
    return store_for(settings.batch_storage_dir() / "templates", url)
