"""Global shortcuts on a real X server (Xvfb): keys typed while another program has the focus.

The app's QApplication in this pytest is offscreen, so the real-display
check runs ``xcb_session.py`` in a pytest of its own, on Qt's xcb platform
(see there for what it checks).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.peers.xvfb import xvfb

ROOT = Path(__file__).resolve().parents[3]
SESSION = Path(__file__).with_name("xcb_session.py")
TOOLS = ("Xvfb", "xdotool", "xmessage", "setxkbmap")
QUICK = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:benchmark")
"""Plugins the child does not use (hypothesis alone takes 2 s to import)."""


def test_global_keys_on_a_real_x_display() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        if os.environ.get("SOFTPHONE_REQUIRE_PEERS"):
            pytest.fail(f"missing {missing}: run scripts/install-deps.sh")
        pytest.skip(f"missing {missing}")
    started = time.monotonic()
    with xvfb() as display:
        env = dict(os.environ, DISPLAY=display, SOFTPHONE_TEST_QT_PLATFORM="xcb")
        env["XDG_SESSION_TYPE"] = "x11"
        env.pop("WAYLAND_DISPLAY", None)
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", *QUICK, str(SESSION)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout
    assert time.monotonic() - started < 30  # 4-6 s here; generous for a loaded machine
