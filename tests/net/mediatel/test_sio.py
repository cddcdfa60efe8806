"""The Mediatel client loads python-socketio without the synchronous client's HTTP stack.

Each test imports in a fresh interpreter: whether ``requests`` gets loaded
depends on what the process imported before, which in the test run is
everything.
"""

from __future__ import annotations

import importlib.util

import pytest

from tests.fresh_python import report_of

IMPORT_THE_CLIENT = """
import json, sys
from softphone.net.mediatel.client import MediatelClient
loaded = sorted(n for n in ("requests", "urllib3", "charset_normalizer") if n in sys.modules)
import requests  # still importable afterwards, for anything else that wants it
print(json.dumps({"loaded": loaded, "async_client": MediatelClient.__name__,
                  "requests_after": requests.__name__}))
"""


@pytest.mark.skipif(importlib.util.find_spec("requests") is None, reason="requests not installed")
def test_the_client_leaves_requests_unloaded_though_installed_and_importable_after() -> None:
    report = report_of(IMPORT_THE_CLIENT, timeout=60)
    assert report == {"loaded": [], "async_client": "MediatelClient", "requests_after": "requests"}
