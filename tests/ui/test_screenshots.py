"""scripts/screenshots.py renders every main state to a PNG that shows a window."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.fakes.agent_scenes import SCENES
from tests.peers.fixtures import unavailable

ROOT = Path(__file__).resolve().parents[2]


def distinct_colours(image: QImage) -> int:
    colours = set()
    for y in range(0, image.height(), 7):
        for x in range(0, image.width(), 7):
            colours.add(image.pixel(x, y))
    return len(colours)


def render(script: str, out: Path) -> None:
    """Run ``scripts/<script>`` (it starts its own Xvfb) to write its PNGs into ``out``."""
    if shutil.which("Xvfb") is None:
        unavailable("Xvfb is not installed (apt-get install xvfb)")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.peers
def test_screenshots_of_the_main_states(tmp_path: Path) -> None:
    render("screenshots.py", tmp_path)
    names = sorted(p.stem for p in tmp_path.glob("*.png"))
    assert names == sorted([*SCENES, "sign-in-error", "history", "call-cut"])
    for path in tmp_path.glob("*.png"):
        image = QImage(str(path))
        assert (image.width(), image.height()) == (440, 720), path.name
        assert distinct_colours(image) > 20, f"{path.name} looks blank"
