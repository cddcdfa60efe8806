"""Global shortcuts on Wayland: the xdg-desktop-portal ``GlobalShortcuts`` interface.

Wayland lets no client grab keys; the desktop does it for the app through
the portal, after asking the user (the desktop, not the app, decides the
final keys). So a registration here is ``REQUESTED``: the keys are bound
as one batch in a portal session, and when the portal answers the
registrations become ``REGISTERED`` (with the key the desktop chose) or say
why not, and ``changed`` is emitted. Changing the keys closes the session
and binds the new set in a fresh one (portals do not all allow binding
twice in a session).

Spoken through ``dbus_link.BusLink`` (jeepney, read when Qt sees the socket
readable); each method call waits at most two seconds for its reply (five
for the first, which may start the portal), never for the user's answer.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from softphone.ui.dbus_link import BusLink
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
        self._link: BusLink | None = None
        self._chords: dict[str, Chord] = {}
        self._session = ""
        self._pending: dict[str, str] = {}  # request path → "session" | "bind"
        self._bind_scheduled = False
        try:
            self._open(bus)
        except Exception as exc:  # no bus, no portal, no GlobalShortcuts in it
            logger.info("no GlobalShortcuts portal: %s", exc)
            self._close_link()
            self._reason = QCoreApplication.translate(
                "GlobalKeys",
                "This desktop offers no global shortcuts to apps (no GlobalShortcuts "
                "portal); set the keys in the desktop's own keyboard settings.",
            )

    def _open(self, bus: str) -> None:
        self._link = BusLink(bus, self)
        self._call(  # may start the portal (D-Bus activation): a longer wait, once
            "org.freedesktop.DBus.Properties",
            "Get",
            "ss",
            (SHORTCUTS_INTERFACE, "version"),
            timeout=5,
        )
        self._responses = self._link.subscribe(interface=REQUEST_INTERFACE, member="Response")
        self._activations = self._link.subscribe(
            64, interface=SHORTCUTS_INTERFACE, member="Activated"
        )
        self._link.received.connect(self._on_received)

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
        from jeepney import DBusAddress

        if self._link is None:
            raise ConnectionError("no D-Bus connection")
        address = DBusAddress(PORTAL_PATH, bus_name=PORTAL_SERVICE, interface=interface)
        return self._link.call(address, method, signature, body, timeout)

    # -- registrations: batched into one bind ----------------------------------------
    def _grab(self, name: str, chord: Chord, sequence: str) -> Registration:
        self._chords[name] = chord
        self._schedule_bind()
        return Registration(name, sequence, Outcome.REQUESTED)

    def _release(self, name: str) -> None:
        if self._chords.pop(name, None) is not None:
            self._schedule_bind()

    def _schedule_bind(self) -> None:
        if not self._bind_scheduled and self._link is not None:
            self._bind_scheduled = True
            QTimer.singleShot(0, self._new_session)

    def _new_session(self) -> None:
        """Close the session holding the old keys; ask for one for the new set."""
        self._bind_scheduled = False
        self._pending.clear()  # answers about an older set of keys no longer matter
        if self._link is None:
            return
        if self._session:
            from jeepney import DBusAddress

            old = DBusAddress(self._session, bus_name=PORTAL_SERVICE, interface=SESSION_INTERFACE)
            self._link.send(old, "Close")
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
    def _on_received(self) -> None:
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
        self._close_link()

    def _close_link(self) -> None:
        if self._link is not None:
            self._link.close()
            self._link = None


def _token() -> str:
    return "softphone_" + secrets.token_hex(6)
