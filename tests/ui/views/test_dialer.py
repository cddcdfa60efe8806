"""Dialling: typing, pasting, the dial pad, validation, queue and redial."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from tests.fakes import agent_scenes as scenes
from tests.ui.conftest import Desk


@pytest.fixture
def idle(desk: Desk) -> Desk:
    desk.show(scenes.idle())
    return desk


def test_pasted_number_is_cleaned(idle: Desk) -> None:
    number = idle.window.dialer.number
    QGuiApplication.clipboard().setText("+38 (044) 123-45-67")
    number.setFocus()
    QTest.keyClick(number, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert number.text() == "380441234567"
    assert idle.window.dialer.call.isEnabled()


def test_typed_punctuation_is_dropped_and_the_cursor_stays(idle: Desk) -> None:
    number = idle.window.dialer.number
    QTest.keyClicks(number, "044-12")
    assert number.text() == "04412"
    number.setCursorPosition(3)
    QTest.keyClicks(number, " 9")
    assert number.text() == "044912"
    assert number.cursorPosition() == 4


def test_what_cannot_be_dialled_is_said_and_call_stays_off(idle: Desk) -> None:
    dialer = idle.window.dialer
    QTest.keyClicks(dialer.number, "call me")
    assert dialer.problem.isVisible()
    assert dialer.problem.text() == "A number has only digits, * and #."
    assert not dialer.call.isEnabled()
    assert dialer.call.toolTip() == "Not available: A number has only digits, * and #."
    dialer.number.clear()
    assert not dialer.problem.isVisible()  # empty is not an error, just nothing to call
    assert dialer.call.toolTip() == "Not available: Type a number to call."


def test_dial_pad_and_enter_call_the_number_from_the_chosen_queue(idle: Desk) -> None:
    dialer = idle.window.dialer
    assert [dialer.queue.itemText(i) for i in range(dialer.queue.count())] == [
        "Default queue",
        "Sales",
        "Support",
        "Billing",
    ]
    dialer.queue.setCurrentIndex(2)
    for digit in "0441":
        QTest.mouseClick(dialer.pad.buttons[digit], Qt.MouseButton.LeftButton)
    assert dialer.number.text() == "0441"

    async def scenario() -> None:
        QTest.keyClick(dialer.number, Qt.Key.Key_Return)
        recorded = await idle.fake.next_command()
        assert (recorded.name, recorded.args) == ("dial", ("0441", "Support"))

    idle.run(scenario())


def test_digits_typed_on_the_window_go_to_the_number(idle: Desk) -> None:
    """A key on a control that does not take text (the tab bar) starts the number."""
    idle.window.tabs.setFocus()
    QTest.keyClick(idle.window.tabs, "1")
    assert idle.window.dialer.number.hasFocus()
    QTest.keyClick(idle.window.focusWidget(), "2")
    assert idle.window.dialer.number.text() == "12"


def test_call_is_disabled_with_the_platforms_reason(desk: Desk) -> None:
    desk.show(scenes.clerical())
    call = desk.window.dialer.call
    desk.window.dialer.number.setText("0441234567")
    assert not call.isEnabled()
    assert call.toolTip() == "Not available: choose a call code first"


def test_redial_calls_the_last_number_again(idle: Desk) -> None:
    dialer = idle.window.dialer
    assert not dialer.redial.isEnabled()
    assert dialer.redial.toolTip() == "Not available: no number dialled yet"

    async def scenario() -> None:
        dialer.number.setText("0441234567")
        dialer.call.click()
        assert (await idle.fake.next_command()).args == ("0441234567", None)
        dialer.number.clear()
        assert dialer.redial.isEnabled()
        assert "0441234567" in dialer.redial.toolTip()
        idle.window.redial_action.trigger()
        assert (await idle.fake.next_command()).args == ("0441234567", None)

    idle.run(scenario())


def test_focus_number_shortcut(idle: Desk) -> None:
    idle.window.pause_button.setFocus()
    idle.window.focus_action.trigger()
    assert idle.window.dialer.number.hasFocus()


def test_call_is_reachable_with_tab_and_space(idle: Desk) -> None:
    """Everything reachable without a mouse: Tab from the number reaches Call."""
    window = idle.window
    window.activateWindow()
    window.focus_action.trigger()
    QTest.keyClicks(window.dialer.number, "0441234567")
    for _ in range(40):
        if window.dialer.call.hasFocus():
            break
        QTest.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
    assert window.dialer.call.hasFocus()

    async def scenario() -> None:
        QTest.keyClick(window.dialer.call, Qt.Key.Key_Space)
        assert (await idle.fake.next_command()).args == ("0441234567", None)

    idle.run(scenario())
