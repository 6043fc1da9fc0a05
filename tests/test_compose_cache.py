"""The composed 公文's speed-ups (issue 18) change no byte: the indexed style lookup, the skipped section
subtrees and the uncompressed intermediate parts give the same .docx as the plain ways, read back and compared."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from service.rendering import compose, docx_merge, engine, render

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def gd_notice() -> dict:
    return json.loads((SAMPLES / "gd_forwarding_notice.json").read_text(encoding="utf-8"))


def _scan_find(self, styles: etree._Element, style_id: str) -> etree._Element | None:
    """The lookup before the index: the first matching style in document order."""
    return next((s for s in styles.iter(docx_merge._STYLE) if s.get(docx_merge._STYLE_ID) == style_id), None)


def _slow_carry(self, part, el: etree._Element) -> None:
    """Relationships carried over by asking every node's ancestors, as before."""
    for node in el.iter():
        if any(a.tag == docx_merge._SECT_PR for a in node.iterancestors()) or node.tag == docx_merge._SECT_PR:
            continue
        for attr, rid in list(node.attrib.items()):
            if not attr.startswith(docx_merge._R_PREFIX):
                continue
            rel = part.part.rels.get(rid)
            if rel is None:
                continue
            if rel.is_external:
                new = self.master.part.relate_to(rel.target_ref, rel.reltype, is_external=True)
            else:
                new, _ = self.master.part.get_or_add_image(io.BytesIO(rel.target_part.blob))
            node.set(attr, new)


@pytest.fixture(scope="module")
def fast() -> bytes:
    return render("official_document", gd_notice())


def test_the_composed_notice_is_the_same_with_the_plain_lookups(fast, monkeypatch):
    monkeypatch.setattr(docx_merge._StyleMerger, "_find", _scan_find)
    monkeypatch.setattr(docx_merge.DocumentMerger, "_carry_relationships", _slow_carry)
    assert render("official_document", gd_notice()) == fast


def test_intermediate_parts_are_uncompressed_and_the_result_is_the_same(fast, monkeypatch):
    seen: list[bytes] = []
    original = engine.PreparedTemplate.render

    def spy(self, context, properties=None):
        data = original(self, context, properties)
        seen.append(data)
        return data

    monkeypatch.setattr(engine.PreparedTemplate, "render", spy)
    assert render("official_document", gd_notice()) == fast
    assert seen
    for data in seen:  # level 0: every part's stored size is at least its size
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            assert all(info.compress_size >= info.file_size for info in zf.infolist() if info.file_size > 100)

    # Without the intermediate mode, the parts are compressed and the composed result is still the same bytes.
    seen.clear()
    monkeypatch.setattr(compose, "intermediate_documents", _no_intermediate)
    assert render("official_document", gd_notice()) == fast
    with zipfile.ZipFile(io.BytesIO(seen[0])) as zf:
        assert any(info.compress_size < info.file_size for info in zf.infolist())


class _no_intermediate:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def test_the_result_is_compressed_and_deterministic(fast):
    assert render("official_document", gd_notice()) == fast
    with zipfile.ZipFile(io.BytesIO(fast)) as zf:
        document = zf.getinfo("word/document.xml")
        assert document.compress_size < document.file_size / 2
