"""国家新兴产业发展示范基地申报材料生成服务 — structured JSON in, faithful Word/PDF documents out.

The public surface is small:

    from service import render, validate, assemble_package
    docx_bytes = render("park_application", payload)

Data flows one way: payload (service.payloads) → render (service.rendering) → convert
(service.conversion) → package (service.packaging); batch jobs, the HTTP API and the CLI sit on top.
"""

from __future__ import annotations

from typing import Any

from service.payloads import FieldError, PayloadInvalid
from service.rendering import get_template, list_templates, render, render_blank, validate

__all__ = [
    "FieldError",
    "PayloadInvalid",
    "assemble_package",
    "convert_to_pdf",
    "get_template",
    "list_templates",
    "render",
    "render_blank",
    "validate",
]


def __getattr__(name: str) -> Any:
    # Conversion and packaging pull in LibreOffice and PDF libraries: imported on first use only.
    if name == "convert_to_pdf":
        from service.conversion import convert_to_pdf

        return convert_to_pdf
    if name == "assemble_package":
        from service.packaging import assemble_package

        return assemble_package
    raise AttributeError(name)
