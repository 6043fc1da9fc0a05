"""A template opened and saved again by an office suite still renders every value.

Users edit the committed templates in Word, WPS or LibreOffice and drop them back in. LibreOffice re-saves
each template here (`soffice --headless --convert-to docx`, with a private profile), which rewrites all
of the XML: runs, styles, table grids, entities. The re-saved template must render the samples with the
same text in every paragraph and table cell as the original, and render the blank form.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from docx.oxml.ns import qn

from service.rendering import catalog, render, validate
from tests.docx_text import open_docx, paragraphs, payload_mismatches, tables

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_IDS = (
    "park_application",
    "enterprise_application",
    "city_recommendation_summary",
    "province_recommendation_summary",
    "meeting_rsvp",
    "official_document",
)
SKIP = {
    "park_application": {"annex_mark", "cover", "creation_plan", "recommendation", "basic_info.phone"},
    "enterprise_application": {
        "annex_mark",
        "cover",
        "creation_plan",
        "recommendation",
        "basic_info.phone",
        "basic_info.enterprise_type",
        "basic_info.enterprise_type_other",
        "recognitions.other",
    },
}


@pytest.fixture(scope="module")
def resaved_dir(tmp_path_factory) -> Path:
    """Every template converted docx → docx by LibreOffice into a fresh directory."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is required: run make test, which installs it"
    out = tmp_path_factory.mktemp("resaved")
    profile = Path(tempfile.mkdtemp(prefix="lo-resave-profile-"))
    try:
        sources = [catalog.get_template(t).docx_path for t in TEMPLATE_IDS]
        result = subprocess.run(
            [
                soffice,
                "--headless",
                "--norestore",
                f"-env:UserInstallation={profile.as_uri()}",
                "--convert-to",
                "docx:MS Word 2007 XML",
                "--outdir",
                str(out),
                *map(str, sources),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            env={"HOME": str(profile), "PATH": "/usr/bin:/bin"},
        )
        assert result.returncode == 0, result.stderr
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    for template_id in TEMPLATE_IDS:
        assert (out / f"{template_id}.docx").exists(), f"LibreOffice wrote no {template_id}.docx"
    return out


def _render_from(directory: Path, monkeypatch, template_id: str, **kwargs) -> bytes:
    with monkeypatch.context() as m:
        m.setattr(catalog, "TEMPLATES_DIR", directory)
        assert catalog.get_template(template_id).docx_path.parent == directory
        return render(template_id, **kwargs)


def _sample(template_id: str) -> dict:
    return json.loads((ROOT / "samples" / f"{template_id}.json").read_text(encoding="utf-8"))


def _printed_texts(value) -> list[str]:
    """The sample's texts that print as they are: strings with Chinese characters (dates, enumerations in
    other forms and numbers are formatted; the form tests check those)."""
    if isinstance(value, dict):
        return [t for v in value.values() for t in _printed_texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _printed_texts(v)]
    if isinstance(value, str) and re.search(r"[\u4e00-\u9fff]", value) and "\n" not in value:
        return [value]
    return []


def _all_text(document) -> str:
    """Every paragraph and cell, one a line; a line break inside a paragraph (a 公文 title set on several lines)
    does not cut its text."""
    texts = [*paragraphs(document), *(cell for table in tables(document) for row in table for cell in row)]
    return "\n".join(text.replace("\n", "") for text in texts)


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_libreoffice_really_rewrote_the_template(resaved_dir, template_id):
    original = catalog.get_template(template_id).docx_path.read_bytes()
    resaved = (resaved_dir / f"{template_id}.docx").read_bytes()
    assert resaved != original
    with zipfile.ZipFile(BytesIO(resaved)) as archive:
        xml = archive.read("word/document.xml").decode()
    tags = re.findall(r"\{%(?:tr|p) (?:for|if)", zipfile.ZipFile(BytesIO(original)).read("word/document.xml").decode())
    assert tags and all(tag in xml for tag in tags)  # the row and paragraph tags survived as text …
    assert xml != zipfile.ZipFile(BytesIO(original)).read("word/document.xml").decode()  # … in LibreOffice's XML


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_resaved_template_renders_every_value(resaved_dir, monkeypatch, template_id):
    sample = _sample(template_id)
    resaved = open_docx(_render_from(resaved_dir, monkeypatch, template_id, payload=sample))
    if template_id in SKIP:  # the 申请书: every value in the table of its block
        model = validate(template_id, sample).model
        assert payload_mismatches(resaved, model, skip=SKIP[template_id]) == []
    else:
        text = _all_text(resaved)
        missing = [t for t in _printed_texts(sample) if t not in text]
        assert missing == []
    original = open_docx(render(template_id, sample))
    assert tables(resaved) == tables(original)
    assert paragraphs(resaved) == paragraphs(original)


@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_resaved_template_renders_the_blank_form(resaved_dir, monkeypatch, template_id):
    resaved = open_docx(_render_from(resaved_dir, monkeypatch, template_id, blank=True))
    original = open_docx(render(template_id, blank=True))
    assert tables(resaved) == tables(original)
    assert paragraphs(resaved) == paragraphs(original)


def test_notice_composes_attachments_whose_defaults_differ(resaved_dir, tmp_path, monkeypatch):
    """Only the attachments' templates re-saved (their w:docDefaults now differ from the notice's): the 公文
    composes, prints the same text, and the attachments' paragraphs carry their own defaults in copied styles
    instead of taking the notice's (spacing after 10 pt, line 1.15)."""
    mixed = tmp_path / "mixed"
    shutil.copytree(catalog.TEMPLATES_DIR, mixed, ignore=shutil.ignore_patterns("build", "__pycache__"))
    for template_id in ("city_recommendation_summary", "meeting_rsvp"):
        shutil.copy(resaved_dir / f"{template_id}.docx", mixed / f"{template_id}.docx")
    sample = _sample("official_document")
    composed = open_docx(_render_from(mixed, monkeypatch, "official_document", payload=sample))
    original = open_docx(render("official_document", sample))
    assert paragraphs(composed) == paragraphs(original)
    assert tables(composed) == tables(original)

    notice_defaults = original.styles.element.find(qn("w:docDefaults"))
    assert notice_defaults.find(f".//{qn('w:pPr')}/{qn('w:spacing')}").get(qn("w:after")) == "200"
    styles = {s.get(qn("w:styleId")): s for s in composed.styles.element.iter(qn("w:style"))}
    rsvp = next(p for p in composed.paragraphs if p.text.strip() == "参会回执")
    style = styles[rsvp._p.pPr.find(qn("w:pStyle")).get(qn("w:val"))]
    while style.find(qn("w:basedOn")) is not None:  # the root of its styles holds the re-saved defaults
        style = styles[style.find(qn("w:basedOn")).get(qn("w:val"))]
    assert "Att" in style.get(qn("w:styleId"))
    ppr = style.find(qn("w:pPr"))
    assert ppr.find(qn("w:suppressAutoHyphens")).get(qn("w:val")) in ("true", "1")
    spacing = ppr.find(qn("w:spacing"))
    assert spacing is not None and spacing.get(qn("w:after")) is not None and spacing.get(qn("w:line")) is not None
    fonts = style.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts is not None and fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
