"""Global shortcuts on X11: passive key grabs on the root window through libxcb.

Why its own XCB connection rather than Qt's with a native event filter: a
grab's key events go to the client that grabbed, so a private connection
sees exactly our keys and nothing of Qt's traffic; it is read when Qt sees
its socket readable (``QSocketNotifier``, no thread); and a grab is made
with ``xcb_grab_key_checked`` so another program holding the key
(``BadAccess``) is known at once and becomes a sentence, not an X error
printed on stderr. libxcb is already loaded by Qt's xcb platform plugin.

X compares the modifier state exactly, so each key is grabbed four times:
plain, with CapsLock, with NumLock and with both (NumLock's modifier bit is
read from the server's modifier map, Mod2 on most keyboards). Key repeat
while the key is held fires once: X sends a release and a press with the
same timestamp for each repeat, and that pair is dropped. When the keyboard
map changes (``MappingNotify``: setxkbmap, a new layout) the keys are grabbed
again where they now are, and ``changed`` is emitted.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, QTimer

from softphone.ui.global_keys.base import HotkeysBase, Outcome, Registration, taken, unsupported
from softphone.ui.global_keys.chord import (
    NAMED_KEYS,
    Chord,
    function_key_number,
    is_ascii_key,
    parse_chord,
)

logger = logging.getLogger(__name__)

SHIFT, LOCK, CONTROL, MOD1, MOD4 = 1, 2, 4, 8, 64
NUM_LOCK_KEYSYM = 0xFF7F
KEY_PRESS, KEY_RELEASE, MAPPING_NOTIFY = 2, 3, 34
BAD_ACCESS = 10
GRAB_MODE_ASYNC = 1

_NAMED_KEYSYMS = dict(
    zip(
        (int(k.value) for k in NAMED_KEYS),
        (
            *(0xFF0D, 0xFF8D, 0x20, 0xFF1B, 0xFF09, 0xFF08, 0xFF63, 0xFFFF, 0xFF50, 0xFF57),
            *(0xFF55, 0xFF56, 0xFF51, 0xFF52, 0xFF53, 0xFF54, 0xFF13, 0xFF61),
        ),
        strict=True,
    )
)


def keysym(chord: Chord) -> int | None:
    """The X keysym of the chord's key (letters as lower case, as the keymap lists them)."""
    number = function_key_number(chord.key)
    if number is not None:
        return 0xFFBE + number - 1  # XK_F1
    if is_ascii_key(chord.key):
        return ord(chr(chord.key).lower())  # Latin-1 keysyms are the character codes
    return _NAMED_KEYSYMS.get(chord.key)


def modifier_mask(chord: Chord) -> int:
    """The X modifier mask: Ctrl, Shift, Alt (Mod1), Super (Mod4)."""
    return (
        (CONTROL if chord.ctrl else 0)
        | (SHIFT if chord.shift else 0)
        | (MOD1 if chord.alt else 0)
        | (MOD4 if chord.meta else 0)
    )


def lock_variants(num_lock: int) -> tuple[int, ...]:
    """Extra modifier bits the grab must also cover (CapsLock, NumLock, both)."""
    return (0, LOCK, num_lock, LOCK | num_lock) if num_lock else (0, LOCK)


class _Cookie(ctypes.Structure):
    _fields_ = [("sequence", ctypes.c_uint)]


class _Error(ctypes.Structure):
    _fields_ = [
        ("response_type", ctypes.c_uint8),
        ("error_code", ctypes.c_uint8),
        ("sequence", ctypes.c_uint16),
    ]


class _KeyEvent(ctypes.Structure):
    _fields_ = [
        ("response_type", ctypes.c_uint8),
        ("detail", ctypes.c_uint8),
        ("sequence", ctypes.c_uint16),
        ("time", ctypes.c_uint32),
        ("root", ctypes.c_uint32),
        ("event", ctypes.c_uint32),
        ("child", ctypes.c_uint32),
        ("root_x", ctypes.c_int16),
        ("root_y", ctypes.c_int16),
        ("event_x", ctypes.c_int16),
        ("event_y", ctypes.c_int16),
        ("state", ctypes.c_uint16),
    ]


