"""The attachment cache (`service.packaging.cache`): a regenerated package reuses the DOCX attachments' conversions,
the image pages and the measured attachment pages, and is byte for byte the package made without the cache.

A counting converter records each DOCX attachment conversion (the ones without a title: the 申请书 is converted
with the template's title)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from service.conversion import PdfOptions
from service.packaging import Attachment, Package, assemble_package
from service.packaging.cache import AttachmentCache, conversion_key, converter_identity
from service.packaging.listing import PagePredictor

ROOT = Path(__file__).resolve().parents[1]
PARK = ROOT / "samples" / "attachments" / "park"
TEMPLATE = "park_application"
DOCX = PARK / "7" / "节能环保与安全生产达标说明.docx"


class CountingConverter:
    def __init__(self, pool) -> None:
        self.pool = pool
        self.settings = pool.settings
        self.attachments: list[bytes] = []
        self._lock = threading.Lock()

    @property
    def capacity(self) -> int:
        return self.pool.capacity

    def convert(self, docx: bytes, options: PdfOptions | None = None) -> bytes:
        if options is None or options.title is None:
            with self._lock:
                self.attachments.append(docx)
        return self.pool.convert(docx, options)


def payload() -> dict:
    import json

    return json.loads((ROOT / "samples" / f"{TEMPLATE}.json").read_text(encoding="utf-8"))


def attachments(docx: bytes | None = None) -> list[Attachment]:
    return [
        Attachment.from_path(PARK / "1" / "01_示范基地空间布局平面图.png", 1),
        Attachment.from_path(PARK / "5" / "融资情况证明材料.pdf", 5),
        Attachment(7, "节能环保与安全生产达标说明", data=docx or DOCX.read_bytes(), filename=DOCX.name),
    ]


def build(converter, cache: AttachmentCache | None, *, docx: bytes | None = None, pdfa: bool = False) -> Package:
    return assemble_package(
        TEMPLATE, payload(), attachments(docx), converter=converter, cache=cache, predictor=PagePredictor(), pdfa=pdfa
    )


def same_package(a: Package, b: Package) -> None:
    assert a.merged_pdf == b.merged_pdf
    assert a.application_pdf == b.application_pdf
    assert a.bundle_zip == b.bundle_zip
    assert a.stamps == b.stamps


@pytest.mark.parametrize("pdfa", [False, True], ids=["pdf", "pdfa"])
def test_hit_gives_the_same_package_as_no_cache(converter, pdfa: bool) -> None:
    counting = CountingConverter(converter)
    cache = AttachmentCache()
    plain = build(counting, None, pdfa=pdfa)
    assert len(counting.attachments) == 1
    first = build(counting, cache, pdfa=pdfa)  # miss: converted and stored
    assert len(counting.attachments) == 2
    assert cache.stats.conversion_misses == 1 and cache.stats.measure_misses == 2  # the DOCX and the PDF
    assert cache.stats.image_misses == 1
    again = build(counting, cache, pdfa=pdfa)  # hit: not converted, not measured, image not laid out again
    assert len(counting.attachments) == 2
    assert cache.stats.conversion_hits == 1 and cache.stats.measure_hits == 2 and cache.stats.image_hits == 1
    same_package(plain, first)
    same_package(plain, again)


def test_changed_attachment_misses(converter, tmp_path: Path) -> None:
    counting = CountingConverter(converter)
    cache = AttachmentCache()
    build(counting, cache)
    original = DOCX.read_bytes()
    changed = _with_extra_paragraph(original, tmp_path)
    package = build(counting, cache, docx=changed)
    assert counting.attachments == [original, changed]
    assert cache.stats.conversion_hits == 0 and cache.stats.conversion_misses == 2
    assert "补充说明（缓存测试）" in _attachment_text(package)


def test_options_and_converter_are_part_of_the_key(converter) -> None:
    data = DOCX.read_bytes()
    plain = conversion_key(converter, data, PdfOptions())
    assert plain is not None
    assert conversion_key(converter, data, PdfOptions()) == plain
    assert conversion_key(converter, data, PdfOptions(pdfa=True)) != plain
    assert conversion_key(converter, data, PdfOptions(title="x")) != plain
    assert conversion_key(CountingConverter(converter), data, PdfOptions()) != plain
    assert conversion_key(converter, data + b"\0", PdfOptions()) != plain

    counting = CountingConverter(converter)
    cache = AttachmentCache()
    build(counting, cache)
    build(counting, cache, pdfa=True)  # same bytes, PDF/A options: converted again
    assert len(counting.attachments) == 2


def test_unidentifiable_converter_is_not_cached() -> None:
    class Unhashable:
        __hash__ = None  # type: ignore[assignment]

    assert converter_identity(Unhashable()) is None  # type: ignore[arg-type]
    assert conversion_key(Unhashable(), b"x", PdfOptions()) is None  # type: ignore[arg-type]


def test_bounded_in_bytes() -> None:
    cache = AttachmentCache(max_bytes=1000)
    for n in range(10):
        cache.put_converted(f"k{n}", bytes(200))
    assert cache.size <= 1000
    assert cache.converted("k9") is not None
    assert cache.converted("k0") is None
    cache.put_converted("big", bytes(600))  # over a quarter of the bound: not kept
    assert cache.converted("big") is None


def _with_extra_paragraph(docx: bytes, tmp_path: Path) -> bytes:
    from docx import Document

    source = tmp_path / "in.docx"
    source.write_bytes(docx)
    doc = Document(str(source))
    doc.add_paragraph("补充说明（缓存测试）")
    target = tmp_path / "out.docx"
    doc.save(str(target))
    return target.read_bytes()


def _attachment_text(package: Package) -> str:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(package.merged_pdf))
    part = package.parts[-1]
    return "".join(reader.pages[i].extract_text() for i in range(part.first_index, part.first_index + part.pages))
