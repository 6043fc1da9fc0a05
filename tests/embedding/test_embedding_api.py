"""Embedding kit against a real uvicorn server with named keys: async documents and packages, webhooks (signature,
retries, SSRF refusal), Idempotency-Key, signed links, rate limits, render cache, key file reload."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import threading
import time
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pypdf
import pytest
from standardwebhooks import Webhook

from service.api.app import create_app
from service.api.embedding.keys import hash_secret
from service.api.embedding.store import EmbeddingStore
from service.api.settings import Settings
from service.conversion import ConversionPool, PoolSettings
from tests.test_api import ServerThread, all_text, assert_problem, filename_of, package_files, sample

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PORTAL_KEY = "portal-secret-0123456789abcdef"
OTHER_KEY = "other-secret-0123456789abcdef"
LIMITED_KEY = "limited-secret-0123456789abcdef"
WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"portal webhook secret, 32 bytes!").decode()
PORTAL = {"x-api-key": PORTAL_KEY}
BATCH_SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "batch_guangzhou"


class Receiver:
    """A webhook receiver on 127.0.0.1: records every request; `/flaky` answers 500 to its first two."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                with outer.lock:
                    outer.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                    seen = sum(1 for p, _, _ in outer.requests if p == self.path)
                status = 500 if self.path == "/flaky" and seen <= 2 else 204
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def at(self, path: str) -> list[tuple[str, dict[str, str], bytes]]:
        with self.lock:
            return [r for r in self.requests if r[0] == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def write_keys(path: Path, extra: list[dict[str, Any]] | None = None) -> None:
    keys = [
        {"name": "portal", "secret_sha256": hash_secret(PORTAL_KEY), "webhook_secret": WEBHOOK_SECRET},
        {"name": "other", "secret_sha256": hash_secret(OTHER_KEY)},
        {"name": "limited", "secret_sha256": hash_secret(LIMITED_KEY), "rate_limit": 3, "rate_window": 2},
        *(extra or []),
    ]
    path.write_text(json.dumps({"keys": keys}), encoding="utf-8")


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("embedding")


@pytest.fixture(scope="module")
def pool(data_dir: Path) -> Iterator[ConversionPool]:
    with ConversionPool(PoolSettings(size=1, conversion_timeout=120, start_timeout=120, temp_root=str(data_dir))) as p:
        yield p


PUBLIC_BASE_URL = "https://docgen.example.cn/gateway"
"""What the portal reaches the service at: webhooks have no request to take the root URL from."""


def embedding_settings(data_dir: Path, **overrides: Any) -> Settings:
    keys = data_dir / "keys.json"
    write_keys(keys)
    return Settings(
        data_dir=data_dir, pool_size=1, _env_file=None, api_keys_file=keys,
        webhook_allowed_networks=["127.0.0.0/8"], webhook_retry_delays=[0.2, 0.2, 0.2], **overrides,
    )  # fmt: skip


@pytest.fixture(scope="module")
def server(data_dir: Path, pool: ConversionPool) -> Iterator[ServerThread]:
    settings = embedding_settings(data_dir, public_base_url=PUBLIC_BASE_URL)
    with ServerThread(create_app(settings, pool=pool)) as srv:
        srv.keys_file = settings.api_keys_file  # type: ignore[attr-defined]
        yield srv


@pytest.fixture()
def http(server: ServerThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=180, headers=PORTAL) as client:
        yield client


def wait_for(http: httpx.Client, location: str, timeout: float = 150) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body = http.get(location).json()
        if body["state"] in ("succeeded", "failed", "cancelled"):
            return body
        assert body["state"] in ("queued", "running") and 0 <= body["progress"] <= 1
        assert time.monotonic() < deadline, body
        time.sleep(0.2)


def wait_until(predicate: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline
        time.sleep(0.1)


def metric(http: httpx.Client, name: str) -> float:
    total = 0.0
    for line in http.get("/metrics").text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            total += float(line.rsplit(" ", 1)[1])
    return total


def pdf_text(data: bytes) -> str:
    # Without line breaks: a long 申报单位 wraps on the cover.
    return "".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages).replace("\n", "")


def unique_sample(tag: str) -> dict[str, Any]:
    payload = sample()
    payload["cover"]["applicant"] = f"{payload['cover']['applicant']}{tag}"
    return payload


# --- async requests and webhooks ---------------------------------------------------------------------------


def test_async_document_with_signed_webhook(http: httpx.Client, receiver: Receiver) -> None:
    payload = unique_sample("甲")
    headers = {"prefer": "respond-async", "x-webhook-url": f"{receiver.url}/ok"}
    response = http.post("/v1/documents/park_application?format=pdf", json=payload, headers=headers)
    assert response.status_code == 202, response.text
    assert response.headers["preference-applied"] == "respond-async"
    location = response.headers["location"]
    assert location == f"/v1/jobs/{response.json()['id']}" and response.json()["state"] in ("queued", "running")

    job = wait_for(http, location)
    assert job["state"] == "succeeded" and job["progress"] == 1, job
    result = http.get(f"{location}/result")
    assert result.status_code == 200 and result.headers["content-type"] == "application/pdf"
    assert filename_of(result) == f"创建申请书（示范园区）-{payload['cover']['applicant']}.pdf"
    assert payload["cover"]["applicant"] in pdf_text(result.content)

    wait_until(lambda: receiver.at("/ok"))
    _, hook_headers, body = receiver.at("/ok")[0]
    # The reference implementation of the Standard Webhooks specification accepts it …
    event = Webhook(WEBHOOK_SECRET).verify(body, hook_headers)
    assert event["type"] == "job.completed" and event["data"]["id"] == job["id"]
    # Its links are absolute, on the configured public root (the portal fetches the file from the webhook alone).
    assert event["data"]["result"]["signed_url"].startswith(f"{PUBLIC_BASE_URL}/v1/files/")
    assert event["data"]["links"]["self"] == f"{PUBLIC_BASE_URL}/v1/jobs/{job['id']}"
    assert http.get(f"/v1/files/{event['data']['result']['signed_url'].rsplit('/', 1)[1]}").status_code == 200
    # … and so does the specification's algorithm written out: HMAC-SHA256 over "id.timestamp.body".
    signed = f"{hook_headers['webhook-id']}.{hook_headers['webhook-timestamp']}.".encode() + body
    key = base64.b64decode(WEBHOOK_SECRET.removeprefix("whsec_"))
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert expected in hook_headers["webhook-signature"].split(" ")
    # A tampered body does not verify.
    with pytest.raises(Exception, match="signature"):
        Webhook(WEBHOOK_SECRET).verify(body.replace(b"succeeded", b"failed"), hook_headers)

    # The job belongs to its key: another key does not see it.
    other = http.get(location, headers={"x-api-key": OTHER_KEY})
    assert_problem(other, 404, "job_not_found")


def test_async_package(http: httpx.Client) -> None:
    files = package_files("1/02_园区区位图.jpg", "3/主导产业规上企业名单.pdf")
    data = {"payload": json.dumps(sample(), ensure_ascii=False), "items": ["1", "3"]}
    response = http.post("/v1/packages/park_application", data=data, files=files, headers={"prefer": "respond-async"})
    assert response.status_code == 202, response.text
    job = wait_for(http, response.headers["location"])
    assert job["state"] == "succeeded", job
    result = http.get(job["links"]["self"] + "/result")
    assert result.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(result.content)) as zf:
        merged = next(n for n in zf.namelist() if n.endswith("/完整申报材料.pdf"))
        assert len(pypdf.PdfReader(io.BytesIO(zf.read(merged))).pages) > 5


