"""The one error model of docgen: every error a user can see is a `DocgenError` with a stable `code`, a Chinese
`message` and a `kind`; each kind is mapped once at each edge.

Kinds and what each edge does with them (`POLICY`, the only table of its kind):

=============  ===========================  ==============  ===========================
kind           HTTP (problem+json)          CLI exit code   batch
=============  ===========================  ==============  ===========================
invalid        422                          1               fail
limit          413                          1               fail
not_found      404                          1               fail
busy           503 + Retry-After (5 s)      1               retry
timeout        504                          1               retry
unavailable    503 + Retry-After (30 s)     1               retry
internal       500                          2               fail, logged with traceback
=============  ===========================  ==============  ===========================

The edges: the API's one exception handler (`service.api.problems`), the CLI's one function
(`service.cli.errors.exit_for`) and the batch's one decision (`service.batch.produce.retryable`).

The hierarchy (class → kind → codes):

- `DocgenError` → internal → ``internal_error``
- `service.payloads.errors.PayloadInvalid` → invalid → ``payload_invalid`` (carries `FieldError`s)
- `service.rendering.catalog.UnknownTemplate` → not_found → ``unknown_template``
- `service.rendering.engine.TemplateRenderError` → internal → ``template_error``
- `service.rendering.engine.TemplateUnsafe` → invalid → ``template_unsafe`` (the sandbox refused an expression)
- `service.rendering.engine.TemplateLimitExceeded` → limit → ``template_limit_exceeded`` (range bound, or the
  isolated render of an uploaded template over its CPU, memory, time or output limit)
- `service.rendering.bounded.RenderLimitExceeded` → limit → ``render_limit_exceeded`` (a render with much work,
  e.g. a 公文 with attachments, ran in the isolated process and went over its CPU, time, memory or output budget)
- `service.rendering.bounded.RenderBusy` → busy → ``render_busy`` (every isolated render slot stayed taken)
- `service.templates.errors.TemplateRejected` → invalid or limit → ``template_lint_failed`` (carries the lint
  findings), ``template_file_invalid``, ``template_macros``, ``template_external_link``, ``template_too_large``,
  ``template_zip_bomb``, ``template_too_many_parts``, ``template_schema_invalid``, ``template_not_overridable``,
  ``template_sample_invalid``, ``template_render_failed``
- `service.templates.errors.TemplateVersionError` → not_found or invalid → ``unknown_template_version``,
  ``template_version_retired``, ``template_id_invalid``
- `service.rendering.docx_merge.ComposeError` → internal → ``compose_error``
- `service.conversion.errors.ConversionError` → internal → ``conversion_failed``
    - `ConversionFailed` → internal → ``conversion_failed``
    - `ConversionTimeout` → timeout → ``conversion_timeout``
    - `ConversionBusy` → busy → ``conversion_busy`` (`retry_after`)
    - `LibreOfficeUnavailable` → unavailable → ``libreoffice_unavailable``
    - `InvalidDocument` → invalid → ``invalid_document``
- `service.packaging.errors.PackageError` → internal, limit for the size and page codes → ``package_error``,
  ``package_too_large``, ``package_too_many_pages``, ``sequence_invalid``, ``stamp_font_missing``,
  ``pdfa_output_intent_missing``
    - `AttachmentError` → invalid, limit for the size, page and unpacking codes → ``attachment_encrypted``,
      ``attachment_corrupt``, ``attachment_type_unsupported``, ``attachment_too_large`` (limit),
      ``package_too_large`` (limit), ``attachment_too_many_pages`` (limit), ``package_too_many_pages`` (limit),
      ``attachment_too_large_decompressed`` (limit: a PDF's streams inflate beyond the limits),
      ``docx_zip_bomb`` (limit: a .docx's entries, unpacked size or compression ratio beyond the limits),
      ``image_too_many_pixels``, ``attachment_conversion_failed``, ``attachment_invalid``, ``attachment_missing``,
      ``attachment_font_not_embedded``
    - `AttachmentListError` → invalid → ``attachment_list_invalid``, ``attachment_dir_missing``,
      ``attachment_missing``
    - `ApplicationRenderError` → internal → ``listing_unstable``, ``conversion_failed``, ``invalid_document``
- `service.payloads.json_input.JsonInputError` → invalid → ``malformed_json``, ``number_too_large``,
  ``json_too_deep``, ``invalid_characters`` (user JSON the bounded parser refuses; the API keeps 400 for syntax
  errors)
- `service.batch.manifest.ManifestInvalid` → invalid → ``manifest_invalid`` (carries `FieldError`s)
- `service.batch.rollup.RollupInvalid` → invalid → ``rollup_invalid``
- `service.batch.store.StoreTooNew` → invalid → ``store_version_too_new``
- `service.batch.database.DatabaseUnavailable` → unavailable → ``database_unavailable``
- `service.distributed.limits.TaskTimeLimitExceeded` → timeout → ``task_time_limit_exceeded`` (a distributed task
  ran past its soft or hard time limit: recorded as the candidate's error once its retries are used up)
- `service.excel.importer.WorkbookInvalid` → invalid → ``workbook_invalid`` (carries `CellError`s)
- `service.excel.mapping.WorkbookUnsupported` → invalid → ``workbook_unsupported``
- `service.excel.safety.WorkbookRefused` → invalid, limit for the size code → ``workbook_refused``,
  ``workbook_not_xlsx``, ``workbook_has_macros``, ``workbook_external_links``, ``workbook_not_docgen``,
  ``workbook_template_mismatch``, ``workbook_version_mismatch``, ``workbook_too_large`` (limit)
- `service.api.embedding.webhooks.WebhookRefused` → invalid → ``webhook_url_refused`` (scheme, host not on the
  allow-list, private or loopback address); `WebhookSecretMissing` → invalid → ``webhook_secret_missing``
- The embedding kit's answers at the HTTP edge (`service.api.embedding`): 400 ``idempotency_key_invalid``; 403
  ``link_invalid``, ``link_expired``; 404 ``job_not_found``; 409 ``idempotency_key_in_progress``, ``job_finished``,
  ``job_not_finished``, ``job_not_succeeded``; 410 ``job_result_expired``; 422 ``idempotency_key_mismatch``; 429
  ``rate_limited``, ``concurrency_limited``
- `DocgenError` raised directly by the CLI → invalid → ``file_missing``, ``payload_missing``,
  ``format_unsupported``
- `service.api.problems.ProblemError` → kind from its HTTP status → the API's own codes, an answer already
  decided at the HTTP edge, so it keeps its status: 400 ``malformed_json``; 401 ``api_key_required``,
  ``api_key_invalid``; 404 ``batch_not_found``, ``package_unsupported``, ``sample_missing``; 409
  ``batch_finished``, ``batch_not_finished``; 413 ``batch_too_large``, ``too_many_attachments``,
  ``workbook_too_large``; 415 ``unsupported_media_type``; 422 ``attachment_items_mismatch``,
  ``attachment_titles_mismatch``, ``batch_zip_invalid``, ``format_unsupported``, ``payload_not_object``; 503
  ``not_ready``, ``templates_not_loaded``, ``thumbnail_unavailable``.

`docgen package` and `docgen convert` also print codes of their own before any `DocgenError` exists (exit 1):
``payload_missing``, ``payload_not_utf8``, ``payload_not_json``, ``template_ambiguous``, ``template_unknown``,
``unknown_template`` (package); ``input_missing``, ``invalid_output``, ``io_error`` (convert).

Every code raised in service/ is listed here (tests/test_errors.py scans the code base against this list).

Transient conversion errors (busy, timeout, unavailable) are never wrapped: they travel as they are, so every
edge can tell "try again later" from "this input is wrong". Errors travel as objects (`DocgenError`,
`FieldError`); `to_dict()` turns them into dicts once, when they are serialized.

`detail` is an English technical note for logs, never shown to users.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class ErrorKind(StrEnum):
    """What kind of failure an error is: all that the edges need to know to answer it."""

    INVALID = "invalid"
    """The input is wrong (payload, attachment, manifest, file): fixing the input fixes it."""
    LIMIT = "limit"
    """The input is over a size or page limit."""
    NOT_FOUND = "not_found"
    """The thing asked for does not exist (a template id)."""
    BUSY = "busy"
    """The service is at capacity: the same request later will likely succeed."""
    TIMEOUT = "timeout"
    """The work took longer than allowed."""
    UNAVAILABLE = "unavailable"
    """A component the work needs (LibreOffice) is not available right now."""
    INTERNAL = "internal"
    """A bug or a broken installation (template, font, converter crash): not the user's fault."""


