"""The incoming-call popup and notification: on top, never taking focus, gone when answered."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from softphone.core.agent_snapshot import CallType
from softphone.ui.incoming_popup import IncomingCallAlerts, IncomingCallPopup
from softphone.ui.notifications import DBusNotifier, notify_arguments
from tests.ui.shell_support import ringing, signed_in, talking


class FakeNotifier(QObject):
    activated = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[tuple[str, str]] = []
        self.withdrawn = 0

    def notify_call(self, title: str, body: str) -> None:
        self.shown.append((title, body))

    def withdraw(self) -> None:
        self.withdrawn += 1


def test_popup_stays_on_top_without_taking_focus(qtbot: QtBot) -> None:
    popup = IncomingCallPopup()
    qtbot.addWidget(popup)
    flags = popup.windowFlags()
    assert flags & Qt.WindowType.WindowStaysOnTopHint
    assert flags & Qt.WindowType.WindowDoesNotAcceptFocus
    assert flags & Qt.WindowType.Tool
    assert popup.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    assert popup.answer_button.focusPolicy() == Qt.FocusPolicy.NoFocus


def test_typing_elsewhere_keeps_focus_when_a_call_rings(qtbot: QtBot) -> None:
    editor = QWidget()
    field = QLineEdit(editor)
    qtbot.addWidget(editor)
    editor.show()
    editor.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    popup = IncomingCallPopup()
    qtbot.addWidget(popup)
    popup.set_snapshot(ringing())
    qtbot.waitExposed(popup)
    qtbot.keyClicks(field, "notes")
    assert field.hasFocus()
    assert field.text() == "notes"


def test_popup_shows_number_queue_type_and_buttons(qtbot: QtBot) -> None:
    popup = IncomingCallPopup()
    qtbot.addWidget(popup)
    popup.set_snapshot(ringing(number="+380441234567", queue="Sales"))
    assert popup.isVisible()
    assert popup.number.text() == "+380441234567"
    assert popup.details.text() == "Queue: Sales"
    assert popup.title.text() == "Inbound call"
    assert popup.answer_button.isVisible() and popup.reject_button.isVisible()
    assert not popup.countdown.isVisible()
    with qtbot.waitSignal(popup.answer_requested):
        qtbot.mouseClick(popup.answer_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(popup.reject_requested):
        qtbot.mouseClick(popup.reject_button, Qt.MouseButton.LeftButton)


def test_auto_answered_call_counts_down_instead_of_buttons(qtbot: QtBot) -> None:
    now = [1000.0]
    popup = IncomingCallPopup(clock=lambda: now[0])
    qtbot.addWidget(popup)
    popup.set_snapshot(ringing(auto_answer_at=1003.0, call_type=CallType.PREDICTIVE))
    assert popup.title.text() == "Predictive call"
    assert not popup.answer_button.isVisible()
    assert popup.countdown.text() == "Answering automatically in 3 s"
    now[0] = 1002.0
    qtbot.waitUntil(lambda: popup.countdown.text() == "Answering automatically in 1 s")


def test_popup_closes_when_the_call_is_answered_or_gone(qtbot: QtBot) -> None:
    popup = IncomingCallPopup()
    qtbot.addWidget(popup)
    popup.set_snapshot(ringing())
    assert popup.isVisible()
    popup.set_snapshot(talking())
    assert not popup.isVisible()
    popup.set_snapshot(ringing())
    popup.set_snapshot(signed_in())
    assert not popup.isVisible()


def test_clicking_the_popup_asks_for_the_window(qtbot: QtBot) -> None:
    popup = IncomingCallPopup()
    qtbot.addWidget(popup)
    popup.set_snapshot(ringing())
    with qtbot.waitSignal(popup.activated):
        qtbot.mouseClick(popup.number, Qt.MouseButton.LeftButton)


def test_one_notification_per_call_withdrawn_when_answered(qtbot: QtBot) -> None:
    popup = IncomingCallPopup()
    qtbot.addWidget(popup)
    notifier = FakeNotifier()
    alerts = IncomingCallAlerts(popup, notifier)
    alerts.set_snapshot(ringing(number="0441234567", queue="Sales"))
    alerts.set_snapshot(ringing(number="0441234567", queue="Sales"))
    assert notifier.shown == [("Inbound call", "0441234567 in queue Sales")]
    alerts.set_snapshot(talking())
    assert notifier.withdrawn == 1
    with qtbot.waitSignal(alerts.activated):
        notifier.activated.emit()


def test_dbus_notification_is_a_call_with_critical_urgency() -> None:
    args = notify_arguments("Softphone", "Inbound call", "0441234567", 0)
    assert args[0] == "Softphone" and args[3] == "Inbound call"
    hints = args[6]
    assert isinstance(hints, dict)
    assert hints["category"] == ("s", "call.incoming")
    assert hints["urgency"] == ("y", 2)  # critical
    assert args[5] == ["default", "Show"]


def test_without_a_session_bus_the_tray_message_is_used(qtbot: QtBot, monkeypatch: object) -> None:
    fallback = FakeNotifier()
    notifier = DBusNotifier(fallback)
    if notifier.connected:  # a desktop session: the bus path is taken instead
        return
    notifier.notify_call("Inbound call", "0441234567")
    assert fallback.shown == [("Inbound call", "0441234567")]
    with qtbot.waitSignal(notifier.activated):
        fallback.activated.emit()


def _bus_or_skip(with_daemon: bool = True):  # type: ignore[no-untyped-def]
    import os
    import shutil

    import pytest

    if shutil.which("dbus-daemon") is None and not os.environ.get("SOFTPHONE_REQUIRE_PEERS"):
        pytest.skip("dbus-daemon is not installed")
    from tests.ui.fake_notification_daemon import private_bus

    return private_bus(with_daemon)


def test_dbus_notification_reaches_the_daemon_and_a_click_brings_the_window(
    qtbot: QtBot,
) -> None:
    from tests.ui.fake_notification_daemon import NOTIFICATION_ID

    with _bus_or_skip() as daemon:
        fallback = FakeNotifier()
        notifier = DBusNotifier(fallback, bus=daemon.address)
        assert notifier.connected
        notifier.notify_call("Inbound call", "0441234567 in queue Sales")
        member, body = daemon.calls[-1]
        assert member == "Notify"
        assert body[3:5] == ("Inbound call", "0441234567 in queue Sales")
        hints = body[6]
        assert isinstance(hints, dict)
        assert hints["category"] == ("s", "call.incoming")
        assert fallback.shown == []  # the daemon took it
        with qtbot.waitSignal(notifier.activated, timeout=10000):
            daemon.click(NOTIFICATION_ID)
        notifier.withdraw()
        qtbot.waitUntil(lambda: daemon.calls[-1][0] == "CloseNotification", timeout=10000)
        assert daemon.calls[-1][1] == (NOTIFICATION_ID,)
        notifier.close()


def test_bus_without_a_notification_daemon_falls_back_to_the_tray(qtbot: QtBot) -> None:
    with _bus_or_skip(with_daemon=False) as daemon:
        fallback = FakeNotifier()
        notifier = DBusNotifier(fallback, bus=daemon.address)
        notifier.notify_call("Inbound call", "0441234567")
        assert fallback.shown == [("Inbound call", "0441234567")]
        notifier.close()
