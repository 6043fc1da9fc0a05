"""#5 PDF decompression bomb: a 1 MiB attachment whose content stream inflates to 1 GiB was accepted after 12 s
with 2.2 GB RSS. Now refused with `attachment_too_large_decompressed` before qpdf inflates anything, inside an
address-space limit; streams in the other filters qpdf decodes (LZW, RunLength, ASCII85 → Flate) count too."""

from __future__ import annotations

import io
import re
import zlib
from pathlib import Path

import pikepdf
import pytest
from conftest import CORPUS, PEAK_CEILING, GiB, MiB, bomb_pdf, flate_bomb, run_package_child
from PIL import Image

from service.packaging import Attachment, AttachmentError, PackageLimits
from service.packaging.attachments import load


def test_the_reproduction_is_refused_within_the_memory_ceiling(tmp_path: Path) -> None:
    bomb = bomb_pdf(tmp_path / "营业执照.pdf", GiB)
    assert bomb.stat().st_size < 1.1 * MiB
    result = run_package_child([(bomb, 2)])
    assert result["outcome"] == "error", result
    assert result["code"] == "attachment_too_large_decompressed"
    assert "营业执照.pdf" in result["message"] and "解压后超过" in result["message"]
    assert result["peak_growth_mb"] * MiB < PEAK_CEILING
    assert not result["libreoffice_started"]  # refused in the checks, before any conversion


def _pdf_with_stream(raw: bytes, filters: list[str], copies: int = 1) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary())
    for n in range(copies):
        form = pikepdf.Stream(pdf, b"")
        form.write(raw, filter=pikepdf.Array([pikepdf.Name(f) for f in filters]))
        form.Type, form.Subtype, form.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, pikepdf.Array([0, 0, 9, 9])
        page.obj.Resources.XObject[f"/Fm{n}"] = pdf.make_indirect(form)
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


def _lzw(data: bytes) -> bytes:
    """LZW as libtiff writes it (TIFF's LZW is PDF's, early change 1): one row, one strip."""
    image = Image.frombytes("L", (len(data), 1), data)
    out = io.BytesIO()
    image.save(out, "TIFF", compression="tiff_lzw")
    tiff = Image.open(out)
    (offset,), (count,) = tiff.tag_v2[273], tiff.tag_v2[279]  # StripOffsets, StripByteCounts
    return out.getvalue()[offset : offset + count]


SMALL = PackageLimits(max_stream_inflated_bytes=MiB, max_file_inflated_bytes=4 * MiB)


def _load(data: bytes, limits: PackageLimits = SMALL) -> object:
    return load(Attachment(item=3, title="证明", data=data, filename="证明.pdf"), 1, limits, lambda _: b"")


@pytest.mark.parametrize(
    ("filters", "encode"),
    [
        (["/FlateDecode"], lambda b: zlib.compress(b, 9)),
        (["/ASCII85Decode", "/FlateDecode"], lambda b: pikepdf_a85(zlib.compress(b, 9))),
        (["/LZWDecode"], lambda b: _lzw(b)),
        (["/RunLengthDecode"], lambda b: (b"\x81 " * (len(b) // 128)) + b"\x80"),
    ],
    ids=["flate", "a85-flate", "lzw", "runlength"],
)
def test_every_decoded_filter_counts_per_stream(filters: list[str], encode) -> None:  # type: ignore[no-untyped-def]
    fine = _pdf_with_stream(encode(b"0 0 m 9 9 l S\n" * 1000), filters)
    assert _load(fine).pages == 1  # type: ignore[attr-defined]
    bomb = _pdf_with_stream(encode(b" " * (2 * MiB)), filters)
    with pytest.raises(AttachmentError) as caught:
        _load(bomb)
    assert caught.value.code == "attachment_too_large_decompressed"
    assert "其中一个数据流" in caught.value.message and "证明.pdf" in caught.value.message


def pikepdf_a85(data: bytes) -> bytes:
    import base64

    return base64.a85encode(data, adobe=True)[2:]


def test_many_streams_under_the_stream_limit_count_per_file() -> None:
    bomb = _pdf_with_stream(flate_bomb(MiB // 2, chunk=MiB // 8), ["/FlateDecode"], copies=9)  # 9 × ½ MiB > 4 MiB
    with pytest.raises(AttachmentError) as caught:
        _load(bomb)
    assert caught.value.code == "attachment_too_large_decompressed"
    assert "全部数据流合计" in caught.value.message


def test_the_seed_pdf_with_object_streams_passes_the_default_limits() -> None:
    loaded = _load((CORPUS / "seed.pdf").read_bytes(), PackageLimits())
    assert loaded.pages == 1  # type: ignore[attr-defined]


def test_a_predictor_row_of_two_billion_columns_is_refused_before_qpdf(tmp_path: Path) -> None:
    """Found by the fuzzer: /Columns 2147483647 in the cross-reference stream's /DecodeParms made qpdf allocate
    6 GB while opening the file."""
    pdf = pikepdf.open(CORPUS / "seed.pdf")
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    data = out.getvalue()
    assert b"/Columns" in data  # the cross-reference stream's predictor
    bomb = tmp_path / "横向.pdf"
    bomb.write_bytes(re.sub(rb"/Columns \d+", b"/Columns 2147483647", data))
    result = run_package_child([(bomb, 3)])
    assert result["outcome"] == "error", result
    assert result["code"] == "attachment_too_large_decompressed"
    assert result["peak_growth_mb"] * MiB < PEAK_CEILING
