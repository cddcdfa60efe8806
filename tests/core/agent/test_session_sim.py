"""The whole agent against the simulator and its SIP registrar, with real audio.

What an agent (and the CRM watching CTI events) would check: sign-in in the
right order, a call dialled, delivered, answered by itself within the
platform's second, both voices heard, hang-up from either side, after-call
work and the call code, and the history holding all of it.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from softphone.core.agent_commands import AgentCommand, CommandRefused
from softphone.core.agent_session import SessionPolicy
from softphone.core.agent_snapshot import (
    CallPhase,
    CallType,
    Direction,
    LinkState,
    QualityLevel,
    SignIn,
)
from softphone.core.auto_answer import AutoAnswerRules
from softphone.core.call_records import HistoryQuery
from softphone.core.cti_events import CtiEventName as N
from softphone.media import tones
from softphone.media.tracks import read_wav
from softphone.net.mediatel import State
from softphone.sim.sip_telephony import customer_voice
from softphone.sim.telephony import CallKind, RingOutcome, RingRequest
from tests.core.agent.session_harness import (
    AGENT_TONE,
    DEMO,
    Agent,
    DelayedDelivery,
    build_agent,
)
from tests.core.phone_probe import RATE
from tests.peers.mediatel import FAST, WAIT
from tests.peers.mediatel_sip import SipSimFactory, SipSimHarness
from tests.sim.test_sip_telephony import voice_match

pytestmark = pytest.mark.usefixtures("loopback_ice")
CUSTOMER = "0661234567"


async def signed_in(h: SipSimHarness, tmp_path: Path, **kw: object) -> Agent:
    agent = build_agent(h, tmp_path, **kw)  # type: ignore[arg-type]
    await agent.session.sign_in(DEMO)
    snap = await agent.until(lambda s: s.state is State.IDLE, what="idle")
    assert snap.sign_in is SignIn.SIGNED_IN and snap.sip.up and snap.mediatel.up
    return agent


async def check_audio_both_ways(agent: Agent, h: SipSimHarness, trace_id: str) -> None:
    voice, _ = read_wav(customer_voice())
    pcm = await agent.heard(1.5)
    assert len(pcm) > RATE, "the agent hears nothing"
    assert voice_match(pcm, voice) > 0.7, "the agent does not hear the customer's voice"
    recorded, rate = read_wav(h.telephony.records.path_for(trace_id))
    assert tones.contains_tone(recorded[-rate:], AGENT_TONE, rate), "the customer hears no agent"


async def test_manual_call_from_dial_to_call_code(sip_sim: SipSimFactory, tmp_path: Path) -> None:
    h = await sip_sim()
    agent = await signed_in(h, tmp_path)
    s = agent.session
    assert s.snapshot.can(AgentCommand.DIAL)
    with pytest.raises(CommandRefused, match="no call to hang up"):
        await s.hangup()
    mark = len(agent.cti)
    await s.dial(CUSTOMER)
    snap = await agent.until(lambda s: s.call is not None and s.call.phase is CallPhase.TALKING)
    call = snap.call
    assert call is not None and call.call_type is CallType.MANUAL
    assert call.direction is Direction.OUTBOUND and call.number == CUSTOMER
    assert call.call_trace_id and call.recording_url == (
        f"{h.sim.url}/records/mediatel-record?calltraceID={call.call_trace_id}"
    )
    accept = await agent.cti_event(N.ACCEPT_CALL, mark)
    new_call = await agent.cti_event(N.NEW_CALL, mark)
    assert accept.time - new_call.time < 1.0, "not answered within the platform's second"
    await check_audio_both_ways(agent, h, call.call_trace_id)
    # the customer hangs up
    await h.sim.customer_hangup("demo")
    snap = await agent.until(lambda s: s.state is State.CLERICAL and s.clerical is not None)
    assert snap.call is not None and snap.call.phase is CallPhase.ENDED
    assert snap.can(AgentCommand.SET_CALL_CODE) and not snap.can(AgentCommand.DIAL)
    code = snap.clerical.call_codes[0]  # type: ignore[union-attr]
    await s.set_call_code(code.id)
    await agent.until(lambda s: s.state is State.IDLE and s.call is None)
    names = agent.names(mark)
    calls = [n for n in names if n != N.AGENT_STATE_CHANGE]
    assert calls == [
        N.NEW_CALL,
        N.ACCEPT_CALL,
        N.UUID_CALL,
        N.BRIDGE_CALL,
        N.HANGUP_CALL,
        N.CALL_CODE_SET,
    ], names
    states = [e.data["state"] for e in agent.cti[mark:] if e.name is N.AGENT_STATE_CHANGE]
    assert states == [
        "STATE_MAKECALL_REQUEST",
        "STATE_CALL_DELIVERED",
        "STATE_CALL_ACTIVE",
        "STATE_CLERICAL",
        "STATE_IDLE",
    ]
    uuid_event = next(e for e in agent.cti[mark:] if e.name is N.UUID_CALL)
    assert uuid_event.data["callTraceID"] == call.call_trace_id
    assert all(e.call_id == call.id for e in agent.cti[mark:] if e.name is not N.AGENT_STATE_CHANGE)
    [record] = await s.history(HistoryQuery())
    assert record.call_trace_id == call.call_trace_id and record.call_code_id == code.id
    assert record.answered_at is not None and record.ended_at is not None
    assert record.quality and "MOS" in record.quality
    await s.sign_out()
    assert s.snapshot.sign_in is SignIn.SIGNED_OUT and s.snapshot.sip.state is LinkState.DOWN
    assert h.sim.state_of("demo") is State.LOGOUT


async def test_agent_hangs_up_inbound_call(sip_sim: SipSimFactory, tmp_path: Path) -> None:
    h = await sip_sim()
    agent = await signed_in(h, tmp_path)
    mark = len(agent.cti)
    trace = await h.sim.inbound_call("demo", ani="0501112233")
    snap = await agent.until(lambda s: s.call is not None and s.call.phase is CallPhase.TALKING)
    assert snap.call is not None and snap.call.call_type is CallType.INBOUND
    assert snap.call.direction is Direction.INBOUND and snap.call.number == "0501112233"
    await check_audio_both_ways(agent, h, trace)
    await agent.session.hangup()
    await agent.until(lambda s: s.state is State.CLERICAL)
    hangup = await agent.cti_event(N.HANGUP_CALL, mark)
    assert hangup.data["by"] == "agent"
    await agent.session.sign_out()
    assert agent.session.snapshot.sign_in is SignIn.SIGNED_OUT


async def test_predictive_call_pops_the_crm_card(sip_sim: SipSimFactory, tmp_path: Path) -> None:
    h = await sip_sim(timings=replace(FAST, predictive_interval=0.3))
    agent = await signed_in(h, tmp_path, policy=SessionPolicy(screen_pop=True))
    mark = len(agent.cti)
    await agent.session.toggle_predictive()
    snap = await agent.until(lambda s: s.call is not None and s.call.phase is CallPhase.TALKING)
    assert snap.call is not None and snap.call.call_type is CallType.PREDICTIVE
    assert len(agent.opened) == 1 and agent.opened[0].startswith("https://crm.example.invalid/")
    new_call = await agent.cti_event(N.NEW_CALL, mark)
    assert new_call.data["callType"] == "predictive"
    await h.sim.customer_hangup("demo")
    await agent.until(lambda s: s.state is State.CLERICAL)
    await agent.session.sign_out()


@pytest.mark.parametrize("delay", [0.0, 0.6], ids=["snapshot-first", "invite-first"])
async def test_announced_invite_is_answered_whichever_socket_is_first(
    sip_sim: SipSimFactory, tmp_path: Path, delay: float
) -> None:
    h = await sip_sim()
    agent = await signed_in(
        h, tmp_path, wrap_mediatel=lambda client: DelayedDelivery(client, delay)
    )
    mark = len(agent.cti)
    await h.sim.inbound_call("demo")
    snap = await agent.until(lambda s: s.call is not None and s.call.phase is CallPhase.TALKING)
    assert snap.call is not None and snap.call.announced
    assert snap.call.call_type is CallType.INBOUND
    accept = await agent.cti_event(N.ACCEPT_CALL, mark)
    new_call = await agent.cti_event(N.NEW_CALL, mark)
    assert accept.time - new_call.time >= delay * 0.9  # it waited for the snapshot
    await agent.session.hangup()
    await agent.until(lambda s: s.state is State.CLERICAL)
    await agent.session.sign_out()


async def test_unannounced_invite_rings_for_the_agent_when_available(
    sip_sim: SipSimFactory, tmp_path: Path
) -> None:
    h = await sip_sim()
    policy = SessionPolicy(sign_in_timeout_s=WAIT, invite_grace_s=0.3)
    agent = await signed_in(h, tmp_path, policy=policy)
    request = RingRequest("1001", "1", "0509999999", CallKind.INBOUND, "Inbound_Main")
    ring = asyncio.ensure_future(h.telephony.ring(request, 3.0))
    snap = await agent.until(lambda s: s.call is not None and s.can(AgentCommand.ANSWER))
    assert snap.call is not None and not snap.call.announced
    assert snap.call.auto_answer_at is None
    await agent.until(lambda s: s.notice is not None and "did not announce" in s.notice)
    assert agent.session.snapshot.call.phase is CallPhase.RINGING  # type: ignore[union-attr]
    await agent.session.reject()
    assert (await ring).outcome is RingOutcome.REJECTED
    await agent.session.sign_out()


async def test_unannounced_invite_is_refused_while_paused(
    sip_sim: SipSimFactory, tmp_path: Path
) -> None:
    h = await sip_sim()
    policy = SessionPolicy(sign_in_timeout_s=WAIT, invite_grace_s=0.3)
    agent = await signed_in(h, tmp_path, policy=policy)
    await agent.session.pause(2)
    await agent.until(lambda s: s.state is State.PAUSE and s.pause is not None)
    assert agent.session.snapshot.pause.name == "Talk with Supervisor"  # type: ignore[union-attr]
    request = RingRequest("1001", "1", "0509999999", CallKind.INBOUND, "Inbound_Main")
    result = await h.telephony.ring(request, 5.0)
    assert not result.answered, result
    assert result.detail == "480 Temporarily Unavailable: the agent is on pause"
    await agent.until(lambda s: s.call is None or s.call.phase is CallPhase.ENDED)
    [record] = await agent.session.history(HistoryQuery())
    assert record.number == "0509999999" and record.answered_at is None
    assert (
        record.end_cause is not None and "480" in record.end_cause and "pause" in record.end_cause
    )
    await agent.session.sign_out()


async def test_force_pause_when_the_extension_does_not_answer(
    sip_sim: SipSimFactory, tmp_path: Path
) -> None:
    h = await sip_sim(timings=replace(FAST, answer_timeout=0.8))
    policy = SessionPolicy(sign_in_timeout_s=WAIT, auto_answer=AutoAnswerRules(enabled=False))
    agent = await signed_in(h, tmp_path, policy=policy)
    mark = len(agent.cti)
    await agent.session.dial(CUSTOMER)
    await agent.until(lambda s: s.can(AgentCommand.ANSWER))
    snap = await agent.until(lambda s: s.pause is not None, what="Force Pause")
    assert snap.pause is not None and snap.pause.forced and not snap.pause.by_watchdog
    assert snap.pause.reason is not None and "No Answer from agent" in snap.pause.reason
    assert snap.call is None and snap.missed_calls == 1
    hangup = await agent.cti_event(N.HANGUP_CALL, mark)
    assert hangup.data["number"] == CUSTOMER
    await agent.session.resume()
    await agent.until(lambda s: s.state is State.IDLE and s.pause is None)
    await agent.session.sign_out()


async def test_hold_mute_and_quality_during_a_call(sip_sim: SipSimFactory, tmp_path: Path) -> None:
    h = await sip_sim()
    policy = SessionPolicy(sign_in_timeout_s=WAIT, quality_interval_s=0.3)
    agent = await signed_in(h, tmp_path, policy=policy)
    s = agent.session
    mark = len(agent.cti)
    trace = await h.sim.inbound_call("demo")
    await agent.until(lambda x: x.call is not None and x.call.phase is CallPhase.TALKING)
    snap = await agent.until(lambda x: x.call is not None and x.call.quality is not None)
    assert snap.call.quality.level is QualityLevel.GOOD  # type: ignore[union-attr]
    assert snap.call.quality.mos is not None and snap.call.quality.mos > 4.0  # type: ignore[union-attr]
    await s.hold()
    snap = await agent.until(lambda x: x.call is not None and x.call.on_hold and x.call.remote_hold)
    assert snap.can(AgentCommand.UNHOLD) and not snap.can(AgentCommand.HOLD)
    assert tones.is_silent(await agent.heard(0.8), -45.0), "the customer is heard while on hold"
    await s.unhold()
    await agent.until(lambda x: x.call is not None and not x.call.on_hold)
    names = agent.names(mark)
    assert names.index(N.HOLD_CALL) < names.index(N.UNHOLD_CALL)
    await s.mute()
    assert s.snapshot.call.muted and s.snapshot.can(AgentCommand.UNMUTE)  # type: ignore[union-attr]
    await asyncio.sleep(1.2)
    recorded, rate = read_wav(h.telephony.records.path_for(trace))
    assert tones.is_silent(recorded[-rate // 2 :], -45.0), "the customer still hears the agent"
    await s.unmute()
    await s.dtmf("12#")
    with pytest.raises(CommandRefused, match="not DTMF digits"):
        await s.dtmf("x")
    await s.hangup()
    await agent.until(lambda x: x.state is State.CLERICAL)
    await s.sign_out()


async def test_a_pause_chosen_in_a_call_starts_after_the_call_code(
    sip_sim: SipSimFactory, tmp_path: Path
) -> None:
    h = await sip_sim()
    agent = await signed_in(h, tmp_path)
    s = agent.session
    await h.sim.inbound_call("demo")
    await agent.until(lambda x: x.call is not None and x.call.phase is CallPhase.TALKING)
    await s.pause(1)
    assert s.snapshot.next_pause is not None and s.snapshot.can(AgentCommand.CANCEL_NEXT_PAUSE)
    await s.cancel_next_pause()
    assert s.snapshot.next_pause is None
    await s.pause(3)
    assert s.snapshot.next_pause is not None and s.snapshot.next_pause.id == 3
    assert s.snapshot.state is State.CALL_ACTIVE  # the call goes on
    await h.sim.customer_hangup("demo")
    snap = await agent.until(lambda x: x.state is State.CLERICAL and x.clerical is not None)
    assert snap.next_pause is not None  # still queued during after-call work
    mark = len(agent.cti)
    await s.set_call_code(snap.clerical.call_codes[0].id)  # type: ignore[union-attr]
    snap = await agent.until(lambda x: x.state is State.PAUSE, what="the queued pause")
    assert snap.pause is not None and snap.pause.id == 3 and snap.next_pause is None
    states = [e.data["state"] for e in agent.cti[mark:] if e.name is N.AGENT_STATE_CHANGE]
    assert states == ["STATE_IDLE", "STATE_PAUSE"]
    await s.sign_out()
