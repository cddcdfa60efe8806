"""Loopback ICE for a softphone SUBPROCESS under test.

Tests put this folder (and the repository root) on the child's PYTHONPATH;
Python imports ``sitecustomize`` at start-up, which applies the same patch as
``tests/peers/loopback_ice.py`` so the child offers a 127.0.0.1 candidate on
a loopback-only machine. The product never sees this file.

aiortc's stack is imported through ``softphone.media``, as the app does, so
the child keeps out what the app keeps out (``softphone/media/__init__.py``).
With ``SOFTPHONE_TEST_MODULES`` set, the child writes the names of the
modules it ran to that file as it exits (tests/test_imports.py's guard).
"""

import atexit
import json
import os
import sys

import softphone.media  # noqa: F401  (before aioice, as in the app)

# isort: split
import aioice.ice

from softphone.imports import has_run
from tests.peers.loopback_ice import loopback_host_addresses

aioice.ice.get_host_addresses = loopback_host_addresses


def _write_modules(path: str) -> None:
    with open(path, "w", encoding="utf-8") as report:
        json.dump(sorted(name for name in list(sys.modules) if has_run(name)), report)


if os.environ.get("SOFTPHONE_TEST_MODULES"):
    atexit.register(_write_modules, os.environ["SOFTPHONE_TEST_MODULES"])
