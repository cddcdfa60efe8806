"""The whole agent through a real SIP server (Kamailio) with real audio.

Mediatel (the simulator) reaches the agent's extension through Kamailio,
as the platform's PBX would: the agent signs in, dials, the delivered call
is answered by itself, both voices are heard, either side hangs up, the
call code is set, and the CRM sees every CTI event in order.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from softphone.core.agent_api import SignInRequest
from softphone.core.agent_session import SessionPolicy
from softphone.core.agent_snapshot import CallPhase
from softphone.core.cti_events import CtiEventName as N
from softphone.media import tones
from softphone.media.tracks import read_wav
from softphone.net.mediatel import State
from softphone.sim.sip_telephony import ExternalServer, customer_voice
from tests.core.agent.session_harness import AGENT_TONE, build_agent
from tests.peers.kamailio import Kamailio
from tests.peers.mediatel import WAIT
from tests.peers.mediatel_sip import SipSimFactory
from tests.sim.test_sip_telephony import voice_match

pytestmark = [pytest.mark.peers, pytest.mark.usefixtures("loopback_ice")]
CUSTOMER = "0661234567"


async def test_agent_calls_through_kamailio(
    kamailio: Kamailio, sip_sim: SipSimFactory, tmp_path: Path
) -> None:
    external = ExternalServer(
        kamailio.ws_url, "agent", kamailio.password("agent"), domain=kamailio.realm
    )
    h = await sip_sim(external=external)
    await asyncio.wait_for(h.telephony.external_registered.wait(), WAIT)
    agent = build_agent(
        h, tmp_path, sip_urls=(kamailio.ws_url,), policy=SessionPolicy(sign_in_timeout_s=WAIT)
    )
    s = agent.session
    await s.sign_in(SignInRequest("demo", "demo", "1001", "1001", kamailio.password("1001")))
    await agent.until(lambda snap: snap.state is State.IDLE and snap.sip.up)
    assert kamailio.bindings("1001"), "the extension is not registered at Kamailio"
    voice, _ = read_wav(customer_voice())

    # 1. manual call, the agent hangs up
    mark = len(agent.cti)
    await s.dial(CUSTOMER)
    snap = await agent.until(lambda x: x.call is not None and x.call.phase is CallPhase.TALKING)
    trace = snap.call.call_trace_id  # type: ignore[union-attr]
    assert trace
    assert voice_match(await agent.heard(1.5), voice) > 0.7, "the agent does not hear the customer"
    recorded, rate = read_wav(h.telephony.records.path_for(trace))
    assert tones.contains_tone(recorded[-rate:], AGENT_TONE, rate), "the customer hears no agent"
    await s.hangup()
    snap = await agent.until(lambda x: x.state is State.CLERICAL and x.clerical is not None)
    await s.set_call_code(snap.clerical.call_codes[0].id)  # type: ignore[union-attr]
    await agent.until(lambda x: x.state is State.IDLE and x.call is None)
    calls = [n for n in agent.names(mark) if n != N.AGENT_STATE_CHANGE]
    assert calls == [
        N.NEW_CALL,
        N.ACCEPT_CALL,
        N.UUID_CALL,
        N.BRIDGE_CALL,
        N.HANGUP_CALL,
        N.CALL_CODE_SET,
    ], calls
    hangup = next(e for e in agent.cti[mark:] if e.name is N.HANGUP_CALL)
    assert hangup.data["by"] == "agent"

    # 2. inbound call, the customer hangs up
    mark = len(agent.cti)
    await h.sim.inbound_call("demo")
    await agent.until(lambda x: x.call is not None and x.call.phase is CallPhase.TALKING)
    assert voice_match(await agent.heard(1.0), voice) > 0.7
    await h.sim.customer_hangup("demo")
    await agent.until(lambda x: x.state is State.CLERICAL)
    hangup = await agent.cti_event(N.HANGUP_CALL, mark)
    assert hangup.data["by"] == "remote" and hangup.data["callType"] == "inbound"
    await s.sign_out()
    assert not kamailio.bindings("1001"), "sign-out left the extension registered"
