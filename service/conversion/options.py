"""What the caller asks of the PDF: PDF/A-2b, document metadata, bookmarks."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class PdfOptions:
    pdfa: bool = False
    """PDF/A-2b (archival): all fonts embedded, XMP with pdfaid:part=2, conformance=B."""
    title: str | None = None
    """Document title (PDF Title / dc:title); None keeps the one stored in the .docx."""
    author: str | None = None
    """The applicant (PDF Author / dc:creator); None keeps the .docx's."""
    subject: str | None = None
    """The template title (PDF Subject / dc:description); None keeps the .docx's."""
    keywords: tuple[str, ...] = ()
    bookmarks: bool = True
    """PDF outline from the document's headings."""

    def document_properties(self) -> dict[str, Any]:
        """Properties set on the loaded document; LibreOffice writes them to the Info dictionary and XMP."""
        props: dict[str, Any] = {}
        if self.title is not None:
            props["Title"] = self.title
        if self.author is not None:
            props["Author"] = self.author
        if self.subject is not None:
            props["Subject"] = self.subject
        if self.keywords:
            props["Keywords"] = tuple(self.keywords)
        return props

    def core_properties(self) -> dict[str, str]:
        """Title, author and subject, as they can be written into the .docx's docProps/core.xml."""
        values = {"title": self.title, "author": self.author, "subject": self.subject}
        return {key: value for key, value in values.items() if value is not None}

    def without_core_properties(self) -> PdfOptions:
        """These options once the .docx carries title, author and subject itself."""
        return replace(self, title=None, author=None, subject=None)

    def filter_data(self) -> dict[str, Any]:
        """FilterData of LibreOffice's writer_pdf_Export filter."""
        return {
            # 0 = PDF 1.6 (LibreOffice 7.4's default), 2 = PDF/A-2b.
            "SelectPdfVersion": 2 if self.pdfa else 0,
            "ExportBookmarks": self.bookmarks,
            # Also embed the 14 standard PDF fonts, so that every font of the result is embedded.
            "EmbedStandardFonts": True,
            # Content controls stay printed text, not fillable PDF form fields.
            "ExportFormFields": False,
            "ExportNotes": False,
            # Never turn document links into file system links relative to the server.
            "ExportLinksRelativeFsys": False,
        }
