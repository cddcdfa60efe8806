"""Fixtures for media tests: loopback ICE and a pair of connected sessions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.peers.loopback_ice import loopback_ice as _loopback_ice


@pytest.fixture(autouse=True)
def loopback_ice() -> Iterator[None]:
    """Every media test gathers 127.0.0.1 candidates (see tests/peers/loopback_ice.py)."""
    with _loopback_ice():
        yield
