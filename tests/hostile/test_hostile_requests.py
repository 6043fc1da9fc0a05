"""Hostile requests (issue 12, request-borne defects #1 #2 #3 #4 #9 #10 #12): each test is the issue's
reproduction, sent the way a client would send it, and reads the answer or the produced .docx back."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.api.settings import Settings
from service.batch.manifest import load_manifest
from service.conversion import ConversionPool
from service.output.names import safe_file_name
from service.packaging.bundle import folder_name
from service.payloads import PayloadInvalid
from service.rendering import render, validate
from tests.docx_text import full_text, open_docx

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
BATCH = SAMPLES / "batch_guangzhou"
PROBLEM = "application/problem+json"
HUGE_INTEGER = '{"a":1' + "0" * 4300 + "}"
DEEP = "[" * 100_000 + "]" * 100_000
INVISIBLE = ["\u0000", "\u200b", "\u200b\u200c\u200d", "\ufeff", "\u2060", "\u202e", "\u2066\u2069", "\u3164", "\u00ad"]


def sample(template_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / f"{template_id}.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def client(converter: ConversionPool, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("data"), pool_size=1, cors_origins="https://portal.example.cn", _env_file=None
    )
    with TestClient(create_app(settings, pool=converter)) as c:
        yield c


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert not body["detail"].isascii(), body["detail"]  # Chinese, not Python's English
    return body


# --- #1 a JSON integer of more than 4300 digits ------------------------------------------------------------


@pytest.mark.parametrize("path", ["/v1/documents/park_application", "/v1/validate/park_application"])
def test_huge_integer_is_a_422_naming_its_place(client: TestClient, path: str) -> None:
    response = client.post(path, content=HUGE_INTEGER, headers={"Content-Type": "application/json"})
    body = assert_problem(response, 422, "number_too_large")
    assert "第 1 行第 6 列" in body["detail"] and "4301 位" in body["detail"]


def test_huge_integer_in_the_payload_part_of_a_package(client: TestClient) -> None:
    response = client.post("/v1/packages/park_application", files={"payload": (None, HUGE_INTEGER)})
    assert_problem(response, 422, "number_too_large")


def test_deep_request_body_is_a_422(client: TestClient) -> None:
    response = client.post("/v1/validate/park_application", content=DEEP, headers={"Content-Type": "application/json"})
    assert_problem(response, 422, "json_too_deep")


# --- #2 and #12: a deeply nested manifest or payload file in a batch ZIP ---------------------------------


def batch_zip(replace: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(BATCH.rglob("*")):
            if path.is_file() and path.suffix != ".py":
                name = path.relative_to(BATCH).as_posix()
                zf.writestr(name, replace.get(name, path.read_bytes()))
    return out.getvalue()


@pytest.mark.parametrize("endpoint", ["/v1/batches", "/v1/batches/check"])
@pytest.mark.parametrize("content", [DEEP, HUGE_INTEGER], ids=["deep", "huge_integer"])
def test_unreadable_manifest_is_a_422_naming_the_file_without_server_paths(
    client: TestClient, endpoint: str, content: str
) -> None:
    files = {"file": ("广州.zip", batch_zip({"manifest.json": content}), "application/zip")}
    body = assert_problem(client.post(endpoint, files=files), 422, "manifest_invalid")
    [error] = body["errors"]
    assert error["message"].startswith("manifest.json：")
    text = json.dumps(body, ensure_ascii=False)
    assert "/tmp" not in text and "Exceeds" not in text and "recursion" not in text.lower()


def test_unreadable_payload_file_is_the_candidates_error(tmp_path: Path) -> None:
    shutil.copytree(BATCH, tmp_path / "batch")
    manifest = load_manifest(tmp_path / "batch" / "manifest.json")
    first = manifest.candidates[0]
    assert first.entry is not None and isinstance(first.entry.payload, str)
    (tmp_path / "batch" / first.entry.payload).write_text(DEEP, encoding="utf-8")
    candidate = load_manifest(tmp_path / "batch" / "manifest.json").candidates[0]
    [error] = candidate.errors
    assert error.code == "payload_file" and "嵌套" in error.message and first.entry.payload in error.message
    assert str(tmp_path) not in error.message


# --- #3 required text that is invisible -----------------------------------------------------------------


@pytest.mark.parametrize("invisible", INVISIBLE, ids=[f"U+{ord(s[0]):04X}" for s in INVISIBLE])
def test_invisible_required_text_is_missing(invisible: str) -> None:
    data = sample("park_application")
    data["cover"]["applicant"] = invisible
    with pytest.raises(PayloadInvalid) as caught:
        validate("park_application", data)
    assert [(e.loc, e.code) for e in caught.value.errors] == [("$.cover.applicant", "required")]


def test_invisible_characters_do_not_reach_the_form() -> None:
    data = sample("park_application")
    data["cover"]["applicant"] = "佛山\u200b市南岭\u202e智能机器人产业园\u0007管理委员会"
    text = full_text(open_docx(render("park_application", validate("park_application", data))))
    assert "佛山市南岭智能机器人产业园管理委员会" in text
    assert not any(ch in text for ch in "\u200b\u202e\u0007")


# --- #4 a small request asking for a huge render -------------------------------------------------------------


def many_blank_forms(count_per_document: int, forwarded: int) -> dict[str, Any]:
    data = sample("official_document")
    attachments = [{"document": {"template_id": "meeting_rsvp", "blank": True}}] * count_per_document
    data.pop("attachment_list", None)
    data["attachments"] = attachments
    template = data["forwarded"][0]
    data["forwarded"] = [{**template, "attachments": attachments, "attachment_list": None} for _ in range(forwarded)]
    return data


def test_550_blank_forms_are_refused_before_any_rendering() -> None:
    # The payload: 50 attachments in the notice and in each of 10 forwarded documents.
    data = many_blank_forms(50, 10)
    assert len(json.dumps(data, ensure_ascii=False).encode()) < 128 * 1024
    with pytest.raises(PayloadInvalid) as caught:
        validate("official_document", data)
    assert [(e.loc, e.code) for e in caught.value.errors] == [("$.forwarded", "too_many_items")]
    with pytest.raises(PayloadInvalid) as caught:
        validate("official_document", many_blank_forms(50, 0))  # 50 of its own: a list the model allows
    assert [(e.loc, e.code) for e in caught.value.errors] == [("$.attachments", "document_too_many_attachments")]


def test_attachments_are_counted_across_forwarded_documents() -> None:
    # 4 forwarded documents (allowed) with 5 attachments each and 5 of the notice's own: 25 > 20.
    with pytest.raises(PayloadInvalid) as caught:
        validate("official_document", many_blank_forms(5, 4))
    assert [e.code for e in caught.value.errors] == ["document_too_many_attachments"]
    validate("official_document", many_blank_forms(4, 4))  # 20 in all: within the bound


WORST_CASE = """
import json, resource, sys, time
from service.payloads.official_document import (
    MAX_FORWARDED, MAX_TOTAL_ATTACHMENTS, MAX_TOTAL_ROWS, MAX_TOTAL_TEXT_CHARS)
