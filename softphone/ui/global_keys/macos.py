"""Global shortcuts on macOS: Carbon's ``RegisterEventHotKey``, through ctypes.

Still the only public API for system-wide hotkeys that needs no
accessibility permission. Qt runs the Cocoa loop, which delivers Carbon
hotkey events to the application's event target, where one handler
(``InstallEventHandler``) reads the hotkey's id. Qt's "Ctrl" is the Command
key on a Mac and its "Meta" the Control key, as in Qt's own shortcuts. Key
codes are positions on an ANSI keyboard (``kVK_ANSI_*``), as Carbon wants.

Written for macOS but not run there by this project's CI: the key
translation is tested on Linux, the ctypes calls are not.
"""

from __future__ import annotations

import ctypes
import logging
import sys
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject

from softphone.ui.global_keys.base import HotkeysBase, Outcome, Registration, taken, unsupported
from softphone.ui.global_keys.chord import Chord, function_key_number

logger = logging.getLogger(__name__)

CMD_KEY, SHIFT_KEY, OPTION_KEY, CONTROL_KEY = 0x0100, 0x0200, 0x0800, 0x1000
EVENT_HOTKEY_EXISTS = -9878
SIGNATURE = int.from_bytes(b"SfPh", "big")


def _four(code: bytes) -> int:
    return int.from_bytes(code, "big")


_LAYOUT = {
    **dict(zip("ASDFHGZXCV", range(0x00, 0x0A), strict=True)),
    **dict(zip("BQWERYT123465=97-80]OU[IP", range(0x0B, 0x24), strict=True)),
    "L": 0x25,
    "J": 0x26,
    "'": 0x27,
    "K": 0x28,
    ";": 0x29,
    "\\": 0x2A,
    ",": 0x2B,
    "/": 0x2C,
    "N": 0x2D,
    "M": 0x2E,
    ".": 0x2F,
    "`": 0x32,
}
"""Characters → ``kVK_ANSI_*`` key codes."""
_FUNCTION = (
    *(0x7A, 0x78, 0x63, 0x76, 0x60, 0x61, 0x62, 0x64, 0x65, 0x6D, 0x67, 0x6F),
    *(0x69, 0x6B, 0x71, 0x6A, 0x40, 0x4F, 0x50, 0x5A),  # F13-F20
)
_K = {
    "Return": 0x24,
    "Enter": 0x4C,
    "Space": 0x31,
    "Escape": 0x35,
    "Tab": 0x30,
    "Backspace": 0x33,
    "Delete": 0x75,
    "Home": 0x73,
    "End": 0x77,
    "PageUp": 0x74,
    "PageDown": 0x79,
    "Left": 0x7B,
    "Right": 0x7C,
    "Down": 0x7D,
    "Up": 0x7E,
}


def key_code(chord: Chord) -> int | None:
    """The Carbon virtual key code of the chord's key."""
    from PySide6.QtCore import Qt

    number = function_key_number(chord.key)
    if number is not None:
        return _FUNCTION[number - 1] if number <= len(_FUNCTION) else None
    if 0x21 <= chord.key <= 0x7E:
        return _LAYOUT.get(chr(chord.key).upper())
    for name, code in _K.items():
        if chord.key == int(getattr(Qt.Key, f"Key_{name}").value):
            return code
    return None


def modifiers(chord: Chord) -> int:
    """Carbon modifier bits: Qt's Ctrl is Command, Qt's Meta is Control."""
    return (
        (CMD_KEY if chord.ctrl else 0)
        | (OPTION_KEY if chord.alt else 0)
        | (SHIFT_KEY if chord.shift else 0)
        | (CONTROL_KEY if chord.meta else 0)
    )


class _HotKeyId(ctypes.Structure):
    _fields_ = [("signature", ctypes.c_uint32), ("id", ctypes.c_uint32)]


class _EventTypeSpec(ctypes.Structure):
    _fields_ = [("eventClass", ctypes.c_uint32), ("eventKind", ctypes.c_uint32)]