def test_failed_job_carries_the_problem(http: httpx.Client, receiver: Receiver) -> None:
    bad = sample()
    bad["cover"]["applicant"] = ""
    response = http.post("/v1/documents/park_application", json=bad,
                         headers={"prefer": "respond-async", "x-webhook-url": f"{receiver.url}/failed"})  # fmt: skip
    job = wait_for(http, response.headers["location"])
    assert job["state"] == "failed" and job["error"]["code"] == "payload_invalid"
    assert any(e["loc"] == "$.cover.applicant" for e in job["error"]["errors"])
    assert_problem(http.get(f"/v1/jobs/{job['id']}/result"), 409, "job_not_succeeded")
    wait_until(lambda: receiver.at("/failed"))
    assert json.loads(receiver.at("/failed")[0][2])["type"] == "job.failed"


def test_webhook_retried_after_two_failures(http: httpx.Client, receiver: Receiver) -> None:
    response = http.post("/v1/documents/park_application", json=unique_sample("乙"),
                         headers={"prefer": "respond-async", "x-webhook-url": f"{receiver.url}/flaky"})  # fmt: skip
    job = wait_for(http, response.headers["location"])
    assert job["state"] == "succeeded"

    def delivered() -> bool:
        found = http.get(f"/v1/jobs/{job['id']}/deliveries").json()["deliveries"]
        return bool(found) and found[0]["state"] == "succeeded"

    wait_until(delivered)
    (delivery,) = http.get(f"/v1/jobs/{job['id']}/deliveries").json()["deliveries"]
    assert [a["status_code"] for a in delivery["attempt_list"]] == [500, 500, 204]
    assert delivery["attempts"] == 3 and delivery["event"] == "job.completed"
    # Every attempt carries the same webhook-id (receivers deduplicate by it), each one freshly signed.
    ids = {h["webhook-id"] for _, h, _ in receiver.at("/flaky")}
    assert ids == {delivery["id"]}
    for _, h, body in receiver.at("/flaky"):
        Webhook(WEBHOOK_SECRET).verify(body, h)


