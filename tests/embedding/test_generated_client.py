"""The Python client generated from the OpenAPI (clients/python, `make clients`) against a live server: a document
(synchronously and as an async job) and a package, with an API key."""

from __future__ import annotations

import io
import json
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest

from service.api.app import create_app
from service.api.embedding.keys import hash_secret
from service.api.settings import Settings
from service.conversion import ConversionPool, PoolSettings
from tests.test_api import SAMPLES, ServerThread, sample

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "clients" / "python"))

from docgen_client import AuthenticatedClient  # noqa: E402
from docgen_client.api.documents import create_document  # noqa: E402
from docgen_client.api.jobs import get_job, get_job_result  # noqa: E402
from docgen_client.api.packages import create_package  # noqa: E402
from docgen_client.models import (  # noqa: E402
    BodyCreatePackage,
    CreateDocumentTemplateId,
    CreatePackageTemplateId,
    DocumentFormat,
    PackageFormat,
    ParkApplication,
)
from docgen_client.types import File  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
KEY = "client-test-secret-0123456789"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthenticatedClient]:
    data_dir = tmp_path_factory.mktemp("client")
    keys = data_dir / "keys.json"
    keys.write_text(json.dumps({"keys": [{"name": "client", "secret_sha256": hash_secret(KEY)}]}), encoding="utf-8")
    settings = Settings(data_dir=data_dir, pool_size=1, api_keys_file=keys, _env_file=None)
    with ConversionPool(PoolSettings(size=1, conversion_timeout=120, start_timeout=120, temp_root=str(data_dir))) as p:
        with ServerThread(create_app(settings, pool=p)) as server:
            with AuthenticatedClient(
                base_url=server.base_url, token=KEY, prefix="", auth_header_name="X-API-Key", timeout=None
            ) as c:
                yield c


def test_generated_client_renders_a_document(client: AuthenticatedClient) -> None:
    payload = sample()
    body = ParkApplication.from_dict(payload)
    template = CreateDocumentTemplateId.PARK_APPLICATION
    response = create_document.sync_detailed(template, client=client, body=body, format_=DocumentFormat.PDF)
    assert response.status_code == 200
    assert isinstance(response.parsed, File)
    text = "".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert payload["cover"]["applicant"] in text.replace("\n", "")

    accepted = create_document.sync_detailed(template, client=client, body=body, prefer="respond-async")
    assert accepted.status_code == 202
    job_id = accepted.headers["location"].rsplit("/", 1)[1]
    for _ in range(600):
        state = get_job.sync_detailed(job_id, client=client).parsed
        if state["state"] not in ("queued", "running"):  # type: ignore[index]
            break
        time.sleep(0.2)
    result = get_job_result.sync_detailed(job_id, client=client)
    assert result.status_code == 200 and result.content[:2] == b"PK"  # the default format: .docx


def test_generated_client_renders_a_package(client: AuthenticatedClient) -> None:
    attachment = SAMPLES / "attachments" / "park" / "3" / "主导产业规上企业名单.pdf"
    body = BodyCreatePackage(
        payload=json.dumps(sample(), ensure_ascii=False),
        files=[File(payload=io.BytesIO(attachment.read_bytes()), file_name=attachment.name)],
        items=[3],
    )
    response = create_package.sync_detailed(
        CreatePackageTemplateId.PARK_APPLICATION, client=client, body=body, format_=PackageFormat.ZIP
    )
    assert response.status_code == 200, response.content[:500]
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        assert any(n.endswith("附件/3-1_主导产业规上企业名单.pdf") for n in zf.namelist()), zf.namelist()
