"""service.output: atomic files and folders, deterministic ZIPs under threads, reproducible PDFs, campaign time."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pikepdf
import pytest

from service.output import (
    CAMPAIGN_TZ,
    ZipWriter,
    atomic_write,
    build_zip,
    campaign_iso,
    count_pdf_pages,
    publish_folder,
    reproducible_pdf,
    zip_info,
)


def test_atomic_write_publishes_a_readable_file_and_leaves_nothing_beside(tmp_path: Path) -> None:
    target = tmp_path / "子目录" / "报告.txt"
    atomic_write(target, "第一版".encode())
    atomic_write(target, "第二版".encode())
    assert target.read_text("utf-8") == "第二版"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # not mkstemp's 0600
    assert sorted(p.name for p in target.parent.iterdir()) == ["报告.txt"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "a.bin"
    atomic_write(target, b"old")

    with pytest.raises(TypeError):
        atomic_write(target, 42)  # type: ignore[arg-type]  # fails while writing the temporary file
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]


def test_publish_folder_replaces_the_whole_folder(tmp_path: Path) -> None:
    target = tmp_path / "园区类" / "01_某园区"
    staging = tmp_path / ".docgen" / "tmp"
    publish_folder(target, {"申请书.pdf": b"1", "附件/1-1_图.png": b"2", "旧.txt": b"x"}, staging_dir=staging)
    publish_folder(target, {"申请书.pdf": b"3", "附件/1-1_图.png": b"4"}, staging_dir=staging)
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert files == ["申请书.pdf", "附件/1-1_图.png"]  # nothing of the old version is left
    assert (target / "申请书.pdf").read_bytes() == b"3"
    assert list(staging.iterdir()) == []


def test_zip_info_is_unix_with_fixed_attributes() -> None:
    f = zip_info("目录/文件.txt", (2026, 5, 1, 0, 0, 0))
    d = zip_info("目录/", (2026, 5, 1, 0, 0, 0), folder=True)
    assert (f.create_system, d.create_system) == (3, 3)
    assert stat.S_ISREG(f.external_attr >> 16) and stat.S_IMODE(f.external_attr >> 16) == 0o644
    assert stat.S_ISDIR(d.external_attr >> 16) and d.external_attr & 0x10
    assert f is not zip_info("目录/文件.txt", (2026, 5, 1, 0, 0, 0))


def test_the_same_entries_give_the_same_bytes_from_many_threads() -> None:
    """Each entry gets its own ZipInfo: archives built at once in several threads all have correct CRCs."""
    payloads = [{f"第{i}章/正文{j}.xml": os.urandom(1) * (1000 + 97 * i + j) for j in range(5)} for i in range(8)]

    def build(entries: dict[str, bytes]) -> bytes:
        return build_zip(entries, (1980, 1, 1, 0, 0, 0))

    with ThreadPoolExecutor(max_workers=8) as pool:
        first = list(pool.map(build, payloads * 4))
    for entries, data in zip(payloads * 4, first, strict=True):
        zf = zipfile.ZipFile(io.BytesIO(data))
        assert zf.testzip() is None
        assert {n: zf.read(n) for n in zf.namelist()} == entries
    assert first[:8] == first[8:16]  # deterministic


def test_zip_writer_streams_files(tmp_path: Path) -> None:
    big = tmp_path / "大文件.bin"
    big.write_bytes(os.urandom(3 << 20))
    with ZipWriter(tmp_path / "out.zip", (2026, 1, 2, 0, 0, 0)) as writer:
        writer.folder("根")
        writer.file("根/大文件.bin", big)
    zf = zipfile.ZipFile(tmp_path / "out.zip")
    assert zf.namelist() == ["根/", "根/大文件.bin"]
    assert zf.read("根/大文件.bin") == big.read_bytes()


def _pdf(doc_id: bytes, producer: str) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.add_blank_page(page_size=(595, 842))
    pdf.docinfo["/Producer"] = producer
    pdf.docinfo["/CreationDate"] = "D:20991231235959+08'00'"
    pdf.trailer.ID = pikepdf.Array([pikepdf.String(doc_id), pikepdf.String(doc_id)])
    out = io.BytesIO()
    pdf.save(out, static_id=True)
    return out.getvalue()


def test_reproducible_pdf_forgets_the_clock_and_the_random_id() -> None:
    a, b = _pdf(b"A" * 16, "LibreOffice 7.4"), _pdf(b"B" * 16, "LibreOffice 7.5")
    assert a != b
    kw = {"title": "广州市推荐汇总表", "author": "广州市工业和信息化局", "subject": "推荐汇总表"}
    ra = reproducible_pdf(a, day=dt.date(2026, 5, 1), **kw)
    assert ra == reproducible_pdf(b, day=dt.date(2026, 5, 1), **kw)
    assert ra != reproducible_pdf(a, day=dt.date(2026, 5, 2), **kw)
    with pikepdf.open(io.BytesIO(ra)) as doc:
        assert str(doc.docinfo["/Title"]) == "广州市推荐汇总表"
        assert str(doc.docinfo["/CreationDate"]).startswith("D:20260501000000+08")
    assert count_pdf_pages(ra) == 2


def test_campaign_time_is_utc_plus_8() -> None:
    assert CAMPAIGN_TZ.utcoffset(None) == dt.timedelta(hours=8)
    assert campaign_iso(0) == "1970-01-01T08:00:00+08:00"
    assert campaign_iso(16 * 3600) == "1970-01-02T00:00:00+08:00"  # UTC 16:00 is the next day in Beijing
