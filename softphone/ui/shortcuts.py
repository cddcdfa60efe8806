"""The window's keyboard shortcuts, in one table.

The main window, the tooltips and the settings page for global shortcuts all
read this table, so a key is changed in one place.
"""

from __future__ import annotations

import enum

from PySide6.QtGui import QKeySequence


class Shortcut(enum.StrEnum):
    ANSWER = "answer"
    HANGUP = "hangup"
    HOLD = "hold"
    MUTE = "mute"
    FOCUS_NUMBER = "focus_number"
    REDIAL = "redial"


KEYS: dict[Shortcut, str] = {
    Shortcut.ANSWER: "Ctrl+Return",
    Shortcut.HANGUP: "Ctrl+E",
    Shortcut.HOLD: "Ctrl+H",
    Shortcut.MUTE: "Ctrl+M",
    Shortcut.FOCUS_NUMBER: "Ctrl+L",
    Shortcut.REDIAL: "Ctrl+R",
}


def key(shortcut: Shortcut) -> QKeySequence:
    return QKeySequence(KEYS[shortcut])


def key_text(shortcut: Shortcut) -> str:
    """The key as the platform writes it ("Ctrl+H", "⌘H")."""
    return key(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
