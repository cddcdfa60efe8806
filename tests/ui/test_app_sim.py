"""The window on the real agent session, against the Mediatel simulator and its SIP server.

What an agent does in a shift, through the widgets only: sign in from the
form, dial from the number field, talk (the call is answered by itself),
hold and resume, hang up, pick the call code in the dialog by keyboard,
take a pause and resume, ride out a dropped Mediatel connection (banner,
then back), sign out. The phone's audio is a tone and a recorder, no card.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from softphone.core.agent_commands import AgentCommand
from softphone.core.agent_session import SessionPolicy
from softphone.core.agent_snapshot import AgentSnapshot, CallPhase, CallType, LinkState, SignIn
from softphone.core.auto_answer import AutoAnswerRules
from softphone.core.call_records import HistoryQuery
from softphone.net.mediatel import State
from softphone.ui.bridge import AgentBridge
from softphone.ui.controllers.main import MainController
from softphone.ui.views.main_window import MainWindow
from tests.core.agent.session_harness import Agent, build_agent
from tests.peers.mediatel import WAIT
from tests.peers.mediatel_sip import SipSimHarness, start_sip_sim

pytestmark = pytest.mark.peers
CUSTOMER = "0661234567"


class Shift:
    """The window wired to a real session; ``until`` waits on the session's snapshots."""

    def __init__(self, agent: Agent, qtbot: Any) -> None:
        self.agent = agent
        self.bridge = AgentBridge(agent.session)
        self.window = MainWindow()
        qtbot.addWidget(self.window)
        self.controller = MainController(self.bridge, self.window)
        self.bridge.start()
        self.window.show()

    async def until(self, predicate: Callable[[AgentSnapshot], bool], what: str) -> AgentSnapshot:
        snapshot = await self.agent.until(predicate, WAIT, what=what)
        await asyncio.sleep(0)  # the bridge's signal has reached the widgets
        return snapshot

    def close(self) -> None:
        self.controller.timer.stop()
        self.bridge.stop()
        self.window.allow_close = True

    async def end(self, server: Any) -> None:
        """After the test, pass or fail: the window, a bounded sign-out, the server."""
        self.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.agent.session.sign_out(), WAIT)
        await server.aclose()


def test_a_shift_through_the_window(
    qapp: QApplication, qloop: asyncio.AbstractEventLoop, qtbot: Any, tmp_path: Path, ice: None
) -> None:
    async def shift() -> None:
        h: SipSimHarness = await start_sip_sim(tmp_path)
        agent = build_agent(h, tmp_path)
        ui = Shift(agent, qtbot)
        window = ui.window
        try:
            await sign_in(ui)
            await call_hold_hang_up(ui)
            await call_code(ui)
            await pause_and_resume(ui)
            await mediatel_drops(ui, h)
            window.sign_out_action.trigger()
            await ui.until(lambda s: s.sign_in is SignIn.SIGNED_OUT, "signed out")
            assert window.pages.currentWidget() is window.sign_in_page
        finally:
            await ui.end(h)

    qloop.run_until_complete(asyncio.wait_for(shift(), 120))


async def sign_in(ui: Shift) -> None:
    panel = ui.window.sign_in
    QTest.keyClicks(panel.login, "demo")
    QTest.keyClicks(panel.password, "demo")
    QTest.keyClicks(panel.extension, "1001")
    panel.sip_box.setChecked(True)
    QTest.keyClicks(panel.sip_user, "1001")
    QTest.keyClicks(panel.sip_password, "1001")
    QTest.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    await ui.until(lambda s: s.sign_in is SignIn.SIGNED_IN and s.state is State.IDLE, "idle")
    window = ui.window
    assert window.pages.currentWidget() is window.desk
    assert window.status.badge.text().startswith("Available")
    assert window.status.mediatel.toolTip().startswith("Mediatel: connected")
    assert window.status.sip.toolTip().startswith("SIP: connected")


async def call_hold_hang_up(ui: Shift) -> None:
    window = ui.window
    window.focus_action.trigger()
    QTest.keyClicks(window.dialer.number, "066 123-45-67")
    assert window.dialer.number.text() == CUSTOMER
    QTest.keyClick(window.dialer.number, Qt.Key.Key_Return)
    snap = await ui.until(
        lambda s: s.call is not None and s.call.phase is CallPhase.TALKING, "talking"
    )
    panel = window.call_panel
    assert panel.number.text() == CUSTOMER
    assert snap.call is not None and panel.trace_id.text() == snap.call.call_trace_id
    assert panel.timer.text().startswith("Talking")
    assert panel.hold.isEnabled() and panel.hangup.isEnabled()
    assert not panel.answer.isVisible()

    panel.hold.click()
    await ui.until(lambda s: s.call is not None and s.call.on_hold, "on hold")
    assert panel.hold.isChecked() and panel.hold.text() == "Resume"
    assert window.status.badge.text().startswith("On hold")
    panel.hold.click()
    await ui.until(lambda s: s.call is not None and not s.call.on_hold, "off hold")
    assert not panel.hold.isChecked()

    panel.hangup.click()
    await ui.until(lambda s: s.state is State.CLERICAL and s.clerical is not None, "clerical")