@pytest.mark.parametrize("url", ["http://10.1.2.3/hook", "http://169.254.169.254/latest", "http://[::1]:9/x",
                                 "file:///etc/passwd", "http://user:pw@127.0.0.1/x"])  # fmt: skip
def test_private_or_unsafe_webhook_refused(http: httpx.Client, url: str) -> None:
    response = http.post("/v1/documents/park_application", json=sample(),
                         headers={"prefer": "respond-async", "x-webhook-url": url})  # fmt: skip
    body = assert_problem(response, 422, "webhook_url_refused")
    assert "Webhook" in body["detail"]
    [error] = body["errors"]  # like every 422: the field at fault, here the header
    assert error["loc"] == "header.X-Webhook-URL" and error["code"] == "webhook_url_refused"


def one_candidate_batch_zip() -> bytes:
    """A batch ZIP of samples/batch_guangzhou reduced to its first 园区 (park-1), for a quick full batch."""
    manifest = json.loads((BATCH_SAMPLE / "manifest.json").read_text(encoding="utf-8"))
    manifest["candidates"] = [c for c in manifest["candidates"] if c["id"] == "park-1"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False))
        zf.write(BATCH_SAMPLE / "payloads" / "park-1.json", "payloads/park-1.json")
        for path in sorted((BATCH_SAMPLE / "attachments" / "park-1").rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(BATCH_SAMPLE).as_posix())
    return out.getvalue()


def submit_batch(http: httpx.Client, data: bytes, webhook: str) -> httpx.Response:
    files = {"file": ("广州.zip", data, "application/zip")}
    return http.post("/v1/batches", files=files, headers={"x-webhook-url": webhook})


