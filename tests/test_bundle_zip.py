"""The bundle ZIP with files deflated ahead in background threads is byte for byte the archive zipfile writes."""

from __future__ import annotations

import os
import zipfile
from io import BytesIO

from service.output.zips import build_zip, deflate, tree_entries
from service.packaging import bundle

DATE = (2026, 3, 25, 0, 0, 0)


def files() -> dict[str, bytes]:
    random = os.urandom(300_000)  # incompressible
    text = "申请书 第 1 页\n".encode() * 20_000  # compressible
    return {
        "完整申报材料.pdf": random + text,
        "申请书.pdf": text,
        "附件/1-1_图.png": random[:5000],
        "manifest.json": b"{}",
    }


def test_deflated_ahead_gives_the_same_archive() -> None:
    data = files()
    plain = build_zip(tree_entries("01_单位", data), DATE)
    ahead = {rel: bundle.deflate_later(content) for rel, content in data.items()}
    assert bundle.build_zip("01_单位", data, DATE, ahead) == plain
    assert bundle.build_zip("01_单位", data, DATE) == plain  # deflated in the background threads
    with zipfile.ZipFile(BytesIO(plain)) as zf:
        assert zf.testzip() is None
        assert zf.read("01_单位/申请书.pdf") == data["申请书.pdf"]


def test_wrong_ahead_bytes_are_not_used() -> None:
    data = files()
    plain = build_zip(tree_entries("01_单位", data), DATE)
    ahead = {rel: bundle.deflate_later(content) for rel, content in data.items()}
    ahead["申请书.pdf"] = bundle.deflate_later(data["manifest.json"])  # another file's deflate: CRC differs
    assert bundle.build_zip("01_单位", data, DATE, ahead) == plain
    assert deflate(b"x")[0] != deflate(b"y")[0]
