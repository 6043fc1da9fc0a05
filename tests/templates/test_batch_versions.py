"""A batch renders each candidate with the template version POST /v1/documents would use by default and records
it: an uploaded override of park_application (one extra visible line) is in the park's package, report.json and
the store; a rerun with the same version reuses the outputs; once the override is retired the park is rendered
again from the built-in template, and the built-in version is recorded."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from service.batch import BatchStore, CandidateStatus, run_batch
from service.rendering.catalog import get_template
from service.templates.store import TemplateStore, configured_store
from tests.docx_text import open_docx, paragraphs

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "batch_guangzhou"
EXTRA = "二〇二七年度申报版 EDITION-2027"
MARKER = "EDITION-2027"


def with_extra_line(docx: bytes) -> bytes:
    """The built-in template with one more paragraph at the end of its body (before the last section break)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                xml = data.decode("utf-8")
                at = xml.rindex("<w:sectPr")
                xml = xml[:at] + f"<w:p><w:r><w:t>{EXTRA}</w:t></w:r></w:p>" + xml[at:]
                data = xml.encode("utf-8")
            dst.writestr(info, data)
    return out.getvalue()


@pytest.fixture
def templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TemplateStore]:
    """The configured store (as the service and `docgen template upload` find it) in a fresh data directory."""
    for name in ("DOCGEN_DATABASE_URL", "DOCGEN_STORAGE_DIR", "DOCGEN_SETTINGS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DOCGEN_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "data" / "batches").mkdir(parents=True)
    store = TemplateStore(tmp_path / "data" / "templates", f"sqlite:///{tmp_path / 'data' / 'batches' / 'batches.db'}")
    found = configured_store()
    assert found is not None and found.files_dir == store.files_dir
    yield found


@pytest.fixture(scope="module")
def pool() -> Iterator[Any]:
    from service.conversion import ConversionPool, PoolSettings

    with ConversionPool(PoolSettings(size=1, conversion_timeout=120, start_timeout=120)) as shared:
        yield shared


def one_park_manifest(root: Path) -> Path:
    """The Guangzhou sample cut down to its first park."""
    manifest = json.loads((SAMPLE / "manifest.json").read_text(encoding="utf-8"))
    manifest["candidates"] = [c for c in manifest["candidates"] if c["id"] == "park-1"]
    root.mkdir(parents=True)
    (root / "payloads").mkdir()
    shutil.copy(SAMPLE / "payloads" / "park-1.json", root / "payloads" / "park-1.json")
    shutil.copytree(SAMPLE / "attachments" / "park-1", root / "attachments" / "park-1")
    path = root / "manifest.json"
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return path


def park_outcome(out: Path) -> tuple[dict[str, Any], str, str, str | None]:
    """(report.json entry, 申请书.docx text, 申请书.pdf text without spaces, template_version in the store)."""
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    (entry,) = [c for c in report["candidates"] if c["key"] == "park-1"]
    assert entry["status"] == "ok", entry
    folder = out / entry["folder"]
    docx_text = "\n".join(paragraphs(open_docx(folder / "申请书.docx")))
    pdf_text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(folder / "申请书.pdf").pages))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["template"]["version"] == entry["template_version"]
    store = BatchStore(out / ".docgen" / "state.db")
    try:
        record = store.candidate("local", "park-1")
        assert record is not None and record.status is CandidateStatus.OK
        stored = record.template_version
    finally:
        store.close()
    return entry, docx_text, pdf_text, stored


def test_batch_renders_and_records_the_uploaded_version(templates: TemplateStore, tmp_path: Path, pool: Any) -> None:
    builtin = get_template("park_application")
    uploaded = templates.upload(with_extra_line(builtin.docx_path.read_bytes()), template_id="park_application")
    version = uploaded.record.version
    assert version != builtin.version
    manifest = one_park_manifest(tmp_path / "in")
    out = tmp_path / "out"

    run_batch(manifest, out, converter=pool)
    entry, docx_text, pdf_text, stored = park_outcome(out)
    assert EXTRA in docx_text
    assert MARKER in pdf_text
    assert entry["template_version"] == version and stored == version
    assert entry["reused"] is False

    # The same version again: nothing is rendered, the outputs are reused.
    run_batch(manifest, out, converter=pool)
    entry, _, _, stored = park_outcome(out)
    assert entry["reused"] is True and entry["template_version"] == version and stored == version

    # Retired: the default is the built-in again, so the park is rendered again, without the extra line.
    templates.retire("park_application", version)
    run_batch(manifest, out, converter=pool)
    entry, docx_text, pdf_text, stored = park_outcome(out)
    assert entry["reused"] is False
    assert entry["template_version"] == builtin.version and stored == builtin.version
    assert EXTRA not in docx_text
    assert MARKER not in pdf_text
    assert "一、基本情况" in docx_text