def test_batch_webhooks_completed_and_failed(http: httpx.Client, receiver: Receiver) -> None:
    data = one_candidate_batch_zip()
    done = submit_batch(http, data, f"{receiver.url}/batch-done")
    assert done.status_code == 202, done.text
    # The runner takes one batch at a time: the second waits behind the first and is cancelled while queued,
    # which ends it without a result (batch.failed).
    dropped = submit_batch(http, data, f"{receiver.url}/batch-dropped")
    assert dropped.status_code == 202, dropped.text
    cancelled = http.delete(f"/v1/batches/{dropped.json()['id']}")
    assert cancelled.status_code == 202 and cancelled.json()["state"] == "cancelled"
    assert_problem(submit_batch(http, data, "http://10.1.2.3/hook"), 422, "webhook_url_refused")

    wait_until(lambda: receiver.at("/batch-dropped"))
    _, headers, body = receiver.at("/batch-dropped")[0]
    event = Webhook(WEBHOOK_SECRET).verify(body, headers)
    assert event["type"] == "batch.failed"
    assert event["data"]["id"] == dropped.json()["id"] and event["data"]["state"] == "cancelled"
    assert "result" not in event["data"]["links"]

    wait_until(lambda: receiver.at("/batch-done"), timeout=300)
    [(_, headers, body)] = receiver.at("/batch-done")
    event = Webhook(WEBHOOK_SECRET).verify(body, headers)
    batch_id = done.json()["id"]
    assert event["type"] == "batch.completed" and event["data"]["id"] == batch_id
    assert event["data"]["state"] == "completed" and event["data"]["links"]["self"] == f"/v1/batches/{batch_id}"
    status = http.get(event["data"]["links"]["self"]).json()
    assert status["state"] == "completed" and [c["status"] for c in status["candidates"]] == ["ok"]

    # The result the event links to is the finished batch: the 园区's folder and the 推荐汇总表.
    result = http.get(event["data"]["links"]["result"])
    assert result.status_code == 200 and result.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(result.content)) as zf:
        names = zf.namelist()
    assert "广州市推荐材料/广州市国家新兴产业发展示范基地创建对象推荐汇总表.pdf" in names
    parks = {n.split("/")[2] for n in names if n.count("/") >= 3 and n.split("/")[1] == "园区类"}
    assert len(parks) == 1 and not any(n.split("/")[1] == "企业类" for n in names if n.count("/") >= 3)

    # The delivery record has the webhook-id the receiver saw; another key does not see it.
    (delivery,) = http.get(f"/v1/batches/{batch_id}/deliveries").json()["deliveries"]
    assert delivery["id"] == headers["webhook-id"] and delivery["event"] == "batch.completed"
    assert delivery["state"] == "succeeded" and [a["status_code"] for a in delivery["attempt_list"]] == [204]
    other = http.get(f"/v1/batches/{batch_id}/deliveries", headers={"x-api-key": OTHER_KEY})
    assert other.status_code == 200 and other.json()["deliveries"] == []


# --- result expiry -------------------------------------------------------------------------------------------


def test_expired_result_is_gone(pool: ConversionPool, tmp_path: Path) -> None:
    ttl = 8.0
    with (
        ServerThread(create_app(embedding_settings(tmp_path, job_result_ttl=ttl), pool=pool)) as srv,
        httpx.Client(base_url=srv.base_url, timeout=180, headers=PORTAL) as client,
    ):
        response = client.post("/v1/documents/park_application?format=docx", json=unique_sample("庚"),
                               headers={"prefer": "respond-async"})  # fmt: skip
        assert response.status_code == 202, response.text
        job = wait_for(client, response.headers["location"])
        assert job["state"] == "succeeded", job
        finished = datetime.fromisoformat(job["finished_at"])
        lifetime = datetime.fromisoformat(job["expires_at"]) - finished
        assert abs(lifetime - timedelta(seconds=ttl)) < timedelta(milliseconds=1)
        stored = tmp_path / "embedding" / "jobs" / job["id"] / "result"
        fresh = client.get(f"/v1/jobs/{job['id']}/result")
        assert fresh.status_code == 200 and fresh.content == stored.read_bytes()
        assert unique_sample("庚")["cover"]["applicant"] in all_text(fresh.content).replace("\n", "")

        def expired() -> bool:
            return client.get(f"/v1/jobs/{job['id']}/result").status_code == 410

        wait_until(expired, timeout=ttl + 60)
        body = assert_problem(client.get(f"/v1/jobs/{job['id']}/result"), 410, "job_result_expired")
        assert "DOCGEN_JOB_RESULT_TTL" in body["detail"]
        # Gone from storage, not merely hidden, and the status says so.
        assert not stored.exists() and not stored.parent.exists()
        assert client.get(f"/v1/jobs/{job['id']}").json()["result"] == {"removed": True}


