"""What the pool needs from one supervised process, and how a process reports failures.

`LibreOfficeProcess` (process.py) is the real implementation; the supervision unit tests use a fake one.
These exceptions are internal: the pool turns them into the user-facing errors of errors.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from service.conversion.options import PdfOptions


@dataclass(frozen=True)
class ConversionJob:
    docx: bytes
    """The (sanitized) Word document."""
    options: PdfOptions = field(default_factory=PdfOptions)


class ProcessStartFailed(Exception):
    """The process did not become ready (missing binary, early exit, start timeout, failed warm-up)."""


class ProcessCrashed(Exception):
    """The process died (or its UNO bridge broke) during a conversion; it has been killed."""


class ProcessTimedOut(Exception):
    """The conversion exceeded its time limit; the process has been killed."""


class DocumentRejected(Exception):
    """LibreOffice is healthy but cannot open the document: retrying will not help."""


class WorkerProcess(Protocol):
    """One supervised converter process. Each object is one incarnation: the pool makes a new one to restart."""

    conversions: int
    """Conversions completed by this incarnation (the warm-up is not counted)."""

    @property
    def pid(self) -> int | None: ...

    def start(self) -> None:
        """Start and wait until ready; raises ProcessStartFailed (and leaves nothing behind)."""

    def alive(self) -> bool: ...

    def ping(self, timeout: float) -> bool:
        """True when the process answers a trivial request within the timeout."""

    def convert(self, job: ConversionJob, timeout: float) -> bytes:
        """The PDF; raises ProcessCrashed, ProcessTimedOut or DocumentRejected."""

    def rss_bytes(self) -> int:
        """Resident memory of the process and its children."""

    def stop(self) -> None:
        """Kill the process and remove everything it left (profile, pipes); idempotent."""


ProcessFactory = Callable[[int], WorkerProcess]
"""slot number → a new, not yet started process for that slot."""
