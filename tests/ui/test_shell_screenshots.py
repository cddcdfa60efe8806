"""scripts/shell_screenshots.py renders the tray, the popup, settings → audio and global keys."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.peers.fixtures import unavailable
from tests.ui.test_screenshots import distinct_colours

ROOT = Path(__file__).resolve().parents[2]
SHOTS = {
    "tray-icons",
    "tray-menu",
    "incoming-call",
    "incoming-call-auto-answer",
    "settings-audio",
    "settings-global-shortcuts",
}


@pytest.mark.peers
def test_shell_screenshots_render(tmp_path: Path) -> None:
    if shutil.which("Xvfb") is None:
        unavailable("Xvfb is not installed (apt-get install xvfb)")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "shell_screenshots.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert {p.stem for p in tmp_path.glob("*.png")} == SHOTS
    for name in SHOTS:
        image = QImage(str(tmp_path / f"{name}.png"))
        assert image.width() > 100 and distinct_colours(image) > 8, name
