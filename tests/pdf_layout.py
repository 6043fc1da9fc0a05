"""Reading the layout of a PDF made by LibreOffice back, for tests of print fidelity.

Generic helpers (any document): the text of a page as positioned segments and lines, page size and
orientation, the text block a .docx declares (its w:sectPr margins), and checks built on them: words broken
across lines, a caption left as the last line of a page, text outside the text block.

A *segment* is a run of characters on one baseline without a wide gap: the text of one table cell line, a
title line, a body line. A *line* is all segments sharing a baseline (a table row's cells side by side).
Positions are PDF points with the origin top left (pdfplumber's `top`/`bottom`).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TWIPS_PER_POINT = 20
# Characters LibreOffice may write for a hyphen that must not break; text comparisons read them as "-".
HYPHENS = str.maketrans({"\u2011": "-", "\u2010": "-", "\u00ad": ""})
PAGE_NUMBER = re.compile(r"^[—–-]\s*\d+\s*[—–-]$")


@dataclass(frozen=True)
class Segment:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # font size of the first character

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def overlaps_horizontally(self, other: Segment) -> bool:
        return min(self.x1, other.x1) - max(self.x0, other.x0) > 0


@dataclass(frozen=True)
class Line:
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)

    @property
    def top(self) -> float:
        return min(s.top for s in self.segments)

    @property
    def bottom(self) -> float:
        return max(s.bottom for s in self.segments)

    @property
    def x0(self) -> float:
        return min(s.x0 for s in self.segments)

    @property
    def x1(self) -> float:
        return max(s.x1 for s in self.segments)


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    width: float
    height: float
    segments: tuple[Segment, ...]

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @property
    def lines(self) -> list[Line]:
        return group_lines(self.segments)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def bounds(self) -> tuple[float, float, float, float] | None:
        """(x0, top, x1, bottom) of all text on the page, or None for a page without text."""
        if not self.segments:
            return None
        return (
            min(s.x0 for s in self.segments),
            min(s.top for s in self.segments),
            max(s.x1 for s in self.segments),
            max(s.bottom for s in self.segments),
        )


def _segments(chars: Sequence[dict], gap_factor: float) -> list[Segment]:
    """Split characters (sorted into baselines) where the gap exceeds `gap_factor` × the font size."""
    rows: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (round(c["bottom"], 0), c["x0"])):
        if rows and abs(rows[-1][0]["bottom"] - ch["bottom"]) <= 2:
            rows[-1].append(ch)
        else:
            rows.append([ch])
    out: list[Segment] = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        current: list[dict] = []
        for ch in row:
            if current and ch["x0"] - current[-1]["x1"] > gap_factor * max(ch["size"], 1):
                out.append(_segment(current))
                current = []
            current.append(ch)
        if current:
            out.append(_segment(current))
    return [s for s in out if s.text.strip()]


def _segment(chars: list[dict]) -> Segment:
    return Segment(
        text="".join(c["text"] for c in chars).strip().translate(HYPHENS),
        x0=min(c["x0"] for c in chars),
        x1=max(c["x1"] for c in chars),
        top=min(c["top"] for c in chars),
        bottom=max(c["bottom"] for c in chars),
        size=chars[0]["size"],
    )


def group_lines(segments: Iterable[Segment], tolerance: float = 2.0) -> list[Line]:
    """Segments on one baseline (bottoms within `tolerance`) form a line; lines top to bottom."""
    lines: list[list[Segment]] = []
    for seg in sorted(segments, key=lambda s: (s.bottom, s.x0)):
        if lines and abs(lines[-1][0].bottom - seg.bottom) <= tolerance:
            lines[-1].append(seg)
        else:
            lines.append([seg])
    return [Line(tuple(sorted(line, key=lambda s: s.x0))) for line in lines]


def read_pdf(pdf: bytes | Path, *, gap_factor: float = 0.5) -> list[Page]:
    """Every page with its text segments. A gap wider than `gap_factor` × the font size starts a new segment
    (cell borders and the space between cells are wider; letter-spaced titles may split — compare without
    spaces where that matters)."""
    source = io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf
    pages: list[Page] = []
    with pdfplumber.open(source) as doc:
        for page in doc.pages:
            pages.append(
                Page(
                    number=page.page_number,
                    width=float(page.width),
                    height=float(page.height),
                    segments=tuple(_segments(page.chars, gap_factor)),
                )
            )
    return pages


# --- What the .docx declares ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextBlock:
    """The area of a page that text may occupy, in points: the page less its margins (w:pgMar)."""

    width: float
    height: float
    top: float
    bottom: float
    left: float
    right: float
    header: float
    footer: float
    mirror: bool  # w:mirrorMargins: even pages swap left and right

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    def box(self, page_number: int) -> tuple[float, float, float, float]:
        """(x0, top, x1, bottom) of the text block on a page (1-based number; mirrored on even pages)."""
        left, right = (self.right, self.left) if self.mirror and page_number % 2 == 0 else (self.left, self.right)
        return (left, self.top, self.width - right, self.height - self.bottom)


def text_blocks(docx: bytes | Path) -> list[TextBlock]:
    """The text block of each section of a .docx, from its w:sectPr elements in document order."""
    data = docx if isinstance(docx, bytes) else Path(docx).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
        settings = (
            etree.fromstring(archive.read("word/settings.xml")) if "word/settings.xml" in archive.namelist() else None
        )
    mirror = settings is not None and settings.find(f"{W}mirrorMargins") is not None
    blocks: list[TextBlock] = []
    for sect in document.iter(f"{W}sectPr"):
        size = sect.find(f"{W}pgSz")
        mar = sect.find(f"{W}pgMar")

        def pt(element: etree._Element, name: str) -> float:
            return float(element.get(f"{W}{name}", "0")) / TWIPS_PER_POINT

        blocks.append(
            TextBlock(
                width=pt(size, "w"),
                height=pt(size, "h"),
                top=abs(pt(mar, "top")),
                bottom=abs(pt(mar, "bottom")),
                left=pt(mar, "left") + pt(mar, "gutter"),
                right=pt(mar, "right"),
                header=pt(mar, "header"),
                footer=pt(mar, "footer"),
                mirror=mirror,
            )
        )
    return blocks


# --- Checks ------------------------------------------------------------------------------------------------


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def segment_below(page: Page, seg: Segment, *, max_gap_factor: float = 1.5) -> Segment | None:
    """The nearest segment under `seg` that shares part of its width (the next line of a cell or a
    paragraph), within `max_gap_factor` × the segment's height."""
    candidates = [
        s
        for s in page.segments
        if s is not seg
        and s.top >= seg.bottom - 1
        and s.top - seg.bottom <= max_gap_factor * seg.height
        and s.overlaps_horizontally(seg)
    ]
    return min(candidates, key=lambda s: (s.top, s.x0), default=None)


