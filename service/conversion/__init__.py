"""Word → PDF with LibreOffice kept running: a supervised pool of processes.

    from service.conversion import PdfOptions, convert_to_pdf
    pdf = convert_to_pdf(docx_bytes, options=PdfOptions(pdfa=True, title="…", author="申报单位", subject="…"))

`convert_to_pdf` uses one process-wide pool (made on first use with PoolSettings(), closed at exit or
by `shutdown_default_pool()`); a service that wants its own settings makes a `ConversionPool`.
Errors are ConversionError subclasses with a stable `code` and a Chinese `message`.
"""

from __future__ import annotations

import threading

from service.conversion.converter import Converter
from service.conversion.errors import (
    ConversionBusy,
    ConversionError,
    ConversionFailed,
    ConversionTimeout,
    InvalidDocument,
    LibreOfficeUnavailable,
)
from service.conversion.options import PdfOptions
from service.conversion.pool import ConversionPool, PoolEvent, PoolMetrics, ProcessInfo
from service.conversion.sanitize import SanitizedDocx, SanitizeReport, sanitize_docx
from service.conversion.settings import PoolSettings

__all__ = [
    "ConversionBusy",
    "ConversionError",
    "ConversionFailed",
    "ConversionPool",
    "ConversionTimeout",
    "Converter",
    "InvalidDocument",
    "LibreOfficeUnavailable",
    "PdfOptions",
    "PoolEvent",
    "PoolMetrics",
    "PoolSettings",
    "ProcessInfo",
    "SanitizeReport",
    "SanitizedDocx",
    "convert_to_pdf",
    "get_default_pool",
    "sanitize_docx",
    "set_default_pool",
    "shutdown_default_pool",
]

_default_lock = threading.Lock()
_default_pool: ConversionPool | None = None


def get_default_pool() -> ConversionPool:
    """The process-wide pool, made (not yet started) on first use with PoolSettings()."""
    global _default_pool
    with _default_lock:
        if _default_pool is None or _default_pool.closed:
            _default_pool = ConversionPool(PoolSettings())
        return _default_pool


def set_default_pool(pool: ConversionPool | None) -> None:
    """Use this pool for convert_to_pdf (the API installs its configured pool here)."""
    global _default_pool
    with _default_lock:
        _default_pool = pool


def shutdown_default_pool() -> None:
    """Close the process-wide pool: no LibreOffice process or profile directory remains."""
    global _default_pool
    with _default_lock:
        pool, _default_pool = _default_pool, None
    if pool is not None:
        pool.close()


def convert_to_pdf(
    docx_bytes: bytes, options: PdfOptions | None = None, *, pool: ConversionPool | None = None
) -> bytes:
    """The PDF of a .docx, through the given pool or the process-wide one."""
    return (pool or get_default_pool()).convert(docx_bytes, options)
