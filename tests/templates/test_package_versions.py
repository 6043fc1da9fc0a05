"""A package's 申请书 renders with the template version POST /v1/documents would use: an uploaded override of
park_application (one extra visible line) by default, the built-in file when its own version is pinned with
`?version=` (or `docgen package --version`); the version used comes back as X-Template-Version (and in the
package's manifest.json)."""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from typer.testing import CliRunner

from service.api.app import create_app
from service.api.routers.template_store import template_store
from service.cli import app as cli_app
from service.conversion import ConversionPool, PoolSettings
from service.rendering.catalog import get_template
from service.templates.store import configured_store
from tests.templates.test_batch_versions import MARKER, with_extra_line
from tests.test_api import make_settings, sample

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
ATTACHMENT = Path(__file__).resolve().parents[2] / "samples" / "attachments" / "park" / "3" / "主导产业规上企业名单.pdf"


def pdf_text(data: bytes | Path) -> str:
    reader = PdfReader(io.BytesIO(data) if isinstance(data, bytes) else data)
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data directory the API and the CLI (`configured_store`) both use, with an override uploaded."""
    root = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as mp:
        for name in ("DOCGEN_DATABASE_URL", "DOCGEN_STORAGE_DIR", "DOCGEN_SETTINGS_FILE"):
            mp.delenv(name, raising=False)
        mp.setenv("DOCGEN_DATA_DIR", str(root))
        yield root


@pytest.fixture(scope="module")
def uploaded(data_dir: Path) -> str:
    store = template_store(make_settings(data_dir))
    found = configured_store()
    assert found is not None and found.files_dir == store.files_dir
    builtin = get_template("park_application").docx_path.read_bytes()
    version = store.upload(with_extra_line(builtin), template_id="park_application").record.version
    assert version != get_template("park_application").version
    return str(version)


@pytest.fixture(scope="module")
def client(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    lo = tmp_path_factory.mktemp("lo")
    with ConversionPool(PoolSettings(size=1, conversion_timeout=120, start_timeout=120, temp_root=str(lo))) as pool:
        with TestClient(create_app(make_settings(data_dir), pool=pool)) as http:
            yield http


def post_package(client: TestClient, query: str = "") -> Any:
    files = [("files", (ATTACHMENT.name, ATTACHMENT.read_bytes(), "application/pdf"))]
    data = {"payload": json.dumps(sample(), ensure_ascii=False), "items": ["3"], "titles": ["规上企业名单"]}
    return client.post(f"/v1/packages/park_application?format=pdf{query}", data=data, files=files)


def test_api_package_renders_the_newest_uploaded_version(client: TestClient, uploaded: str) -> None:
    response = post_package(client)
    assert response.status_code == 200, response.text
    assert response.headers["x-template-version"] == uploaded
    text = pdf_text(response.content)
    assert MARKER in text
    assert sample()["cover"]["applicant"] in text


def test_api_package_pinned_to_the_builtin_version(client: TestClient, uploaded: str) -> None:
    builtin = get_template("park_application").version
    response = post_package(client, f"&version={builtin}")
    assert response.status_code == 200, response.text
    assert response.headers["x-template-version"] == builtin
    text = pdf_text(response.content)
    assert MARKER not in text
    assert sample()["cover"]["applicant"] in text and "一、基本情况" in text


def test_api_package_unknown_version_is_404_before_any_work(client: TestClient, uploaded: str) -> None:
    response = post_package(client, "&version=0000000000000000")
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_template_version"


def _cli_package(tmp_path: Path, *extra: str) -> tuple[str, str]:
    """(申请书.pdf text, version in the package's manifest.json) of `docgen package`."""
    (tmp_path / "att" / "3").mkdir(parents=True)
    shutil.copy(ATTACHMENT, tmp_path / "att" / "3" / ATTACHMENT.name)
    payload = tmp_path / "park.json"
    payload.write_text(json.dumps(sample(), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli_app, ["package", str(payload), "--attachments", str(tmp_path / "att"), "-o", str(out), *extra]
    )
    assert result.exit_code == 0, result.output
    (application,) = out.rglob("申请书.pdf")
    manifest = json.loads((application.parent / "manifest.json").read_text(encoding="utf-8"))
    return pdf_text(application), manifest["template"]["version"]


def test_cli_package_default_and_pinned_builtin(uploaded: str, tmp_path: Path) -> None:
    text, version = _cli_package(tmp_path / "default")
    assert MARKER in text and version == uploaded
    builtin = get_template("park_application").version
    text, version = _cli_package(tmp_path / "pinned", "--version", builtin)
    assert MARKER not in text and version == builtin
