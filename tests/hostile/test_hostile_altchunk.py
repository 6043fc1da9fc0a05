"""#11 The sanitizer skipped embedded documents: a .docx whose w:altChunk holds a document with an external
image link passed `sanitize_docx` untouched; only the LibreOffice profile stopped the fetch. Now an embedded
.docx is sanitized like the outer one and other chunk formats (HTML, MHT, RTF) are removed, so the sanitizer
alone holds: checked with a LibreOffice process whose profile is NOT hardened and a local HTTP server."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from service.conversion import PoolSettings, sanitize_docx
from service.conversion import profile as profile_module
from service.conversion.process import LibreOfficeProcess
from service.conversion.protocol import ConversionJob
from tests.test_conversion_security import AFCHUNK, RecordingServer, attack_docx, external_relationships, text_of

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def with_alt_chunk(inner: bytes, content_type: str = DOCX_TYPE, partname: str = "/word/chunk1.docx") -> bytes:
    """A document whose body holds `inner` as an embedded document (w:altChunk), between two paragraphs."""
    document = docx.Document()
    document.add_paragraph("外层开始")
    part = Part(PackURI(partname), content_type, inner, document.part.package)
    rid = document.part.relate_to(part, AFCHUNK)
    document.element.body.append(parse_xml(f'<w:altChunk {nsdecls("w", "r")} r:id="{rid}"/>'))
    document.add_paragraph("外层结束")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


@pytest.fixture(scope="module")
def http_server() -> Iterator[RecordingServer]:
    server = RecordingServer()
    yield server
    server.close()


def test_an_embedded_docx_is_sanitized_like_the_outer_one(http_server: RecordingServer) -> None:
    inner = attack_docx("blip_link", http_server.url("inner"))
    assert external_relationships(inner)  # the attack is there
    nested = with_alt_chunk(with_alt_chunk(inner, partname="/word/chunk2.docx"))  # two levels deep
    result = sanitize_docx(nested)
    assert result.report.changed
    assert any("chunk1.docx » word/chunk2.docx »" in line for line in result.report.removed_relationships)
    level1 = parts_of(result.data)["word/chunk1.docx"]
    level2 = parts_of(level1)["word/chunk2.docx"]
    assert external_relationships(level2) == []
    assert "正文开始" in parts_of(level2)["word/document.xml"].decode()  # the text stays
    assert b"altChunk" in parts_of(result.data)["word/document.xml"]  # the chunk itself stays


def test_html_chunks_and_chunks_nested_too_deep_are_removed(http_server: RecordingServer) -> None:
    html = f'<html><body><p>网页块</p><img src="{http_server.url("html")}"></body></html>'.encode()
    result = sanitize_docx(with_alt_chunk(html, "application/xhtml+xml", "/word/chunk1.html"))
    assert b"altChunk" not in parts_of(result.data)["word/document.xml"]
    assert any("not a .docx" in line for line in result.report.removed_relationships)

    deep = attack_docx("blip_link", http_server.url("deep"))
    for level in range(4):
        deep = with_alt_chunk(deep, partname=f"/word/chunk{level}.docx")
    result = sanitize_docx(deep)
    assert any("nested too deep" in line for line in result.report.removed_relationships)


def test_without_the_hardened_profile_the_sanitizer_alone_stops_the_fetch(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, http_server: RecordingServer
) -> None:
    monkeypatch.setattr(profile_module, "HARDENED_SETTINGS", ())
    process = LibreOfficeProcess(PoolSettings(temp_root=str(tmp_path), warm_up=False))
    process.start()
    http_server.requests.clear()
    try:
        attack = with_alt_chunk(attack_docx("blip_link", http_server.url("chunk-image")))
        pdf = process.convert(ConversionJob(sanitize_docx(attack).data), timeout=60)
        sanitized_requests = list(http_server.requests)
        control = process.convert(ConversionJob(attack), timeout=60)  # the same file, not sanitized
    finally:
        process.stop()
    assert "外层开始" in text_of(pdf)
    assert sanitized_requests == []
    # control: this LibreOffice does load the embedded document and fetch its image
    assert "正文开始" in text_of(control)
    assert any("/chunk-image" in request for request in http_server.requests)
