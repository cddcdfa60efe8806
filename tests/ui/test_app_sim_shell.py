"""The shell around the window on the real session: the popup of a real inbound call, history.

``test_app_sim.py`` drives the window alone; here the tray, the incoming
popup and the History tab are wired as the app wires them, and a call
arrives from the Mediatel simulator through its SIP server: the popup
shows who is calling, its Answer button answers the real INVITE, and the
finished call is in the History tab with its number, call code and
callTraceID, as an agent would look for it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from softphone.core.agent_commands import AgentCommand
from softphone.core.agent_session import SessionPolicy
from softphone.core.agent_snapshot import CallPhase, CallType
from softphone.core.auto_answer import AutoAnswerRules
from softphone.net.mediatel import State
from tests.core.agent.session_harness import build_agent
from tests.peers.mediatel import WAIT
from tests.peers.mediatel_sip import start_sip_sim
from tests.ui.shell_support import scratch_settings, shell_on
from tests.ui.test_app_sim import Shift, sign_in

pytestmark = pytest.mark.peers
CALLER = "0501112233"


def test_a_real_inbound_call_pops_up_is_answered_there_and_lands_in_history(
    qapp: QApplication, qloop: asyncio.AbstractEventLoop, qtbot: Any, tmp_path: Path, ice: None
) -> None:
    by_type = MappingProxyType({t: t is not CallType.INBOUND for t in CallType})
    policy = SessionPolicy(
        auto_answer=AutoAnswerRules(by_type=by_type), sign_in_timeout_s=WAIT, clerical_reminder_s=30
    )

    async def call() -> None:
        h = await start_sip_sim(tmp_path)
        agent = build_agent(h, tmp_path, policy=policy)
        ui = Shift(agent, qtbot)
        shown: list[bool] = []
        settings = scratch_settings(tmp_path / "ui.ini")
        shell = shell_on(ui.bridge, ui.window, settings, lambda: shown.append(True))
        popup = shell.popup
        try:
            await sign_in(ui)
            assert not popup.isVisible()
            trace_id = await h.sim.inbound_call("demo", ani=CALLER)
            await ui.until(lambda s: s.call is not None and s.can(AgentCommand.ANSWER), "ringing")
            assert popup.isVisible(), "no popup for a ringing inbound call"
            assert popup.title.text() == "Inbound call"
            assert popup.answer_button.isVisible() and popup.reject_button.isVisible()
            popup.activated.emit()  # clicking the popup brings the window up
            assert shown == [True]

            QTest.mouseClick(popup.answer_button, Qt.MouseButton.LeftButton)
            await ui.until(
                lambda s: s.call is not None and s.call.phase is CallPhase.TALKING, "answered"
            )
            assert not popup.isVisible(), "the popup stays after the call was answered"
            assert popup.number.text() == CALLER or ui.window.call_panel.number.text() == CALLER

            await h.sim.customer_hangup("demo")
            await ui.until(lambda s: s.clerical is not None, "after-call work")
            await asyncio.sleep(0)  # the bridge's signal opens the dialog
            dialog = ui.controller.clerical.dialog
            assert dialog is not None and dialog.isVisible()
            QTest.keyClick(dialog.search, Qt.Key.Key_Down)
            chosen = dialog.list.currentItem().text()
            QTest.keyClick(dialog.search, Qt.Key.Key_Return)
            await ui.until(lambda s: s.state is State.IDLE and s.clerical is None, "idle")

            ui.window.tabs.setCurrentIndex(shell.history_tab)  # the agent opens History
            history = shell.history
            await history.reload()
            rows = [
                [history.model.item(r, c).text() for c in range(history.COLUMNS)]
                for r in range(history.model.rowCount())
            ]
            assert len(rows) == 1, rows
            [row] = rows
            assert row[history.NUMBER] == CALLER and row[history.CODE] == chosen, row
            details = history.model.item(0, history.NUMBER).toolTip()
            assert details.startswith("Incoming call"), details
            assert trace_id is not None and trace_id in details, details
        finally:
            await ui.end(h)

    qloop.run_until_complete(asyncio.wait_for(call(), 120))
