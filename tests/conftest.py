"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from service.conversion import ConversionPool, PoolSettings


@pytest.fixture(scope="session")
def converter() -> Iterator[ConversionPool]:
    """One LibreOffice pool for the tests that only need conversions done (packaging, batches, layout):
    handed in explicitly, as the service hands its own pool to packaging and batches."""
    # Under xdist each worker has its own pool: one LibreOffice process each keeps the 2-core machine's load sane.
    settings = PoolSettings(size=1) if os.environ.get("PYTEST_XDIST_WORKER") else PoolSettings()
    with ConversionPool(settings) as pool:
        yield pool


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    """A throwaway PostgreSQL server (tests/pg_server.py) for the session; tests take a fresh database each."""
    from tests.pg_server import PostgresServer

    with PostgresServer() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: Any) -> str:
    """The URL of a new, empty PostgreSQL database on the session's server."""
    return str(postgres_server.create_database())


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """A new, empty job database, once on SQLite (a file in tmp_path) and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.db'}"
    return str(request.getfixturevalue("postgres_url"))
