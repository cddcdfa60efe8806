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

import logging
import sys
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal, SignalInstance
from PySide6.QtWidgets import QSystemTrayIcon

from softphone.ui.dbus_link import BusLink

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

    Spoken with jeepney through ``dbus_link.BusLink`` (jeepney is already
    installed on Linux: ``core.secret_store`` reaches the Secret Service with it) because
    QtDBus from Python cannot send the ``uint32`` the Notify method requires.
    Replies are awaited for at most two seconds; ``ActionInvoked`` is read
    when Qt sees the socket readable, so nothing blocks the loop while idle.
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
        self._link: BusLink | None = None
        self._signals: Any = None
        if fallback is not None:
            fallback.activated.connect(self.activated)
        try:
            self._link = BusLink(bus, self)
            self._signals = self._link.subscribe(
                interface=DBUS_INTERFACE, member="ActionInvoked", path=DBUS_PATH
            )
            self._link.received.connect(self._on_received)
        except Exception as exc:  # no bus, no jeepney, refused authentication...
            logger.info("no session D-Bus for notifications (%s)", exc)
            self.close()

    @property
    def connected(self) -> bool:
        return self._link is not None and self._link.open

    def _address(self) -> Any:
        from jeepney import DBusAddress

        return DBusAddress(DBUS_PATH, bus_name=DBUS_SERVICE, interface=DBUS_INTERFACE)

    def notify_call(self, title: str, body: str) -> None:
        if self._link is None or not self._link.open:
            self._fall_back(title, body, "no session bus")
            return
        arguments = notify_arguments("Softphone", title, body, self._id)
        try:
            reply = self._link.call(self._address(), "Notify", NOTIFY_SIGNATURE, arguments)
        except Exception as exc:  # DBusErrorResponse, TimeoutError, a closed socket
            self._fall_back(title, body, str(exc))
            return
        self._id = int(reply[0])

    def withdraw(self) -> None:
        if not self._id or self._link is None:
            return
        self._link.send(self._address(), "CloseNotification", "u", (self._id,))
        self._id = 0

    def close(self) -> None:
        if self._link is not None:
            self._link.close()
            self._link = None

    def _fall_back(self, title: str, body: str, why: str) -> None:
        logger.info("desktop notification via D-Bus not possible (%s); using the tray", why)
        if self._fallback is not None:
            self._fallback.notify_call(title, body)

    def _on_received(self) -> None:
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
