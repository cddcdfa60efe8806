"""The keyboard shortcuts, in one place: the window's and the system-wide ones.

The main window, the tooltips and the settings pages read these tables, so
a key is changed in one place. ``GLOBAL_KEYS`` are the defaults for the
global shortcuts (``softphone.ui.global_keys``), off until the agent turns
them on: they work while another program has the focus, so they carry Alt
as well, to stay clear of the keys programs use for themselves.
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

GLOBAL_KEYS: dict[Shortcut, str] = {
    Shortcut.ANSWER: "Ctrl+Alt+A",
    Shortcut.HANGUP: "Ctrl+Alt+E",
    Shortcut.HOLD: "Ctrl+Alt+H",
    Shortcut.MUTE: "Ctrl+Alt+M",
}
"""The actions an agent may trigger from any program, and their default keys."""


def key(shortcut: Shortcut) -> QKeySequence:
    return QKeySequence(KEYS[shortcut])


def key_text(shortcut: Shortcut) -> str:
    """The key as the platform writes it ("Ctrl+H", "⌘H")."""
    return key(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
