"""Schemathesis against the app's own OpenAPI, over HTTP to a real uvicorn server on 127.0.0.1.

Every operation except the package one (multipart uploads assembled into a full package: too slow to fuzz
in the suite, and covered by tests/test_api.py) gets a bounded number of generated requests — valid and
invalid — and the responses must never be a 5xx and must match the documented status codes, media types,
headers and schemas.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from service.api.app import create_app
from service.conversion import ConversionPool, PoolSettings
from tests.test_api import ServerThread, make_settings

MAX_EXAMPLES = 15
FUZZED_OUT = {"createPackage", "createBatch"}

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"max-examples": MAX_EXAMPLES},
        "checks": {
            # A payload can satisfy the JSON Schema and still break a rule between fields (a part above its
            # total, a stated ratio that does not match): that is a documented 422 with every error listed.
            "positive_data_acceptance": {"expected-statuses": ["2xx", "304", "404", "422"]},
        },
        "operations": [
            {
                # A signed link is valid only with the server's HMAC, which no generator can produce: a
                # schema-valid token that the server did not sign is its documented 403 (link_invalid).
                "include-operation-id": "downloadSignedFile",
                "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "403", "404", "410"]}},
            }
        ],
    }
)


# The schema is the app's own (built without starting anything); the requests go to a real server.
OPENAPI = create_app(make_settings(Path("unused"))).openapi()
schema = schemathesis.openapi.from_dict(OPENAPI, config=CONFIG).exclude(operation_id=sorted(FUZZED_OUT))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    tmp: Path = tmp_path_factory.mktemp("fuzz")
    pool_settings = PoolSettings(size=1, conversion_timeout=120, start_timeout=120, temp_root=str(tmp))
    with ConversionPool(pool_settings) as pool, ServerThread(create_app(make_settings(tmp), pool=pool)) as srv:
        yield srv


def test_the_server_serves_the_schema_under_test(server: ServerThread) -> None:
    assert httpx.get(f"{server.base_url}/openapi.json").json() == json.loads(json.dumps(OPENAPI))


@schema.parametrize()
# derandomize: the same requests in every run, so that CI's verdict does not depend on the seed.
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi(case: schemathesis.Case, server: ServerThread) -> None:
    case.call_and_validate(base_url=server.base_url, timeout=180)
