"""ICE on loopback: the one switch the in-process modes and the tests' child processes need.

aioice never gathers loopback host candidates, so two ends of a call on
one machine with no network (a laptop offline, a CI runner with only
``lo``) would have none at all. Apart from ``softphone.sim.local`` so that a
process which needs only the switch (a test's child, the footprint bench)
does not import the whole simulator with it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import aioice.ice

HOST = "127.0.0.1"


def loopback_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    """Stands in for ``aioice.ice.get_host_addresses``: IPv4 loopback only."""
    return [HOST] if use_ipv4 else []


@contextlib.contextmanager
def loopback_ice() -> Iterator[None]:
    """While active, aiortc (both the agent's phone and the simulator) gathers 127.0.0.1."""
    original = aioice.ice.get_host_addresses
    aioice.ice.get_host_addresses = loopback_host_addresses
    try:
        yield
    finally:
        aioice.ice.get_host_addresses = original
