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
    return "\n".join([*paragraphs(document), *(cell for table in tables(document) for row in table for cell in row)])


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
