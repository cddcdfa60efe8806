"""An armed phone answers the platform's announced call itself, and nothing else.

``Phone.arm_auto_answer`` is how the agent session says "Mediatel announced a
call that is answered at once": the next INVITE is answered straight from the
phone's SIP event, without a 180 Ringing. Everything else must ring and wait
as before -- a phone that answered whatever rang would let anyone who can
reach the extension listen in on the agent. In memory (``memory_sip.Wire``),
with real media: "answered" means the caller hears the agent.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from softphone.core import phone_events as ev
from softphone.sip import events as sip
from tests.core.memory_sip import DOMAIN, URL, SipEnd, Wire
from tests.core.phone_probe import PhoneProbe, start_probe
from tests.sip.pair import Registrar
from tests.waiting import until

TONE_A = 440.0  # the caller
TONE_B = 1000.0  # the agent's phone
LONG = 30.0  # an arming that cannot lapse during the test


@pytest.fixture
async def pair() -> AsyncIterator[tuple[PhoneProbe, PhoneProbe]]:
    """A (1001) calls B (1002); B never answers by itself unless armed."""
    wire = Wire(now=asyncio.get_running_loop().time())
    a, b = [
        await start_probe(
            URL,
            user,
            user,
            tone_hz=tone,
            domain=DOMAIN,
            auto_answer_ms=None,
            ring_incoming=False,
            transport=wire.factory(Registrar(password=user, realm=DOMAIN)),
        )
        for user, tone in (("1001", TONE_A), ("1002", TONE_B))
    ]
    try:
        await a.wait_for(ev.Registered)
        await b.wait_for(ev.Registered)
        yield a, b
    finally:
        await a.aclose()
        await b.aclose()


async def rang_and_waits(a: PhoneProbe, b: PhoneProbe) -> str:
    """A calls B; B rings (A gets a 180) and announces no auto-answer."""
    mark_a, mark_b = a.mark(), b.mark()
    await a.phone.call("1002")
    incoming = await b.wait_for(ev.IncomingCall, after=mark_b)
    assert incoming.auto_answer_in_ms is None, "an INVITE nobody announced is auto-answered"
    # B sends its 180 in the same step in which it would have answered at once.
    assert (await a.wait_for(ev.CallRinging, after=mark_a)).code == 180
    assert not b.log.of(ev.Answered, mark_b) and not a.log.of(ev.Answered, mark_a)
    return incoming.call


async def hang_up(a: PhoneProbe, b: PhoneProbe) -> None:
    mark_b = b.mark()
    await a.phone.hangup()
    await b.wait_for(ev.CallEnded, after=mark_b)
    await until(lambda: b.phone.active_call is None)


async def test_an_armed_phone_answers_the_next_invite_itself_without_ringing(
    pair: tuple[PhoneProbe, PhoneProbe],
) -> None:
    a, b = pair
    b.phone.arm_auto_answer(LONG)
    await a.phone.call("1002")
    incoming = await b.wait_for(ev.IncomingCall)
    assert incoming.auto_answer_in_ms == 0
    answered = await b.wait_for(ev.Answered)  # nobody called answer()
    assert answered.call == incoming.call and not answered.outgoing
    assert (await a.wait_for(ev.Answered)).outgoing
    assert not a.log.of(ev.CallRinging), "a 180 went out before an answer that was due at once"
    # The session answers the call it was told of too: it joins, no second 200 OK.
    await b.phone.answer(incoming.call, automatic=True)
    await a.wait_for(ev.MediaStarted)
    assert await a.hears(TONE_B) and await b.hears(TONE_A)
    assert not a.errors() and not b.errors()
    assert len(b.log.of(ev.Answered)) == 1


async def test_the_arming_answers_one_invite_only(pair: tuple[PhoneProbe, PhoneProbe]) -> None:
    a, b = pair
    b.phone.arm_auto_answer(LONG)
    await a.phone.call("1002")
    await a.wait_for(ev.Answered)
    await hang_up(a, b)
    handle = await rang_and_waits(a, b)  # the next caller was not announced
    await b.phone.reject(486, handle)


async def test_an_unarmed_phone_rings_and_waits_for_answer(
    pair: tuple[PhoneProbe, PhoneProbe],
) -> None:
    a, b = pair
    handle = await rang_and_waits(a, b)
    await b.phone.answer(handle)
    assert (await a.wait_for(ev.Answered)).outgoing


async def test_a_disarmed_phone_rings(pair: tuple[PhoneProbe, PhoneProbe]) -> None:
    a, b = pair
    b.phone.arm_auto_answer(LONG)
    b.phone.disarm_auto_answer()  # the announced call went elsewhere
    await rang_and_waits(a, b)


async def test_a_lapsed_arming_answers_nothing(pair: tuple[PhoneProbe, PhoneProbe]) -> None:
    a, b = pair
    b.phone.arm_auto_answer(0)  # lapsed before any INVITE can arrive
    await rang_and_waits(a, b)


@pytest.mark.parametrize("obeys", [True, False])
async def test_an_invites_own_auto_answer_header_is_obeyed_only_where_configured(
    obeys: bool,
) -> None:
    """A desk phone obeys ``Answer-Mode: Auto``; the agent's phone (``answer_hints=False``)
    must not: anyone who reaches the extension can write that header."""
    wire = Wire(now=asyncio.get_running_loop().time())
    phone = await start_probe(
        URL,
        "1001",
        "1001",
        tone_hz=TONE_B,
        domain=DOMAIN,
        auto_answer_ms=None,
        answer_hints=obeys,
        ring_incoming=False,
        transport=wire.factory(Registrar(password="1001", realm=DOMAIN)),
    )
    far = await SipEnd(wire, "1002", TONE_A).start()
    try:
        await phone.wait_for(ev.Registered)
        offer = await far.media.create_offer()
        far.act(
            lambda ua, now: ua.invite("1001", offer, now, extra_headers=[("Answer-Mode", "Auto")])
        )
        incoming = await phone.wait_for(ev.IncomingCall)
        if obeys:
            assert incoming.auto_answer_in_ms == 0
            await far.wait_for(sip.CallAnswered)
        else:
            assert incoming.auto_answer_in_ms is None
            assert (await far.wait_for(sip.CallProgress)).code == 180  # rings, waits
            assert not phone.log.of(ev.Answered) and not far.log.of(sip.CallAnswered)
    finally:
        await far.aclose()
        await phone.aclose()
