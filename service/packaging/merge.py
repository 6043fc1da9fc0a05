"""Merging the 申请书 and the attachments into one PDF, with bookmarks and page labels (pikepdf/qpdf); the
metadata and the reproducible save are `service.output.pdf`'s.

pikepdf rather than pypdf: bench/package.py measures both on the park sample; qpdf copies the pages and writes
the file several times faster (figures in the README), and it is the library that already opens and repairs the
attachments, so the pages are never re-parsed by a second library.

Outline (bookmarks)
  <申请书 title>                     → the cover
    一、基本情况 … 四、推荐单位意见   → where each section starts (with 二's parts （一）…（五） below it)
  附件材料                           → the first attachment page
    1.示范基地空间布局平面图        → one entry per item that has files …
      <file title>                  → … and one per file
Page labels make viewers show the printed numbers: the cover is labelled 封面, the next page 1, and so on.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Name

SECTION_TITLES = ("一、基本情况", "二、创建工作方案", "三、附件清单", "四、推荐单位意见")
_SECTION = re.compile(r"^[一二三四]、")
_PART = re.compile(r"^（[一二三四五]）")
ATTACHMENTS_TITLE = "附件材料"


@dataclass(frozen=True)
class OutlineEntry:
    title: str
    page: int
    """0-based index of the target page in the package."""
    children: tuple[OutlineEntry, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        return {"title": self.title, "page": self.page, "children": [c.to_dict() for c in self.children]}


# --- where the 申请书's sections start ------------------------------------------------------------------------


def application_sections(pdf: pikepdf.Pdf, pdf_bytes: bytes) -> list[OutlineEntry]:
    """The sections 一 … 四 (and the parts of 二) with their pages: from the bookmarks LibreOffice exports for
    the template's headings, or, when there are none, from the text of the pages."""
    found = _from_outline(pdf)
    if [e.title for e in found] != list(SECTION_TITLES):
        found = _from_text(pdf_bytes)
    return found


def _from_outline(pdf: pikepdf.Pdf) -> list[OutlineEntry]:
    entries: list[OutlineEntry] = []
    try:
        with pdf.open_outline() as outline:
            for top in outline.root:
                title = _clean(top.title)
                if not _SECTION.match(title):
                    continue
                page = _destination_page(pdf, top)
                if page is None:
                    return []
                children = []
                for child in top.children:
                    child_title = _clean(child.title)
                    child_page = _destination_page(pdf, child)
                    if _PART.match(child_title) and child_page is not None:
                        children.append(OutlineEntry(child_title, child_page))
                entries.append(OutlineEntry(_canonical(title), page, tuple(children)))
    except (pikepdf.PdfError, pikepdf.OutlineStructureError, AttributeError, ValueError):
        return []
    return entries


def _canonical(title: str) -> str:
    """ "二、创建工作方案（每部分不超过 2000 字）" → "二、创建工作方案"."""
    for known in SECTION_TITLES:
        if title.startswith(known):
            return known
    return title


def _clean(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _destination_page(pdf: pikepdf.Pdf, item: pikepdf.OutlineItem) -> int | None:
    dest: pikepdf.Object | int | None = item.destination
    if dest is None and item.action is not None and item.action.get("/S") == Name.GoTo:
        dest = item.action.get("/D")
    if isinstance(dest, int):
        return dest
    if isinstance(dest, pikepdf.String | pikepdf.Name):
        dest = _named_destination(pdf, dest)
    if isinstance(dest, pikepdf.Dictionary):
        dest = dest.get("/D")
    if isinstance(dest, pikepdf.Array) and len(dest) > 0:
        target = dest[0]
        if isinstance(target, int):
            return int(target)
        try:
            return pikepdf.Page(target).index
        except (ValueError, pikepdf.PdfError):
            return None
    return None


def _named_destination(pdf: pikepdf.Pdf, name: pikepdf.Object) -> pikepdf.Object | None:
    if isinstance(name, pikepdf.Name):
        dests = pdf.Root.get("/Dests")
        return dests.get(name) if dests is not None else None
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return None
    tree = pikepdf.NameTree(names.Dests)
    key = str(name)
    return tree[key] if key in tree else None


def _from_text(pdf_bytes: bytes) -> list[OutlineEntry]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf_bytes))
    entries = []
    start = 1  # sections never start on the cover
    for title in SECTION_TITLES:
        for index in range(start, len(reader.pages)):
            lines = [line.strip() for line in reader.pages[index].extract_text().splitlines()]
            if any(line.startswith(title) for line in lines):
                entries.append(OutlineEntry(title, index))
                start = index
                break
    return entries


# --- building the package ------------------------------------------------------------------------------------


def merge(parts: Sequence[pikepdf.Pdf]) -> pikepdf.Pdf:
    """A new document with the pages of every part, in order."""
    merged = pikepdf.new()
    for part in parts:
        merged.pages.extend(part.pages)
    return merged


def write_outline(pdf: pikepdf.Pdf, entries: Sequence[OutlineEntry]) -> None:
    def item(entry: OutlineEntry) -> pikepdf.OutlineItem:
        node = pikepdf.OutlineItem(entry.title, entry.page, pikepdf.PageLocation.Fit)
        node.children.extend(item(c) for c in entry.children)
        return node

    with pdf.open_outline() as outline:
        outline.root.clear()
        outline.root.extend(item(e) for e in entries)
    pdf.Root.PageMode = Name.UseOutlines


def set_page_labels(pdf: pikepdf.Pdf, cover_pages: int = 1, *, cover_label: str = "封面") -> None:
    """Viewers show "封面" for the cover, then 1, 2 … — the numbers stamped on the pages."""
    cover = pikepdf.Dictionary(P=pikepdf.String(cover_label))
    pdf.Root.PageLabels = pikepdf.Dictionary(
        Nums=pikepdf.Array([0, cover, cover_pages, pikepdf.Dictionary(S=Name.D, St=1)])
    )


def highest_version(parts: Sequence[pikepdf.Pdf]) -> str:
    versions = [p.pdf_version for p in parts if re.fullmatch(r"\d\.\d", p.pdf_version or "")]
    return max(versions, default="1.6", key=lambda v: tuple(int(x) for x in v.split(".")))


def extract(pdf: pikepdf.Pdf, pages: range) -> pikepdf.Pdf:
    """A new document holding some pages of `pdf` (the 申请书 alone, as numbered in the package)."""
    out = pikepdf.new()
    for index in pages:
        out.pages.append(pdf.pages[index])
    return out
