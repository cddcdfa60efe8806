from collections.abc import Iterator

import pytest

from tests.peers.loopback_ice import loopback_ice as _loopback_ice
from tests.peers.mediatel_sip import sip_sim

__all__ = ["sip_sim"]


@pytest.fixture
def loopback_ice() -> Iterator[None]:
    with _loopback_ice():
        yield
