"""Phone tests: loopback ICE candidates (see tests/peers/loopback_ice.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.peers.loopback_ice import loopback_ice as _loopback_ice


@pytest.fixture(autouse=True)
def loopback_ice() -> Iterator[None]:
    with _loopback_ice():
        yield
