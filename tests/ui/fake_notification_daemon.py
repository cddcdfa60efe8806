"""A private session bus with a fake freedesktop notification daemon on it.

The notifier is tested against a real ``dbus-daemon`` (so the message
really is marshalled and type-checked by the bus and the daemon side), with
a small daemon in a thread that records each Notify call, answers it with an
id, and can "click" a notification by emitting ActionInvoked.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any, Protocol

from jeepney import (
    DBusAddress,
    HeaderFields,
    Message,
    MessageType,
    new_error,
    new_method_return,
    new_signal,
)
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, Proxy, open_dbus_connection

from softphone.ui.notifications import DBUS_INTERFACE, DBUS_PATH, DBUS_SERVICE, NOTIFY_SIGNATURE

NOTIFICATION_ID = 42


@dataclass
class FakeDaemon:
    address: str
    calls: list[tuple[str, tuple[object, ...]]] = field(default_factory=list)
    received = threading.Event()
    _conn: object = None

    def click(self, notification_id: int = NOTIFICATION_ID) -> None:
        source = DBusAddress(DBUS_PATH, interface=DBUS_INTERFACE)
        self._conn.send(new_signal(source, "ActionInvoked", "us", (notification_id, "default")))  # type: ignore[attr-defined]

    def attach(self, conn: DBusConnection) -> None:
        self._conn = conn

    def handle(self, message: Message) -> None:
        conn: Any = self._conn
        member = message.header.fields.get(HeaderFields.member)
        signature = message.header.fields.get(HeaderFields.signature, "")
        self.calls.append((member, message.body))
        self.received.set()
        if member == "Notify" and signature != NOTIFY_SIGNATURE:
            conn.send(
                new_error(message, "org.freedesktop.DBus.Error.InvalidArgs", "s", (signature,))
            )
        elif member == "Notify":
            conn.send(new_method_return(message, "u", (NOTIFICATION_ID,)))
        else:
            conn.send(new_method_return(message))


class Service(Protocol):
    """A fake D-Bus service: given its connection, then each method call."""

    def attach(self, conn: DBusConnection) -> None: ...

    def handle(self, message: Message) -> None: ...


def serve_name(
    address: str, name: str, service: Service, ready: threading.Event, stop: threading.Event
) -> None:
    """Own ``name`` on the bus at ``address``; each method call goes to ``service``."""
    conn = open_dbus_connection(bus=address)
    service.attach(conn)
    Proxy(message_bus, conn, timeout=5).RequestName(name)
    ready.set()
    while not stop.is_set():
        try:
            message = conn.receive(timeout=0.1)
        except TimeoutError:
            continue
        except OSError:
            return
        if message.header.message_type is MessageType.method_call:
            service.handle(message)
    conn.close()


def _serve(daemon: FakeDaemon, ready: threading.Event, stop: threading.Event) -> None:
    serve_name(daemon.address, DBUS_SERVICE, daemon, ready, stop)


@contextmanager
def private_bus(with_daemon: bool = True) -> Iterator[FakeDaemon]:
    """A ``dbus-daemon`` of our own (and the fake notification daemon on it)."""
    binary = shutil.which("dbus-daemon")
    if binary is None:
        raise FileNotFoundError("dbus-daemon is not installed (apt install dbus-daemon)")
    process = subprocess.Popen(
        [binary, "--session", "--nofork", "--nopidfile", "--print-address=1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        address = process.stdout.readline().strip()
        daemon = FakeDaemon(address)
        stop = threading.Event()
        thread = None
        if with_daemon:
            ready = threading.Event()
            thread = threading.Thread(target=_serve, args=(daemon, ready, stop), daemon=True)
            thread.start()
            assert ready.wait(10), "the fake notification daemon did not start"
        yield daemon
        stop.set()
        if thread is not None:
            thread.join(5)
    finally:
        process.terminate()
        with suppress(subprocess.TimeoutExpired):
            process.wait(5)