# --- Idempotency-Key -----------------------------------------------------------------------------------------


def test_idempotent_replay_and_mismatch(http: httpx.Client) -> None:
    payload = unique_sample("丙")
    first = http.post("/v1/documents/park_application", json=payload, headers={"idempotency-key": "doc-1"})
    assert first.status_code == 200
    again = http.post("/v1/documents/park_application", json=payload, headers={"idempotency-key": "doc-1"})
    assert again.status_code == 200 and again.content == first.content
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    for name in ("content-type", "content-disposition", "etag"):
        assert again.headers[name] == first.headers[name]
    changed = dict(payload, cover={**payload["cover"], "applicant": "另一个单位"})
    reused = http.post("/v1/documents/park_application", json=changed, headers={"idempotency-key": "doc-1"})
    mismatch = assert_problem(reused, 422, "idempotency_key_mismatch")
    assert [e["loc"] for e in mismatch["errors"]] == ["header.Idempotency-Key"]
    for bad in (b"doc 1", b"x" * 256, "文档-1".encode()):
        refused = http.post("/v1/documents/park_application", json=payload, headers={b"idempotency-key": bad})
        assert_problem(refused, 400, "idempotency_key_invalid")
    # Keys belong to their API key: the same key string under another API key is another request.
    other = http.post("/v1/documents/park_application", json=changed,
                      headers={"idempotency-key": "doc-1", "x-api-key": OTHER_KEY})  # fmt: skip
    assert other.status_code == 200 and "idempotent-replayed" not in other.headers

    # An async submission replays its 202 and the same job.
    headers = {"idempotency-key": "async-1", "prefer": "respond-async"}
    a = http.post("/v1/documents/park_application", json=payload, headers=headers)
    b = http.post("/v1/documents/park_application", json=payload, headers=headers)
    assert a.status_code == b.status_code == 202 and a.headers["location"] == b.headers["location"]


def test_idempotency_key_in_progress(http: httpx.Client, server: ServerThread, data_dir: Path) -> None:
    files = package_files("3/主导产业规上企业名单.pdf")
    data = {"payload": json.dumps(unique_sample("丁"), ensure_ascii=False), "items": ["3"]}
    headers = {"idempotency-key": "pkg-1"}
    results: list[httpx.Response] = []
    first = threading.Thread(target=lambda: results.append(
        http.post("/v1/packages/park_application?format=pdf", data=data, files=files, headers=headers)))  # fmt: skip
    first.start()
    store = EmbeddingStore(f"sqlite:///{(data_dir / 'batches' / 'batches.db').resolve()}")
    try:

        def claimed() -> bool:
            with store.engine.connect() as conn:
                return conn.exec_driver_sql("SELECT count(*) FROM idempotency_keys WHERE key='pkg-1'").scalar() == 1

        wait_until(claimed)
        during = http.post("/v1/packages/park_application?format=pdf", data=data, files=files, headers=headers)
    finally:
        first.join(180)
        store.close()
    assert_problem(during, 409, "idempotency_key_in_progress")
    assert results[0].status_code == 200
    after = http.post("/v1/packages/park_application?format=pdf", data=data, files=files, headers=headers)
    assert after.status_code == 200 and after.content == results[0].content


# --- signed links --------------------------------------------------------------------------------------------


