"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from service.conversion import ConversionPool, PoolSettings


@pytest.fixture(scope="session")
def converter() -> Iterator[ConversionPool]:
    """One LibreOffice pool for the tests that only need conversions done (packaging, batches, layout):
    handed in explicitly, as the service hands its own pool to packaging and batches."""
    with ConversionPool(PoolSettings()) as pool:
        yield pool