def broken_words(pages: Sequence[Page], words: Iterable[str]) -> list[str]:
    """Words of the dictionary that a line break splits: a segment ends with the word's first part and the
    segment below it starts with the rest. Each finding reads "page N: 申报创建领|域"."""
    words = [_compact(w) for w in words]
    found: list[str] = []
    for page in pages:
        for seg in page.segments:
            below = segment_below(page, seg)
            if below is None:
                continue
            upper, lower = _compact(seg.text), _compact(below.text)
            for word in words:
                for cut in range(1, len(word)):
                    if upper.endswith(word[:cut]) and lower.startswith(word[cut:]):
                        found.append(f"page {page.number}: {word[:cut]}|{word[cut:]}")
    return found


def body_lines(page: Page, block: TextBlock, *, tolerance: float = 2.0) -> list[Line]:
    """The lines inside the text block's height (headers and footers, e.g. the page number, left out)."""
    _, top, _, bottom = block.box(page.number)
    return [line for line in page.lines if line.top >= top - tolerance and line.bottom <= bottom + tolerance]


def stranded_captions(pages: Sequence[Page], blocks: Sequence[TextBlock], captions: Iterable[str]) -> list[str]:
    """Captions that are the last body line of a page (their table starts on the next page)."""
    captions = {_compact(c) for c in captions}
    found: list[str] = []
    for page in pages:
        lines = body_lines(page, block_for(blocks, page))
        if lines and _compact(lines[-1].text) in captions:
            found.append(f"page {page.number}: {lines[-1].text}")
    return found


def block_for(blocks: Sequence[TextBlock], page: Page) -> TextBlock:
    """The text block that fits the page's size (a document with one page setup per orientation)."""
    fitting = [b for b in blocks if abs(b.width - page.width) < 2 and abs(b.height - page.height) < 2]
    if not fitting:
        raise AssertionError(f"page {page.number} is {page.width:.0f}×{page.height:.0f} pt, no section has that size")
    return fitting[-1]


def outside_text_block(
    pages: Sequence[Page],
    blocks: Sequence[TextBlock],
    *,
    tolerance: float = 1.5,
    allowed: re.Pattern[str] = PAGE_NUMBER,
) -> list[str]:
    """Segments that reach outside the text block of their page, except those matching `allowed` (the page
    number sits in the footer by design) that also stay within the page's left and right margins."""
    found: list[str] = []
    for page in pages:
        block = block_for(blocks, page)
        x0, top, x1, bottom = block.box(page.number)
        for seg in page.segments:
            inside_width = seg.x0 >= x0 - tolerance and seg.x1 <= x1 + tolerance
            inside_height = seg.top >= top - tolerance and seg.bottom <= bottom + tolerance
            if inside_width and (inside_height or allowed.match(seg.text)):
                continue
            found.append(
                f"page {page.number}: “{seg.text}” at x {seg.x0:.1f}–{seg.x1:.1f}, y {seg.top:.1f}–{seg.bottom:.1f}"
                f" (block x {x0:.1f}–{x1:.1f}, y {top:.1f}–{bottom:.1f})"
            )
    return found


def segments_containing(pages: Sequence[Page], text: str) -> list[Segment]:
    """Segments whose text holds `text` whole (hyphen variants read as "-")."""
    text = _compact(text.translate(HYPHENS))
    return [s for p in pages for s in p.segments if text in _compact(s.text)]
