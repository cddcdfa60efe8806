"""Loopback ICE candidates for tests on a machine with no other network.

aioice never gathers 127.0.0.1 or ::1 host candidates (hard-coded in
``aioice.ice.get_host_addresses``), so two aiortc peers, or aiortc and a
Chromium started with ``--allow-loopback-in-peer-connection``, cannot reach
each other on a loopback-only CI machine. The product must not depend on
this: only tests patch it, here, in one place.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import aioice.ice


def loopback_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    """Stands in for ``aioice.ice.get_host_addresses``: IPv4 loopback only."""
    return ["127.0.0.1"] if use_ipv4 else []


@contextmanager
def loopback_ice() -> Iterator[None]:
    """While active, aiortc gathers exactly one host candidate: 127.0.0.1."""
    original = aioice.ice.get_host_addresses
    aioice.ice.get_host_addresses = loopback_host_addresses
    try:
        yield
    finally:
        aioice.ice.get_host_addresses = original
