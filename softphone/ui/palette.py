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


# tone -> (background on a light window, background on a dark window). Each keeps
# text on it at WCAG AA contrast (4.5:1) with ``foreground``: the badge and the call
# buttons are read all day. (The dark row's green, blue and red were brighter and
# gave white text 3.3–4.2:1.)
BACKGROUNDS: dict[Tone, tuple[str, str]] = {
    Tone.GOOD: ("#2e7d32", "#2f8533"),
    Tone.BUSY: ("#1565c0", "#1976d2"),
    Tone.HOLD: ("#6a1b9a", "#8e24aa"),
    Tone.WAIT: ("#9c5c00", "#f9a825"),
    Tone.WORK: ("#00695c", "#00796b"),
    Tone.BAD: ("#c62828", "#d32f2f"),
    Tone.OFF: ("#616161", "#757575"),
}
# tone -> (text on a light window, text on a dark window): a sentence or icon in the
# tone on the window itself (errors, missed calls), not on a badge.
INKS: dict[Tone, tuple[str, str]] = {
    Tone.BAD: ("#c62828", "#ff8a80"),
    Tone.WAIT: ("#9c5c00", "#ffb74d"),
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
    """Text on ``background(tone)``: white or near-black, whichever reads better."""
    colour = background(tone)
    white, black = QColor("#ffffff"), QColor("#1b1b1b")
    return white if contrast(colour, white) >= contrast(colour, black) else black


def ink(tone: Tone) -> QColor:
    """``tone`` for text drawn on the window (an error sentence, a missed call)."""
    light, dark = INKS.get(tone, BACKGROUNDS[tone])
    return QColor(dark if is_dark() else light)


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""

    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        red, green, blue = (channel(v) for v in (colour.redF(), colour.greenF(), colour.blueF()))
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def badge_style(tone: Tone) -> str:
    """A style sheet for a rounded badge in ``tone``."""
    return (
        f"background-color: {background(tone).name()}; color: {foreground(tone).name()};"
        " border-radius: 6px; padding: 3px 10px; font-weight: 600;"
    )


def hint_colour() -> QColor:
    """Quiet text (a remark, the why of a switch) that still reads at 4.5:1.

    A disabled label greys to about 2:1 and tells screen readers the text is
    unavailable; this mixes the text and window colours instead.
    """
    palette = QGuiApplication.palette()
    text = palette.color(QPalette.ColorRole.WindowText)
    window = palette.color(QPalette.ColorRole.Window)
    share = 0.62  # of the text colour
    return QColor.fromRgbF(
        text.redF() * share + window.redF() * (1 - share),
        text.greenF() * share + window.greenF() * (1 - share),
        text.blueF() * share + window.blueF() * (1 - share),
    )


def hint_style() -> str:
    return f"color: {hint_colour().name()};"


def problem_style() -> str:
    """A sentence that something is wrong (a taken key, a bad field), on the window."""
    return f"color: {ink(Tone.BAD).name()};"


def tone_style() -> str:
    """Coloured buttons (Call, Answer, Hang up) in the palette's tones."""
    rules = []
    for name, tone in (("good", Tone.GOOD), ("bad", Tone.BAD)):
        bg = background(tone)
        rules.append(
            f'QPushButton[tone="{name}"]:enabled {{ background-color: {bg.name()};'
            f" color: {foreground(tone).name()}; border: 1px solid {bg.darker(120).name()};"
            " border-radius: 6px; padding: 6px 14px; font-weight: 600; }"
            f' QPushButton[tone="{name}"]:enabled:hover {{ background-color:'
            f" {bg.lighter(112).name()}; }}"
            f' QPushButton[tone="{name}"]:enabled:focus {{ border: 2px solid'
            f" {foreground(tone).name()}; }}"
        )
    return "\n".join(rules)
