"""The one place where the package converts DOCX to PDF: the `Converter` its caller hands in.

A LibreOffice pool runs one conversion per process and queues the rest, so the package submits its conversions
(the 申请书 and the DOCX attachments) from threads and they run side by side.
Conversion failures become `ConversionFailed` with the pool's code and Chinese message, so that callers can name
the file concerned.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.conversion import ConversionError, Converter, PdfOptions


@dataclass
class ConversionFailed(Exception):
    code: str
    message: str

    def __str__(self) -> str:
        return self.message


def docx_to_pdf(
    converter: Converter,
    docx: bytes,
    *,
    title: str | None = None,
    author: str | None = None,
    subject: str | None = None,
    pdfa: bool = False,
) -> bytes:
    """Convert a .docx to PDF with the warm LibreOffice pool (thread-safe; calls may run concurrently).
    Headings become bookmarks, which the package reads to find the 申请书's sections. `pdfa`: LibreOffice's
    PDF/A-2b export (for a PDF/A package)."""
    try:
        return converter.convert(docx, PdfOptions(pdfa=pdfa, title=title, author=author, subject=subject))
    except ConversionError as exc:
        raise ConversionFailed(exc.code, exc.message) from exc
