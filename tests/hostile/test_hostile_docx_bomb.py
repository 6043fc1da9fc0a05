"""#6 .docx zip bomb: `testzip()` inflated everything before the declared sizes were looked at (1 MiB → 5 s,
8 MiB → 40 s of CPU per request). Now the central directory is checked first (declared total, per-part ratio,
entry count) and parts are inflated with a running cap; a part that lies about its size fails its CRC at the
declared size."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from conftest import CORPUS, PEAK_CEILING, GiB, MiB, _raw_deflate_repeat, run_package_child, zip_bomb_docx

from service.packaging import AttachmentError
from service.packaging.attachments import check_docx


def test_the_reproduction_is_refused_from_the_declared_sizes(tmp_path: Path) -> None:
    bomb = zip_bomb_docx(tmp_path / "营业收入说明.docx", GiB)
    assert bomb.stat().st_size < 1.2 * MiB  # the 1 MiB file
    result = run_package_child([(bomb, 5)])
    assert result["outcome"] == "error", result
    assert result["code"] == "docx_zip_bomb"
    assert "营业收入说明.docx" in result["message"] and "疑似压缩炸弹" in result["message"]
    assert result["peak_growth_mb"] * MiB < PEAK_CEILING
    assert not result["libreoffice_started"]


def test_a_part_far_more_compressed_than_any_word_xml_is_refused(tmp_path: Path) -> None:
    bomb = zip_bomb_docx(tmp_path / "b.docx", 64 * MiB)  # under the 256 MiB total, ratio about 1000
    with pytest.raises(AttachmentError) as caught:
        check_docx("b.docx", bomb.read_bytes())
    assert caught.value.code == "docx_zip_bomb" and "压缩比" in caught.value.message


def test_a_part_declaring_a_small_size_is_not_inflated_past_it(tmp_path: Path) -> None:
    bomb = zip_bomb_docx(tmp_path / "b.docx", 64 * MiB).read_bytes()
    # declare 1000 bytes for the bomb part in both headers: zipfile stops there and the CRC fails
    name = b"word/media/bomb.bin"
    lying = bytearray(bomb)
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = bomb.rfind(signature, 0, bomb.rfind(name))
        struct.pack_into("<I", lying, at + size_at, 1000)
    with pytest.raises(AttachmentError) as caught:
        check_docx("b.docx", bytes(lying))
    assert caught.value.code == "attachment_corrupt"


def test_an_ordinary_docx_passes(tmp_path: Path) -> None:
    check_docx("seed.docx", (CORPUS / "seed.docx").read_bytes())
    assert zlib.decompress(_raw_deflate_repeat(b"ab" * 1024, 3), -15) == b"ab" * 3072