def test_signed_link_works_expires_and_refuses_tampering(http: httpx.Client, server: ServerThread) -> None:
    response = http.post(
        "/v1/documents/park_application", json=unique_sample("戊"), headers={"prefer": "respond-async"}
    )
    job = wait_for(http, response.headers["location"])
    original = http.get(f"/v1/jobs/{job['id']}/result").content
    with httpx.Client(base_url=server.base_url, timeout=60) as anonymous:  # no API key
        assert_problem(anonymous.get(f"/v1/jobs/{job['id']}/result"), 401)
        from_status = anonymous.get(job["result"]["signed_url"])
        assert from_status.status_code == 200 and from_status.content == original

        link = http.post(f"/v1/jobs/{job['id']}/links?expires_in=1").json()
        token = link["url"].rsplit("/", 1)[1]
        works = anonymous.get(link["url"])
        assert works.status_code == 200 and works.content == original
        assert works.headers["content-disposition"].startswith("attachment;")
        body, sig = token.split(".")
        forged = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
        assert_problem(anonymous.get(f"/v1/files/{forged}.{sig}"), 403, "link_invalid")
        assert_problem(anonymous.get(f"/v1/files/{body}.{sig[::-1]}"), 403, "link_invalid")
        assert_problem(anonymous.get("/v1/files/..%2F..%2Fetc%2Fpasswd"), 404)  # a path is never a token
        assert_problem(anonymous.get("/v1/files/Li4vLi4vZXRjL3Bhc3N3ZA.Li4v"), 403, "link_invalid")
        time.sleep(1.2)
        assert_problem(anonymous.get(link["url"]), 403, "link_expired")


# --- per-key policy -----------------------------------------------------------------------------------------


def test_rate_limit_reached_and_recovered(server: ServerThread) -> None:
    with httpx.Client(base_url=server.base_url, timeout=60, headers={"x-api-key": LIMITED_KEY}) as client:
        before = metric(client, 'docgen_api_key_requests_total{key="limited",outcome="rate_limited"}')
        allowed = [client.get("/v1/templates") for _ in range(3)]
        assert [r.status_code for r in allowed] == [200, 200, 200]
        assert allowed[-1].headers["ratelimit"].startswith('"default";r=0;')
        assert allowed[0].headers["ratelimit-policy"] == '"default";q=3;w=2'
        refused = client.get("/v1/templates")
        assert_problem(refused, 429, "rate_limited")
        retry_after = int(refused.headers["retry-after"])
        assert 1 <= retry_after <= 2 and "ratelimit" in refused.headers
        after = metric(client, 'docgen_api_key_requests_total{key="limited",outcome="rate_limited"}')
        assert after == before + 1
        time.sleep(retry_after + 0.1)
        assert client.get("/v1/templates").status_code == 200


def test_key_file_reloaded_without_restart(server: ServerThread) -> None:
    new_key = "added-later-0123456789abcdef"
    with httpx.Client(base_url=server.base_url, timeout=60, headers={"x-api-key": new_key}) as client:
        assert_problem(client.get("/v1/templates"), 401, "api_key_invalid")
        write_keys(server.keys_file, [{"name": "added", "secret_sha256": hash_secret(new_key)}])  # type: ignore[attr-defined]
        wait_until(lambda: client.get("/v1/templates").status_code == 200, timeout=10)


# --- render cache -------------------------------------------------------------------------------------------


def test_render_cache_hit_returns_identical_bytes(http: httpx.Client) -> None:
    payload = unique_sample("己")
    hits = 'docgen_render_cache_hits_total{template="park_application"}'
    misses = 'docgen_render_cache_misses_total{template="park_application"}'
    h0, m0 = metric(http, hits), metric(http, misses)
    first = http.post("/v1/documents/park_application?format=pdf", json=payload)
    assert (metric(http, hits), metric(http, misses)) == (h0, m0 + 1)
    second = http.post("/v1/documents/park_application?format=pdf", json=payload)
    assert (metric(http, hits), metric(http, misses)) == (h0 + 1, m0 + 1)
    assert first.status_code == second.status_code == 200 and first.content == second.content
    assert first.headers["etag"] == second.headers["etag"] and second.headers["cache-control"] == "no-cache"
    assert http.post("/v1/documents/park_application?format=pdf", json=payload,
                     headers={"if-none-match": first.headers["etag"]}).status_code == 304  # fmt: skip
    # Another format is another entry.
    docx_bytes = http.post("/v1/documents/park_application?format=docx", json=payload).content
    assert docx_bytes[:2] == b"PK" and metric(http, misses) == m0 + 2
