"""Planning a batch, no rendering: validate each candidate, hash its inputs, number the candidates (序号).

A candidate's *content hash* covers the pipeline version, its template and the version of it that renders (an
uploaded one, or the built-in file), payload and attachment bytes; its *input hash* adds its 序号 in the
summary. Both decide whether earlier outputs can be reused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from service.batch.checks import CandidateFacts, facts_of
from service.batch.manifest import CandidateType, LoadedCandidate, LoadedManifest, priority_order
from service.batch.report import CandidateResult, error_entry
from service.batch.store import CandidateRecord, CandidateStatus
from service.payloads import PayloadInvalid, ValidatedPayload

if TYPE_CHECKING:
    from service.templates.rendering import UploadedRenderer
    from service.templates.store import TemplateStore, TemplateVersion

PIPELINE_VERSION = "batch-1"
"""Part of every content hash: bump it when what the batch writes for a candidate changes."""
RETRIED_CODES_PREFIX = ("conversion_", "libreoffice_", "internal_error")
"""Failures that may be transient: never assumed to repeat when planning the numbering."""


def canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


class TemplateVersions:
    """The version each template renders with, looked up once per run (a version uploaded or retired during a
    run is used from the next run on). A candidate's form renders as POST /v1/documents does by default: with
    the newest active uploaded version of its id (in the isolated process), else with the built-in file. The
    city summary always renders from its built-in file."""

    def __init__(self, templates: TemplateStore | None = None) -> None:
        self.templates = templates
        self._found: dict[str, tuple[str, TemplateVersion | None]] = {}

    def _lookup(self, template_id: str) -> tuple[str, TemplateVersion | None]:
        if template_id not in self._found:
            from service.rendering import get_template

            record = None
            if self.templates is not None and template_id in {t.template_id for t in CandidateType}:
                record = self.templates.resolve(template_id)
            version = record.version if record is not None else get_template(template_id).version
            self._found[template_id] = (version, record)
        return self._found[template_id]

    def __call__(self, template_id: str) -> str:
        return self._lookup(template_id)[0]

    def renderer(self, template_id: str) -> UploadedRenderer | None:
        """What renders the uploaded version in use (for `assemble_package(renderer=…)`); None: the built-in."""
        record = self._lookup(template_id)[1]
        if record is None:
            return None
        from service.templates.rendering import UploadedRenderer

        return UploadedRenderer(self.templates, record)


@dataclass
class Prepared:
    loaded: LoadedCandidate
    facts: CandidateFacts
    result: CandidateResult
    validated: ValidatedPayload | None = None
    attachments: list[Any] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.loaded.key

    @property
    def viable(self) -> bool:
        return not self.result.errors


def candidate_rows(manifest: LoadedManifest) -> list[tuple[str, int, int | None, str | None, str | None]]:
    """(key, position, priority, type, name) of every candidate, for `BatchStore.sync_candidates`."""
    rows = []
    for cand in sorted(manifest.candidates, key=priority_order):
        facts = facts_of(cand)
        rows.append((cand.key, cand.index, cand.priority, cand.type.value if cand.type else None,
                     facts.name or facts.applicant))  # fmt: skip
    return rows


def prepare(cand: LoadedCandidate, versions: TemplateVersions) -> Prepared:
    """Validate a candidate and read its attachments: everything short of rendering."""
    from service.packaging import AttachmentListError, PackageError, PackageLimits
    from service.packaging.attachments import Attachment, attachments_from_dir, check_sizes, detect_kind
    from service.rendering import validate

    facts = facts_of(cand)
    entry = cand.entry
    result = CandidateResult(
        key=cand.key, index=cand.index, type=cand.type, priority=cand.priority, applicant=facts.applicant,
        name=facts.name, credit_code=facts.credit_code, parent_credit_code=facts.parent_credit_code,
        creation_field=facts.creation_fields[0] if len(facts.creation_fields) == 1 else None,
        remark=entry.remark if entry else None,
        errors=[e.as_dict() for e in cand.errors],
    )  # fmt: skip
    prep = Prepared(cand, facts, result)
    if entry is None or cand.payload is None:
        return prep
    template_id = entry.type.template_id
    result.template_version = versions(template_id)
    try:
        prep.validated = validate(template_id, cand.payload)
    except PayloadInvalid as exc:
        result.errors += [e.as_dict() for e in exc.errors]
    if prep.validated is not None:
        model: Any = prep.validated.model
        result.applicant, result.name = model.cover.applicant, model.basic_info.name
        result.creation_field = model.cover.creation_field.value
        if entry.type is CandidateType.ENTERPRISE:
            result.credit_code = model.basic_info.credit_code
    try:
        src = cand.attachments
        if src.folder is not None:
            prep.attachments = attachments_from_dir(src.folder)
        else:
            prep.attachments = [Attachment.from_path(path, item, title) for item, path, title in src.files]
    except AttachmentListError as exc:
        result.errors.append(error_entry(exc.code, exc.message, loc="$.attachments", label="附件"))
        return prep
    except PackageError as exc:
        result.errors.append(error_entry(exc.code, exc.message, loc="$.attachments", label="附件"))
        return prep
    digest = hashlib.sha256()
    listed = []
    for att in prep.attachments:
        try:
            data = att.read()
            detect_kind(att.name, data[:1024])
        except PackageError as exc:
            result.errors.append(error_entry(exc.code, exc.message, loc="$.attachments", label="附件"))
            continue
        listed.append({"item": att.item, "title": att.title, "name": att.name,
                       "sha256": hashlib.sha256(data).hexdigest()})  # fmt: skip
    try:
        check_sizes(prep.attachments, PackageLimits())
    except PackageError as exc:
        result.errors.append(error_entry(exc.code, exc.message, loc="$.attachments", label="附件"))
    digest.update(canonical({
        "pipeline": PIPELINE_VERSION, "template": template_id, "template_version": result.template_version,
        "payload": cand.payload, "attachments": listed,
    }))  # fmt: skip
    result.content_hash = digest.hexdigest()
    return prep


def plan_sequences(viable: Iterable[Prepared], expected_fail: set[str]) -> dict[str, int]:
    """序号 per category in priority order; a candidate expected to fail takes the number it would have
    without using it up (its own hash stays stable; the next candidate gets the same number)."""
    out: dict[str, int] = {}
    items = list(viable)
    for ctype in CandidateType:
        n = 0
        members = sorted((p for p in items if p.loaded.type is ctype), key=lambda p: priority_order(p.loaded))
        for p in members:
            out[p.key] = n + 1
            if p.key not in expected_fail:
                n += 1
    return out


def fails_again(rec: CandidateRecord | None, content_hash: str | None) -> bool:
    """Did this content fail last time for a reason that does not go away by itself (a bad attachment …)?"""
    if rec is None or rec.status is not CandidateStatus.FAILED or not rec.input_hash or not content_hash:
        return False
    codes = [e.get("code", "") for e in rec.errors]
    transient = any(c.startswith(RETRIED_CODES_PREFIX) for c in codes)
    return bool(codes) and not transient and rec.input_hash.startswith(f"{content_hash}:")
