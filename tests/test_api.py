"""The HTTP API through a real uvicorn server on a free 127.0.0.1 port (and TestClient where settings differ).

One real LibreOffice pool serves the whole module: the server's app and every TestClient app share it. Only the
busy-queue and timeout tests use a pool of their own, whose process is a scripted stand-in (the pool's real
scheduling, queueing and retry logic, without LibreOffice), so that "busy" and "too slow" are deterministic.
"""

from __future__ import annotations

import email.message
import email.utils
import io
import json
import logging
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import httpx
import pypdf
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.api.dependencies import content_disposition, download_name, etag_matches
from service.api.logging import JsonFormatter, reset_request_id, set_request_id
from service.api.settings import Settings, load_settings
from service.conversion import ConversionPool, PoolSettings
from service.conversion.protocol import ConversionJob, ProcessTimedOut
from service.payloads import PayloadInvalid
from service.rendering import get_template, list_templates, validate
from service.rendering.export_schemas import schema_document

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
PROBLEM = "application/problem+json"
JSON_HEADERS = {"content-type": "application/json"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
WITH_SAMPLES = [s.id for s in list_templates() if s.sample_path.is_file()]

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def sample(template_id: str = "park_application") -> dict[str, Any]:
    return json.loads((SAMPLES / f"{template_id}.json").read_text(encoding="utf-8"))


# --- A real uvicorn server in a thread -----------------------------------------------------------------


class ServerThread:
    """uvicorn serving `app` on a socket bound to 127.0.0.1:0 (so the port is free by construction)."""

    def __init__(self, app: FastAPI) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="on", timeout_graceful_shutdown=30)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 120
        while not self.server.started:
            assert self.thread.is_alive(), "uvicorn exited during startup"
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(60)
        self.sock.close()


def make_settings(tmp: Path, **over: Any) -> Settings:
    return Settings(data_dir=tmp, pool_size=1, _env_file=None, **over)


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConversionPool]:
    tmp = tmp_path_factory.mktemp("lo")
    with ConversionPool(PoolSettings(size=1, conversion_timeout=120, start_timeout=120, temp_root=str(tmp))) as p:
        yield p


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="module")
def server(pool: ConversionPool, data_dir: Path) -> Iterator[ServerThread]:
    app = create_app(make_settings(data_dir, max_body_bytes=256 * 1024), pool=pool)
    with ServerThread(app) as srv:
        yield srv


@pytest.fixture()
def http(server: ServerThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=180) as client:
        yield client