_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)


class MacHotkeys(HotkeysBase):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._carbon: Any = None
        self._refs: dict[str, tuple[int, ctypes.c_void_p]] = {}
        self._next_id = 1
        if sys.platform != "darwin":
            return
        try:
            self._install()
        except (OSError, AttributeError) as exc:
            logger.warning("Carbon hotkeys unavailable: %s", exc)
            self._carbon = None

    def _install(self) -> None:
        carbon = ctypes.CDLL("/System/Library/Frameworks/Carbon.framework/Carbon")
        carbon.GetApplicationEventTarget.restype = ctypes.c_void_p
        carbon.InstallEventHandler.argtypes = [
            ctypes.c_void_p,
            _HANDLER,
            ctypes.c_ulong,
            ctypes.POINTER(_EventTypeSpec),
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_void_p),
        ]
        carbon.RegisterEventHotKey.argtypes = [
            ctypes.c_uint32,
            ctypes.c_uint32,
            _HotKeyId,
            ctypes.c_void_p,
            ctypes.c_uint32,
            ctypes.POINTER(ctypes.c_void_p),
        ]
        carbon.UnregisterEventHotKey.argtypes = [ctypes.c_void_p]
        carbon.GetEventParameter.argtypes = [
            ctypes.c_void_p,
            ctypes.c_uint32,
            ctypes.c_uint32,
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        self._callback = _HANDLER(self._on_event)  # kept: Carbon holds only the pointer
        spec = _EventTypeSpec(_four(b"keyb"), 5)  # kEventClassKeyboard, kEventHotKeyPressed
        handler = ctypes.c_void_p()
        status = carbon.InstallEventHandler(
            carbon.GetApplicationEventTarget(),
            self._callback,
            1,
            ctypes.byref(spec),
            None,
            ctypes.byref(handler),
        )
        if status != 0:
            raise OSError(f"InstallEventHandler returned {status}")
        self._carbon = carbon

    def unavailable_reason(self) -> str:
        if self._carbon is None:
            return QCoreApplication.translate(
                "GlobalKeys", "Global shortcuts are not available on this system."
            )
        return ""

    def _on_event(self, _call: int, event: int, _data: int) -> int:
        """Carbon's callback: an exception must not unwind into C, so it is logged here."""
        try:
            self._hotkey_event(event)
        except Exception:
            logger.exception("hotkey event")
        return 0

    def _hotkey_event(self, event: int) -> None:
        hotkey = _HotKeyId()
        status = self._carbon.GetEventParameter(
            event,
            _four(b"----"),  # kEventParamDirectObject
            _four(b"hkid"),  # typeEventHotKeyID
            None,
            ctypes.sizeof(hotkey),
            None,
            ctypes.byref(hotkey),
        )
        if status == 0 and hotkey.signature == SIGNATURE:
            for name, (known, _ref) in self._refs.items():
                if known == hotkey.id:
                    self.pressed.emit(name)
                    return

    def _grab(self, name: str, chord: Chord, sequence: str) -> Registration:
        code = key_code(chord)
        if code is None:
            return unsupported(name, sequence)
        hotkey_id, self._next_id = self._next_id, self._next_id + 1
        ref = ctypes.c_void_p()
        status = self._carbon.RegisterEventHotKey(
            code,
            modifiers(chord),
            _HotKeyId(SIGNATURE, hotkey_id),
            self._carbon.GetApplicationEventTarget(),
            0,
            ctypes.byref(ref),
        )
        if status != 0:
            if status != EVENT_HOTKEY_EXISTS:
                logger.warning("RegisterEventHotKey(%s) returned %d", sequence, status)
            return taken(name, sequence)
        self._refs[name] = (hotkey_id, ref)
        return Registration(name, sequence, Outcome.REGISTERED)

    def _release(self, name: str) -> None:
        entry = self._refs.pop(name, None)
        if entry is not None and self._carbon is not None:
            self._carbon.UnregisterEventHotKey(entry[1])
