"""The call panel: what it shows in each phase and what its buttons send."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from softphone.core.agent_commands import AgentCommand
from softphone.core.agent_snapshot import CallQualityView, QualityLevel
from softphone.ui.shortcuts import KEYS, Shortcut, key_text
from tests.fakes import agent_scenes as scenes
from tests.ui.conftest import Desk


def names(desk: Desk) -> list[str]:
    return [c.name for c in desk.fake.calls]


def test_ringing_offers_answer_and_reject(desk: Desk) -> None:
    desk.show(scenes.ringing())
    panel = desk.window.call_panel
    assert desk.window.phone.currentWidget().isAncestorOf(panel)
    assert panel.number.text() == "+380 44 123 4567"
    assert panel.kind.text() == "↙ Inbound call · Support"
    assert panel.kind.accessibleName() == "Inbound call · Support, incoming"
    assert panel.timer.text() == "Ringing 0:03"
    assert panel.answer.isVisible() and panel.answer.isEnabled()
    assert panel.reject.isVisible() and panel.reject.isEnabled()
    assert not panel.hangup.isVisible()
    assert not panel.quality.isVisible()
    assert not panel.copy.isVisible()  # no callTraceID before the platform connects
    assert panel.answer.toolTip() == f"Answer ({key_text(Shortcut.ANSWER)})"


def test_answer_click_sends_answer(desk: Desk) -> None:
    desk.show(scenes.ringing())

    async def scenario() -> None:
        QTest.mouseClick(desk.window.call_panel.answer, Qt.MouseButton.LeftButton)
        assert (await desk.fake.next_command()).name == "answer"

    desk.run(scenario())


def test_auto_answer_countdown(desk: Desk) -> None:
    ringing = scenes.ringing()
    assert ringing.call is not None
    call = dataclasses.replace(ringing.call, auto_answer_at=scenes.NOW + 3)
    desk.show(dataclasses.replace(ringing, call=call))
    label = desk.window.call_panel.auto_answer
    assert label.text() == "Answering by itself in 3 s"
    desk.tick(2)
    assert label.text() == "Answering by itself in 1 s"


def test_in_call_shows_timer_trace_id_recording_and_quality(desk: Desk) -> None:
    desk.show(scenes.in_call())
    panel = desk.window.call_panel
    assert panel.timer.text() == "Talking 1:34"
    desk.tick(30)
    assert panel.timer.text() == "Talking 2:04"
    assert panel.trace_id.text() == "7f3c2a91-5b1e-4d0c-9e8a-1a2b3c4d5e6f"
    assert "https://rec.example.com/calls/7f3c2a91" in panel.recording.text()
    assert panel.quality.isVisible()
    tip = panel.quality.toolTip()
    assert tip.splitlines() == [
        "Call quality: Good",
        "loss 0.2 %, jitter 4 ms, round trip 38 ms, MOS 4.3",
    ]


def test_quality_bar_follows_the_figures(desk: Desk) -> None:
    snapshot = scenes.in_call()
    assert snapshot.call is not None
    poor = CallQualityView(QualityLevel.POOR, loss_percent=12.5, jitter_ms=80)
    desk.show(dataclasses.replace(snapshot, call=dataclasses.replace(snapshot.call, quality=poor)))
    bar = desk.window.call_panel.quality
    assert bar.toolTip().splitlines() == ["Call quality: Poor", "loss 12.5 %, jitter 80 ms"]
    image = bar.grab().toImage()
    assert not image.isNull()


def test_copy_trace_id(desk: Desk) -> None:
    desk.show(scenes.in_call())
    QGuiApplication.clipboard().clear()
    desk.window.call_panel.copy.click()
    assert QGuiApplication.clipboard().text() == "7f3c2a91-5b1e-4d0c-9e8a-1a2b3c4d5e6f"
    assert "copied" in desk.window.statusBar().currentMessage()


def test_hold_button_holds_then_resumes(desk: Desk) -> None:
    desk.show(scenes.in_call())
    hold = desk.window.call_panel.hold

    async def scenario() -> None:
        hold.click()
        assert (await desk.fake.next_command()).name == "hold"
        assert not hold.isChecked()  # not on hold until the snapshot says so
        desk.show(scenes.on_hold())
        assert hold.isChecked()
        assert hold.text() == "Resume"
        hold.click()
        assert (await desk.fake.next_command()).name == "unhold"

    desk.run(scenario())


def test_disabled_buttons_say_why(desk: Desk) -> None:
    desk.show(scenes.on_hold())
    panel = desk.window.call_panel
    assert not panel.mute.isEnabled()
    assert panel.mute.toolTip() == "Not available: the call is on hold"
    assert not panel.keypad.isEnabled()
    assert panel.hangup.isEnabled()


def test_mute_toggles(desk: Desk) -> None:
    snapshot = scenes.in_call()
    desk.show(snapshot)
    panel = desk.window.call_panel

    async def scenario() -> None:
        panel.mute.click()
        assert (await desk.fake.next_command()).name == "mute"

    desk.run(scenario())


def test_dtmf_pad_sends_each_key(desk: Desk) -> None:
    desk.show(scenes.in_call())
    panel = desk.window.call_panel
    assert not panel.dtmf.isVisible()
    panel.keypad.click()
    assert panel.dtmf.isVisible()

    async def scenario() -> None:
        for digit in "5#":
            QTest.mouseClick(panel.dtmf.buttons[digit], Qt.MouseButton.LeftButton)
        assert (await desk.fake.next_command()).args == ("5",)
        assert (await desk.fake.next_command()).args == ("#",)

    desk.run(scenario())


def test_hang_up_then_the_dialler_is_back(desk: Desk) -> None:
    desk.show(scenes.in_call())

    async def scenario() -> None:
        desk.window.call_panel.hangup.click()
        assert (await desk.fake.next_command()).name == "hangup"

    desk.run(scenario())
    desk.show(scenes.idle())
    assert desk.window.phone.currentIndex() == 0


@pytest.mark.parametrize(
    ("scene", "shortcut", "command"),
    [
        (scenes.ringing, Shortcut.ANSWER, "answer"),
        (scenes.in_call, Shortcut.HANGUP, "hangup"),
        (scenes.in_call, Shortcut.HOLD, "hold"),
        (scenes.on_hold, Shortcut.HOLD, "unhold"),
        (scenes.in_call, Shortcut.MUTE, "mute"),
    ],
)
def test_keyboard_shortcuts(desk: Desk, scene: object, shortcut: Shortcut, command: str) -> None:
    desk.show(scene())  # type: ignore[operator]
    window = desk.window
    window.activateWindow()
    sequence = KEYS[shortcut].split("+")
    key = getattr(Qt.Key, "Key_" + sequence[-1])
    modifiers = Qt.KeyboardModifier.ControlModifier

    async def scenario() -> None:
        QTest.keyClick(window, key, modifiers)
        assert (await desk.fake.next_command()).name == command

    desk.run(scenario())


def test_shortcut_on_a_refused_command_says_why(desk: Desk) -> None:
    """A shortcut can fire while its action is greyed (focus elsewhere): still refused."""
    desk.show(scenes.idle())
    desk.controller.desk.send(AgentCommand.HANGUP)
    assert desk.window.message_banner.label.text() == "Not now: no call to hang up"
    assert desk.fake.calls == []


def test_recording_link_opens_in_the_browser(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    from softphone.ui.controllers import desk as desk_module

    opened: list[str] = []
    monkeypatch.setattr(
        desk_module.QDesktopServices, "openUrl", lambda url: opened.append(url.toString())
    )
    desk.show(scenes.in_call())
    desk.window.call_panel.recording.linkActivated.emit("https://rec.example.com/calls/7f3c2a91")
    assert opened == ["https://rec.example.com/calls/7f3c2a91"]