def assert_problem(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert {"type", "title", "status", "detail", "code"} <= set(body)
    assert body["status"] == status
    assert body["type"].endswith(body["code"])
    assert not body["title"].isascii() and not body["detail"].isascii(), "title/detail are Chinese"
    assert "Traceback" not in response.text
    assert body["request_id"] == response.headers["x-request-id"]
    if code is not None:
        assert body["code"] == code
    return body


def filename_of(response: httpx.Response) -> str:
    """The file name a browser saves: RFC 6266 says prefer `filename*` (RFC 8187) over the ASCII `filename`."""
    return parse_disposition(response.headers["content-disposition"])


def parse_disposition(header: str) -> str:
    msg = email.message.Message()
    msg["content-disposition"] = header
    params = msg.get_params(header="content-disposition") or []
    extended = [v for k, v in params if k == "filename" and isinstance(v, tuple)]
    plain = [v for k, v in params if k == "filename" and isinstance(v, str)]
    assert params[0][0] == "attachment" and plain, header
    return email.utils.collapse_rfc2231_value(extended[0]) if extended else plain[0]


def leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for v in value.values():
            yield from leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from leaves(v)
    else:
        yield value


def all_text(document: bytes) -> str:
    d = docx.Document(io.BytesIO(document))
    parts = [p.text for p in d.paragraphs]
    parts += [c.text for t in d.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


# --- Health, catalog --------------------------------------------------------------------------------------


def test_health_and_readiness(http: httpx.Client) -> None:
    assert http.get("/healthz").json() == {"status": "ok"}
    ready = http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"
    assert ready.json()["templates"] == len(list_templates())
    assert ready.json()["pool"]["size"] == 1


def test_template_catalog(http: httpx.Client) -> None:
    listed = http.get("/v1/templates").json()
    assert [t["id"] for t in listed] == [s.id for s in list_templates()]
    for row in listed:
        spec = get_template(row["id"])
        assert row["title"] == spec.title and row["version"] == spec.version
        detail = http.get(f"/v1/templates/{spec.id}").json()
        assert detail["description"] == spec.description
        assert detail["formats"] == list(spec.formats)
        assert detail["links"]["schema"] == f"/v1/templates/{spec.id}/schema"
        assert http.get(detail["links"]["schema"]).json() == json.loads(json.dumps(schema_document(spec)))


@pytest.mark.parametrize("template_id", WITH_SAMPLES)
def test_sample_is_the_committed_file_and_valid(http: httpx.Client, template_id: str) -> None:
    body = http.get(f"/v1/templates/{template_id}/sample").json()
    assert body == sample(template_id)
    result = http.post(f"/v1/validate/{template_id}", json=body).json()
    assert result["valid"] is True and result["errors"] == []


def test_unknown_template_is_404_everywhere(http: httpx.Client) -> None:
    for method, url in [
        ("GET", "/v1/templates/../../etc/passwd"),
        ("GET", "/v1/templates/nope"),
        ("GET", "/v1/templates/nope/schema"),
        ("GET", "/v1/templates/nope/blank"),
        ("POST", "/v1/documents/nope"),
        ("POST", "/v1/validate/nope"),
    ]:
        response = http.request(method, url, json={})
        assert_problem(response, 404)
    body = assert_problem(http.post("/v1/documents/nope", json={}), 404, "unknown_template")
    assert "park_application" in body["detail"]


# --- Documents -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("template_id", WITH_SAMPLES)
def test_docx_of_every_sample_reads_back_with_chinese_file_name(http: httpx.Client, template_id: str) -> None:
    payload = sample(template_id)
    response = http.post(f"/v1/documents/{template_id}", json=payload)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == DOCX
    spec = get_template(template_id)
    applicant = validate(template_id, payload).model.applicant_name()
    assert filename_of(response) == download_name(spec.file_stem, applicant, "docx")
    assert response.headers["content-disposition"].startswith(f'attachment; filename="{template_id}.docx"; ')
    text = all_text(response.content)
    # The payload's short texts (names, titles …) are in the document.
    shorts = {v for v in leaves(payload) if isinstance(v, str) and 4 <= len(v) <= 30 and "-" not in v}
    found = {v for v in shorts if v in text}
    assert len(found) >= len(shorts) // 2 > 0, sorted(shorts - found)[:10]


def test_park_pdf_and_pdfa(http: httpx.Client) -> None:
    payload = sample()
    applicant = payload["cover"]["applicant"]
    for fmt in ("pdf", "pdfa"):
        response = http.post("/v1/documents/park_application", params={"format": fmt}, json=payload)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        name = filename_of(response)
        assert name == f"创建申请书（示范园区）-{applicant}.pdf"
        reader = pypdf.PdfReader(io.BytesIO(response.content))
        assert len(reader.pages) > 3
        assert reader.metadata.title == "国家新兴产业发展示范基地创建申请书（示范园区）"
        assert reader.metadata.author == applicant
        assert applicant in reader.pages[0].extract_text().replace("\n", "").replace(" ", "")
        metadata = reader.trailer["/Root"].get("/Metadata")
        xmp = metadata.get_object().get_data() if metadata is not None else b""
        assert (b"pdfaid:part" in xmp) == (fmt == "pdfa")


def test_etag_and_if_none_match(http: httpx.Client) -> None:
    payload = sample()
    first = http.post("/v1/documents/park_application", json=payload)
    etag = first.headers["etag"]
    reordered = dict(reversed(list(payload.items())))  # same data, other key order: same ETag
    again = http.post("/v1/documents/park_application", json=reordered)
    assert again.headers["etag"] == etag and again.content == first.content
    cached = http.post("/v1/documents/park_application", json=payload, headers={"If-None-Match": f'"x", {etag}'})
    assert cached.status_code == 304 and cached.content == b"" and cached.headers["etag"] == etag
    other_format = http.post("/v1/documents/park_application?format=pdf", json=payload, headers={"If-None-Match": etag})
    assert other_format.status_code == 200 and other_format.headers["etag"] != etag
    changed = json.loads(json.dumps(payload))
    changed["cover"]["applicant"] += "（更名）"
    assert http.post("/v1/documents/park_application", json=changed).headers["etag"] != etag


def test_blank_forms(http: httpx.Client) -> None:
    response = http.get("/v1/templates/park_application/blank")
    assert response.status_code == 200 and response.headers["content-type"] == DOCX
    assert filename_of(response) == "创建申请书（示范园区）（空白）.docx"
    assert "基本情况" in all_text(response.content)
    pdf = http.get("/v1/templates/park_application/blank", params={"format": "pdf"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert len(pypdf.PdfReader(io.BytesIO(pdf.content)).pages) >= 1
    again = http.get("/v1/templates/park_application/blank?format=pdf", headers={"If-None-Match": pdf.headers["etag"]})
    assert again.status_code == 304


def test_validate_reports_the_same_errors_as_the_cli(http: httpx.Client) -> None:
    bad = sample()
    bad["cover"]["applicant"] = ""
    bad["surprise"] = 1
    with pytest.raises(PayloadInvalid) as expected:
        validate("park_application", bad)
    wanted = [e.as_dict() for e in expected.value.errors]
    result = http.post("/v1/validate/park_application", json=bad).json()
    assert result == {"valid": False, "errors": wanted, "derived": {}}
    response = http.post("/v1/documents/park_application?format=pdf", json=bad)
    body = assert_problem(response, 422, "payload_invalid")
    assert body["errors"] == wanted
    assert {"$.surprise", "$.cover.applicant"} <= {e["loc"] for e in body["errors"]}


def test_validate_needs_a_json_object(http: httpx.Client) -> None:
    body = assert_problem(http.post("/v1/validate/park_application", json=[1, 2]), 422, "payload_not_object")
    assert body["errors"][0]["loc"] == "$"
    partial = http.post("/v1/validate/park_application", json={"cover": {}}).json()
    assert partial["valid"] is False and len(partial["errors"]) > 3


def test_validate_gives_derived_values(http: httpx.Client) -> None:
    payload = sample()
    result = http.post("/v1/validate/park_application", json=payload).json()
    assert result["valid"] is True
    assert result["derived"] == json.loads(json.dumps(validate("park_application", payload).derived))
    assert any(key.endswith(".average") for key in result["derived"])


# --- Problems ---------------------------------------------------------------------------------------------


def test_malformed_json_is_400(http: httpx.Client) -> None:
    for body in (b"{", b"", b"\xff\xfe{", b'{"a": 1,}'):
        response = http.post("/v1/documents/park_application", content=body, headers=JSON_HEADERS)
        assert_problem(response, 400, "malformed_json")


def test_wrong_content_type_is_415(http: httpx.Client) -> None:
    for ctype in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = {"content-type": ctype} if ctype else {}
        response = http.post("/v1/validate/park_application", content=json.dumps(sample()).encode(), headers=headers)
        assert_problem(response, 415, "unsupported_media_type")
    files = {"payload": (None, "{}")}
    assert_problem(http.post("/v1/packages/park_application", json=sample()), 415)
    assert http.post("/v1/packages/park_application", files=files).status_code != 415


def test_body_too_large_is_413_declared_or_streamed(http: httpx.Client) -> None:
    big = b'{"x": "' + b"a" * (300 * 1024) + b'"}'
    declared = http.post("/v1/documents/park_application", content=big, headers={"content-type": "application/json"})
    body = assert_problem(declared, 413, "body_too_large")
    assert "256 KiB" in body["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while streaming
        for i in range(0, len(big), 16 * 1024):
            yield big[i : i + 16 * 1024]

    streamed = http.post("/v1/validate/park_application", content=chunks(), headers=JSON_HEADERS)
    assert "content-length" not in streamed.request.headers
    assert_problem(streamed, 413, "body_too_large")
    assert http.get("/healthz").status_code == 200


def test_request_parameter_errors_are_422_problems(http: httpx.Client) -> None:
    response = http.post("/v1/documents/park_application?format=odt", json=sample())
    body = assert_problem(response, 422, "request_invalid")
    assert body["errors"] == [
        {
            "loc": "query.format",
            "label": "输出格式",
            "code": "not_allowed_value",
            "message": "只能是以下之一：docx、pdf、pdfa、xlsx",
        }
    ]


def test_starlette_404_and_405_are_problems(http: httpx.Client) -> None:
    assert_problem(http.get("/v2/nothing"), 404, "not_found")
    response = http.delete("/v1/templates")
    assert_problem(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "GET, POST"  # the catalogue and the upload of a template
    # Two routes on one path (GET and DELETE of a batch): Allow names both.
    assert http.put(f"/v1/batches/{'0' * 32}").headers["allow"] == "DELETE, GET"


def test_request_id_is_echoed_or_made(http: httpx.Client) -> None:
    assert http.get("/healthz", headers={"X-Request-ID": "portal-123"}).headers["x-request-id"] == "portal-123"
    made = http.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"}).headers["x-request-id"]
    assert made != "bad id\twith spaces" and len(made) == 32


def test_metrics_count_requests_per_route_and_template(http: httpx.Client) -> None:
    http.post("/v1/documents/park_application", json=sample())
    http.get("/v1/templates/nope")
    text = http.get("/metrics").text
    assert (
        'docgen_http_requests_total{method="POST",route="/v1/documents/{template_id}",status="200",'
        'template="park_application"}' in text
    )
    assert 'route="/v1/templates/{template_id}",status="404",template="-"' in text  # never raw client input
    assert 'docgen_render_duration_seconds_count{template="park_application"}' in text
    assert 'docgen_conversion_duration_seconds_count{format="pdf",template="park_application"}' in text
    for name in ("docgen_conversion_queue_depth", "docgen_libreoffice_restarts_total", "docgen_conversion_pool_size"):
        assert f"\n{name} " in text


# --- Packages ---------------------------------------------------------------------------------------------


def outline_titles(outline: list[Any]) -> list[str]:
    out: list[str] = []
    for item in outline:
        out += outline_titles(item) if isinstance(item, list) else [item.title]
    return out


def package_files(*paths: str) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (Path(p).name, (SAMPLES / "attachments" / "park" / p).read_bytes(), "application/octet-stream"))
            for p in paths]  # fmt: skip


def test_package_zip_and_merged_pdf(http: httpx.Client) -> None:
    payload = sample()
    files = package_files("1/02_园区区位图.jpg", "3/主导产业规上企业名单.pdf", "7/节能环保与安全生产达标说明.docx")
    data = {"payload": json.dumps(payload, ensure_ascii=False), "items": ["1", "3", "7"],
            "titles": ["园区区位图", "规上企业名单", "达标说明"]}  # fmt: skip
    response = http.post("/v1/packages/park_application", data=data, files=files)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    name = filename_of(response)
    assert name.endswith(".zip") and payload["cover"]["applicant"] in name
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        names = zf.namelist()
        merged = next(n for n in names if n.endswith("/完整申报材料.pdf"))
        assert len(pypdf.PdfReader(io.BytesIO(zf.read(merged))).pages) > 5
        assert any(n.endswith("附件/1-1_园区区位图.jpg") for n in names)

    response = http.post("/v1/packages/park_application?format=pdf", data=data, files=files)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert filename_of(response) == f"完整申报材料-{payload['cover']['applicant']}.pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    titles = outline_titles(reader.outline)
    assert {"园区区位图", "规上企业名单", "达标说明", "一、基本情况"} <= set(titles)


def test_package_attachment_errors_name_the_file(http: httpx.Client) -> None:
    data = {"payload": json.dumps(sample(), ensure_ascii=False), "items": ["2"]}
    files = [("files", ("统计表.xls", b"\xd0\xcf\x11\xe0 not really", "application/vnd.ms-excel"))]
    body = assert_problem(http.post("/v1/packages/park_application", data=data, files=files), 422)
    assert "统计表.xls" in body["detail"]
    assert body["errors"][0]["loc"] == "$.files[0]" and body["errors"][0]["label"] == "统计表.xls"

    mismatch = {"payload": data["payload"], "items": ["1", "2"]}
    assert_problem(http.post("/v1/packages/park_application", data=mismatch, files=files), 422,
                   "attachment_items_mismatch")  # fmt: skip
    bad_item = {"payload": data["payload"], "items": ["9"]}
    files = package_files("3/主导产业规上企业名单.pdf")
    assert_problem(http.post("/v1/packages/park_application", data=bad_item, files=files), 422, "attachment_invalid")
    broken = {"payload": "{not json", "items": ["3"]}
    assert_problem(http.post("/v1/packages/park_application", data=broken, files=files), 400, "malformed_json")
    invalid = {"payload": "{}", "items": ["3"]}
    assert_problem(http.post("/v1/packages/park_application", data=invalid, files=files), 422, "payload_invalid")


# --- Settings that differ: TestClient apps sharing the module's pool ---------------------------------------


def test_api_keys_enforced_when_configured(pool: ConversionPool, data_dir: Path) -> None:
    app = create_app(make_settings(data_dir, api_keys="k-one, k-two"), pool=pool)
    with TestClient(app) as client:
        body = client.get("/v1/templates").json()
        assert body["code"] == "api_key_required" and body["status"] == 401
        wrong = client.get("/v1/templates", headers={"X-API-Key": "k-three"})
        assert wrong.status_code == 401 and wrong.json()["code"] == "api_key_invalid"
        assert "X-API-Key" in wrong.headers["www-authenticate"]
        assert client.post("/v1/validate/park_application", json=sample()).status_code == 401
        assert client.get("/v1/templates", headers={"X-API-Key": "k-two"}).status_code == 200
        ok = client.post("/v1/validate/park_application", json=sample(), headers={"X-API-Key": "k-one"})
        assert ok.json()["valid"] is True
        assert client.get("/healthz").status_code == 200 and client.get("/metrics").status_code == 200
        schema = client.get("/openapi.json").json()
        scheme = schema["components"]["securitySchemes"]["ApiKey"]
        assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "X-API-Key")
        assert schema["paths"]["/v1/templates"]["get"]["security"] == [{"ApiKey": []}]
        assert "401" in schema["paths"]["/v1/documents/{template_id}"]["post"]["responses"]
        assert "security" not in schema["paths"]["/healthz"]["get"]
    open_app = create_app(make_settings(data_dir), pool=pool)
    with TestClient(open_app) as client:
        assert client.get("/v1/templates").status_code == 200
        assert "securitySchemes" not in client.get("/openapi.json").json().get("components", {})


def test_cors_allow_list(pool: ConversionPool, data_dir: Path) -> None:
    app = create_app(make_settings(data_dir, cors_origins="https://portal.example.cn"), pool=pool)
    with TestClient(app) as client:
        allowed = client.get("/v1/templates", headers={"Origin": "https://portal.example.cn"})
        assert allowed.headers["access-control-allow-origin"] == "https://portal.example.cn"
        assert "content-disposition" in allowed.headers["access-control-expose-headers"].lower()
        other = client.get("/v1/templates", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        preflight = client.options(
            "/v1/documents/park_application",
            headers={"Origin": "https://portal.example.cn", "Access-Control-Request-Method": "POST",
                     "Access-Control-Request-Headers": "content-type,x-api-key"},
        )  # fmt: skip
        assert preflight.status_code == 200


def test_package_limits(pool: ConversionPool, data_dir: Path) -> None:
    app = create_app(make_settings(data_dir, max_attachment_bytes=2048, max_attachments=1), pool=pool)
    payload = json.dumps(sample(), ensure_ascii=False)
    with TestClient(app) as client:
        files = package_files("3/主导产业规上企业名单.pdf")
        big = client.post("/v1/packages/park_application", data={"payload": payload, "items": ["3"]}, files=files)
        assert big.status_code == 413 and big.json()["code"] == "attachment_too_large"
        assert "主导产业规上企业名单.pdf" in big.json()["detail"]
        two = [("files", ("a.png", b"x", "image/png")), ("files", ("b.png", b"x", "image/png"))]
        many = client.post("/v1/packages/park_application", data={"payload": payload, "items": ["1", "1"]}, files=two)
        assert many.status_code == 413 and many.headers["content-type"].startswith(PROBLEM)


# --- Busy queue and timeouts: the pool's real scheduling with a scripted process ----------------------------


class ScriptedProcess:
    """A WorkerProcess whose conversions wait for a gate (to hold the pool busy) or time out."""

    def __init__(self, gate: threading.Event, entered: threading.Event, mode: str) -> None:
        self.gate, self.entered, self.mode = gate, entered, mode
        self.conversions = 0
        self.running = False

    @property
    def pid(self) -> int | None:
        return None

    def start(self) -> None:
        self.running = True

    def alive(self) -> bool:
        return self.running

    def ping(self, timeout: float) -> bool:
        return self.running

    def convert(self, job: ConversionJob, timeout: float) -> bytes:
        self.entered.set()
        if self.mode == "timeout":
            self.running = False
            raise ProcessTimedOut("scripted timeout")
        assert self.gate.wait(120), "the test never opened the gate"
        self.conversions += 1
        return b"%PDF-1.4\n%scripted\n"

    def rss_bytes(self) -> int:
        return 0

    def stop(self) -> None:
        self.running = False


def scripted_pool(mode: str, gate: threading.Event, entered: threading.Event) -> ConversionPool:
    settings = PoolSettings(size=1, queue_limit=0, health_interval=0, warm_up=False, conversion_timeout=5)
    return ConversionPool(settings, process_factory=lambda slot: ScriptedProcess(gate, entered, mode))


def test_full_queue_is_503_with_retry_after_and_the_loop_stays_free(data_dir: Path) -> None:
    gate, entered = threading.Event(), threading.Event()
    with (
        scripted_pool("gate", gate, entered) as busy_pool,
        ServerThread(create_app(make_settings(data_dir, queue_limit=0), pool=busy_pool)) as srv,
        httpx.Client(base_url=srv.base_url, timeout=60) as client,
    ):
        holder: dict[str, httpx.Response] = {}
        first = threading.Thread(
            target=lambda: holder.setdefault("r", client.post("/v1/documents/park_application?format=pdf",
                                                              json=sample()))
        )  # fmt: skip
        first.start()
        try:
            assert entered.wait(60), "the first conversion never reached the pool"
            # The only process is busy and no one may wait: refused at once, with a hint.
            refused = client.post("/v1/documents/park_application?format=pdf", json=sample())
            body = assert_problem(refused, 503, "conversion_busy")
            assert int(refused.headers["retry-after"]) >= 1
            assert "秒后重试" in body["detail"]
            # While a conversion is in progress the event loop still answers (conversion runs in a thread).
            assert client.get("/healthz").status_code == 200
            assert client.post("/v1/documents/park_application", json=sample()).status_code == 200
            metrics = client.get("/metrics").text
            assert "\ndocgen_conversion_busy_processes 1.0" in metrics
            assert "\ndocgen_conversions_rejected_total 1.0" in metrics
        finally:
            gate.set()
            first.join(60)
        assert holder["r"].status_code == 200 and holder["r"].content.startswith(b"%PDF")


def test_conversion_timeout_is_504(data_dir: Path) -> None:
    gate, entered = threading.Event(), threading.Event()
    with (
        scripted_pool("timeout", gate, entered) as slow_pool,
        TestClient(create_app(make_settings(data_dir), pool=slow_pool)) as client,
    ):
        response = client.post("/v1/documents/park_application?format=pdf", json=sample())
        assert response.status_code == 504
        body = response.json()
        assert body["code"] == "conversion_timeout" and "超时" in body["detail"]
        assert response.headers["content-type"].startswith(PROBLEM)


def test_without_libreoffice_docx_still_works_and_pdf_is_503(data_dir: Path, tmp_path: Path) -> None:
    settings = make_settings(data_dir, pool_start_timeout=5)
    app = create_app(settings)
    app.state.runtime.pool_settings = lambda: PoolSettings(size=1, soffice=str(tmp_path / "no-soffice"),
                                                           start_timeout=5, health_interval=0)  # fmt: skip
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503
        assert client.post("/v1/documents/park_application", json=sample()).status_code == 200
        response = client.post("/v1/documents/park_application?format=pdf", json=sample())
        assert response.status_code == 503 and response.json()["code"] == "libreoffice_unavailable"
        assert response.headers["retry-after"]


# --- Units: headers, settings, logs ----------------------------------------------------------------------


def test_content_disposition_round_trips_and_has_an_ascii_fallback() -> None:
    name = download_name("创建申请书（示范园区）", 'A/B:"园区"\n管委会', "pdf")
    assert name == "创建申请书（示范园区）-A_B_园区_管委会.pdf"
    header = content_disposition(name, "park_application.pdf")
    assert header.isascii()
    assert header.startswith("attachment; filename=\"park_application.pdf\"; filename*=UTF-8''")
    assert parse_disposition(header) == name
    assert download_name("空白", "", "docx") == "空白.docx"


def test_package_errors_map_to_statuses() -> None:
    import json

    from service.api.problems import docgen_problem
    from service.api.routers.packages import name_file
    from service.conversion import ConversionBusy, ConversionTimeout
    from service.packaging import Attachment, PackageError
    from service.packaging.errors import AttachmentError

    def answer(exc: Exception) -> tuple[int, dict[str, str], dict[str, object]]:
        assert isinstance(exc, PackageError | ConversionBusy | ConversionTimeout)
        response = docgen_problem(None, exc)
        return response.status_code, dict(response.headers), json.loads(response.body)

    status, headers, body = answer(ConversionBusy(5))  # busy conversions travel unwrapped out of the packaging
    assert (status, headers["retry-after"], body["code"]) == (503, "5", "conversion_busy")
    assert answer(ConversionTimeout(60))[0] == 504
    assert answer(AttachmentError("attachment_too_large", "a.pdf", "过大"))[0] == 413
    assert answer(AttachmentError("package_too_many_pages", "a.pdf", "页数过多"))[2]["title"] == "页数超过上限"
    assert answer(PackageError("stamp_font_missing", "缺字体"))[0] == 500
    upload = Attachment(item=1, title="a", data=b"%PDF", filename="a.pdf")
    status, _, body = answer(name_file(AttachmentError("attachment_corrupt", "a.pdf", "已损坏"), [upload]))
    assert status == 422 and body["errors"] == [
        {"loc": "$.files[0]", "label": "a.pdf", "code": "attachment_corrupt", "message": "已损坏"}
    ]


def test_etag_comparison() -> None:
    assert etag_matches('"a"', '"a"') and etag_matches('W/"a"', '"a"') and etag_matches("*", '"a"')
    assert etag_matches('"b", "a"', '"a"') and not etag_matches('"b"', '"a"') and not etag_matches(None, '"a"')


def test_settings_from_env_and_settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DOCGEN_API_KEYS", "secret-one, secret-two,,")
    monkeypatch.setenv("DOCGEN_CORS_ORIGINS", "https://a.example,https://b.example")
    settings_file = tmp_path / "docgen.env"
    settings_file.write_text("DOCGEN_PORT=9001\nDOCGEN_POOL_SIZE=3\nDOCGEN_LOG_LEVEL=DEBUG\n", encoding="utf-8")
    monkeypatch.setenv("DOCGEN_SETTINGS_FILE", str(settings_file))
    monkeypatch.setenv("DOCGEN_POOL_SIZE", "4")  # the environment wins over the file
    s = load_settings()
    assert s.api_key_values() == ["secret-one", "secret-two"]
    assert "secret-" not in repr(s)  # (a bare "one" would also be found in any None)
    assert s.cors_origins == ["https://a.example", "https://b.example"]
    assert (s.port, s.pool_size, s.log_level, s.host) == (9001, 4, "debug", "127.0.0.1")
    monkeypatch.setenv("DOCGEN_SETTINGS_FILE", str(tmp_path / "missing.env"))
    with pytest.raises(FileNotFoundError):
        load_settings()


def test_serve_command_defaults_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import typer
    import uvicorn as uvicorn_module
    from typer.testing import CliRunner

    from service.cli import serve as cli_serve

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn_module, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    monkeypatch.setattr(cli_serve, "configure_logging", lambda level: None)
    monkeypatch.chdir(tmp_path)
    for key in ("DOCGEN_HOST", "DOCGEN_PORT", "DOCGEN_WORKERS", "DOCGEN_SETTINGS_FILE"):
        monkeypatch.delenv(key, raising=False)
    app = typer.Typer()
    cli_serve.register(app)

    @app.callback()
    def _root() -> None: ...

    runner = CliRunner()
    assert runner.invoke(app, ["serve"]).exit_code == 0
    assert runner.invoke(app, ["serve", "--host", "0.0.0.0", "--port", "9000", "--workers", "2"]).exit_code == 0
    monkeypatch.setenv("DOCGEN_PORT", "8100")
    assert runner.invoke(app, ["serve"]).exit_code == 0
    assert [(c["host"], c["port"], c["workers"]) for c in calls] == [
        ("127.0.0.1", 8000, 1),
        ("0.0.0.0", 9000, 2),
        ("127.0.0.1", 8100, 1),
    ]
    assert all(c["app"] == "service.api.app:create_app" and c["factory"] and not c["access_log"] for c in calls)


def test_json_log_lines_carry_the_request_id() -> None:
    record = logging.LogRecord("docgen.access", logging.INFO, __file__, 1, "GET %s", ("/healthz",), None)
    record.http = {"status": 200}
    token = set_request_id("req-1")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        reset_request_id(token)
    assert line["message"] == "GET /healthz" and line["request_id"] == "req-1"
    assert line["http"] == {"status": 200} and line["level"] == "info"


def test_docs_page_works_offline(http: httpx.Client) -> None:
    # Every script and stylesheet of /docs is served by the service itself: no CDN on a government network.
    import re

    page = http.get("/docs")
    assert page.status_code == 200 and "docgen API 文档" in page.text
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page.text)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    for asset in assets:
        got = http.get(asset)
        assert got.status_code == 200 and len(got.content) > 10_000
    assert http.get("/redoc").status_code == 404
