"""The Mediatel client loads python-socketio without the synchronous client's HTTP stack.

Each test imports in a fresh interpreter: whether ``requests`` gets loaded
depends on what the process imported before, which in the test run is
everything.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

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
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_THE_CLIENT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    report = json.loads(done.stdout)
    assert report == {"loaded": [], "async_client": "MediatelClient", "requests_after": "requests"}
