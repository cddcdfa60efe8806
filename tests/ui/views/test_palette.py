"""The window follows the system's light or dark palette, icons included."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from softphone.ui.palette import (
    BACKGROUNDS,
    Tone,
    background,
    contrast,
    foreground,
    hint_colour,
    ink,
    is_dark,
)
from tests.fakes import agent_scenes as scenes
from tests.ui.conftest import Desk


def dark() -> QPalette:
    palette = QPalette()
    for role, colour in {
        QPalette.ColorRole.Window: "#2b2d30",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1f22",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#3a3d41",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
    }.items():
        palette.setColor(role, QColor(colour))
    return palette


def icon_colour(icon: QIcon) -> QColor:
    image = icon.pixmap(24, 24).toImage()
    painted = [
        image.pixelColor(x, y)
        for y in range(image.height())
        for x in range(image.width())
        if image.pixelColor(x, y).alpha() > 200
    ]
    assert painted
    return painted[len(painted) // 2]


@pytest.fixture
def restore_palette(qapp: QApplication) -> Iterator[None]:
    before = qapp.palette()
    yield
    qapp.setPalette(before)


def test_switching_to_dark_redraws_icons_and_badges(
    desk: Desk, qapp: QApplication, restore_palette: None
) -> None:
    desk.show(scenes.in_call())
    hold = desk.window.call_panel.hold
    assert not is_dark()
    assert icon_colour(hold.icon()).lightness() < 100  # dark icon on a light window
    light_badge = BACKGROUNDS[Tone.BUSY][0]
    assert light_badge in desk.window.status.badge.styleSheet()

    qapp.setPalette(dark())
    desk.settle()

    assert is_dark()
    assert icon_colour(hold.icon()).lightness() > 180  # light icon on a dark window
    assert icon_colour(desk.window.dialer.backspace.icon()).lightness() > 180
    assert BACKGROUNDS[Tone.BUSY][1] in desk.window.status.badge.styleSheet()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_tone_reads_at_aa_contrast(
    qapp: QApplication, restore_palette: None, scheme: str
) -> None:
    """Badge text on its tone, and a tone's text on the window, at WCAG AA (4.5:1):
    the status badge, the call buttons and error sentences are read all day."""
    if scheme == "dark":
        qapp.setPalette(dark())
    assert is_dark() is (scheme == "dark")
    window = qapp.palette().color(QPalette.ColorRole.Window)
    base = qapp.palette().color(QPalette.ColorRole.Base)
    for tone in Tone:
        on_badge = contrast(background(tone), foreground(tone))
        assert on_badge >= 4.5, (scheme, tone, background(tone).name(), on_badge)
    assert contrast(hint_colour(), window) >= 4.5, (scheme, hint_colour().name())
    for tone in (Tone.BAD, Tone.WAIT):
        for behind in (window, base):
            on_window = contrast(ink(tone), behind)
            assert on_window >= 4.5, (scheme, tone, ink(tone).name(), behind.name(), on_window)
