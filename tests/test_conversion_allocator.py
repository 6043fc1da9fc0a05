"""soffice.bin runs on jemalloc when it is installed (issue 18), read back from the process's memory map, and the
PDF it writes is the same as with glibc malloc."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from service.conversion import ConversionPool, PdfOptions, PoolSettings
from service.conversion.process import find_allocator
from service.conversion.warmup import warm_up_docx

JEMALLOC = find_allocator("auto")


def mapped_libraries(pid: int) -> str:
    return Path(f"/proc/{pid}/maps").read_text()


def pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def fonts(pdf: bytes) -> set[str]:
    found = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            found.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return found


def test_an_explicit_missing_library_means_glibc():
    assert find_allocator(None) is None
    assert find_allocator("/nonexistent/libjemalloc.so.2") is None


@pytest.mark.skipif(JEMALLOC is None, reason="libjemalloc2 is not installed")
def test_soffice_runs_on_jemalloc_and_writes_the_same_pdf(tmp_path):
    results = {}
    for allocator in ("auto", None):
        settings = PoolSettings(size=1, health_interval=0, temp_root=str(tmp_path), allocator=allocator)
        with ConversionPool(settings) as pool:
            pdf = pool.convert(warm_up_docx(), PdfOptions())
            (info,) = pool.processes()
            assert info.pid is not None
            assert ("libjemalloc" in mapped_libraries(info.pid)) == (allocator == "auto")
            results[allocator] = pdf
    assert pdf_text(results["auto"]) == pdf_text(results[None])
    assert fonts(results["auto"]) == fonts(results[None])
    assert "示范基地" in "".join(pdf_text(results["auto"]))
