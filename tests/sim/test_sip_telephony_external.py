"""The simulator calling through an external SIP server (a real Kamailio) instead of
being the registrar: it registers there as its own user ('agent') and INVITEs
the agent's AOR; the agent's phone is registered to Kamailio, not to us."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from softphone.core import phone_events as ev
from softphone.core.phone_events import By
from softphone.media.tracks import read_wav
from softphone.net.mediatel import State
from softphone.sim.sip_telephony import ExternalServer, customer_voice
from tests.peers.kamailio import Kamailio
from tests.peers.loopback_ice import loopback_ice as _loopback_ice
from tests.peers.mediatel import WAIT
from tests.peers.mediatel_sip import SipSimFactory, SipSimHarness, sip_sim
from tests.sim.test_sip_telephony import CUSTOMER, call_answered, heard, voice_match

__all__ = ["sip_sim"]

pytestmark = pytest.mark.peers


@pytest.fixture(autouse=True)
def loopback_ice() -> Iterator[None]:
    with _loopback_ice():
        yield


async def through(kamailio: Kamailio, sip_sim: SipSimFactory) -> SipSimHarness:
    external = ExternalServer(
        kamailio.ws_url, "agent", kamailio.password("agent"), domain=kamailio.realm
    )
    h = await sip_sim(external=external)
    await asyncio.wait_for(h.telephony.external_registered.wait(), WAIT)
    assert h.telephony.sip_url() == kamailio.ws_url
    return h


async def test_call_through_kamailio(kamailio: Kamailio, sip_sim: SipSimFactory) -> None:
    h = await through(kamailio, sip_sim)
    assert kamailio.bindings("agent"), "the simulator is not registered to Kamailio"
    phone = await h.phone("1001", kamailio.password("1001"), ws_url=kamailio.ws_url)
    client = await h.logged_in()
    trace_id = await call_answered(h, phone)

    incoming = await phone.wait_for(ev.IncomingCall)
    assert incoming.display_name == CUSTOMER and incoming.caller.startswith("sip:agent@")
    voice, _ = read_wav(customer_voice())
    assert voice_match(await heard(phone, 1.5), voice) > 0.7, "the customer is not heard"

    await phone.phone.hangup()  # BYE travels back through Kamailio
    clerical = await client.wait_for(lambda s: s.state is State.CLERICAL, WAIT)
    assert clerical.call_trace_id == trace_id
    assert h.telephony.records.path_for(trace_id).is_file()

    await client.set_result(clerical.call_codes[0].id)
    await client.wait_for(lambda s: s.state is State.IDLE, WAIT)
    await client.make_call(CUSTOMER)
    await client.wait_for(lambda s: s.state is State.CALL_ACTIVE, WAIT)
    mark = phone.mark()
    await client.close_call()
    ended = await phone.wait_for(ev.CallEnded, after=mark, timeout=WAIT)
    assert ended.by is By.REMOTE


async def test_agent_not_registered_at_the_server_means_force_pause(
    kamailio: Kamailio, sip_sim: SipSimFactory
) -> None:
    h = await through(kamailio, sip_sim)
    client = await h.logged_in()
    await client.make_call(CUSTOMER)
    paused = await client.wait_for(lambda s: s.state is State.PAUSE, WAIT)
    assert paused.call_error_id == -223


async def test_hang_up_after_a_server_restart_still_reaches_clerical(
    kamailio: Kamailio, sip_sim: SipSimFactory
) -> None:
    """Kamailio restarts mid-call: the conversation goes on (media is direct);
    when the agent then hangs up, Kamailio cannot route the BYE (it names the
    old connection), yet Mediatel must still see the call end and move the
    agent to after-call work — not leave them in a call nobody is on."""
    h = await through(kamailio, sip_sim)
    phone = await h.phone("1001", kamailio.password("1001"), ws_url=kamailio.ws_url)
    client = await h.logged_in()
    trace_id = await call_answered(h, phone)
    mark = phone.mark()
    kamailio.restart()
    await phone.wait_for(ev.Registered, after=mark, timeout=WAIT)
    await asyncio.wait_for(h.telephony.external_registered.wait(), WAIT)
    voice, _ = read_wav(customer_voice())
    assert voice_match(await heard(phone, 1.5), voice) > 0.7, "the customer went quiet"
    await phone.phone.hangup()
    clerical = await client.wait_for(lambda s: s.state is State.CLERICAL, WAIT)
    assert clerical.call_trace_id == trace_id
