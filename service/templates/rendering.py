"""Rendering an uploaded template version: what validates its payload (the built-in model for an override of a
built-in form, else the template's JSON Schema), the context it gets, and the isolated render. The store and its
records are passed in, typed loosely: the store imports this module on upload, so this one does not import it."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from service.errors import DocgenError
from service.payloads import PayloadInvalid
from service.rendering.catalog import CATALOG, TemplateSpec
from service.templates.errors import TemplateRejected, TemplateVersionError
from service.templates.sandbox import render_isolated


@dataclass(frozen=True)
class Target:
    """What an uploaded template is checked and rendered against."""

    spec: TemplateSpec | None
    """The built-in form it overrides (its model validates payloads; context `p`), or None."""
    schema: dict[str, Any] | None
    """The JSON Schema of a template of its own (context: the payload's top-level keys)."""

    @property
    def model(self) -> type[Any] | None:
        return self.spec.model if self.spec is not None else None

    @property
    def baseline(self) -> list[str] | None:
        return builtin_paths(self.spec.id) if self.spec is not None else None

    @property
    def title(self) -> str:
        return self.spec.title if self.spec is not None else ""


def target_for(template_id: str, schema: dict[str, Any] | None) -> Target:
    spec = CATALOG.get(template_id)
    if spec is None:
        if schema is not None:
            from service.templates.schema import check_schema

            problem = check_schema(schema)
            if problem:
                raise TemplateRejected(problem, code="template_schema_invalid")
        return Target(None, schema)
    if spec.composer is not None:
        raise TemplateRejected(
            f"“{spec.title}”由多个文档合成，不能用上传的模板替换；可上传其附件或自定义模板。",
            code="template_not_overridable",
        )
    return Target(spec, None)


@functools.cache
def builtin_paths(template_id: str) -> list[str]:
    """The payload paths the built-in template prints: an override must still print each of them."""
    from service.templates.lint import lint_docx

    spec = CATALOG[template_id]
    report = lint_docx(spec.docx_path.read_bytes(), spec.docx_file)
    return [v for v in report.variables if v.split(".")[0].rstrip("[]") in ("p", "attachments")]


def context_for(target: Target, payload: Any) -> tuple[dict[str, Any], dict[str, str], str]:
    """(Jinja context, document properties, applicant) for a payload validated against `target`."""
    if target.spec is not None:
        from service.payloads import ValidatedPayload
        from service.rendering import validate

        validated = payload if isinstance(payload, ValidatedPayload) else validate(target.spec.id, payload)
        applicant = validated.model.applicant_name()
        properties = {"dc:title": target.spec.title, "dc:creator": applicant, "dc:subject": target.spec.title}
        return {"p": validated.model, "blank": False, "attachments": None}, properties, applicant
    from service.templates.schema import validate_against

    if not isinstance(payload, dict):
        from service.errors import FieldError

        raise PayloadInvalid([FieldError(loc="$", label="数据", code="wrong_type", message="数据应为 JSON 对象")])
    if target.schema is not None:
        validate_against(target.schema, payload)
    return dict(payload), {}, ""


def test_render(template_id: str, data: bytes, target: Target, schema: dict[str, Any] | None, sample: Any) -> Any:
    """Render the new template once with sample data (given, the built-in sample, or made from the schema)."""
    if sample is None:
        if target.spec is not None and target.spec.sample_path.is_file():
            sample = json.loads(target.spec.sample_path.read_text(encoding="utf-8"))
        elif schema is not None:
            from service.templates.schema import sample_from_schema

            sample = sample_from_schema(schema)
        else:
            sample = {}
    try:
        context, properties, _ = context_for(Target(target.spec, schema), sample)
    except PayloadInvalid as exc:
        raise TemplateRejected(
            "示例数据不符合模板的数据格式：" + "；".join(f"{e.loc} {e.message}" for e in exc.errors[:5]),
            code="template_sample_invalid",
        ) from None
    try:
        render_isolated(data, template_id, context, properties)
    except DocgenError as exc:
        if exc.code in ("template_unsafe", "template_limit_exceeded"):
            raise
        raise TemplateRejected(f"用示例数据试渲染失败：{exc.message}", code="template_render_failed") from None
    return sample


def render_version(store: Any, record: Any, payload: Any, extra: Mapping[str, Any] | None = None) -> tuple[bytes, str]:
    """(.docx bytes, applicant) of a payload rendered with one uploaded version, in the isolated process.
    `extra`: more context (the 申请书's attachment page references, as `render(…, extra=…)` takes them)."""
    target = Target(CATALOG.get(record.template_id), record.schema)
    context, properties, applicant = context_for(target, payload)
    if extra:
        context.update(extra)
    return render_isolated(store.source(record), record.template_id, context, properties), applicant


@dataclass(frozen=True)
class UploadedRenderer:
    """A built-in form rendered with one uploaded version of it (in the isolated process) instead of its own
    file: what a batch and `assemble_package(renderer=…)` use when that version is the one to render."""

    store: Any
    record: Any

    @property
    def version(self) -> str:
        return str(self.record.version)

    def __call__(self, payload: Any, extra: Mapping[str, Any] | None = None) -> bytes:
        return render_version(self.store, self.record, payload, extra)[0]


def pick(store: Any, template_id: str, version: str | None) -> Any:
    """The version to render (see `TemplateStore.resolve`); None: the built-in file, for a built-in id without
    active uploads or pinned to the built-in file's own version (`TemplateSpec.version`)."""
    spec = CATALOG.get(template_id)
    if version and spec is not None and version == spec.version:
        return None
    record = store.resolve(template_id, version)
    if record is None and template_id not in CATALOG:
        if store.has(template_id):
            raise TemplateVersionError(
                f"模板“{template_id}”的全部版本都已停用；请用 ?version= 指定版本。", code="template_version_retired"
            )
        from service.rendering.catalog import UnknownTemplate

        raise UnknownTemplate(template_id)
    return record
