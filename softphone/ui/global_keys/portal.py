"""Global shortcuts on Wayland: the xdg-desktop-portal ``GlobalShortcuts`` interface.

Wayland lets no client grab keys; the desktop does it for the app through
the portal, after asking the user (the desktop, not the app, decides the
final keys). So a registration here is ``REQUESTED``: the keys are bound
as one batch in a portal session, and when the portal answers the
registrations become ``REGISTERED`` (with the key the desktop chose) or say
why not, and ``changed`` is emitted. Changing the keys closes the session
and binds the new set in a fresh one (portals do not all allow binding
twice in a session).

Spoken with jeepney on a blocking connection read when Qt sees the socket
readable, like ``notifications.DBusNotifier``; each method call waits at
most two seconds for its reply, never for the user's answer.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, QTimer

from softphone.ui.global_keys.base import HotkeysBase, Outcome, Registration
from softphone.ui.global_keys.chord import NAMED_KEYS, Chord, function_key_number, is_ascii_key

logger = logging.getLogger(__name__)

PORTAL_SERVICE = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS_INTERFACE = "org.freedesktop.portal.GlobalShortcuts"
REQUEST_INTERFACE = "org.freedesktop.portal.Request"
SESSION_INTERFACE = "org.freedesktop.portal.Session"

_XKB_NAMES = dict(
    zip(
        (int(k.value) for k in NAMED_KEYS),
        (
            *("Return", "KP_Enter", "space", "Escape", "Tab", "BackSpace", "Insert", "Delete"),
            *("Home", "End", "Page_Up", "Page_Down", "Left", "Up", "Right", "Down", "Pause"),
            "Print",
        ),
        strict=True,
    )
)


def preferred_trigger(chord: Chord) -> str | None:
    """The XDG shortcuts-spec text the portal takes as a suggestion ("CTRL+ALT+a")."""
    number = function_key_number(chord.key)
    if number is not None:
        key: str | None = f"F{number}"
    elif is_ascii_key(chord.key) and chr(chord.key).isalnum():
        key = chr(chord.key).lower()
    else:
        key = _XKB_NAMES.get(chord.key)
    if key is None:
        return None
    mods = [
        name
        for name, held in (
            ("CTRL", chord.ctrl),
            ("ALT", chord.alt),
            ("SHIFT", chord.shift),
            ("LOGO", chord.meta),
        )
        if held
    ]
    return "+".join([*mods, key])


class PortalHotkeys(HotkeysBase):
    """System-wide keys through the desktop's portal (``bus`` for tests: a private bus address)."""

    can_check = False

    def __init__(self, parent: QObject | None = None, *, bus: str = "SESSION") -> None:
        super().__init__(parent)
        self._reason = ""
        self._conn: Any = None
        self._notifier: QSocketNotifier | None = None
        self._chords: dict[str, Chord] = {}
        self._session = ""
        self._pending: dict[str, str] = {}  # request path → "session" | "bind"
        self._bind_scheduled = False
        try:
            self._open(bus)
        except Exception as exc:  # no bus, no portal, no GlobalShortcuts in it
            logger.info("no GlobalShortcuts portal: %s", exc)
            self._close_connection()
            self._reason = QCoreApplication.translate(
                "GlobalKeys",
                "This desktop offers no global shortcuts to apps (no GlobalShortcuts "
                "portal); set the keys in the desktop's own keyboard settings.",
            )

    def _open(self, bus: str) -> None:
        from jeepney import MatchRule
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import Proxy, open_dbus_connection

        self._conn = open_dbus_connection(bus=bus)
        self._call(  # may start the portal (D-Bus activation): a longer wait, once
            "org.freedesktop.DBus.Properties",
            "Get",
            "ss",
            (SHORTCUTS_INTERFACE, "version"),
            timeout=5,
        )
        responses = MatchRule(type="signal", interface=REQUEST_INTERFACE, member="Response")
        activated = MatchRule(type="signal", interface=SHORTCUTS_INTERFACE, member="Activated")
        bus_proxy = Proxy(message_bus, self._conn, timeout=2)
        bus_proxy.AddMatch(responses)
        bus_proxy.AddMatch(activated)
        self._responses = self._conn.filter(responses, bufsize=32).queue
        self._activations = self._conn.filter(activated, bufsize=64).queue
        self._notifier = QSocketNotifier(self._conn.sock.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_readable)

    def unavailable_reason(self) -> str:
        return self._reason

    def _call(
        self,
        interface: str,
        method: str,
        signature: str,
        body: tuple[Any, ...],
        timeout: float = 2,
    ) -> Any:
        from jeepney import DBusAddress, new_method_call
        from jeepney.wrappers import unwrap_msg

        address = DBusAddress(PORTAL_PATH, bus_name=PORTAL_SERVICE, interface=interface)
        message = new_method_call(address, method, signature, body)
        return unwrap_msg(self._conn.send_and_get_reply(message, timeout=timeout))

    # -- registrations: batched into one bind ----------------------------------------
    def _grab(self, name: str, chord: Chord, sequence: str) -> Registration:
        self._chords[name] = chord
        self._schedule_bind()
        return Registration(name, sequence, Outcome.REQUESTED)

    def _release(self, name: str) -> None:
        if self._chords.pop(name, None) is not None:
            self._schedule_bind()

    def _schedule_bind(self) -> None:
        if not self._bind_scheduled and self._conn is not None:
            self._bind_scheduled = True
            QTimer.singleShot(0, self._new_session)

    def _new_session(self) -> None:
        """Close the session holding the old keys; ask for one for the new set."""
        self._bind_scheduled = False
        self._pending.clear()  # answers about an older set of keys no longer matter
        if self._conn is None:
            return
        if self._session:
            from jeepney import DBusAddress, new_method_call

            old = DBusAddress(self._session, bus_name=PORTAL_SERVICE, interface=SESSION_INTERFACE)
            with contextlib.suppress(OSError):
                self._conn.send(new_method_call(old, "Close"))
            self._session = ""
        if not self._chords:
            return
        options = {
            "handle_token": ("s", _token()),
            "session_handle_token": ("s", _token()),
        }
        self._request("session", "CreateSession", "a{sv}", (options,))

    def _request(self, kind: str, method: str, signature: str, body: tuple[Any, ...]) -> None:
        try:
            (path,) = self._call(SHORTCUTS_INTERFACE, method, signature, body)
        except Exception as exc:  # DBusErrorResponse, TimeoutError, closed socket
            logger.warning("the portal refused %s: %s", method, exc)
            self._settle(QCoreApplication.translate("GlobalKeys", "The desktop refused the keys."))
            return
        self._pending[str(path)] = kind
        QTimer.singleShot(0, self._on_readable)  # the answer may already be queued

    def _bind(self) -> None:
        shortcuts = []
        for name, chord in self._chords.items():
            description = self._registrations[name].sequence
            info: dict[str, tuple[str, str]] = {"description": ("s", description)}
            trigger = preferred_trigger(chord)
            if trigger:
                info["preferred_trigger"] = ("s", trigger)
            shortcuts.append((name, info))
        options = {"handle_token": ("s", _token())}
        self._request(
            "bind", "BindShortcuts", "oa(sa{sv})sa{sv}", (self._session, shortcuts, "", options)
        )

    def _settle(self, refusal: str, bound: dict[str, str] | None = None) -> None:
        """The portal's answer onto the registrations (``bound``: id → the desktop's key)."""
        for name in self._chords:
            old = self._registrations[name]
            if bound is not None and name in bound:
                self._registrations[name] = Registration(
                    name, old.sequence, Outcome.REGISTERED, bound[name]
                )
            else:
                self._registrations[name] = Registration(
                    name, old.sequence, Outcome.UNAVAILABLE, refusal
                )
        self.changed.emit()

    # -- reading the bus -------------------------------------------------------------
    def _on_readable(self) -> None:
        if self._conn is None:
            return
        try:
            self._conn.recv_messages(timeout=0)
        except TimeoutError:
            pass
        except OSError as exc:
            logger.info("session D-Bus closed: %s", exc)
            self._close_connection()
            return
        while self._responses:
            message = self._responses.popleft()
            kind = self._pending.pop(str(message.header.fields.get(1, "")), None)
            if kind is not None:
                self._answered(kind, *message.body)
        while self._activations:
            session, shortcut_id, *_rest = self._activations.popleft().body
            if session == self._session and shortcut_id in self._chords:
                self.pressed.emit(shortcut_id)

    def _answered(self, kind: str, code: int, results: dict[str, Any]) -> None:
        if code != 0:
            self._settle(
                QCoreApplication.translate(
                    "GlobalKeys", "The desktop did not allow the keys (cancelled)."
                )
            )
        elif kind == "session":
            self._session = str(results.get("session_handle", ("o", ""))[1])
            self._bind()
        else:
            bound = {
                str(shortcut_id): str(info.get("trigger_description", ("s", ""))[1])
                for shortcut_id, info in results.get("shortcuts", ("a(sa{sv})", []))[1]
            }
            self._settle(
                QCoreApplication.translate("GlobalKeys", "The desktop did not assign this key."),
                bound,
            )

    def close(self) -> None:
        self._chords.clear()
        super().close()
        self._bind_scheduled = True  # nothing more to bind
        self._new_session()
        self._close_connection()

    def _close_connection(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier = None
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.close()
            self._conn = None


def _token() -> str:
    return "softphone_" + secrets.token_hex(6)
