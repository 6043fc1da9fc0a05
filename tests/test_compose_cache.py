"""The composed 公文's speed-ups (issue 18) change no byte.

- Parts instead of .docx files: the notice and its attachments are rendered as parsed parts, the templates' static
  parts (styles, numbering, relationships) shared by every render, the template's styles part never copied (the
  styles a composition adds are spliced in when it is saved), attachments moved instead of copied. Going through
  a real .docx and python-docx for every part, as before, gives the same bytes.
- The indexed style lookup, the canonical forms computed once and the relationships found by XPath give the same
  bytes as the plain scans.
- Renders of different payloads interleaved in threads give the bytes each gives alone: nothing shared between
  renders is modified by one of them.
"""

from __future__ import annotations

import copy
import io
import json
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import docx
import pytest
from lxml import etree

from service.rendering import docx_merge, parts, render
from service.rendering.engine import PreparedTemplate

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def sample(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def gd_notice() -> dict:
    return sample("gd_forwarding_notice")


@pytest.fixture(scope="module")
def fast() -> bytes:
    return render("official_document", gd_notice())


def _as_docx(prepared: PreparedTemplate, trees: dict[str, etree._Element]) -> docx.document.Document:
    """The rendered template written to a .docx and opened with python-docx, as the composer did before."""
    entries = dict(prepared.entries)
    for name, tree in trees.items():
        entries[name] = etree.tostring(tree, encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return docx.Document(io.BytesIO(out.getvalue()))


def _scan_find(self: docx_merge.Styles, style_id: str) -> etree._Element | None:
    """The lookup before the index: the first matching style in document order."""
    return next((s for s in self.root.iter(docx_merge._STYLE) if s.get(docx_merge._STYLE_ID) == style_id), None)


def _slow_carry(self: docx_merge.DocumentMerger, part: docx_merge.Source, el: etree._Element) -> None:
    """Relationships carried over by asking every node's ancestors, as before."""
    for node in el.iter():
        if any(a.tag == docx_merge._SECT_PR for a in node.iterancestors()) or node.tag == docx_merge._SECT_PR:
            continue
        for attr, rid in list(node.attrib.items()):
            if not str(attr).startswith(docx_merge._R_PREFIX):
                continue
            rel = part.rels.get(rid)
            if rel is None:
                continue
            if rel.is_external:
                new = self.master.part.relate_to(rel.target_ref, rel.reltype, is_external=True)
            else:
                new, _ = self.master.part.get_or_add_image(io.BytesIO(rel.target_part.blob))
            node.set(attr, new)


@pytest.mark.parametrize("name", ["gd_forwarding_notice", "city_recommendation_letter"])
def test_the_composed_notice_is_the_same_through_docx_files_and_python_docx(name, monkeypatch):
    payload = sample(name)
    expected = render("official_document", payload)
    # every part written to a .docx and opened with python-docx: its own styles part, parsed, appended to in place;
    # attachments copied, not moved
    monkeypatch.setattr(parts, "open_document", _as_docx)
    monkeypatch.setattr(parts, "source", lambda prepared, trees: docx_merge.as_source(_as_docx(prepared, trees)))
    assert render("official_document", payload) == expected


def test_the_composed_notice_is_the_same_with_the_plain_lookups(fast, monkeypatch):
    monkeypatch.setattr(docx_merge.Styles, "find", _scan_find)
    monkeypatch.setattr(docx_merge.Styles, "canonical", lambda self, style: docx_merge._canonical_style(style))
    monkeypatch.setattr(docx_merge.DocumentMerger, "_carry_relationships", _slow_carry)
    assert render("official_document", gd_notice()) == fast


def test_the_result_is_compressed_and_deterministic(fast):
    assert render("official_document", gd_notice()) == fast
    with zipfile.ZipFile(io.BytesIO(fast)) as zf:
        document = zf.getinfo("word/document.xml")
        assert document.compress_size < document.file_size / 2


def _variants() -> list[dict[str, Any]]:
    """Payloads that share templates but differ in text, attachments, format and forwarded documents."""
    gd, letter = gd_notice(), sample("city_recommendation_letter")
    fewer = copy.deepcopy(gd)
    fewer["forwarded"][0]["attachments"] = fewer["forwarded"][0]["attachments"][:2]
    other = copy.deepcopy(gd)
    other["title"] = "关于另一件事的通知"
    other["body"] = [{"text": "另一份通知的正文。"}]
    other["attachments"] = [
        {"document": {"template_id": "meeting_rsvp", "payload": sample("meeting_rsvp")}},
        {"title": "说明", "blocks": [{"text": "文字附件。"}]},
    ]
    return [gd, letter, fewer, other, {**letter, "format": "文件"}]


def test_interleaved_renders_in_threads_give_the_bytes_of_each_alone():
    payloads = _variants()
    alone = [render("official_document", p) for p in payloads]
    assert len(set(alone)) == len(alone)
    jobs = [i for _ in range(4) for i in range(len(payloads))]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda i: render("official_document", payloads[i]), jobs))
    assert results == [alone[i] for i in jobs]
    # and the forms rendered on their own are untouched by the compositions around them
    for template_id in ("park_application", "meeting_rsvp", "city_recommendation_summary"):
        assert render(template_id, blank=True) == render(template_id, blank=True)
