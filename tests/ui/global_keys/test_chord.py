"""Qt key sequences → each desktop's key codes (Windows and macOS checked here, on Linux)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from softphone.ui.global_keys import macos, portal, windows, x11
from softphone.ui.global_keys.chord import Chord, ChordProblem, parse_chord


def chord(sequence: str) -> Chord:
    parsed = parse_chord(sequence)
    assert isinstance(parsed, Chord), parsed
    return parsed


def test_a_sequence_becomes_one_key_with_its_modifiers() -> None:
    assert chord("Ctrl+Alt+A") == Chord(int(Qt.Key.Key_A.value), ctrl=True, alt=True)
    assert chord("Meta+Shift+F5") == Chord(int(Qt.Key.Key_F5.value), shift=True, meta=True)


@pytest.mark.parametrize(
    ("sequence", "problem"),
    [
        ("", ChordProblem.EMPTY),
        ("A", ChordProblem.NO_MODIFIER),
        ("Shift+A", ChordProblem.NO_MODIFIER),
        ("Ctrl+K, Ctrl+A", ChordProblem.SEVERAL_KEYS),
    ],
)
def test_what_must_not_be_grabbed_system_wide_is_refused(
    sequence: str, problem: ChordProblem
) -> None:
    assert parse_chord(sequence) is problem


@pytest.mark.parametrize(
    ("sequence", "vk", "mods"),
    [
        ("Ctrl+Alt+A", 0x41, windows.MOD_CONTROL | windows.MOD_ALT),
        ("Ctrl+Alt+7", 0x37, windows.MOD_CONTROL | windows.MOD_ALT),
        ("Ctrl+Shift+F12", 0x7B, windows.MOD_CONTROL | windows.MOD_SHIFT),
        ("Meta+Return", 0x0D, windows.MOD_WIN),
        ("Alt+Space", 0x20, windows.MOD_ALT),
        ("Ctrl+Alt+Down", 0x28, windows.MOD_CONTROL | windows.MOD_ALT),
        ("Ctrl+Alt+PgUp", 0x21, windows.MOD_CONTROL | windows.MOD_ALT),
        ("Ctrl+Alt+;", 0xBA, windows.MOD_CONTROL | windows.MOD_ALT),
        ("Ctrl+Alt+/", 0xBF, windows.MOD_CONTROL | windows.MOD_ALT),
    ],
)
def test_windows_virtual_keys(sequence: str, vk: int, mods: int) -> None:
    assert windows.virtual_key(chord(sequence)) == vk
    assert windows.modifiers(chord(sequence)) == mods | windows.MOD_NOREPEAT


@pytest.mark.parametrize(
    ("sequence", "code", "mods"),
    [
        ("Ctrl+Alt+A", 0x00, macos.CMD_KEY | macos.OPTION_KEY),  # Qt's Ctrl is ⌘ on a Mac
        ("Meta+Alt+M", 0x2E, macos.CONTROL_KEY | macos.OPTION_KEY),
        ("Ctrl+Shift+H", 0x04, macos.CMD_KEY | macos.SHIFT_KEY),
        ("Ctrl+Alt+5", 0x17, macos.CMD_KEY | macos.OPTION_KEY),
        ("Ctrl+Alt+0", 0x1D, macos.CMD_KEY | macos.OPTION_KEY),
        ("Ctrl+Alt+P", 0x23, macos.CMD_KEY | macos.OPTION_KEY),
        ("Ctrl+F1", 0x7A, macos.CMD_KEY),
        ("Ctrl+F5", 0x60, macos.CMD_KEY),
        ("Ctrl+Return", 0x24, macos.CMD_KEY),
        ("Ctrl+Up", 0x7E, macos.CMD_KEY),
    ],
)
def test_macos_key_codes(sequence: str, code: int, mods: int) -> None:
    assert macos.key_code(chord(sequence)) == code
    assert macos.modifiers(chord(sequence)) == mods


@pytest.mark.parametrize(
    ("sequence", "keysym", "mask"),
    [
        ("Ctrl+Alt+A", 0x61, x11.CONTROL | x11.MOD1),  # keymaps list letters in lower case
        ("Meta+Shift+1", 0x31, x11.MOD4 | x11.SHIFT),
        ("Ctrl+Alt+F5", 0xFFC2, x11.CONTROL | x11.MOD1),
        ("Ctrl+Return", 0xFF0D, x11.CONTROL),
        ("Ctrl+Alt+Delete", 0xFFFF, x11.CONTROL | x11.MOD1),
    ],
)
def test_x11_keysyms_and_masks(sequence: str, keysym: int, mask: int) -> None:
    assert x11.keysym(chord(sequence)) == keysym
    assert x11.modifier_mask(chord(sequence)) == mask


def test_x11_grabs_cover_caps_lock_and_num_lock() -> None:
    assert x11.lock_variants(16) == (0, x11.LOCK, 16, x11.LOCK | 16)
    assert x11.lock_variants(0) == (0, x11.LOCK)  # a keymap without NumLock


@pytest.mark.parametrize(
    ("sequence", "trigger"),
    [
        ("Ctrl+Alt+A", "CTRL+ALT+a"),
        ("Meta+Shift+F3", "SHIFT+LOGO+F3"),
        ("Ctrl+Alt+PgDown", "CTRL+ALT+Page_Down"),
    ],
)
def test_portal_triggers_follow_the_xdg_shortcuts_spec(sequence: str, trigger: str) -> None:
    assert portal.preferred_trigger(chord(sequence)) == trigger
