"""The API additions the workbench needs (usable by any portal): thumbnail, 附件清单 items, batch check."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import httpx
from PIL import Image

from tests.browser.conftest import ServerThread

ROOT = Path(__file__).resolve().parents[2]
BATCH_SAMPLE = ROOT / "samples" / "batch_guangzhou"


def test_page_and_modules_are_served_without_outside_resources(server: ServerThread) -> None:
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        page = http.get("/")
        assert page.status_code == 200 and "申报工作台" in page.text
        folder = ROOT / "service" / "api" / "static" / "workbench"
        for path in sorted(folder.rglob("*.js")) + sorted(folder.rglob("*.css")):
            served = http.get(f"/static/workbench/{path.relative_to(folder).as_posix()}")
            assert served.status_code == 200, path
            # Offline networks: nothing is loaded from another host.
            assert "http://" not in served.text and "https://" not in served.text, path
        assert "http" not in page.text.replace('lang="zh-CN"', "")


def test_thumbnail_is_the_blank_forms_first_page(server: ServerThread) -> None:
    with httpx.Client(base_url=server.base_url, timeout=240) as http:
        response = http.get("/v1/templates/park_application/thumbnail.png")
        assert response.status_code == 200 and response.headers["content-type"] == "image/png"
        image = Image.open(io.BytesIO(response.content))
        assert image.width == 360 and 1.3 < image.height / image.width < 1.5  # A4 portrait
        # Mostly white paper with some ink (the title and the cover's lines).
        grey = image.convert("L")
        dark = sum(grey.histogram()[:128])
        assert 0.001 < dark / (grey.width * grey.height) < 0.2
        again = http.get("/v1/templates/park_application/thumbnail.png",
                         headers={"If-None-Match": response.headers["etag"]})  # fmt: skip
        assert again.status_code == 304
        assert http.get("/v1/templates/nope/thumbnail.png").status_code == 404


def test_attachment_items_of_the_two_applications(server: ServerThread) -> None:
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        park = http.get("/v1/templates/park_application/attachment-items").json()
        assert [i["item"] for i in park["items"]] == list(range(1, 9))
        assert park["items"][0]["title"] == "示范基地空间布局平面图"
        assert ".pdf" in park["accepted_types"] and park["max_file_bytes"] > 0
        enterprise = http.get("/v1/templates/enterprise_application/attachment-items").json()
        assert enterprise["items"][7]["title"] == "其他"
        other = http.get("/v1/templates/meeting_rsvp/attachment-items")
        assert other.status_code == 404 and other.json()["code"] == "package_unsupported"
        spec = http.get("/openapi.json").json()
        operations = {op["operationId"] for item in spec["paths"].values() for op in item.values()}
        assert {"getTemplateThumbnail", "getAttachmentItems", "checkBatch"} <= operations


def _batch(candidates: list[dict[str, object]]) -> bytes:
    manifest = json.loads((BATCH_SAMPLE / "manifest.json").read_text(encoding="utf-8"))
    manifest["candidates"] = candidates
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False))
        for path in sorted((BATCH_SAMPLE / "payloads").glob("*.json")):
            zf.write(path, f"payloads/{path.name}")
    return buffer.getvalue()


def test_batch_check_reports_problems_without_running(server: ServerThread) -> None:
    park = {"id": "p1", "type": "park", "priority": 1, "payload": "payloads/park-1.json"}
    again = {"id": "p2", "type": "park", "priority": 3, "payload": "payloads/park-1.json"}
    broken = {"id": "e1", "type": "enterprise", "priority": 1, "payload": {"cover": {"applicant": "某公司"}}}
    with httpx.Client(base_url=server.base_url, timeout=120) as http:
        before = len(list((Path(server.server.config.app.state.runtime.settings.data_dir) / "batches").glob("*")))
        files = {"file": ("batch.zip", _batch([park, again, broken]), "application/zip")}
        result = http.post("/v1/batches/check", files=files).json()
        assert result["total"] == 3 and result["runnable"] == 1
        codes = {p["code"] for p in result["problems"]}
        assert {"duplicate_park", "priority_not_contiguous"} <= codes
        by_key = {c["key"]: c for c in result["candidates"]}
        assert by_key["p1"]["will_run"] and not by_key["p2"]["will_run"]
        assert by_key["e1"]["errors"] and any(e["code"] == "required" for e in by_key["e1"]["errors"])
        assert result["recommender"].startswith("广州市")
        # Nothing was kept: no job, no files.
        after = len(list((Path(server.server.config.app.state.runtime.settings.data_dir) / "batches").glob("*")))
        assert after == before
        bad = http.post("/v1/batches/check", files={"file": ("x.zip", b"not a zip", "application/zip")})
        assert bad.status_code == 422 and bad.json()["code"] == "batch_zip_invalid"