async def call_code(ui: Shift) -> None:
    for _ in range(50):  # the dialog opens on the bridge's signal
        if ui.controller.clerical.dialog is not None:
            break
        await asyncio.sleep(0.02)
    dialog = ui.controller.clerical.dialog
    assert dialog is not None and dialog.isVisible()
    first = dialog.list.item(0).text()
    QTest.keyClicks(dialog.search, first[:3])
    QTest.keyClick(dialog.search, Qt.Key.Key_Return)
    snap = await ui.until(lambda s: s.state is State.IDLE and s.clerical is None, "idle again")
    assert snap.call is None
    assert ui.controller.clerical.dialog is None
    assert ui.window.phone.currentIndex() == 0  # the dialler is back
    [record] = await ui.agent.session.history(HistoryQuery())
    assert record.call_code_name == first


async def pause_and_resume(ui: Shift) -> None:
    window = ui.window
    pause_id, action = next(iter(window.pause_button.pause_actions.items()))
    assert action.isEnabled()
    action.trigger()
    snap = await ui.until(lambda s: s.pause is not None, "paused")
    assert snap.pause is not None and snap.pause.id == pause_id
    assert window.resume_button.isVisible()
    assert window.status.badge.text().startswith(f"Pause: {snap.pause.name}")
    window.resume_button.click()
    await ui.until(lambda s: s.pause is None and s.state is State.IDLE, "resumed")
    assert not window.resume_button.isVisible()


async def mediatel_drops(ui: Shift, h: SipSimHarness) -> None:
    window = ui.window
    seen_banner: list[str] = []

    def watch(snapshot: AgentSnapshot) -> None:
        if window.reconnect_banner.isVisible():
            seen_banner.append(window.reconnect_banner.label.text())

    ui.bridge.snapshot_changed.connect(watch)
    await h.sim.drop_connection("demo")
    await ui.until(lambda s: s.mediatel.state is not LinkState.UP, "Mediatel down")
    await ui.until(lambda s: s.mediatel.up and s.state is State.IDLE, "Mediatel back")
    ui.bridge.snapshot_changed.disconnect(watch)
    assert any("Mediatel" in text for text in seen_banner), seen_banner
    assert not window.reconnect_banner.isVisible()
    assert window.status.badge.text().startswith("Available")


def test_an_inbound_call_answered_from_the_keyboard(
    qapp: QApplication, qloop: asyncio.AbstractEventLoop, qtbot: Any, tmp_path: Path, ice: None
) -> None:
    """Auto-answer off for inbound calls: the window rings, Ctrl+Return answers."""
    by_type = MappingProxyType({t: t is not CallType.INBOUND for t in CallType})
    policy = SessionPolicy(
        auto_answer=AutoAnswerRules(by_type=by_type),
        sign_in_timeout_s=WAIT,
        clerical_reminder_s=30,
    )

    async def call() -> None:
        h = await start_sip_sim(tmp_path)
        agent = build_agent(h, tmp_path, policy=policy)
        ui = Shift(agent, qtbot)
        window = ui.window
        try:
            await sign_in(ui)
            await h.sim.inbound_call("demo", ani="0501112233")
            await ui.until(  # Answer is offered once the extension really rings (INVITE)
                lambda s: s.call is not None and s.can(AgentCommand.ANSWER), "ringing"
            )
            panel = window.call_panel
            # Mediatel gives the ANI with STATE_CALL_ACTIVE (mediatel-protocol.md)
            assert panel.number.text() in ("0501112233", "Number not known yet")
            assert panel.kind.text().startswith("↙ Inbound call")
            assert panel.answer.isVisible() and panel.answer.isEnabled()
            assert not panel.auto_answer.isVisible()  # the agent answers this one
            window.activateWindow()
            QTest.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
            await ui.until(
                lambda s: s.call is not None and s.call.phase is CallPhase.TALKING, "answered"
            )
            assert panel.hangup.isVisible() and not panel.answer.isVisible()
            assert panel.number.text() == "0501112233"
            await h.sim.customer_hangup("demo")
            await ui.until(lambda s: s.clerical is not None, "after-call work")
            await asyncio.sleep(0)
            dialog = ui.controller.clerical.dialog
            assert dialog is not None and dialog.isVisible()
            assert dialog.countdown.text().startswith("Please choose a code within 0:")
            QTest.keyClick(dialog.search, Qt.Key.Key_Escape)  # later...
            await asyncio.sleep(0)
            assert not dialog.isVisible()
            window.clerical.button.click()  # ...and back from the desk
            await asyncio.sleep(0)
            assert dialog.isVisible()
            QTest.keyClick(dialog.search, Qt.Key.Key_Down)
            chosen = dialog.list.currentItem().text()
            QTest.keyClick(dialog.search, Qt.Key.Key_Return)
            await ui.until(lambda s: s.state is State.IDLE and s.clerical is None, "idle")
            [record] = await agent.session.history(HistoryQuery())
            assert record.call_code_name == chosen and record.number == "0501112233"
        finally:
            await ui.end(h)

    qloop.run_until_complete(asyncio.wait_for(call(), 120))
