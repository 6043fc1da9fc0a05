"""The render speed-ups of issue 18 change no byte: deflated entries reused from the cache, and (composed 公文)
prepared parts shared between renders, give the same archive as writing everything afresh, also when renders of
different payloads interleave in threads."""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor

from service.output import zips
from service.output.zips import FIXED_ZIP_TIME, ZipWriter


def _archive(entries: list[tuple[str, bytes]], reuse: bool) -> bytes:
    out = io.BytesIO()
    with ZipWriter(out, FIXED_ZIP_TIME) as writer:
        for name, data in entries:
            writer.data(name, data, reuse=reuse)
    return out.getvalue()


def test_reused_deflated_entries_are_the_bytes_writestr_writes():
    entries = [
        ("[Content_Types].xml", b"<Types/>" * 400),
        ("word/styles.xml", b"<w:style w:styleId='a'/>" * 5000),
        ("word/media/image1.bin", os.urandom(50_000)),
        ("附件/名称.xml", "中文内容".encode() * 2000),
        ("small.xml", b"<a/>"),
    ]
    fresh = _archive(entries, reuse=False)
    assert _archive(entries, reuse=True) == fresh  # first time: deflated and cached
    assert _archive(entries, reuse=True) == fresh  # then: from the cache
    with zipfile.ZipFile(io.BytesIO(fresh)) as zf:
        assert zf.testzip() is None
        assert [zf.read(name) for name, _ in entries] == [data for _, data in entries]


def test_the_deflate_cache_is_bounded_and_safe_in_threads():
    cache = zips._DeflateCache(max_entries=4, max_bytes=200_000)
    blobs = [bytes([i]) * 30_000 + os.urandom(20_000) for i in range(10)]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda b: cache.get(b, 6), blobs * 5))
    for blob, (crc, deflated) in zip(blobs * 5, results, strict=True):
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        assert (crc, deflated) == (zlib.crc32(blob), compressor.compress(blob) + compressor.flush())
    assert len(cache._items) <= 4
    assert cache._bytes <= 200_000
