"""Server-side render cache: finished documents by the hash of (template version, format, canonical payload),
bounded in bytes, least recently used evicted first. A hit skips rendering and LibreOffice entirely."""

from __future__ import annotations

from service.lru import BytesLru


class RenderCache(BytesLru):
    """`get(key)` / `put(key, data)` of finished documents; `size` bytes held of at most `max_bytes`."""