@dataclass(frozen=True)
class KindPolicy:
    """How each edge answers one kind."""

    status: int
    """HTTP status of the problem document."""
    exit_code: int
    """Exit status of the CLI (README: 1 for errors of the input or of the run, 2 for internal errors)."""
    retry: bool
    """Whether the batch tries the candidate again."""
    retry_after: int | None = None
    """Seconds suggested to HTTP clients (Retry-After) when the error does not carry its own."""
    log_traceback: bool = False
    """Whether the error is logged with its traceback (a bug to look at, not an expected answer)."""


POLICY: dict[ErrorKind, KindPolicy] = {
    ErrorKind.INVALID: KindPolicy(status=422, exit_code=1, retry=False),
    ErrorKind.LIMIT: KindPolicy(status=413, exit_code=1, retry=False),
    ErrorKind.NOT_FOUND: KindPolicy(status=404, exit_code=1, retry=False),
    ErrorKind.BUSY: KindPolicy(status=503, exit_code=1, retry=True, retry_after=5),
    ErrorKind.TIMEOUT: KindPolicy(status=504, exit_code=1, retry=True),
    ErrorKind.UNAVAILABLE: KindPolicy(status=503, exit_code=1, retry=True, retry_after=30),
    ErrorKind.INTERNAL: KindPolicy(status=500, exit_code=2, retry=False, log_traceback=True),
}


