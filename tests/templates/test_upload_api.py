"""Uploaded templates through a real server: upload → render → PDF of a template of its own (schema inferred),
version pinning and retiring, meeting_rsvp overridden by an edited copy re-saved by LibreOffice, SSTI and external
links refused at upload, and templates stopped by the limits while the service keeps serving."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pypdf
import pytest

from service.api.app import create_app
from service.conversion import ConversionPool, PoolSettings
from service.rendering.catalog import get_template
from tests.docx_text import open_docx, paragraphs, tables
from tests.templates.make_corpus import docx, external_link
from tests.test_api import ServerThread, make_settings, sample

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LIMITS = {"DOCGEN_TEMPLATE_CPU_SECONDS": "3", "DOCGEN_TEMPLATE_WALL_SECONDS": "8", "DOCGEN_TEMPLATE_MEMORY_MB": "256"}


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    saved = {k: os.environ.get(k) for k in LIMITS}
    os.environ.update(LIMITS)
    lo = tmp_path_factory.mktemp("lo")
    pool = ConversionPool(PoolSettings(size=1, conversion_timeout=120, start_timeout=120, temp_root=str(lo)))
    try:
        with pool, ServerThread(create_app(make_settings(tmp_path_factory.mktemp("data")), pool=pool)) as srv:
            with httpx.Client(base_url=srv.base_url, timeout=180) as client:
                yield client
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def upload(http: httpx.Client, data: bytes, name: str = "t.docx", **fields: str) -> httpx.Response:
    return http.post("/v1/templates", files={"file": (name, data, DOCX_TYPE)}, data=fields)


def text_of(document: bytes) -> str:
    doc = open_docx(document)
    return "\n".join(paragraphs(doc)) + "\n" + "\n".join("|".join(row) for t in tables(doc) for row in t)


LETTER = ["报名回执", "单位：{{ org }}", "{% for x in people %}{{ x.name }}（{{ x.phone }}）{% endfor %}"]


def test_upload_render_and_pdf_of_a_template_of_its_own(http: httpx.Client) -> None:
    response = upload(http, docx(LETTER), "letter.docx", id="signup_letter", title="报名回执")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["id"] == "signup_letter" and re.fullmatch(r"[0-9a-f]{16}", body["version"])
    assert body["schema_inferred"] is True
    people = body["schema"]["properties"]["people"]
    assert people["type"] == "array" and set(people["items"]["properties"]) == {"name", "phone"}
    assert body["schema"]["properties"]["org"] == {"type": "string"}
    payload = {"org": "深圳市工业和信息化局", "people": [{"name": "张三", "phone": "0755-1"}]}
    docx_response = http.post("/v1/documents/signup_letter", json=payload)
    assert docx_response.status_code == 200, docx_response.text
    assert docx_response.headers["x-template-version"] == body["version"]
    assert "单位：深圳市工业和信息化局" in text_of(docx_response.content)
    pdf = http.post("/v1/documents/signup_letter?format=pdf", json=payload)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert "深圳市工业和信息化局" in text and "张三" in text
    invalid = http.post("/v1/documents/signup_letter", json={"org": 5})
    assert invalid.status_code == 422 and invalid.json()["code"] == "payload_invalid"
    assert {e["loc"] for e in invalid.json()["errors"]} >= {"$.org", "$"}


def test_versions_pinning_and_retiring(http: httpx.Client) -> None:
    v1 = upload(http, docx(["第一版 {{ name }}"]), id="pinned_form").json()["version"]
    second = docx(["第二版 {{ name }}"])
    v2 = upload(http, second, id="pinned_form").json()["version"]
    assert v1 != v2
    again = upload(http, second, id="pinned_form")
    assert again.status_code == 200 and again.json()["created"] is False  # same content, same version
    listing = http.get("/v1/templates/pinned_form/versions").json()["versions"]
    assert [v["version"] for v in listing] == [v2, v1] and all(v["deployed_at"] for v in listing)
    assert "第二版 甲" in text_of(http.post("/v1/documents/pinned_form", json={"name": "甲"}).content)
    assert "第一版 甲" in text_of(http.post(f"/v1/documents/pinned_form?version={v1}", json={"name": "甲"}).content)
    assert http.delete(f"/v1/templates/pinned_form/versions/{v2}").json()["retired_at"]
    newest = http.post("/v1/documents/pinned_form", json={"name": "乙"})
    assert newest.headers["x-template-version"] == v1 and "第一版 乙" in text_of(newest.content)
    pinned = http.post(f"/v1/documents/pinned_form?version={v2}", json={"name": "乙"})
    assert pinned.status_code == 200 and "第二版 乙" in text_of(pinned.content)  # retired, still reproducible
    missing = http.post("/v1/documents/pinned_form?version=0000000000000000", json={"name": "乙"})
    assert missing.status_code == 404 and missing.json()["code"] == "unknown_template_version"


def resave_with_libreoffice(data: bytes, workdir: Path) -> bytes:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is required"
    source = workdir / "src" / "meeting_rsvp.docx"
    source.parent.mkdir()
    source.write_bytes(data)
    profile = Path(tempfile.mkdtemp(prefix="lo-resave-"))
    try:
        result = subprocess.run(
            [soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
             "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(workdir / "out"), str(source)],
            capture_output=True, text=True, timeout=300, env={"HOME": str(profile), "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return (workdir / "out" / "meeting_rsvp.docx").read_bytes()


def test_meeting_rsvp_overridden_by_an_edited_copy_resaved_by_libreoffice(http: httpx.Client, tmp_path: Path) -> None:
    original = get_template("meeting_rsvp").docx_path.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                xml = data.decode()
                assert xml.count("参会回执") >= 1
                data = xml.replace("参会回执", "参会回执（2027 年度）", 1).encode()
            dst.writestr(info, data)
    resaved = resave_with_libreoffice(out.getvalue(), tmp_path)
    lint = http.post(
        "/v1/templates/lint", files={"file": ("m.docx", resaved, DOCX_TYPE)}, data={"model": "meeting_rsvp"}
    )
    assert lint.status_code == 200 and lint.json()["errors"] == 0, lint.text
    response = upload(http, resaved, "meeting_rsvp.docx", id="meeting_rsvp")
    assert response.status_code == 201, response.text
    assert response.json()["builtin_override"] is True and "schema" not in response.json()
    payload = sample("meeting_rsvp")
    rendered = http.post("/v1/documents/meeting_rsvp", json=payload)
    assert rendered.status_code == 200 and rendered.headers["x-template-version"] == response.json()["version"]
    text = text_of(rendered.content)
    assert "参会回执（2027 年度）" in text
    for row in payload["rows"]:
        assert row["organisation"] in text and row["name"] in text
    bad = http.post("/v1/documents/meeting_rsvp", json={**payload, "rows": [{"city": 1}]})
    assert bad.status_code == 422 and bad.json()["code"] == "payload_invalid"  # the built-in model still validates
    # Retiring the override brings the built-in form back.
    http.delete(f"/v1/templates/meeting_rsvp/versions/{response.json()['version']}")
    builtin = http.post("/v1/documents/meeting_rsvp", json=payload)
    assert "x-template-version" not in builtin.headers and "2027 年度" not in text_of(builtin.content)


SSTI = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"


def test_ssti_and_external_links_refused_at_upload(http: httpx.Client) -> None:
    response = upload(http, docx(["致：", SSTI]), id="evil_form")
    assert response.status_code == 422 and response.json()["code"] == "template_unsafe"
    error = response.json()["errors"][0]
    assert error["code"] == "template_unsafe" and error["loc"] == "正文 第 2 段" and "cycler" in error["label"]
    linked = upload(http, external_link(docx(["{{ name }}"])), id="linked_form")
    assert linked.status_code == 422 and linked.json()["errors"][0]["code"] == "template_external_link"
    macro = upload(http, docx(["{{ name }}"]), "form.docm", id="macro_form")
    assert macro.status_code == 422 and macro.json()["errors"][0]["code"] == "template_macros"
    assert http.get("/v1/templates/evil_form/versions").status_code == 404


def test_templates_stopped_by_the_limits_and_the_service_still_serves(http: httpx.Client) -> None:
    huge_range = upload(http, docx(["{% for i in range(10**9) %}{{ i }}{% endfor %}"]), id="huge_range")
    assert huge_range.status_code == 413, huge_range.text
    assert huge_range.json()["code"] == "template_limit_exceeded" and "range" in huge_range.json()["detail"]
    spin = "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"
    burning = upload(http, docx([spin]), id="cpu_burner")
    assert burning.status_code == 413 and burning.json()["code"] == "template_limit_exceeded"
    assert re.search(r"(CPU 时间|时间)上限", burning.json()["detail"])
    blowup = upload(http, docx(["{{ 'x' * 10**9 }}"]), id="memory_blowup")
    assert blowup.status_code == 413 and "内存" in blowup.json()["detail"]
    assert http.get("/healthz").status_code == 200
    still = http.post("/v1/documents/meeting_rsvp", json=sample("meeting_rsvp"))
    assert still.status_code == 200 and still.headers["content-type"] == DOCX_TYPE
    assert json.loads(http.get("/v1/templates/huge_range/versions").text)["code"] == "unknown_template"
