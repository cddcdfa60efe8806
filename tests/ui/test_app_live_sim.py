"""Settings saved while signed in hold from the next call: the app on the real session.

Against the Mediatel simulator and its SIP server: the agent, in the middle
of a shift, sets a 1.5 s auto-answer delay and switches noise suppression
off in the settings dialog; the very next inbound call is answered after
the delay (it was answered at once before), and the phone that will carry
it has the new microphone chain and device. Nothing is restarted.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from softphone.core.agent_api import SignInRequest
from softphone.core.agent_snapshot import CallPhase, SignIn
from softphone.net.mediatel import State
from softphone.ui.app import SoftphoneApp
from softphone.ui.settings.audio_page import AudioPage
from softphone.ui.settings.pages import AutoAnswerPage
from tests.core.agent.session_harness import build_agent
from tests.peers.mediatel import WAIT
from tests.peers.mediatel_sip import start_sip_sim
from tests.ui.shell_support import scratch_settings

pytestmark = pytest.mark.peers


def test_a_new_delay_and_microphone_hold_from_the_next_call(
    qapp: QApplication, qloop: asyncio.AbstractEventLoop, qtbot: Any, tmp_path: Path, ice: None
) -> None:
    async def shift() -> None:
        h = await start_sip_sim(tmp_path)
        agent = build_agent(h, tmp_path)
        settings = scratch_settings(tmp_path / "ui.ini")
        app = SoftphoneApp(agent.session, qapp, quit_timeout=WAIT, settings=settings)
        qtbot.addWidget(app.window)
        app.start()
        try:
            await agent.session.sign_in(
                SignInRequest("demo", "demo", "1001", sip_user="1001", sip_password="1001")
            )
            await agent.until(lambda s: s.state is State.IDLE, WAIT, what="idle")
            assert agent.session.snapshot.auto_answer.delay_ms == 0

            dialog = app.shell.open_settings()
            auto = dialog.show_page(AutoAnswerPage)
            assert isinstance(auto, AutoAnswerPage)
            auto.delay.setValue(1500)
            audio = dialog.show_page(AudioPage)
            assert isinstance(audio, AudioPage)
            audio.noise_suppression.setChecked(False)
            audio._select(audio.microphone, "Jabra Evolve")  # a headset not plugged in here
            dialog.accept()
            assert agent.session.snapshot.auto_answer.delay_ms == 1500  # shown at once
            phone = agent.phones[-1]
            assert not phone.config.media.mic.noise_suppression and phone.config.media.mic.auto_gain
            assert phone.config.audio.microphone == "Jabra Evolve"

            await h.sim.inbound_call("demo", ani="0501112233")
            ringing = await agent.until(
                lambda s: s.call is not None and s.call.auto_answer_at is not None,
                WAIT,
                what="an announced call that will answer by itself",
            )
            rang_at = time.time()
            assert ringing.call is not None and ringing.call.auto_answer_at is not None
            due = ringing.call.auto_answer_at
            assert 1.2 < due - rang_at <= 1.5, due - rang_at
            talking = await agent.until(
                lambda s: s.call is not None and s.call.phase is CallPhase.TALKING,
                WAIT,
                what="answered after the delay",
            )
            assert talking.call is not None and talking.call.answered_at is not None
            assert time.time() >= due - 0.01  # not before the delay
            assert app.window.call_panel.number.text() == "0501112233"
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(agent.session.sign_out(), WAIT)
            await agent.until(lambda s: s.sign_in is SignIn.SIGNED_OUT, WAIT, what="out")
            app.controller.timer.stop()
            app.bridge.stop()
            app.window.allow_close = True
            await h.aclose()

    qloop.run_until_complete(asyncio.wait_for(shift(), 120))
