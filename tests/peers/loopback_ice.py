"""Loopback ICE candidates for tests on a machine with no other network.

aioice never gathers 127.0.0.1 or ::1 host candidates (hard-coded in
``aioice.ice.get_host_addresses``), so two aiortc peers, or aiortc and a
Chromium started with ``--allow-loopback-in-peer-connection``, cannot reach
each other on a loopback-only CI machine. The switch lives in
``softphone.sim.loopback_ice``, where the demo and the self-test (both ends of the
call in one process) use it too; a real call never does.
"""

from __future__ import annotations

from softphone.sim.loopback_ice import loopback_host_addresses, loopback_ice

__all__ = ["loopback_host_addresses", "loopback_ice"]
