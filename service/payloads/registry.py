"""The documents a payload may name by template id: a read-only view of the template catalog for the models.

A 公文 validates the documents it attaches by their template id (their model, their title, whether they may be
attached). The one table of templates, `service.rendering.catalog.CATALOG`, imports every payload model, so a
model cannot import it back. The catalog therefore hands its table down here when it is imported
(`install`), and the models read it through `document` / `attachable_ids`. Nothing here lists templates itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Protocol

from service.payloads import FormPayload


class Document(Protocol):
    """What a model may know of another document: `service.rendering.catalog.TemplateSpec` satisfies it."""

    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def model(self) -> type[FormPayload]: ...

    @property
    def attachable(self) -> bool: ...


_installed: Mapping[str, Document] | None = None


def install(documents: Mapping[str, Document]) -> None:
    """Called once by the catalog with its table (template id → spec, in catalog order)."""
    global _installed
    _installed = documents


def documents() -> Mapping[str, Document]:
    if _installed is None:
        # Importing any service module loads the catalog (service/__init__.py imports service.rendering);
        # this only fires if that stops being true, rather than calling every template unknown.
        raise RuntimeError("the template catalog is not loaded: import service.rendering before validating")
    return _installed


def document(template_id: str) -> Document:
    """The catalog's entry for a template id; KeyError for an unknown id."""
    return documents()[template_id]


def title_of(template_id: str) -> str:
    """The document's official title, as printed on it; KeyError for an unknown id."""
    return document(template_id).title


def attachable_ids() -> list[str]:
    """Templates that can be attached to a 公文, in catalog order (a composed document cannot)."""
    return [template_id for template_id, doc in documents().items() if doc.attachable]


class _Titles(Mapping[str, str]):
    def __getitem__(self, template_id: str) -> str:
        return title_of(template_id)

    def __iter__(self) -> Iterator[str]:
        return iter(documents())

    def __len__(self) -> int:
        return len(documents())


DOCUMENT_TITLES: Mapping[str, str] = _Titles()
"""Template id → official title, read from the catalog on each access (for modules that index titles by id)."""
