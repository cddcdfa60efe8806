"""The window when the whole Mediatel server restarts, while available and mid-call.

``softphone sim`` runs as its own process and is killed (SIGKILL: no goodbye
on any socket, every agent's state gone) and started again on the same
ports. Through the widgets only, the agent sees the reconnecting banner with
the reason and the next attempt, then is signed in and available again
without touching anything; the call that was cut stays in the history with
its end; a call code picked in the dialog during the outage is kept, and
reported when the restarted server no longer has the call; no traceback
reaches the window.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel

from softphone.core.agent_snapshot import AgentSnapshot, CallPhase, LinkState
from softphone.core.call_records import HistoryQuery
from softphone.media.tracks import read_wav
from softphone.net.mediatel import State
from softphone.sim.sip_telephony import ExternalServer, customer_voice
from softphone.ui.history_view import HistoryView
from tests.core.agent.session_harness import build_agent
from tests.peers.kamailio import Kamailio
from tests.peers.mediatel_sip import start_sip_sim
from tests.peers.sim_process import SimProcess
from tests.sim.test_sip_telephony import voice_match
from tests.ui.test_app_sim import CUSTOMER, Shift, sign_in

pytestmark = pytest.mark.peers
WAIT = 30.0  # a process start under load


class BannerLog:
    """Every reconnect-banner sentence the window showed, and every other text on it."""

    def __init__(self, ui: Shift) -> None:
        self.ui = ui
        self.banner: list[str] = []
        self.texts: set[str] = set()
        ui.bridge.snapshot_changed.connect(self.watch)

    def watch(self, _snapshot: AgentSnapshot) -> None:
        window = self.ui.window
        if window.reconnect_banner.isVisible():
            self.banner.append(window.reconnect_banner.label.text())
        self.texts.update(label.text() for label in window.findChildren(QLabel))
        dialog = self.ui.controller.clerical.dialog
        if dialog is not None:
            self.texts.update(label.text() for label in dialog.findChildren(QLabel))


async def outage(ui: Shift, sim: SimProcess, log: BannerLog) -> None:
    """Kill the server, see the banner say why and when, start it again."""
    mark = len(log.banner)
    await sim.kill()
    await ui.until(
        lambda s: s.mediatel.state is LinkState.RECONNECTING and s.mediatel.retry_at is not None,
        "Mediatel reconnecting",
    )
    banner = ui.window.reconnect_banner
    assert banner.isVisible()
    text = banner.label.text()
    assert text.startswith("Reconnecting to Mediatel… ("), text
    assert "Next attempt in" in text or "Trying now." in text, text
    assert "Reconnecting to SIP…" in text, text
    await sim.start()
    await ui.until(
        lambda s: s.mediatel.up and s.sip.up and s.state is State.IDLE and s.call is None,
        "signed in and available again",
    )
    assert any("Next attempt in" in line for line in log.banner[mark:]), log.banner[mark:]
    assert not banner.isVisible()
    assert ui.window.status.badge.text().startswith("Available")


def test_the_server_restarts_idle_mid_call_and_in_after_call_work(
    qapp: QApplication, qloop: asyncio.AbstractEventLoop, qtbot: Any, tmp_path: Path, ice: None
) -> None:
    async def shift() -> None:
        sim = SimProcess(tmp_path)
        await sim.start()
        agent = build_agent(sim, tmp_path)
        ui = Shift(agent, qtbot)
        window = ui.window
        log = BannerLog(ui)
        try:
            await sign_in(ui)
            # 1. while available
            await outage(ui, sim, log)

            # 2. mid-call: the call is cut, its record completed
            QTest.keyClicks(window.dialer.number, CUSTOMER)
            QTest.keyClick(window.dialer.number, Qt.Key.Key_Return)
            snap = await ui.until(
                lambda s: s.call is not None and s.call.phase is CallPhase.TALKING, "talking"
            )
            assert snap.call is not None
            cut = snap.call.call_trace_id
            await outage(ui, sim, log)
            assert window.phone.currentIndex() == 0  # the dialler is back, no call panel
            history = HistoryView(agent.session.history)
            qtbot.addWidget(history)
            await history.reload()
            assert history.model.rowCount() == 1
            [record] = await agent.session.history(HistoryQuery())
            assert record.call_trace_id == cut and record.ended_at is not None
            # not "ended by the platform": the window and the record say what happened
            said = "The call was cut: the connection to the Mediatel server was lost."
            assert window.notice.text() == said
            assert window.message_banner.isVisible() and window.message_banner.label.text() == said
            assert history.model.item(0, history.NUMBER).toolTip().endswith(said)
            assert not history.model.item(0, history.RESULT).icon().isNull()

            # 3. after-call work: the code picked during the outage is kept, then reported
            window.dialer.number.clear()
            QTest.keyClicks(window.dialer.number, CUSTOMER)
            QTest.keyClick(window.dialer.number, Qt.Key.Key_Return)
            await ui.until(
                lambda s: s.call is not None and s.call.phase is CallPhase.TALKING, "talking"
            )
            window.call_panel.hangup.click()
            snap = await ui.until(lambda s: s.clerical is not None, "after-call work")
            assert snap.call is not None
            trace = snap.call.call_trace_id
            await sim.kill()
            await ui.until(lambda s: not s.mediatel.up, "Mediatel down")
            dialog = ui.controller.clerical.dialog
            assert dialog is not None and dialog.isVisible()
            assert dialog.set_button.isEnabled(), dialog.set_button.toolTip()
            chosen = dialog.list.currentItem().text()
            QTest.keyClick(dialog.search, Qt.Key.Key_Return)
            await ui.until(lambda s: s.clerical is not None and s.clerical.chosen_held, "code kept")
            assert dialog.state.text() == f"Code “{chosen}” kept; it is sent when Mediatel is back."
            assert window.clerical.chosen.text() == dialog.state.text()
            await sim.start()
            await ui.until(
                lambda s: s.mediatel.up and s.state is State.IDLE and s.clerical is None,
                "available again",
            )
            await ui.until(lambda s: s.notice is not None, "reported")
            notice = window.notice.text()
            assert notice.startswith(f"The call code “{chosen}” was not sent"), notice
            assert trace is not None and trace in notice
            assert ui.controller.clerical.dialog is None
            records = await agent.session.history(HistoryQuery())
            assert [r.call_code_name for r in records if r.call_trace_id == trace] == [chosen]
            assert not any("Traceback" in text for text in log.texts), log.texts
            assert not window.message_banner.isVisible(), window.message_banner.label.text()
        finally:
            await ui.end(sim)

    qloop.run_until_complete(asyncio.wait_for(shift(), 240))


def test_the_sip_server_restarts_mid_call(
    qapp: QApplication,
    qloop: asyncio.AbstractEventLoop,
    qtbot: Any,
    tmp_path: Path,
    ice: None,
    kamailio: Kamailio,
) -> None:
    """Kamailio stops mid-call and comes back (its registrations lost): the banner says
    SIP is reconnecting and when, the customer is still heard (media never went through
    it), the extension registers again and the shift goes on."""

    async def call() -> None:
        external = ExternalServer(
            kamailio.ws_url, "agent", kamailio.password("agent"), domain=kamailio.realm
        )
        h = await start_sip_sim(tmp_path, external=external)
        await asyncio.wait_for(h.telephony.external_registered.wait(), WAIT)
        agent = build_agent(h, tmp_path, sip_urls=(kamailio.ws_url,))
        ui = Shift(agent, qtbot)
        window = ui.window
        log = BannerLog(ui)
        try:
            panel = window.sign_in
            QTest.keyClicks(panel.login, "demo")
            QTest.keyClicks(panel.password, "demo")
            QTest.keyClicks(panel.extension, "1001")
            panel.sip_box.setChecked(True)
            QTest.keyClicks(panel.sip_user, "1001")
            QTest.keyClicks(panel.sip_password, kamailio.password("1001"))
            QTest.mouseClick(panel.button, Qt.MouseButton.LeftButton)
            await ui.until(lambda s: s.state is State.IDLE and s.sip.up, "available")
            QTest.keyClicks(window.dialer.number, CUSTOMER)
            QTest.keyClick(window.dialer.number, Qt.Key.Key_Return)
            await ui.until(
                lambda s: s.call is not None and s.call.phase is CallPhase.TALKING, "talking"
            )
            await kamailio.astop()
            await ui.until(
                lambda s: s.sip.state is LinkState.RECONNECTING and s.sip.retry_at is not None,
                "SIP reconnecting",
            )
            text = window.reconnect_banner.label.text()
            assert window.reconnect_banner.isVisible() and "Reconnecting to SIP… (" in text, text
            assert "Next attempt in" in text or "Trying now." in text, text
            assert window.call_panel.hangup.isEnabled()  # the call is still the agent's
            await kamailio.astart()
            await ui.until(lambda s: s.sip.up, "registered again")
            assert kamailio.bindings("1001"), "no binding after the restart"
            snap = agent.session.snapshot
            assert snap.call is not None and snap.call.phase is CallPhase.TALKING
            voice, _ = read_wav(customer_voice())
            assert voice_match(await agent.heard(1.0), voice) > 0.7, "the customer went silent"
            assert not window.reconnect_banner.isVisible()
            window.call_panel.hangup.click()
            await ui.until(lambda s: s.clerical is not None, "after-call work")
            await asyncio.sleep(0)
            dialog = ui.controller.clerical.dialog
            assert dialog is not None
            QTest.keyClick(dialog.search, Qt.Key.Key_Return)
            await ui.until(lambda s: s.state is State.IDLE and s.clerical is None, "available")
            [record] = await agent.session.history(HistoryQuery())
            assert record.ended_at is not None and record.call_code_name
            assert not any("Traceback" in text for text in log.texts), log.texts
        finally:
            await ui.end(h)

    qloop.run_until_complete(asyncio.wait_for(call(), 180))
