"""The title a rendered document carries (its .docx core properties, hence the PDF Title after conversion).

A form's title is its template's official title; a 公文 is titled by its own 标题 (the notice's, not the
template's "公文（通知、函）"). The CLI and the API hand this to the converter so that they agree with the
.docx they convert.
"""

from __future__ import annotations

from service.payloads import FormPayload, ValidatedPayload
from service.payloads.official_document import OfficialDocument
from service.payloads.registry import title_of

__all__ = ["document_title"]


def document_title(template_id: str, payload: ValidatedPayload | FormPayload | None = None) -> str:
    """The document's title for a validated payload (None: a blank form, titled like its template)."""
    model = payload.model if isinstance(payload, ValidatedPayload) else payload
    if isinstance(model, OfficialDocument):
        return model.document_title()
    return title_of(template_id)