@dataclass(frozen=True)
class FieldError:
    """One problem with one field of a payload (or of a manifest, or of an API request)."""

    loc: str
    """JSON path of the field, e.g. ``$.top_enterprises[10].revenue``."""
    label: str
    """The field's Chinese label as printed on the form, with its parents, e.g. ``近三年主要发展指标 / 2024 年``."""
    code: str
    """Stable, machine-readable reason, e.g. ``credit_code_check_digit``."""
    message: str
    """Why, in Chinese."""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


class DocgenError(Exception):
    """Base of every error docgen reports: stable `code`, Chinese `message`, `kind` for the edges.

    Subclasses set `code`, `kind`, `title` and `default_message` as class attributes; an instance may override
    `code` and `kind` (a packaging error's code says whether it is a limit).
    """

    code: str = "internal_error"
    kind: ErrorKind = ErrorKind.INTERNAL
    title: str = "服务器内部错误"
    """Short Chinese name of the problem (the problem document's `title`)."""
    default_message: str = "服务器内部错误，请稍后重试；如持续出现请联系管理员。"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        kind: ErrorKind | None = None,
        detail: str | None = None,
        retry_after: int | None = None,
        errors: Sequence[FieldError] = (),
    ) -> None:
        self.message: str = message or self.default_message
        if code is not None:
            self.code = code
        if kind is not None:
            self.kind = kind
        self.detail = detail
        self.retry_after = retry_after
        self.errors: list[FieldError] = list(errors)
        super().__init__(self.message)

    @property
    def policy(self) -> KindPolicy:
        return POLICY[self.kind]

    def to_dict(self) -> dict[str, Any]:
        """The error as JSON for reports and responses (the one place it becomes a dict)."""
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.retry_after is not None:
            out["retry_after"] = self.retry_after
        if self.errors:
            out["errors"] = [e.as_dict() for e in self.errors]
        return out


def kind_of(exc: BaseException) -> ErrorKind:
    """The kind of any exception: a DocgenError's own, anything else is internal."""
    return exc.kind if isinstance(exc, DocgenError) else ErrorKind.INTERNAL


def kind_for_status(status: int) -> ErrorKind:
    """The kind of an answer decided as an HTTP status (API-only errors)."""
    if status == 404:
        return ErrorKind.NOT_FOUND
    if status == 413:
        return ErrorKind.LIMIT
    if status == 429:
        return ErrorKind.BUSY
    if status == 504:
        return ErrorKind.TIMEOUT
    if status == 503:
        return ErrorKind.UNAVAILABLE
    if status >= 500:
        return ErrorKind.INTERNAL
    return ErrorKind.INVALID
