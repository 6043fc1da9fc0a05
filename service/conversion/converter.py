"""The one thing the rest of the service needs from conversion: turn a .docx into a PDF.

Packaging, batches, the roll-up and the API are handed a `Converter` by whoever owns it (the API runtime, a CLI
command, a worker process) instead of reaching for a process-wide pool, so each owner controls the pool's
lifetime and a test can hand packaging logic a fake. `ConversionPool` implements it.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from service.conversion.options import PdfOptions


@runtime_checkable
class Converter(Protocol):
    """Word → PDF. Raises `service.conversion.ConversionError` subclasses (stable code, Chinese message)."""

    def convert(self, docx: bytes, options: PdfOptions | None = None) -> bytes:
        """The PDF of `docx`; thread-safe, so callers may convert several documents side by side."""
        ...

    @property
    def capacity(self) -> int:
        """How many conversions run at the same time (callers size their own parallelism on it)."""
        ...
