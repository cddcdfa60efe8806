"""Settings the agent changes while the session runs (``agent_session_settings``).

On fake ports and the fake clock: the auto-answer delay the agent saves
decides the next announced call, survives signing out and in, and gives way
to rules Mediatel's per-agent settings set; sound choices reach the phone at
once and every phone made later.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

from softphone.core import phone_events as ev
from softphone.core.agent_api import SignInRequest
from softphone.core.agent_session import Prepared, SessionPolicy
from softphone.core.agent_snapshot import CallType
from softphone.core.audio_preferences import AudioPreferences
from softphone.core.auto_answer import AutoAnswerRules
from softphone.net.mediatel import State
from tests.core.agent.states import agent_state
from tests.core.agent.test_session_unit import REQUEST, Rig

ALL = MappingProxyType(dict.fromkeys(CallType, True))


async def inbound_call(rig: Rig, handle: str) -> None:
    phone = rig.phones[-1]
    rig.mediatel.push(agent_state(State.CALL_DELIVERED, callType="2", ani="0501"))
    await rig.settle()
    phone.emit(ev.IncomingCall(handle, "sip:0501@pbx", "0501", None))
    await rig.settle()


async def test_a_new_delay_decides_the_next_call_and_outlives_the_sign_in() -> None:
    rig = Rig()
    await rig.session.sign_in(REQUEST)
    await rig.settle()
    rig.session.set_auto_answer_rules(AutoAnswerRules(True, ALL, delay_ms=1500))
    assert rig.session.snapshot.auto_answer.delay_ms == 1500  # the window shows it at once
    await inbound_call(rig, "h1")
    rig.clock.advance(1.4)
    await rig.settle()
    assert "phone.answer h1" not in rig.log
    rig.clock.advance(0.2)
    await rig.settle()
    assert "phone.answer h1" in rig.log

    await rig.session.sign_out()
    await rig.session.sign_in(REQUEST)
    assert rig.session.snapshot.auto_answer.delay_ms == 1500


async def test_rules_the_server_set_stay_but_the_master_switch_is_the_agents() -> None:
    server_rules = AutoAnswerRules(True, ALL, delay_ms=900, from_server=True)

    async def prepare(request: SignInRequest) -> Prepared:
        return Prepared(SessionPolicy(auto_answer=server_rules), ("wss://pbx/ws",), request)

    rig = Rig()
    rig.session._prepare = prepare
    no_inbound = MappingProxyType({t: t is not CallType.INBOUND for t in CallType})
    rig.session.set_auto_answer_rules(AutoAnswerRules(False, no_inbound, delay_ms=0))
    await rig.session.sign_in(REQUEST)
    view = rig.session.snapshot.auto_answer
    assert view.from_server and view.delay_ms == 900 and view.by_type[CallType.INBOUND]
    assert not view.enabled  # the agent switched auto-answer off
    rig.session.set_auto_answer_rules(AutoAnswerRules(True, no_inbound, delay_ms=0))
    view = rig.session.snapshot.auto_answer
    assert view.enabled and view.delay_ms == 900 and view.by_type[CallType.INBOUND]


async def test_sound_choices_reach_the_phone_now_and_every_later_phone() -> None:
    rig = Rig()
    early = AudioPreferences(microphone="Jabra", noise_suppression=False)
    rig.session.set_audio(early)  # signed out: kept for the phone sign-in makes
    await rig.session.sign_in(REQUEST)
    assert f"phone.set_audio {early}" in rig.log
    rig.session.set_audio(AudioPreferences(ring_volume=0.3))
    assert rig.log[-1] == f"phone.set_audio {AudioPreferences(ring_volume=0.3)}"
    await rig.session.sign_out()
    await rig.session.sign_in(REQUEST)
    both = replace(early, ring_volume=0.3)
    assert f"phone.set_audio {both}" in rig.log  # the second phone got both choices
