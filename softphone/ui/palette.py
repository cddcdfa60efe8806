"""Colours that mean something (agent status, link health, call quality).

They follow the system palette: the same meaning gets a lighter tone on a
dark window and a deeper one on a light window, so text on them stays
readable. Status is never colour alone: every coloured badge also says it
in words.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette


class Tone(enum.Enum):
    GOOD = "good"  # available, link up, good quality
    BUSY = "busy"  # in a call
    HOLD = "hold"
    WAIT = "wait"  # pause, reconnecting, fair quality
    WORK = "work"  # after-call work
    BAD = "bad"  # failed link, poor quality, force pause
    OFF = "off"  # signed out, unknown


# tone -> (background on a light window, background on a dark window)
BACKGROUNDS: dict[Tone, tuple[str, str]] = {
    Tone.GOOD: ("#2e7d32", "#43a047"),
    Tone.BUSY: ("#1565c0", "#1e88e5"),
    Tone.HOLD: ("#6a1b9a", "#8e24aa"),
    Tone.WAIT: ("#b26a00", "#f9a825"),
    Tone.WORK: ("#00695c", "#00897b"),
    Tone.BAD: ("#c62828", "#e53935"),
    Tone.OFF: ("#616161", "#757575"),
}


def is_dark() -> bool:
    """The window is dark (the system's colour scheme, else the palette's lightness)."""
    scheme = QGuiApplication.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def background(tone: Tone) -> QColor:
    light, dark = BACKGROUNDS[tone]
    return QColor(dark if is_dark() else light)


def foreground(tone: Tone) -> QColor:
    """Text on ``background(tone)``: black on the bright amber, white elsewhere."""
    colour = background(tone)
    return QColor("#1b1b1b") if colour.lightness() > 150 else QColor("#ffffff")


def badge_style(tone: Tone) -> str:
    """A style sheet for a rounded badge in ``tone``."""
    return (
        f"background-color: {background(tone).name()}; color: {foreground(tone).name()};"
        " border-radius: 6px; padding: 3px 10px; font-weight: 600;"
    )
