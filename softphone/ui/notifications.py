"""The OS notification for an incoming call (secondary to the popup).

- Linux: ``org.freedesktop.Notifications.Notify`` over the session D-Bus
  (jeepney; see ``DBusNotifier`` for why not QtDBus) with category ``call.incoming`` and
  critical urgency, so a desktop in "do not disturb" still lets it through
  where the user allowed calls, and clicking it (the ``default`` action)
  brings the window up. No bus or no notification daemon: the tray message.
- Windows: the process gets its own AppUserModelID before any window is
  shown, or toasts and the task bar say "Python" instead of "Softphone".
- macOS and the rest: ``QSystemTrayIcon.showMessage``, which needs the tray
  icon visible.

Every backend emits ``activated`` when the agent clicks the notification.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from typing import Any, Protocol

from PySide6.QtCore import QObject, QSocketNotifier, Signal, SignalInstance
from PySide6.QtWidgets import QSystemTrayIcon

logger = logging.getLogger(__name__)

APP_USER_MODEL_ID = "Mediatel.Softphone"
DBUS_SERVICE = "org.freedesktop.Notifications"
DBUS_PATH = "/org/freedesktop/Notifications"
DBUS_INTERFACE = "org.freedesktop.Notifications"
CATEGORY = "call.incoming"
URGENCY_CRITICAL = 2


class Notifier(Protocol):
    @property
    def activated(self) -> SignalInstance:
        """The agent clicked the notification."""
        ...

    def notify_call(self, title: str, body: str) -> None: ...

    def withdraw(self) -> None:
        """Take the notification back (the call was answered or ended)."""
        ...


def set_app_user_model_id(app_id: str = APP_USER_MODEL_ID) -> bool:
    """On Windows, name this process so notifications say "Softphone"; True if set."""
    if sys.platform != "win32":
        return False
    try:
        import ctypes

        shell32 = getattr(ctypes, "windll").shell32  # noqa: B009 (absent off Windows)
        return int(shell32.SetCurrentProcessExplicitAppUserModelID(app_id)) == 0
    except (AttributeError, OSError) as exc:
        logger.warning("could not set the AppUserModelID: %s", exc)
        return False


NOTIFY_SIGNATURE = "susssasa{sv}i"


def notify_arguments(app_name: str, title: str, body: str, replaces: int) -> tuple[object, ...]:
    """The ``Notify(susssasa{sv}i)`` arguments for one incoming call (hints as variants)."""
    return (
        app_name,
        replaces,
        "call-start",  # icon name from the freedesktop icon naming spec
        title,
        body,
        ["default", "Show"],
        {
            "category": ("s", CATEGORY),
            "urgency": ("y", URGENCY_CRITICAL),
            "desktop-entry": ("s", "softphone"),
        },
        -1,
    )


class TrayNotifier(QObject):
    """Notifications as tray balloons (macOS, Windows, Linux without D-Bus)."""

    activated = Signal()

    def __init__(self, tray: QSystemTrayIcon, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tray = tray
        tray.messageClicked.connect(self.activated)

    def notify_call(self, title: str, body: str) -> None:
        if self._tray.isVisible() and QSystemTrayIcon.supportsMessages():
            self._tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, 15000)

    def withdraw(self) -> None:
        """Balloons cannot be taken back; they time out by themselves."""


class DBusNotifier(QObject):
    """freedesktop notifications; falls back to ``fallback`` when the bus refuses.

    Spoken with jeepney (already installed on Linux: keyring's Secret Service
    backend uses it) because QtDBus from Python cannot send the ``uint32``
    the Notify method requires (PySide6 marshals every int as ``int32`` and
    the daemons reject the call). Replies are awaited for at most two
    seconds; the ``ActionInvoked`` signal is read when Qt sees the socket
    readable, so nothing blocks the event loop while idle.
    """

    activated = Signal()

    def __init__(
        self,
        fallback: Notifier | None = None,
        parent: QObject | None = None,
        *,
        bus: str = "SESSION",
    ) -> None:
        super().__init__(parent)
        self._fallback = fallback
        self._id = 0
        self._conn: Any = None
        self._signals: Any = None
        self._notifier: QSocketNotifier | None = None
        if fallback is not None:
            fallback.activated.connect(self.activated)
        try:
            self._open(bus)
        except Exception as exc:  # no bus, no jeepney, refused authentication...
            logger.info("no session D-Bus for notifications (%s)", exc)
            self._close_connection()

    def _open(self, bus: str) -> None:
        from jeepney import MatchRule
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import Proxy, open_dbus_connection

        self._conn = open_dbus_connection(bus=bus)
        rule = MatchRule(
            type="signal", interface=DBUS_INTERFACE, member="ActionInvoked", path=DBUS_PATH
        )
        Proxy(message_bus, self._conn, timeout=2).AddMatch(rule)
        self._signals = self._conn.filter(rule, bufsize=32).queue
        self._notifier = QSocketNotifier(self._conn.sock.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_readable)

    @property
    def connected(self) -> bool:
        return self._conn is not None

    def notify_call(self, title: str, body: str) -> None:
        if self._conn is None:
            self._fall_back(title, body, "no session bus")
            return
        from jeepney import DBusAddress, new_method_call
        from jeepney.wrappers import unwrap_msg

        address = DBusAddress(DBUS_PATH, bus_name=DBUS_SERVICE, interface=DBUS_INTERFACE)
        message = new_method_call(
            address,
            "Notify",
            NOTIFY_SIGNATURE,
            notify_arguments("Softphone", title, body, self._id),
        )
        try:
            reply = unwrap_msg(self._conn.send_and_get_reply(message, timeout=2))
        except Exception as exc:  # DBusErrorResponse, TimeoutError, a closed socket
            self._fall_back(title, body, str(exc))
            return
        self._id = int(reply[0])

    def withdraw(self) -> None:
        if not self._id or self._conn is None:
            return
        from jeepney import DBusAddress, new_method_call

        address = DBusAddress(DBUS_PATH, bus_name=DBUS_SERVICE, interface=DBUS_INTERFACE)
        try:
            self._conn.send(new_method_call(address, "CloseNotification", "u", (self._id,)))
        except OSError as exc:
            logger.info("could not withdraw the notification: %s", exc)
        self._id = 0

    def close(self) -> None:
        self._close_connection()

    def _close_connection(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier = None
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.close()
            self._conn = None

    def _fall_back(self, title: str, body: str, why: str) -> None:
        logger.info("desktop notification via D-Bus not possible (%s); using the tray", why)
        if self._fallback is not None:
            self._fallback.notify_call(title, body)

    def _on_readable(self) -> None:
        """Dispatch what arrived (into the ActionInvoked queue) without waiting."""
        try:
            self._conn.recv_messages(timeout=0)
        except TimeoutError:
            pass
        except OSError as exc:  # the bus went away (session ending)
            logger.info("session D-Bus closed: %s", exc)
            self._close_connection()
            return
        while self._signals:
            notification_id, action = self._signals.popleft().body
            if self._id and notification_id == self._id and action == "default":
                self.activated.emit()


def make_notifier(tray: QSystemTrayIcon, parent: QObject | None = None) -> Notifier:
    """The platform's notifier: D-Bus on Linux (tray as fallback), else the tray."""
    fallback = TrayNotifier(tray, parent)
    if sys.platform.startswith("linux"):
        notifier = DBusNotifier(fallback, parent)
        if notifier.connected:
            return notifier
    return fallback
