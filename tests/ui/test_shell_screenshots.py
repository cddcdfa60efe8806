"""scripts/shell_screenshots.py renders the tray, the popup, settings → audio and global keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.ui.test_screenshots import distinct_colours, render

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
    render("shell_screenshots.py", tmp_path)
    assert {p.stem for p in tmp_path.glob("*.png")} == SHOTS
    for name in SHOTS:
        image = QImage(str(tmp_path / f"{name}.png"))
        assert image.width() > 100 and distinct_colours(image) > 8, name
