"""A fake xdg-desktop-portal with ``GlobalShortcuts`` on a private session bus.

Real enough for the client: a real ``dbus-daemon`` marshals and checks every
message; the portal answers each request through a ``Request`` object's
``Response`` signal, as xdg-desktop-portal does, binds every shortcut but
those in ``refuse`` (the user said no), and ``activate`` emits ``Activated``
as the desktop does when the agent presses a bound key.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from jeepney import DBusAddress, HeaderFields, new_method_return, new_signal
from jeepney.io.blocking import DBusConnection

from softphone.ui.global_keys.portal import (
    PORTAL_PATH,
    PORTAL_SERVICE,
    REQUEST_INTERFACE,
    SHORTCUTS_INTERFACE,
)
from tests.ui.fake_notification_daemon import private_bus, serve_name


@dataclass
class FakePortal:
    address: str
    refuse: set[str] = field(default_factory=set)
    calls: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    sessions: list[str] = field(default_factory=list)
    _conn: DBusConnection | None = None

    def activate(self, shortcut_id: str) -> None:
        source = DBusAddress(PORTAL_PATH, interface=SHORTCUTS_INTERFACE)
        body = (self.sessions[-1], shortcut_id, 0, {})
        assert self._conn is not None
        self._conn.send(new_signal(source, "Activated", "osta{sv}", body))

    def _respond(self, call: Any, token: str, results: dict[str, Any]) -> None:
        sender = str(call.header.fields[HeaderFields.sender])[1:].replace(".", "_")
        path = f"{PORTAL_PATH}/request/{sender}/{token}"
        assert self._conn is not None
        self._conn.send(new_method_return(call, "o", (path,)))
        signal = new_signal(DBusAddress(path, interface=REQUEST_INTERFACE), "Response", "ua{sv}")
        signal.body = (0, results)
        signal.header.fields[HeaderFields.signature] = "ua{sv}"
        signal.header.fields[HeaderFields.destination] = call.header.fields[HeaderFields.sender]
        self._conn.send(signal)

    def attach(self, conn: DBusConnection) -> None:
        self._conn = conn

    def handle(self, call: Any) -> None:
        member = call.header.fields.get(HeaderFields.member)
        self.calls.append((member, call.body))
        assert self._conn is not None
        if member == "Get":
            self._conn.send(new_method_return(call, "v", (("u", 1),)))
        elif member == "CreateSession":
            options = call.body[0]
            session = f"{PORTAL_PATH}/session/x/{options['session_handle_token'][1]}"
            self.sessions.append(session)
            self._respond(call, options["handle_token"][1], {"session_handle": ("o", session)})
        elif member == "BindShortcuts":
            _session, shortcuts, _parent, options = call.body
            bound = [
                (name, {"trigger_description": ("s", info["description"][1])})
                for name, info in shortcuts
                if name not in self.refuse
            ]
            self._respond(call, options["handle_token"][1], {"shortcuts": ("a(sa{sv})", bound)})
        else:  # Session.Close
            self._conn.send(new_method_return(call))


@contextmanager
def fake_portal(running: bool = True) -> Iterator[FakePortal]:
    """A private bus, with the fake portal on it when ``running``."""
    with private_bus(with_daemon=False) as bus:
        portal = FakePortal(bus.address)
        stop, ready = threading.Event(), threading.Event()
        thread = threading.Thread(
            target=serve_name, args=(bus.address, PORTAL_SERVICE, portal, ready, stop), daemon=True
        )
        if running:
            thread.start()
            assert ready.wait(10), "the fake portal did not start"
        yield portal
        stop.set()
        if running:
            thread.join(5)
