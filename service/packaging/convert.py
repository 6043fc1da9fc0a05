"""The one place where the package converts DOCX to PDF: the process-wide LibreOffice pool of `service.conversion`.

Conversion failures become `ConversionFailed` with the pool's code and Chinese message, so that callers can name
the file concerned.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ConversionFailed(Exception):
    code: str
    message: str

    def __str__(self) -> str:
        return self.message


def docx_to_pdf(docx: bytes, *, title: str = "", author: str = "", subject: str = "") -> bytes:
    """Convert a .docx to PDF with the warm LibreOffice pool (thread-safe; calls may run concurrently)."""
    try:
        from service.conversion import ConversionError, PdfOptions, convert_to_pdf
    except ImportError:  # TEMPORARY until service.conversion lands
        return _soffice(docx)
    try:
        return convert_to_pdf(docx, PdfOptions(pdfa=False, title=title, author=author, subject=subject))
    except ConversionError as exc:
        raise ConversionFailed(exc.code, exc.message) from exc


def _soffice(docx: bytes) -> bytes:  # TEMPORARY until service.conversion lands
    import subprocess
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "in.docx").write_bytes(docx)
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{tmp}/p",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                f"{tmp}/in.docx",
            ],
            check=True,
            capture_output=True,
            env={"HOME": tmp, "PATH": "/usr/bin:/bin"},
        )
        return (Path(tmp) / "in.pdf").read_bytes()
