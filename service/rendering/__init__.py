"""Template catalog and rendering: `render(template_id, payload) -> bytes` (a .docx).

    from service.rendering import render
    docx = render("park_application", json.load(open("samples/park_application.json")))

A payload is validated first (`PayloadInvalid` lists every error); `blank=True` renders the official
form with empty cells and skips validation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from service.payloads import FormPayload, PayloadInvalid, ValidatedPayload, validate_payload
from service.rendering import parts
from service.rendering.catalog import TemplateSpec, UnknownTemplate, get_template, list_templates
from service.rendering.docx_merge import Source
from service.rendering.engine import TEMPLATES, TemplateRenderError
from service.rendering.values import BLANK

__all__ = [
    "PayloadInvalid",
    "TemplateRenderError",
    "TemplateSpec",
    "UnknownTemplate",
    "get_template",
    "list_templates",
    "render",
    "render_blank",
    "validate",
]


def validate(template_id: str, payload: Mapping[str, Any] | FormPayload) -> ValidatedPayload:
    """Validate a payload for a template; raises PayloadInvalid with every error."""
    spec = get_template(template_id)
    if isinstance(payload, FormPayload):
        payload = payload.model_dump(mode="json", by_alias=True, exclude_none=True)
    return validate_payload(spec.model, payload)


def render(
    template_id: str,
    payload: Mapping[str, Any] | FormPayload | ValidatedPayload | None = None,
    *,
    blank: bool = False,
    extra: Mapping[str, Any] | None = None,
) -> bytes:
    """Render a template with a payload (validated here unless already a ValidatedPayload) to .docx bytes."""
    spec = get_template(template_id)
    prepared = TEMPLATES.get(spec.docx_path)
    context, applicant = _context(template_id, payload, blank, extra)
    if spec.composer:
        return spec.composer(context["p"], _render_source, spec.docx_path)
    return prepared.render(context, {"dc:title": spec.title, "dc:creator": applicant, "dc:subject": spec.title})


def _context(
    template_id: str,
    payload: Mapping[str, Any] | FormPayload | ValidatedPayload | None,
    blank: bool,
    extra: Mapping[str, Any] | None,
) -> tuple[dict[str, Any], str]:
    """The template's context and the applicant's name (the document's creator)."""
    context: dict[str, Any] = {"attachments": None}
    if blank:
        context.update(p=BLANK, blank=True)
        applicant = ""
    else:
        if payload is None:
            raise TypeError("render() needs a payload unless blank=True")
        validated = payload if isinstance(payload, ValidatedPayload) else validate(template_id, payload)
        context.update(p=validated.model, blank=False)
        applicant = validated.model.applicant_name()
    if extra:
        context.update(extra)
    return context, applicant


def _render_source(
    template_id: str, payload: Mapping[str, Any] | FormPayload | ValidatedPayload | None = None, *, blank: bool = False
) -> Source:
    """A document embedded by a composer (an attachment of a 公文): rendered as parts, not as .docx bytes."""
    spec = get_template(template_id)
    if spec.composer:
        raise TypeError(f"{template_id} is composed itself and cannot be embedded")
    prepared = TEMPLATES.get(spec.docx_path)
    context, _ = _context(template_id, payload, blank, None)
    # a blank form's context is always the same: its evaluated text is kept with the template
    return parts.source(prepared, prepared.render_trees(context, same_as="blank" if blank else None))


def render_blank(template_id: str) -> bytes:
    """The official form with empty cells, for filling in by hand (no validation)."""
    return render(template_id, blank=True)