from service.rendering import render, validate
data = json.load(open(sys.argv[1], encoding="utf-8"))
docs = [data, *[json.loads(json.dumps(data["forwarded"][0])) for _ in range(MAX_FORWARDED)]]
data["forwarded"] = docs[1:]
for doc in docs:
    doc.pop("attachment_list", None); doc["attachments"] = []; doc["body"] = []
for i in range(MAX_TOTAL_ATTACHMENTS):  # the two largest forms
    tid = ("park_application", "enterprise_application")[i % 2]
    docs[i % len(docs)]["attachments"].append({"document": {"template_id": tid, "blank": True}})
blocks = MAX_TOTAL_ROWS - 10
text = ("示范基地创建工作稳步推进，" * 100)[: MAX_TOTAL_TEXT_CHARS // blocks - 1]
for i in range(blocks):
    docs[i % len(docs)]["body"].append({"text": text})
before = resource.getrusage(resource.RUSAGE_SELF)
docx = render("official_document", validate("official_document", data))
after = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
                  "peak_rss_mib": after.ru_maxrss / 1024, "docx_bytes": len(docx),
                  "payload_bytes": len(json.dumps(data, ensure_ascii=False).encode())}))
"""


def test_the_largest_document_a_request_may_ask_for_stays_small() -> None:
    """The worst case within the bounds, in a child so that its peak is its own: every attachment a blank
    申请书, every row and character used."""
    done = subprocess.run(
        [sys.executable, "-c", WORST_CASE, str(SAMPLES / "official_document.json")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"worst case per request: {figures}")
    assert figures["payload_bytes"] < 2 * 1024 * 1024  # it fits the API's body limit
    # bounded: well under the isolated render's 1 GiB address-space cap (measured 265–580 MiB, imports included)
    assert figures["peak_rss_mib"] < 800


# --- #9 negative zero ----------------------------------------------------------------------------------------


def _negative_zeros(value: Any) -> Any:
    if isinstance(value, float):
        return -0.0
    if isinstance(value, dict):
        return {k: _negative_zeros(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_negative_zeros(v) for v in value]
    return value


def _without(data: dict[str, Any], loc: str) -> None:
    """Leave out the value at a JSON path such as $.talent.high_level_share (a derived value: may be omitted)."""
    parts = [int(i) if i else k for k, i in re.findall(r"\.([^.\[]+)|\[(\d+)\]", loc)]
    node: Any = data
    for part in parts[:-1]:
        node = node[part]
    node[parts[-1]] = None


def test_negative_zero_prints_as_zero() -> None:
    """Every decimal of the enterprise form -0.0 (stated ratios that then disagree are left to the service)."""
    data = _negative_zeros(sample("enterprise_application"))
    for _ in range(50):
        try:
            validated = validate("enterprise_application", data)
            break
        except PayloadInvalid as exc:
            assert {e.code for e in exc.errors} <= {"derived_mismatch"}, exc.errors
            assert all("-0.00" not in e.message for e in exc.errors)
            for error in exc.errors:
                _without(data, error.loc)
    text = full_text(open_docx(render("enterprise_application", validated)))
    assert "0.00" in text
    assert "-0.00" not in text


# --- #10 bidi controls in download names, folders and entries -------------------------------------------------


def test_bidi_override_does_not_reach_the_download_name(client: TestClient) -> None:
    data = sample("park_application")
    data["cover"]["applicant"] = "南岭园区\u202egpj.exe"
    response = client.post("/v1/documents/park_application", json=data)
    assert response.status_code == 200, response.text
    disposition = response.headers["content-disposition"]
    name = unquote(disposition.split("filename*=UTF-8''", 1)[1])
    assert name == "创建申请书（示范园区）-南岭园区gpj.exe.docx"


@pytest.mark.parametrize("text", ["\u202egpj.exe", "a\u2066b\u2069c\u200f", "园区\u200b\u2028名称\u00a0"])
def test_file_and_folder_names_show_what_they_are(text: str) -> None:
    for name in (safe_file_name(text), folder_name(1, text)):
        assert all(ch.isprintable() for ch in name), repr(name)


# --- #12 errors are problem documents ------------------------------------------------------------------------


def test_disallowed_cors_preflight_is_a_problem_document(client: TestClient) -> None:
    headers = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    body = assert_problem(client.options("/v1/documents/park_application", headers=headers), 400, "cors_not_allowed")
    assert "来源" in body["detail"]
    allowed = {"Origin": "https://portal.example.cn", "Access-Control-Request-Method": "POST"}
    assert client.options("/v1/documents/park_application", headers=allowed).status_code == 200
