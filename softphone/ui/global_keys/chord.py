"""A global shortcut as one key plus modifiers, read from a Qt key sequence.

Every backend starts from the same ``Chord`` and translates it to its own
codes (X keysym and modifier mask, Windows virtual key and ``MOD_*``, Carbon
key code and modifier bits), so the settings store keeps Qt's portable text
("Ctrl+Alt+A") and the translations are pure functions tested on any OS.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence


class ChordProblem(enum.Enum):
    """Why a key sequence cannot be a global shortcut."""

    EMPTY = "empty"
    SEVERAL_KEYS = "several_keys"
    NO_MODIFIER = "no_modifier"
    UNSUPPORTED_KEY = "unsupported_key"


@dataclass(frozen=True)
class Chord:
    """One key (a ``Qt.Key`` value) with the modifiers held."""

    key: int
    ctrl: bool = False
    alt: bool = False
    shift: bool = False
    meta: bool = False


def parse_chord(sequence: str) -> Chord | ChordProblem:
    """``"Ctrl+Alt+A"`` → a ``Chord``; a problem for what must not be grabbed system-wide.

    A global key without Ctrl, Alt or the Meta (Windows/Super) key would
    take a letter away from every other program, so Shift alone is refused.
    """
    keys = QKeySequence(sequence)
    if keys.isEmpty():
        return ChordProblem.EMPTY
    if keys.count() != 1:
        return ChordProblem.SEVERAL_KEYS
    combination = keys[0]  # type: ignore[index]  # the stubs miss QKeySequence.operator[]
    mods = combination.keyboardModifiers()
    chord = Chord(
        key=int(combination.key().value),
        ctrl=bool(mods & Qt.KeyboardModifier.ControlModifier),
        alt=bool(mods & Qt.KeyboardModifier.AltModifier),
        shift=bool(mods & Qt.KeyboardModifier.ShiftModifier),
        meta=bool(mods & Qt.KeyboardModifier.MetaModifier),
    )
    if not (chord.ctrl or chord.alt or chord.meta):
        return ChordProblem.NO_MODIFIER
    return chord


K = Qt.Key
NAMED_KEYS: tuple[Qt.Key, ...] = (
    K.Key_Return,
    K.Key_Enter,
    K.Key_Space,
    K.Key_Escape,
    K.Key_Tab,
    K.Key_Backspace,
    K.Key_Insert,
    K.Key_Delete,
    K.Key_Home,
    K.Key_End,
    K.Key_PageUp,
    K.Key_PageDown,
    K.Key_Left,
    K.Key_Up,
    K.Key_Right,
    K.Key_Down,
    K.Key_Pause,
    K.Key_Print,
)
"""Keys other than letters, digits, punctuation and F-keys that backends translate."""


def function_key_number(key: int) -> int | None:
    """F1..F35 → 1..35, else None."""
    first = int(K.Key_F1.value)
    return key - first + 1 if first <= key <= int(K.Key_F35.value) else None


def is_ascii_key(key: int) -> bool:
    """Letters, digits and punctuation: Qt's key code is the (upper-case) character."""
    return 0x21 <= key <= 0x7E
