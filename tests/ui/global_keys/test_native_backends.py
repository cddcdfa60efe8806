"""The Windows and macOS backends' own logic, on Linux, with the OS calls recorded.

The system calls cannot run here, so ``user32`` and Carbon are stand-ins
that record what the backend asks and answer as the OS documents; what is
checked is ours: the codes passed, "taken" from the OS's error, the id of a
pressed key mapped back to its action, and the keys given back.
"""

from __future__ import annotations

import ctypes
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from softphone.ui.global_keys import macos, windows
from softphone.ui.global_keys.base import Outcome


class User32:
    def __init__(self) -> None:
        self.registered: dict[int, tuple[int, int]] = {}
        self.taken: set[int] = {0x4D}  # another program holds ...+M

    def RegisterHotKey(self, _hwnd: None, hotkey_id: int, mods: int, vk: int) -> int:
        if vk in self.taken:
            return 0
        self.registered[hotkey_id] = (mods, vk)
        return 1

    def UnregisterHotKey(self, _hwnd: None, hotkey_id: int) -> int:
        return 1 if self.registered.pop(hotkey_id, None) else 0


def test_windows_registers_reports_taken_and_maps_wm_hotkey_back(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        ctypes, "get_last_error", lambda: windows.ERROR_HOTKEY_ALREADY_REGISTERED, raising=False
    )
    keys = windows.WindowsHotkeys()
    keys._user32 = user32 = User32()
    event_filter = windows._HotkeyFilter(keys)
    assert keys.register("answer", "Ctrl+Alt+A").outcome is Outcome.REGISTERED
    assert keys.register("mute", "Ctrl+Alt+M").outcome is Outcome.TAKEN
    ((hotkey_id, codes),) = user32.registered.items()
    assert codes == (windows.MOD_CONTROL | windows.MOD_ALT | windows.MOD_NOREPEAT, 0x41)

    message = windows._Msg(None, windows.WM_HOTKEY, hotkey_id, 0, 1234)
    with qtbot.waitSignal(keys.pressed) as pressed:
        handled = event_filter.nativeEventFilter(
            b"windows_dispatcher_MSG", ctypes.addressof(message)
        )
    assert pressed.args == ["answer"] and handled == (True, 0)
    other = windows._Msg(None, 0x0100, 0, 0, 1235)  # WM_KEYDOWN: not ours
    assert event_filter.nativeEventFilter(b"windows_generic_MSG", ctypes.addressof(other)) == (
        False,
        0,
    )
    keys.close()
    assert user32.registered == {}


class Carbon:
    def __init__(self) -> None:
        self.registered: dict[int, tuple[int, int]] = {}
        self.pressed_id = 0

    def GetApplicationEventTarget(self) -> int:
        return 1

    def RegisterEventHotKey(
        self, code: int, mods: int, hotkey: Any, _target: int, _options: int, ref: Any
    ) -> int:
        if code == 0x2E:  # M: another program holds it
            return macos.EVENT_HOTKEY_EXISTS
        ref._obj.value = hotkey.id
        self.registered[hotkey.id] = (code, mods)
        return 0

    def UnregisterEventHotKey(self, ref: Any) -> int:
        self.registered.pop(ref.value)
        return 0

    def GetEventParameter(self, *args: Any) -> int:
        out = args[-1]._obj
        out.signature, out.id = macos.SIGNATURE, self.pressed_id
        return 0


def test_macos_registers_reports_taken_and_maps_the_event_back(qtbot: QtBot) -> None:
    keys = macos.MacHotkeys()
    keys._carbon = carbon = Carbon()
    assert keys.register("answer", "Ctrl+Alt+A").outcome is Outcome.REGISTERED
    assert keys.register("mute", "Ctrl+Alt+M").outcome is Outcome.TAKEN
    ((hotkey_id, codes),) = carbon.registered.items()
    assert codes == (0x00, macos.CMD_KEY | macos.OPTION_KEY)
    carbon.pressed_id = hotkey_id
    with qtbot.waitSignal(keys.pressed) as pressed:
        assert keys._on_event(0, 0, 0) == 0
    assert pressed.args == ["answer"]
    keys.close()
    assert carbon.registered == {}


def test_off_their_own_os_they_say_so(qtbot: QtBot) -> None:
    for keys in (windows.WindowsHotkeys(), macos.MacHotkeys()):
        assert keys.register("answer", "Ctrl+Alt+A").outcome is Outcome.UNAVAILABLE
        assert keys.unavailable_reason()