class _Setup(ctypes.Structure):
    _fields_ = [
        ("status", ctypes.c_uint8),
        ("pad0", ctypes.c_uint8),
        ("protocol_major_version", ctypes.c_uint16),
        ("protocol_minor_version", ctypes.c_uint16),
        ("length", ctypes.c_uint16),
        ("release_number", ctypes.c_uint32),
        ("resource_id_base", ctypes.c_uint32),
        ("resource_id_mask", ctypes.c_uint32),
        ("motion_buffer_size", ctypes.c_uint32),
        ("vendor_len", ctypes.c_uint16),
        ("maximum_request_length", ctypes.c_uint16),
        ("roots_len", ctypes.c_uint8),
        ("pixmap_formats_len", ctypes.c_uint8),
        ("image_byte_order", ctypes.c_uint8),
        ("bitmap_format_bit_order", ctypes.c_uint8),
        ("bitmap_format_scanline_unit", ctypes.c_uint8),
        ("bitmap_format_scanline_pad", ctypes.c_uint8),
        ("min_keycode", ctypes.c_uint8),
        ("max_keycode", ctypes.c_uint8),
    ]


class _ScreenIterator(ctypes.Structure):
    _fields_ = [
        ("data", ctypes.POINTER(ctypes.c_uint32)),  # xcb_screen_t starts with its root window
        ("rem", ctypes.c_int),
        ("index", ctypes.c_int),
    ]


class _MappingReply(ctypes.Structure):
    _fields_ = [("response_type", ctypes.c_uint8), ("per_keycode", ctypes.c_uint8)]


def _load_xcb() -> ctypes.CDLL:
    name = ctypes.util.find_library("xcb") or "libxcb.so.1"
    lib = ctypes.CDLL(name)
    p, u8, u16, u32 = ctypes.c_void_p, ctypes.c_uint8, ctypes.c_uint16, ctypes.c_uint32
    signatures = {
        "xcb_connect": (p, [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]),
        "xcb_connection_has_error": (ctypes.c_int, [p]),
        "xcb_disconnect": (None, [p]),
        "xcb_get_setup": (ctypes.POINTER(_Setup), [p]),
        "xcb_setup_roots_iterator": (_ScreenIterator, [ctypes.POINTER(_Setup)]),
        "xcb_screen_next": (None, [ctypes.POINTER(_ScreenIterator)]),
        "xcb_get_keyboard_mapping": (_Cookie, [p, u8, u8]),
        "xcb_get_keyboard_mapping_reply": (ctypes.POINTER(_MappingReply), [p, _Cookie, p]),
        "xcb_get_keyboard_mapping_keysyms": (ctypes.POINTER(u32), [p]),
        "xcb_get_keyboard_mapping_keysyms_length": (ctypes.c_int, [p]),
        "xcb_get_modifier_mapping": (_Cookie, [p]),
        "xcb_get_modifier_mapping_reply": (ctypes.POINTER(_MappingReply), [p, _Cookie, p]),
        "xcb_get_modifier_mapping_keycodes": (ctypes.POINTER(u8), [p]),
        "xcb_grab_key_checked": (_Cookie, [p, u8, u32, u16, u8, u8, u8]),
        "xcb_ungrab_key": (_Cookie, [p, u8, u32, u16]),
        "xcb_request_check": (ctypes.POINTER(_Error), [p, _Cookie]),
        "xcb_flush": (ctypes.c_int, [p]),
        "xcb_get_file_descriptor": (ctypes.c_int, [p]),
        "xcb_poll_for_event": (ctypes.POINTER(_KeyEvent), [p]),
        "xcb_poll_for_queued_event": (ctypes.POINTER(_KeyEvent), [p]),
    }
    for function, (restype, argtypes) in signatures.items():
        getattr(lib, function).restype = restype
        getattr(lib, function).argtypes = argtypes
    return lib


_libc = ctypes.CDLL(None)
_libc.free.argtypes = [ctypes.c_void_p]
_libc.free.restype = None


