"""The agent session when things go wrong: SIP down, registrars moved, Mediatel dropped, a restart.

Each test is what a supervisor would check on the floor: an agent with a
dead extension is not left "available", a registrar switch never cuts a
conversation, a Mediatel hiccup mid-call keeps the customer talking, and a
restart during after-call work loses neither the call code nor the record.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from softphone.core.agent_session import SessionPolicy
from softphone.core.agent_snapshot import CallPhase, LinkState
from softphone.core.call_records import HistoryQuery
from softphone.core.cti_events import CtiEventName as N
from softphone.media.tracks import read_wav
from softphone.net.mediatel import State
from softphone.sim.sip_telephony import customer_voice
from tests.core.agent.session_harness import DEMO, Agent, build_agent, sip_outage
from tests.peers.mediatel_sip import SipSimFactory, SipSimHarness
from tests.sim.test_sip_telephony import voice_match

pytestmark = pytest.mark.usefixtures("loopback_ice")


async def signed_in(h: SipSimHarness, tmp_path: Path, **kw: object) -> Agent:
    agent = build_agent(h, tmp_path, **kw)  # type: ignore[arg-type]
    await agent.session.sign_in(DEMO)
    await agent.until(lambda s: s.state is State.IDLE, what="idle")
    return agent


async def talking(agent: Agent, h: SipSimHarness) -> str:
    await h.sim.inbound_call("demo")
    snap = await agent.until(lambda s: s.call is not None and s.call.phase is CallPhase.TALKING)
    assert snap.call is not None and snap.call.call_trace_id
    return snap.call.call_trace_id


async def hears_customer(agent: Agent) -> bool:
    voice, _ = read_wav(customer_voice())
    return voice_match(await agent.heard(1.0), voice) > 0.7


async def test_watchdog_pauses_a_dead_extension_and_resumes_it(
    sip_sim: SipSimFactory, tmp_path: Path
) -> None:
    h = await sip_sim()
    agent = await signed_in(h, tmp_path, policy=SessionPolicy(watchdog_s=1.0))
    mark = len(agent.cti)
    restore = await sip_outage(h)
    snap = await agent.until(lambda s: s.state is State.PAUSE, what="watchdog pause")
    await agent.until(lambda s: s.pause is not None and s.pause.by_watchdog)
    snap = agent.session.snapshot
    assert snap.pause is not None and snap.pause.name == "Technical Error"
    assert snap.pause.reason is not None and "not been registered" in snap.pause.reason
    assert not snap.sip.up
    registration = [e for e in agent.cti[mark:] if e.name is N.REGISTRATION_CHANGE]
    assert registration and registration[0].data["registered"] is False
    restore()
    await agent.until(lambda s: s.sip.up and s.state is State.IDLE, what="resumed")
    assert agent.session.snapshot.pause is None


async def test_watchdog_leaves_a_pause_the_agent_chose(
    sip_sim: SipSimFactory, tmp_path: Path
) -> None:
    h = await sip_sim()
    agent = await signed_in(h, tmp_path, policy=SessionPolicy(watchdog_s=0.5))
    await agent.session.pause(1)
    await agent.until(lambda s: s.state is State.PAUSE)
    restore = await sip_outage(h)
    await agent.until(lambda s: s.sip.state is not LinkState.UP, what="SIP down")
    restore()
    await agent.until(lambda s: s.sip.up, what="SIP back")
    snap = agent.session.snapshot
    assert snap.state is State.PAUSE and snap.pause is not None and snap.pause.id == 1
    assert not snap.pause.by_watchdog


async def test_registrar_switch_waits_for_the_call(sip_sim: SipSimFactory, tmp_path: Path) -> None:
    h = await sip_sim()
    published = [(h.ws_url,)]

    async def registrar_list() -> list[str]:
        return list(published[-1])

    agent = await signed_in(
        h,
        tmp_path,
        policy=SessionPolicy(registrar_poll_s=0.1),
        registrar_list=registrar_list,
    )
    await talking(agent, h)
    moved = h.ws_url.removesuffix("/ws") + "/"  # the same server under another URL
    published.append((moved,))
    await agent.until(lambda s: agent.session.registrars.pending == (moved,), what="queued")
    assert len(agent.phones) == 1, "switched during a call"
    assert await hears_customer(agent), "the call's audio broke"
    await h.sim.customer_hangup("demo")
    await agent.until(lambda s: s.notice is not None and "Moved" in s.notice, what="switched")
    assert len(agent.phones) == 2 and agent.session.registrars.current == (moved,)
    assert agent.session.snapshot.sip.up
    await agent.session.set_call_code(agent.session.snapshot.clerical.call_codes[0].id)  # type: ignore[union-attr]
    await agent.until(lambda s: s.state is State.IDLE)
    await talking(agent, h)  # the next call reaches the new phone
    assert await hears_customer(agent)
    await agent.session.hangup()
    await agent.session.sign_out()


async def test_mediatel_drop_mid_call_keeps_the_audio_and_resyncs(
    sip_sim: SipSimFactory, tmp_path: Path
) -> None:
    h = await sip_sim()
    agent = await signed_in(h, tmp_path)
    trace = await talking(agent, h)
    await h.sim.drop_connection("demo")
    await agent.until(lambda s: s.mediatel.state is LinkState.RECONNECTING, what="reconnecting")
    assert agent.session.snapshot.mediatel.since is not None
    assert await hears_customer(agent), "the audio stopped with the Mediatel socket"
    snap = await agent.until(lambda s: s.mediatel.up, what="reconnected")
    assert snap.state is State.CALL_ACTIVE and snap.call is not None
    assert snap.call.call_trace_id == trace and snap.call.phase is CallPhase.TALKING
    await h.sim.customer_hangup("demo")
    await agent.until(lambda s: s.state is State.CLERICAL)
    await agent.session.sign_out()


async def test_restart_in_after_call_work_keeps_code_and_record(
    sip_sim: SipSimFactory, tmp_path: Path
) -> None:
    h = await sip_sim()
    first = await signed_in(h, tmp_path)
    trace = await talking(first, h)
    call_id = first.session.snapshot.call.id  # type: ignore[union-attr]
    await h.sim.customer_hangup("demo")
    snap = await first.until(lambda s: s.state is State.CLERICAL)
    code = snap.clerical.call_codes[-1]  # type: ignore[union-attr]
    lost = h.sim.lose_next("resolutionSet", drop_connection=True)
    await first.session.set_call_code(code.id)
    await lost.wait()
    await first.session._close_all()  # the app dies: no logout, no goodbye
    first.history.close()
    assert h.sim.state_of("demo") is State.CLERICAL

    second = build_agent(h, tmp_path)
    await second.session.sign_in(DEMO)
    await second.until(lambda s: s.state is State.IDLE, what="the resent code applied")
    [record] = await second.session.history(HistoryQuery())
    assert record.id == call_id and record.call_trace_id == trace
    assert record.call_code_id == code.id and record.call_code_name == code.name
    assert record.ended_at is not None
    assert h.sim.snapshot("demo")["callHistory"][-1]["MCC_CALLCODE"] == str(code.id)
    await second.session.sign_out()
