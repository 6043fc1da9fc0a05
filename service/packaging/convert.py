"""The one place where the package converts DOCX to PDF: the `Converter` its caller hands in.

A LibreOffice pool runs one conversion per process and queues the rest, so the package submits its conversions
(the 申请书 and the DOCX attachments) from threads and they run side by side.
Conversion errors travel as they are (`service.conversion.ConversionError`): a caller that can name the file
concerned wraps a failure once; busy, timeout and unavailable are never wrapped, so the edges can retry them.
"""

from __future__ import annotations

from service.conversion import Converter, PdfOptions


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
    return converter.convert(docx, PdfOptions(pdfa=pdfa, title=title, author=author, subject=subject))


def attachment_options(pdfa: bool) -> PdfOptions:
    """The options `docx_to_pdf` converts a DOCX attachment with (no title, author or subject given)."""
    return PdfOptions(pdfa=pdfa)