def _free(pointer: Any) -> None:
    _libc.free(ctypes.cast(pointer, ctypes.c_void_p))


@dataclass(frozen=True)
class _Grab:
    keycode: int
    mask: int


class XcbHotkeys(HotkeysBase):
    """System-wide keys on an X server (``display`` defaults to ``$DISPLAY``)."""

    def __init__(self, display: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reason = ""
        self._conn: int | None = None
        self._grabs: dict[str, _Grab] = {}
        self._notifier: QSocketNotifier | None = None
        try:
            self._xcb = _load_xcb()
            self._connect(display if display is not None else os.environ.get("DISPLAY", ""))
        except (OSError, AttributeError) as exc:
            logger.info("no XCB for global shortcuts: %s", exc)
            self._reason = QCoreApplication.translate(
                "GlobalKeys", "Global shortcuts need the X11 library libxcb, which is missing."
            )

    def _connect(self, display: str) -> None:
        screen = ctypes.c_int(0)
        conn = self._xcb.xcb_connect(display.encode() or None, ctypes.byref(screen))
        if not conn or self._xcb.xcb_connection_has_error(conn):
            if conn:
                self._xcb.xcb_disconnect(conn)
            self._reason = QCoreApplication.translate(
                "GlobalKeys", "Global shortcuts are not available: no X display to listen on."
            )
            return
        self._conn = conn
        setup = self._xcb.xcb_get_setup(conn)
        roots = self._xcb.xcb_setup_roots_iterator(setup)
        for _ in range(screen.value):
            self._xcb.xcb_screen_next(ctypes.byref(roots))
        self._root = int(roots.data[0])
        self._keycodes = (setup.contents.min_keycode, setup.contents.max_keycode)
        self._read_maps()
        self._notifier = QSocketNotifier(
            self._xcb.xcb_get_file_descriptor(conn), QSocketNotifier.Type.Read, self
        )
        self._notifier.activated.connect(self._drain)

    def unavailable_reason(self) -> str:
        return self._reason

    # -- keyboard map ----------------------------------------------------------------
    def _read_maps(self) -> None:
        self._keymap = self._read_keymap(*self._keycodes)
        self._num_lock = self._num_lock_mask()
        self._ignored = LOCK | self._num_lock

    def _read_keymap(self, first: int, last: int) -> dict[int, tuple[int, int]]:
        """keysym → (keycode, level): level 1 means the key is typed with Shift.

        The first two groups are searched, the first layout first: with a
        Ukrainian or Russian layout first, Latin letters are in the second
        group, on the same keys, so Ctrl+Alt+A is the key labelled A (Ф).
        """
        cookie = self._xcb.xcb_get_keyboard_mapping(self._conn, first, last - first + 1)
        reply = self._xcb.xcb_get_keyboard_mapping_reply(self._conn, cookie, None)
        if not reply:
            return {}
        try:
            per = reply.contents.per_keycode
            count = self._xcb.xcb_get_keyboard_mapping_keysyms_length(reply)
            syms = self._xcb.xcb_get_keyboard_mapping_keysyms(reply)
            found: dict[int, tuple[int, int, int]] = {}  # keysym → (column, keycode, level)
            for index in range(count):
                sym, column = syms[index], index % per
                if sym and column < 4 and (sym not in found or column < found[sym][0]):
                    found[sym] = (column, first + index // per, column % 2)
            return {sym: (keycode, level) for sym, (_column, keycode, level) in found.items()}
        finally:
            _free(reply)

    def _num_lock_mask(self) -> int:
        num_lock = self._keymap.get(NUM_LOCK_KEYSYM)
        cookie = self._xcb.xcb_get_modifier_mapping(self._conn)
        reply = self._xcb.xcb_get_modifier_mapping_reply(self._conn, cookie, None)
        if not reply or num_lock is None:
            if reply:
                _free(reply)
            return 16  # Mod2, where every common keymap puts NumLock
        try:
            per = reply.contents.per_keycode
            codes = self._xcb.xcb_get_modifier_mapping_keycodes(reply)
            for index in range(8 * per):
                if codes[index] == num_lock[0]:
                    return int(1 << (index // per))
            return 0
        finally:
            _free(reply)

    # -- grabs -----------------------------------------------------------------------
    def _grab(self, name: str, chord: Chord, sequence: str) -> Registration:
        sym = keysym(chord)
        place = self._keymap.get(sym) if sym is not None else None
        if place is None:
            return unsupported(name, sequence)
        keycode, level = place
        grab = _Grab(keycode, modifier_mask(chord) | (SHIFT if level == 1 else 0))
        done: list[int] = []
        failed = 0
        for extra in lock_variants(self._num_lock):
            cookie = self._xcb.xcb_grab_key_checked(
                self._conn, 1, self._root, grab.mask | extra, keycode, GRAB_MODE_ASYNC, 1
            )
            error = self._xcb.xcb_request_check(self._conn, cookie)
            if error:
                failed = error.contents.error_code
                _free(error)
                break
            done.append(extra)
        if failed:
            for extra in done:
                self._xcb.xcb_ungrab_key(self._conn, keycode, self._root, grab.mask | extra)
            self._xcb.xcb_flush(self._conn)
            QTimer.singleShot(0, self._drain)  # the checks may have queued events
            if failed == BAD_ACCESS:
                return taken(name, sequence)
            logger.warning("X refused the grab of %s (error %d)", sequence, failed)
            return unsupported(name, sequence)
        self._grabs[name] = grab
        QTimer.singleShot(0, self._drain)
        return Registration(name, sequence, Outcome.REGISTERED)

    def _release(self, name: str) -> None:
        grab = self._grabs.pop(name, None)
        if grab is None or self._conn is None:
            return
        for extra in lock_variants(self._num_lock):
            self._xcb.xcb_ungrab_key(self._conn, grab.keycode, self._root, grab.mask | extra)
        self._xcb.xcb_flush(self._conn)

    def close(self) -> None:
        super().close()
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier = None
        if self._conn is not None:
            self._xcb.xcb_disconnect(self._conn)
            self._conn = None

    # -- events ----------------------------------------------------------------------
    def _drain(self) -> None:
        """Handle every event that arrived (key presses of our grabs), without waiting."""
        if self._conn is None:
            return
        remap = False
        event = self._xcb.xcb_poll_for_event(self._conn)
        while event:
            kind = event.contents.response_type & 0x7F
            remap = remap or kind == MAPPING_NOTIFY
            detail, state, time = event.contents.detail, event.contents.state, event.contents.time
            _free(event)
            event = self._xcb.xcb_poll_for_event(self._conn)
            if kind == KEY_RELEASE and event and self._is_repeat(event.contents, detail, time):
                _free(event)  # the press of an auto-repeat pair: the key is still held
                event = self._xcb.xcb_poll_for_event(self._conn)
            elif kind == KEY_PRESS:
                self._pressed(detail, state)
        if self._xcb.xcb_connection_has_error(self._conn):
            logger.warning("the X connection for global shortcuts broke")
            self.close()
        elif remap:
            self._remap()

    def _remap(self) -> None:
        """The keyboard map changed (setxkbmap, a layout): grab the keys where they are now."""
        held = [self._registrations[name] for name in self._grabs]
        for registration in held:
            self._release(registration.name)
        self._read_maps()
        for old in held:
            chord = parse_chord(old.sequence)
            if isinstance(chord, Chord):
                self._registrations[old.name] = self._grab(old.name, chord, old.sequence)
        self.changed.emit()

    @staticmethod
    def _is_repeat(event: _KeyEvent, detail: int, time: int) -> bool:
        return bool(
            event.response_type & 0x7F == KEY_PRESS
            and event.detail == detail
            and event.time == time
        )

    def _pressed(self, keycode: int, state: int) -> None:
        mask = state & 0xFF & ~self._ignored
        for name, grab in self._grabs.items():
            if grab.keycode == keycode and grab.mask == mask:
                self.pressed.emit(name)
                return
