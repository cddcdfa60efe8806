"""Loopback ICE for a softphone SUBPROCESS under test.

Tests put this folder (and the repository root) on the child's PYTHONPATH;
Python imports ``sitecustomize`` at start-up, which applies the same patch as
``tests/peers/loopback_ice.py`` so the child offers a 127.0.0.1 candidate on
a loopback-only machine. The product never sees this file.
"""

import aioice.ice

from tests.peers.loopback_ice import loopback_host_addresses

aioice.ice.get_host_addresses = loopback_host_addresses
