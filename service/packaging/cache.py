"""Content-addressed caches of the work done on attachments, so that regenerating a package (the applicant edits
the payload and generates again, or a batch is run again) does not redo it for attachments that did not change.

- Converted DOCX attachments: the PDF LibreOffice made, with its font ids already removed (`normalise_fonts`),
  saved as it is (streams neither decoded nor recompressed). Key: sha256 of the .docx bytes, the `PdfOptions`,
  and the converter — one identity per converter object (never shared between two pools, or between a pool
  and a test double) plus the LibreOffice binary's path, size and modification time.
- Image attachments laid out on their A4 page, by sha256 of the image and the pixel limit it was checked
  against (the page as `image_to_pdf` made it, saved as it is).
- Measured attachment pages: where each page's content is (`stamp.content_bbox`), by the same key for a DOCX
  attachment and by sha256 of the file (and the PDF/A flag) for a PDF.

Only results are cached, never errors. A hit gives exactly what a miss would have computed: the package's bytes
are the same either way (tests/test_package_cache.py). Bounded (bytes for PDFs, entries for measurements), least
recently used dropped first; thread-safe.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass

from service.conversion import Converter, PdfOptions
from service.lru import BytesLru

MB = 1024 * 1024
Box = tuple[float, float, float, float]
PageBoxes = tuple[Box | None, ...]


@dataclass
class CacheStats:
    conversion_hits: int = 0
    conversion_misses: int = 0
    measure_hits: int = 0
    measure_misses: int = 0
    image_hits: int = 0
    image_misses: int = 0


_tokens: weakref.WeakKeyDictionary[object, int] = weakref.WeakKeyDictionary()
_token_counter = itertools.count(1)
_token_lock = threading.Lock()


def converter_identity(converter: Converter) -> str | None:
    """Who converts: a token unique to this converter object (for as long as it lives) and the LibreOffice
    binary it runs (path, size, modification time: an upgrade in place changes it). None when the converter
    cannot be told apart from another one (not weak-referenceable or not hashable): then nothing is cached."""
    try:
        with _token_lock:
            token = _tokens.get(converter)
            if token is None:
                token = next(_token_counter)
                _tokens[converter] = token
    except TypeError:
        return None
    settings = getattr(converter, "settings", None)
    soffice = getattr(settings, "soffice", None) or shutil.which("soffice")
    binary = "-"
    if soffice:
        try:
            path = os.path.realpath(soffice)
            st = os.stat(path)
            binary = f"{path}:{st.st_size}:{st.st_mtime_ns}"
        except OSError:
            binary = str(soffice)
    return f"{token}|{binary}"


def conversion_key(converter: Converter, docx: bytes, options: PdfOptions) -> str | None:
    """The key of one conversion, or None when it must not be cached."""
    identity = converter_identity(converter)
    if identity is None:
        return None
    digest = hashlib.sha256()
    for part in (b"docx", docx, repr(options).encode(), identity.encode()):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return "docx:" + digest.hexdigest()


def image_key(data: bytes, max_pixels: int) -> str:
    """The key of an image attachment's page: its bytes and the pixel limit it was checked against."""
    return f"image:{max_pixels}:" + hashlib.sha256(data).hexdigest()


def pdf_key(data: bytes, pdfa: bool) -> str:
    """The key of a PDF attachment: what it measures to depends only on its bytes (and on the PDF/A preparation)."""
    return f"pdf{'a' if pdfa else ''}:" + hashlib.sha256(data).hexdigest()


class AttachmentCache:
    def __init__(self, max_bytes: int = 64 * MB, max_measures: int = 4096) -> None:
        self.max_bytes = max_bytes
        self.max_measures = max_measures
        self.stats = CacheStats()
        self._pdfs = BytesLru(max_bytes)
        self._measures: OrderedDict[str, PageBoxes] = OrderedDict()
        self._lock = threading.Lock()

    def converted(self, key: str) -> bytes | None:
        """A converted DOCX attachment."""
        data = self._get_pdf(key)
        with self._lock:
            if data is None:
                self.stats.conversion_misses += 1
            else:
                self.stats.conversion_hits += 1
        return data

    def image(self, key: str) -> bytes | None:
        """An image attachment's page."""
        data = self._get_pdf(key)
        with self._lock:
            if data is None:
                self.stats.image_misses += 1
            else:
                self.stats.image_hits += 1
        return data

    def _get_pdf(self, key: str) -> bytes | None:
        return self._pdfs.get(key)

    def put_image(self, key: str, data: bytes) -> None:
        self._pdfs.put(key, data)

    def put_converted(self, key: str, data: bytes) -> None:
        self._pdfs.put(key, data)

    def measures(self, key: str, pages: int) -> PageBoxes | None:
        with self._lock:
            boxes = self._measures.get(key)
            if boxes is None or len(boxes) != pages:
                self.stats.measure_misses += 1
                return None
            self._measures.move_to_end(key)
            self.stats.measure_hits += 1
            return boxes

    def put_measures(self, key: str, boxes: PageBoxes) -> None:
        with self._lock:
            self._measures[key] = boxes
            self._measures.move_to_end(key)
            while len(self._measures) > self.max_measures:
                self._measures.popitem(last=False)

    @property
    def size(self) -> int:
        """Bytes of converted PDFs held."""
        return self._pdfs.size

    def clear(self) -> None:
        with self._lock:
            self._pdfs.clear()
            self._measures.clear()
            self.stats = CacheStats()


ATTACHMENT_CACHE = AttachmentCache()
"""The process-wide cache `assemble_package` uses by default."""
