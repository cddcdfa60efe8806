"""A D-Bus connection for the UI: jeepney, blocking, read when Qt sees its socket readable.

Used for desktop notifications (``notifications.DBusNotifier``) and the
Wayland global-shortcuts portal (``global_keys.portal``). jeepney rather
than QtDBus because PySide6 marshals every Python int as ``int32``, and the
freedesktop interfaces want ``uint32`` and ``uint64`` values. Method calls wait at
most ``timeout`` seconds for their reply. Signals are put in the queues of
``subscribe`` when the socket becomes readable, and then ``received`` is
emitted. Nothing blocks the event loop while the app is idle.
"""

from __future__ import annotations

import contextlib
import logging
from collections import deque
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

logger = logging.getLogger(__name__)


class BusLink(QObject):
    """One connection to ``bus`` ("SESSION" or an address); raises if it cannot be opened."""

    received = Signal()
    """Signals arrived in the subscribed queues."""

    def __init__(self, bus: str = "SESSION", parent: QObject | None = None) -> None:
        super().__init__(parent)
        from jeepney.io.blocking import open_dbus_connection

        self._conn: Any = open_dbus_connection(bus=bus)
        self._notifier: QSocketNotifier | None = QSocketNotifier(
            self._conn.sock.fileno(), QSocketNotifier.Type.Read, self
        )
        self._notifier.activated.connect(self.read)

    @property
    def open(self) -> bool:
        return self._conn is not None

    def subscribe(self, bufsize: int = 32, **rule: str) -> deque[Any]:
        """Ask the bus for the signals matching ``rule``; they are put in the returned queue."""
        from jeepney import MatchRule
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import Proxy

        match = MatchRule(type="signal", **rule)
        Proxy(message_bus, self._conn, timeout=2).AddMatch(match)
        queue: deque[Any] = self._conn.filter(match, bufsize=bufsize).queue
        return queue

    def call(
        self,
        address: Any,
        method: str,
        signature: str | None = None,
        body: tuple[Any, ...] = (),
        timeout: float = 2,
    ) -> tuple[Any, ...]:
        """A method call's reply body; raises on an error reply, a timeout or a closed link."""
        from jeepney import new_method_call
        from jeepney.wrappers import unwrap_msg

        if self._conn is None:
            raise ConnectionError("the D-Bus connection is closed")
        message = new_method_call(address, method, signature, body)
        reply: tuple[Any, ...] = unwrap_msg(self._conn.send_and_get_reply(message, timeout=timeout))
        QTimer.singleShot(0, self.read)  # signals read along with the reply wait in a buffer
        return reply

    def send(
        self, address: Any, method: str, signature: str | None = None, body: tuple[Any, ...] = ()
    ) -> None:
        """A method call whose reply does not matter."""
        from jeepney import new_method_call

        if self._conn is None:
            return
        try:
            self._conn.send(new_method_call(address, method, signature, body))
        except OSError as exc:
            logger.info("D-Bus %s not sent: %s", method, exc)

    def read(self) -> None:
        """Take in everything that arrived, without waiting, and say so."""
        if self._conn is None:
            return
        try:
            while True:  # one message per call; a reply's read may have buffered several
                self._conn.recv_messages(timeout=0)
        except TimeoutError:
            pass
        except OSError as exc:  # the bus went away (the desktop session is ending)
            logger.info("D-Bus connection closed: %s", exc)
            self.close()
        self.received.emit()

    def close(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier = None
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.close()
            self._conn = None
