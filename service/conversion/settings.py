"""Pool settings: defaults in one dataclass (the API maps its environment settings onto it)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # pragma: no cover - non-Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class PoolSettings:
    size: int = field(default_factory=_cpu_count)
    """Number of LibreOffice processes (one conversion at a time each)."""
    conversion_timeout: float = 60.0
    """Seconds per conversion attempt; then the process is killed and the conversion retried once."""
    start_timeout: float = 30.0
    """Seconds for a process to accept connections and finish its warm-up conversion."""
    max_conversions_per_process: int = 200
    """Recycle a process after this many conversions (LibreOffice grows: ~83 MB idle → ~350 MB at 200)."""
    max_rss_bytes: int = 1 << 30
    """Recycle a process whose resident memory (with its children) passes this after a conversion."""
    queue_limit: int = 32
    """Conversions allowed to wait for a free process; one more is refused with `conversion_busy`."""
    queue_wait_timeout: float = 120.0
    """Seconds a conversion may wait in the queue before it is refused with `conversion_busy`."""
    health_interval: float = 30.0
    """Seconds between health checks of idle processes (0 disables the background checker)."""
    warm_up: bool = True
    """Convert a small built-in document after start, so the first real conversion is fast."""
    soffice: str | None = None
    """Path of soffice / soffice.bin; found on PATH when None."""
    temp_root: str | None = None
    """Directory for the per-process private directories (profile, HOME, jobs); system temp when None."""
    allocator: str | None = "auto"
    """Shared library preloaded into soffice.bin as its memory allocator: "auto" = jemalloc when installed
    (Debian's libjemalloc2), None = glibc malloc. malloc/free were ~30 % of a conversion's CPU profile;
    measured 1.05–1.3× faster conversions with jemalloc, same PDFs."""
    allocator_conf: str | None = "dirty_decay_ms:-1"
    """MALLOC_CONF for the preloaded jemalloc (ignored on glibc malloc; None = jemalloc's defaults). Never
    returning freed pages to the system: a conversion allocates and frees large buffers (fonts for the PDF),
    and pages given back are page-faulted in again by the next one (kernel page faults were ~10 % of the
    park application's profile). Measured, interleaved: soffice.bin CPU per conversion −12 % on the park
    application (≈ same on one page); resident memory stays at the conversion peak instead of falling back
    between conversions (+~140 MB per process, still far below max_rss_bytes)."""
    slim_styles: bool = True
    """Leave the styles a document does not use out of the .docx LibreOffice loads (slim.py): same PDF,
    importing Word's ~160 default style definitions was ~40 % of a one-page conversion."""

    def __post_init__(self) -> None:
        if self.size < 1:
            raise ValueError("size must be at least 1")
        if self.conversion_timeout <= 0 or self.start_timeout <= 0:
            raise ValueError("timeouts must be positive")
        if self.max_conversions_per_process < 1:
            raise ValueError("max_conversions_per_process must be at least 1")
        if self.queue_limit < 0:
            raise ValueError("queue_limit must not be negative")
