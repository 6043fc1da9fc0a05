"""三、附件清单 with page references: render, count pages, render again with the references.

Page numbering (the one rule every part of the package follows)
  The cover carries no number. The first page after the cover is "— 1 —", and numbering runs on without a
  break through the 申请书 and every attachment. A reference "第 a–b 页" in the 附件清单 uses exactly the
  numbers stamped on those pages: with a one-page cover, the package page at index i (0-based) is numbered i.
  This is also what the Word template's own footer shows: its body section restarts at 1 after the cover.
  The cover is every page before 一、基本情况 (normally one; should a long name push the cover onto a second
  page, that page stays unnumbered too, as in the Word document).

One pass in the common case
  The page count of the 申请书 depends on the payload and on the listed titles, not on the numbers in the
  references (the placeholders are as wide as any real reference). A `PagePredictor` remembers the count
  (pages, cover pages) obtained for the same inputs, and the page count of every .docx attachment by content.
  When a prediction exists, the document is rendered at once with the references computed from it, converted,
  and the count verified; only a wrong prediction costs another pass (`predicted_pass` + `final_pass`).

Two passes (no prediction)
  Pass 1 renders the list with placeholder references as wide as any real one ("第 888–889 页"), converts the
  document and counts its pages n, c of them cover. The attachments then start at number n − c + 1 (the
  申请书 occupies numbers 1 … n − c), and pass 2 renders the real references. Since the real references are
  never wider than the placeholders, pass 2 has the same page count; should it differ anyway, the references
  are recomputed from the new count and the document rendered again (at most `MAX_PASSES` times in all).

The PDF used in the package is converted from a copy of the document without its footers: the package stamps
its own page numbers (odd right, even left, continuous across the attachments). The footer lies inside the
35 mm bottom margin, so removing it does not move the text.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from service.output.zips import FIXED_ZIP_TIME, build_zip
from service.packaging.errors import ApplicationRenderError

MAX_PASSES = 3
PLACEHOLDER_FIRST, PLACEHOLDER_LAST = 888, 889

ITEM_TEXTS: dict[str, tuple[str, ...]] = {
    "park_application": (
        "示范基地空间布局平面图",
        "主导产业规模的说明材料和测算依据",
        "主导产业规上企业名单",
        "各类优质企业、国家级创新平台证明材料",
        "融资情况证明材料",
        "智能工厂证明材料",
        "有关节能环保、安全生产达标等方面的说明材料",
        "其他说明或证明材料",
    ),
    "enterprise_application": (
        "示范基地空间布局平面图",
        "重点领域营业收入的说明或证明材料",
        "国家级和省部级科技奖励清单及证明材料，获国家级和省部级科技奖励情况需要明确企业在所有参与单位中的排序",
        "有效发明专利清单及获奖的证明材料",
        "国际标准、国家标准、行业标准清单及证明材料，标准制修订情况需要明确企业在所有参与单位中的排序",
        "主导产品市场占有率的说明或证明材料",
        "有关节能环保、安全生产达标等方面的证明材料",
        "其他",
    ),
}
"""The eight items of 三、附件清单 of each form, as in the seed (附件2 / 附件3)."""


def item_label(template_id: str, item: int) -> str:
    """The item as the list numbers it, cut at its first comma, for bookmarks.

    E.g. "3.国家级和省部级科技奖励清单及证明材料"."""
    return f"{item}.{ITEM_TEXTS[template_id][item - 1].split('，')[0]}"


@dataclass(frozen=True)
class FileRef:
    title: str
    first_page: int
    last_page: int


@dataclass(frozen=True)
class ItemRefs:
    item: int
    files: tuple[FileRef, ...]


@dataclass(frozen=True)
class ListedFile:
    """What the list needs of an attachment: its item, title and (once converted) its page count."""

    item: int
    title: str
    pages: int = 0


def references(files: Sequence[ListedFile], application_pages: int, cover_pages: int = 1) -> list[ItemRefs]:
    """Page references for the template (8 items, 1–8), files in package order (by item, then as given).

    The 申请书 has `application_pages` pages of which `cover_pages` are unnumbered cover, so the first attachment
    page is numbered `application_pages - cover_pages + 1` (see the module docstring)."""
    number = application_pages - cover_pages + 1
    by_item: dict[int, list[FileRef]] = {i: [] for i in range(1, 9)}
    for f in sorted(files, key=lambda f: f.item):
        by_item[f.item].append(FileRef(f.title, number, number + f.pages - 1))
        number += f.pages
    return [ItemRefs(i, tuple(refs)) for i, refs in by_item.items()]


def placeholders(files: Sequence[ListedFile]) -> list[ItemRefs]:
    by_item: dict[int, list[FileRef]] = {i: [] for i in range(1, 9)}
    for f in sorted(files, key=lambda f: f.item):
        by_item[f.item].append(FileRef(f.title, PLACEHOLDER_FIRST, PLACEHOLDER_LAST))
    return [ItemRefs(i, tuple(refs)) for i, refs in by_item.items()]


_FOOTER_REFERENCE = re.compile(rb"<w:footerReference\b[^>]*/>")


def without_footers(docx: bytes) -> bytes:
    """The same document with its footers unreferenced (the package stamps the page numbers itself)."""
    entries: list[tuple[str, bytes]] = []
    with zipfile.ZipFile(io.BytesIO(docx)) as src:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = _FOOTER_REFERENCE.sub(b"", data)
            entries.append((info.filename, data))
    return build_zip(entries, FIXED_ZIP_TIME, sort=False)


@dataclass(frozen=True)
class RenderedApplication:
    docx: bytes
    """The final 申请书 (with its own footer page numbers), as delivered in the bundle."""
    pdf: bytes
    """Its PDF without footers, for the package (stamped there)."""
    pages: int
    cover_pages: int
    """Pages before 一、基本情况: unnumbered."""
    refs: tuple[ItemRefs, ...]
    passes: int


Render = Callable[[list[ItemRefs]], bytes]
"""Renders the 申请书 .docx with the given 附件清单 references (`extra={"attachments": refs}`)."""
Convert = Callable[[bytes], bytes]
CountPages = Callable[[bytes], tuple[int, int]]
"""PDF → (pages, cover pages)."""


def first_pass(render: Render, convert: Convert, count: CountPages, files: Sequence[ListedFile]) -> RenderedApplication:
    refs = placeholders(files)
    docx = render(refs)
    pdf = convert(without_footers(docx))
    pages, cover = count(pdf)
    return RenderedApplication(docx, pdf, pages, cover, tuple(refs), 1)


def predicted_pass(
    render: Render, convert: Convert, count: CountPages, files: Sequence[ListedFile], predicted: tuple[int, int]
) -> RenderedApplication:
    """Render with the references of a predicted (pages, cover pages), convert, and report what was obtained.

    `passes` is 1; the result is final when its (pages, cover_pages) equal `predicted` (see `is_settled`),
    otherwise `final_pass` continues from it."""
    pages, cover = predicted
    refs = references(files, pages, cover)
    docx = render(refs)
    pdf = convert(without_footers(docx))
    got_pages, got_cover = count(pdf)
    return RenderedApplication(docx, pdf, got_pages, got_cover, tuple(refs), 1)


def is_settled(result: RenderedApplication, files: Sequence[ListedFile]) -> bool:
    """True when the references in `result` are the ones its own page count and `files` call for."""
    return result.refs == tuple(references(files, result.pages, result.cover_pages))


def final_pass(
    render: Render, convert: Convert, count: CountPages, files: Sequence[ListedFile], first: RenderedApplication
) -> RenderedApplication:
    """Render with the real references until the page count they assume is the page count obtained."""
    if is_settled(first, files):
        return first
    pages, cover = first.pages, first.cover_pages
    for passes in range(first.passes + 1, MAX_PASSES + 1):
        refs = references(files, pages, cover)
        docx = render(refs)
        pdf = convert(without_footers(docx))
        got = count(pdf)
        if got == (pages, cover):
            return RenderedApplication(docx, pdf, pages, cover, tuple(refs), passes)
        pages, cover = got
    raise ApplicationRenderError(
        "listing_unstable", f"附件清单的页码引用在 {MAX_PASSES} 次排版后仍不稳定（申请书页数在变化），请联系管理员"
    )


class PagePredictor:
    """Page counts remembered from earlier packages (bounded, least recently used dropped first; thread-safe).

    Keys are digests of what decides a count: for the 申请书 the template, its version, the payload, the PDF
    profile and the listed (item, title) pairs; for a .docx attachment its bytes and the PDF profile."""

    def __init__(self, maxsize: int = 1024) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[Hashable, tuple[int, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> tuple[int, int] | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: tuple[int, int]) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    @staticmethod
    def application_key(
        template_id: str, version: str, payload_json: str, pdfa: bool, files: Sequence[ListedFile]
    ) -> tuple[str, str]:
        digest = hashlib.sha256()
        for part in (template_id, version, payload_json, "pdfa" if pdfa else "pdf"):
            digest.update(part.encode())
            digest.update(b"\0")
        for f in sorted(files, key=lambda f: f.item):
            digest.update(f"{f.item}\0{f.title}\0".encode())
        return ("application", digest.hexdigest())

    @staticmethod
    def docx_key(data: bytes, pdfa: bool) -> tuple[str, str, bool]:
        return ("docx", hashlib.sha256(data).hexdigest(), pdfa)


PAGE_PREDICTIONS = PagePredictor()
"""The process-wide predictor `assemble_package` uses by default."""
