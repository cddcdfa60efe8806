"""After a device scan, ALSA's plugins for devices nobody opened are unmapped again."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCAN = """
import json, sys
from pathlib import Path
from softphone.media import alsa, devices
if sys.argv[1] == "keep":
    alsa.release_probed_plugins = devices.release_probed_plugins = lambda: False
try:
    devices.list_devices()
except devices.NoAudioDevice:
    pass
maps = Path("/proc/self/maps").read_text()
print(json.dumps(sorted({l.split("/")[-1] for l in maps.splitlines() if "libasound_module_" in l})))
"""


def _plugins_mapped(mode: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", SCAN, mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ALSA")
def test_a_device_scan_leaves_no_alsa_plugin_loaded() -> None:
    if not _plugins_mapped("keep"):
        pytest.skip("this machine's ALSA configuration names no plugin PCM to probe")
    assert _plugins_mapped("release") == []
