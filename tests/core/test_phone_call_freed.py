"""A finished call leaves nothing behind: the desktop app stays open all day (issue 10).

A call's media is a graph of objects that refer to each other (aiortc's peer
connection and transports, our session and tracks around them), which only
CPython's cyclic collector frees. In a long-running app that collector's full
collections come every few dozen calls, so each call used to keep its media
(and the OpenSSL, codec and RTP memory under it) until then: ~0.3 MiB a call
in ``bench/app_footprint.py --calls 12``. Here the automatic collector is
off, as it is in effect between two full collections, so what counts is what
the phone frees when a call ends. Two phones over ``tests.core.memory_sip``
with real media: SIP time stands still and no server is needed.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest
from aiortc import RTCPeerConnection

from softphone.core import phone_events as ev
from softphone.core.phone_call import PhoneCall
from softphone.media.session import MediaSession
from tests.core.memory_sip import DOMAIN, URL, Wire
from tests.core.phone_probe import PhoneProbe, start_probe
from tests.sip.pair import Registrar
from tests.waiting import until

PER_CALL = (PhoneCall, MediaSession, RTCPeerConnection)
CALLS = 3


def alive() -> dict[str, int]:
    """Live objects of the per-call types, counted without collecting anything."""
    counts = {kind.__name__: 0 for kind in PER_CALL}
    for obj in gc.get_objects():
        for kind in PER_CALL:
            if isinstance(obj, kind):
                counts[kind.__name__] += 1
    return counts


@pytest.fixture
def no_automatic_collection() -> Iterator[None]:
    gc.collect()  # what earlier tests left
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def phone(wire: Wire, user: str, tone_hz: float, auto_answer_ms: int | None) -> PhoneProbe:
    return await start_probe(
        URL,
        user,
        user,
        tone_hz=tone_hz,
        domain=DOMAIN,
        auto_answer_ms=auto_answer_ms,
        transport=wire.factory(Registrar(password=user, realm=DOMAIN)),
    )


@pytest.mark.usefixtures("no_automatic_collection")
@pytest.mark.parametrize("who", ["caller", "callee"])
async def test_every_finished_call_is_freed_when_it_ends(who: str) -> None:
    wire = Wire(now=asyncio.get_running_loop().time())
    a = await phone(wire, "1001", 440.0, None)
    b = await phone(wire, "1002", 1000.0, 0)
    try:
        await a.wait_for(ev.Registered)
        await b.wait_for(ev.Registered)
        none = {kind.__name__: 0 for kind in PER_CALL}
        assert alive() == none
        for number in range(1, CALLS + 1):
            marks = a.mark(), b.mark()
            await a.phone.call("1002")  # B answers at once
            await a.wait_for(ev.MediaStarted, after=marks[0])
            await b.wait_for(ev.MediaStarted, after=marks[1])
            assert alive() == {kind.__name__: 2 for kind in PER_CALL}, "one call on each phone"
            await (a if who == "caller" else b).phone.hangup()
            await a.wait_for(ev.CallEnded, after=marks[0])
            await b.wait_for(ev.CallEnded, after=marks[1])
            await until(
                lambda: alive() == none,
                what=f"call {number}'s media freed on both phones",
            )
    finally:
        await a.aclose()
        await b.aclose()
