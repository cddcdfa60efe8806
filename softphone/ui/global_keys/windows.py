"""Global shortcuts on Windows: ``RegisterHotKey`` and ``WM_HOTKEY`` from Qt's message loop.

Keys are registered for the GUI thread (no window handle), so Windows posts
``WM_HOTKEY`` to the thread's queue; Qt's event dispatcher hands every
message it takes from the queue to the native event filters
("windows_dispatcher_MSG"; "windows_generic_MSG" for window messages), where
this filter reads the hotkey id. ``MOD_NOREPEAT`` keeps a held key from
firing again. A key another program registered fails with
``ERROR_HOTKEY_ALREADY_REGISTERED``: that becomes the "taken" sentence.

Written for Windows but not run there by this project's CI: the key
translation is tested on Linux, the ctypes calls are not.
"""

from __future__ import annotations

import ctypes
import logging
import sys
from typing import Any

from PySide6.QtCore import QAbstractNativeEventFilter, QByteArray, QCoreApplication, QObject

from softphone.ui.global_keys.base import HotkeysBase, Outcome, Registration, taken, unsupported
from softphone.ui.global_keys.chord import (
    NAMED_KEYS,
    Chord,
    function_key_number,
    is_ascii_key,
)

logger = logging.getLogger(__name__)

MOD_ALT, MOD_CONTROL, MOD_SHIFT, MOD_WIN, MOD_NOREPEAT = 0x1, 0x2, 0x4, 0x8, 0x4000
WM_HOTKEY = 0x0312
ERROR_HOTKEY_ALREADY_REGISTERED = 1409
FIRST_ID = 0xB000  # ids an application may use are 0x0000-0xBFFF

_NAMED_VKS = dict(
    zip(
        (int(k.value) for k in NAMED_KEYS),
        (
            *(0x0D, 0x0D, 0x20, 0x1B, 0x09, 0x08, 0x2D, 0x2E, 0x24, 0x23),
            *(0x21, 0x22, 0x25, 0x26, 0x27, 0x28, 0x13, 0x2C),
        ),
        strict=True,
    )
)
_PUNCTUATION_VKS = {
    ";": 0xBA,
    "=": 0xBB,
    ",": 0xBC,
    "-": 0xBD,
    ".": 0xBE,
    "/": 0xBF,
    "`": 0xC0,
    "[": 0xDB,
    "\\": 0xDC,
    "]": 0xDD,
    "'": 0xDE,
}
"""The ``VK_OEM_*`` keys where a US keyboard has these characters."""


def virtual_key(chord: Chord) -> int | None:
    """The Windows virtual-key code of the chord's key."""
    number = function_key_number(chord.key)
    if number is not None:
        return 0x70 + number - 1 if number <= 24 else None  # VK_F1..VK_F24
    if is_ascii_key(chord.key):
        char = chr(chord.key)
        if char.isascii() and char.isalnum():
            return ord(char.upper())  # VK_A..VK_Z, VK_0..VK_9 are the characters
        return _PUNCTUATION_VKS.get(char)
    return _NAMED_VKS.get(chord.key)


def modifiers(chord: Chord) -> int:
    """``MOD_*`` flags, with ``MOD_NOREPEAT`` (a held key fires once)."""
    return (
        (MOD_CONTROL if chord.ctrl else 0)
        | (MOD_ALT if chord.alt else 0)
        | (MOD_SHIFT if chord.shift else 0)
        | (MOD_WIN if chord.meta else 0)
        | MOD_NOREPEAT
    )


class _Msg(ctypes.Structure):
    _fields_ = [
        ("hwnd", ctypes.c_void_p),
        ("message", ctypes.c_uint),
        ("wParam", ctypes.c_size_t),
        ("lParam", ctypes.c_ssize_t),
        ("time", ctypes.c_uint32),
    ]


class _HotkeyFilter(QAbstractNativeEventFilter):
    def __init__(self, owner: WindowsHotkeys) -> None:
        super().__init__()
        self._owner = owner
        self._last: tuple[int, int] | None = None

    def nativeEventFilter(
        self,
        eventType: QByteArray | bytes | bytearray | memoryview,
        message: Any,
    ) -> Any:
        if bytes(eventType.data() if isinstance(eventType, QByteArray) else eventType) not in (
            b"windows_generic_MSG",
            b"windows_dispatcher_MSG",
        ):
            return False, 0
        msg = _Msg.from_address(int(message))
        if msg.message != WM_HOTKEY:
            return False, 0
        stamp = (msg.time, int(msg.wParam))
        if stamp != self._last:  # the same message may pass both filters
            self._last = stamp
            self._owner.hotkey(int(msg.wParam))
        return True, 0


class WindowsHotkeys(HotkeysBase):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids: dict[str, int] = {}
        self._next_id = FIRST_ID
        self._user32: Any = None
        self._filter: _HotkeyFilter | None = None
        if sys.platform != "win32":
            return
        win_dll = getattr(ctypes, "WinDLL")  # noqa: B009 (absent off Windows)
        self._user32 = win_dll("user32", use_last_error=True)
        self._filter = _HotkeyFilter(self)
        app = QCoreApplication.instance()
        if app is not None:
            app.installNativeEventFilter(self._filter)

    def unavailable_reason(self) -> str:
        if self._user32 is None:
            return QCoreApplication.translate(
                "GlobalKeys", "Global shortcuts are not available on this system."
            )
        return ""

    def _grab(self, name: str, chord: Chord, sequence: str) -> Registration:
        vk = virtual_key(chord)
        if vk is None:
            return unsupported(name, sequence)
        hotkey_id = self._next_id
        self._next_id += 1
        if not self._user32.RegisterHotKey(None, hotkey_id, modifiers(chord), vk):
            error = getattr(ctypes, "get_last_error")()  # noqa: B009 (Windows only)
            if error != ERROR_HOTKEY_ALREADY_REGISTERED:
                logger.warning("RegisterHotKey(%s) failed: error %d", sequence, error)
            return taken(name, sequence)
        self._ids[name] = hotkey_id
        return Registration(name, sequence, Outcome.REGISTERED)

    def _release(self, name: str) -> None:
        hotkey_id = self._ids.pop(name, None)
        if hotkey_id is not None and self._user32 is not None:
            self._user32.UnregisterHotKey(None, hotkey_id)

    def hotkey(self, hotkey_id: int) -> None:
        for name, known in self._ids.items():
            if known == hotkey_id:
                self.pressed.emit(name)
                return

    def close(self) -> None:
        super().close()
        app = QCoreApplication.instance()
        if self._filter is not None and app is not None:
            app.removeNativeEventFilter(self._filter)
            self._filter = None
