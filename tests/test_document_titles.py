"""The PDF Title of a rendered 公文 is the notice's own 标题 (as stored in its .docx), through the CLI and
through the HTTP API (a real uvicorn server); a form keeps its template's title."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pypdf
import pytest
from typer.testing import CliRunner

from service.api.app import create_app
from service.cli import app
from service.conversion import ConversionPool
from service.rendering import get_template, validate
from service.rendering.titles import document_title
from tests.test_api import ServerThread, make_settings

ROOT = Path(__file__).resolve().parents[1]
KIND = "公文（通知、函）"

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def sample(name: str) -> dict[str, Any]:
    return json.loads((ROOT / "samples" / f"{name}.json").read_text(encoding="utf-8"))


def metadata(pdf: bytes) -> dict[str, str]:
    info = pypdf.PdfReader(io.BytesIO(pdf)).metadata
    assert info is not None
    return {"title": info.title or "", "subject": info.subject or "", "author": info.author or ""}


def test_document_title_of_a_payload() -> None:
    notice = sample("official_document")
    assert document_title("official_document", validate("official_document", notice)) == notice["title"]
    assert document_title("official_document") == KIND  # a blank 公文
    park = validate("park_application", sample("park_application"))
    assert document_title("park_application", park) == get_template("park_application").title


def test_cli_pdf_title_is_the_notice_title(tmp_path: Path) -> None:
    out = tmp_path / "notice.pdf"
    result = CliRunner().invoke(app, ["render", "official_document", "samples/official_document.json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    meta = metadata(out.read_bytes())
    assert meta["title"] == sample("official_document")["title"]
    assert meta["subject"] == KIND


@pytest.fixture(scope="module")
def http(converter: ConversionPool, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    settings = make_settings(tmp_path_factory.mktemp("data"), max_body_bytes=256 * 1024)
    with ServerThread(create_app(settings, pool=converter)) as server:
        with httpx.Client(base_url=server.base_url, timeout=180) as client:
            yield client


def test_api_pdf_title_is_the_letter_title(http: httpx.Client) -> None:
    letter = sample("city_recommendation_letter")
    response = http.post("/v1/documents/official_document", params={"format": "pdf"}, json=letter)
    assert response.status_code == 200, response.text
    assert metadata(response.content)["title"] == letter["title"]
