"""The phone when the far end's offer/answer is out of the ordinary.

Third-party call control and some PBXs and SBCs send an INVITE, or a
re-INVITE, without SDP (RFC 3261 §13.2.1): the phone must put its offer in
the 200 OK and take the answer from the ACK. A far end may also refuse the
phone's hold (RFC 3261 §14.1): the call must go on as it was. The far end
here is our bare user agent driven by hand (no Phone or browser does these
things on its own), through a real Kamailio.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from softphone.core import phone_events as ev
from softphone.core.phone_events import By
from softphone.media.session import MediaSession
from softphone.media.tracks import PcmCollector, tone_source
from softphone.sip import events as sip
from tests import audio_checks
from tests.core.phone_probe import RATE, PhoneProbe, start_probe
from tests.peers.kamailio import Kamailio
from tests.peers.sip_peer import SipPeer

pytestmark = pytest.mark.peers

PHONE_TONE = 1000.0
PEER_TONE = 440.0


class Far:
    """The far end: a SIP peer (1001) with a media session that plays 440 Hz."""

    def __init__(self, peer: SipPeer) -> None:
        self.peer = peer
        self.heard = PcmCollector(RATE)
        self.media = MediaSession(source=tone_source(PEER_TONE), sink=self.heard)

    async def hears(self, hz: float, seconds: float = 1.0) -> bool:
        return await audio_checks.hears(self.heard, hz, window=seconds)


@pytest.fixture
async def ends(kamailio: Kamailio) -> AsyncIterator[tuple[PhoneProbe, Far]]:
    phone = await start_probe(
        kamailio.ws_url, "1002", kamailio.password("1002"), tone_hz=PHONE_TONE, auto_answer_ms=0
    )
    peer = SipPeer(kamailio.ws_url, "1001", kamailio.password("1001"), kamailio.domain)
    far = Far(peer)
    try:
        await phone.wait_for(ev.Registered)
        await peer.start()
        yield phone, far
    finally:
        await far.media.close()
        await peer.aclose()
        await phone.aclose()


async def delayed_offer_call(far: Far) -> str:
    """INVITE without SDP; answer the phone's offer in the ACK."""
    handle = far.peer.act(lambda ua, now: ua.invite("1002", None, now))
    answered = await far.peer.wait_for(sip.CallAnswered)
    assert answered.offer and answered.sdp, "the phone's 200 OK must carry an offer"
    answer = await far.media.accept_offer(answered.sdp)
    far.peer.act(lambda ua, now: ua.acknowledge(handle, answer, now))
    return handle


async def hold_accepted(phone: PhoneProbe, far: Far, handle: str) -> None:
    """The phone holds and the far end accepts: a normal offer, a normal answer."""
    mark, phone_mark = far.peer.mark(), phone.mark()
    await phone.phone.hold()
    offer = await far.peer.wait_for(sip.ReinviteReceived, after=mark)
    assert offer.sdp and "a=sendonly" in offer.sdp
    answer = await far.media.accept_offer(offer.sdp)
    far.peer.act(lambda ua, now: ua.answer_reinvite(handle, answer, now))
    assert (await phone.wait_for(ev.Held, after=phone_mark)).by is By.LOCAL


async def test_delayed_offer_call_is_answered_with_audio_both_ways(
    ends: tuple[PhoneProbe, Far],
) -> None:
    phone, far = ends
    await delayed_offer_call(far)
    assert (await phone.wait_for(ev.MediaStarted)).codec == "opus/48000"
    assert await phone.hears(PEER_TONE), "the phone does not hear the far end"
    assert await far.hears(PHONE_TONE), "the far end does not hear the phone"
    assert not [e for e in phone.events if isinstance(e, ev.PhoneError)]


async def test_reinvite_without_sdp_keeps_audio_and_the_call_usable(
    ends: tuple[PhoneProbe, Far],
) -> None:
    phone, far = ends
    handle = await delayed_offer_call(far)
    assert await phone.hears(PEER_TONE)
    mark = far.peer.mark()
    far.peer.act(lambda ua, now: ua.reinvite(handle, None, now))
    answered = await far.peer.wait_for(sip.ReinviteAnswered, after=mark)
    assert answered.offer and answered.sdp
    answer = await far.media.accept_offer(answered.sdp)
    far.peer.act(lambda ua, now: ua.acknowledge(handle, answer, now))
    assert await phone.hears(PEER_TONE), "audio to the phone stopped after the re-INVITE"
    assert await far.hears(PHONE_TONE), "audio from the phone stopped after the re-INVITE"
    # The phone applied the answer from the ACK: its next offer (hold) is a
    # normal one that the far end can answer.
    await hold_accepted(phone, far, handle)
    assert not [e for e in phone.events if isinstance(e, ev.PhoneError)]


async def test_ack_without_the_answer_ends_the_call_clearly(
    ends: tuple[PhoneProbe, Far],
) -> None:
    phone, far = ends
    handle = far.peer.act(lambda ua, now: ua.invite("1002", None, now))
    await far.peer.wait_for(sip.CallAnswered)
    far.peer.act(lambda ua, now: ua.acknowledge(handle, None, now))  # no answer in the ACK
    error = await phone.wait_for(ev.PhoneError)
    assert "no answer to our SDP offer" in error.message
    assert (await phone.wait_for(ev.CallEnded)).by is By.LOCAL
    await far.peer.wait_for(sip.CallEnded)


async def test_refused_hold_leaves_the_call_as_it_was(ends: tuple[PhoneProbe, Far]) -> None:
    phone, far = ends
    handle = await delayed_offer_call(far)
    assert await far.hears(PHONE_TONE)
    mark, phone_mark = far.peer.mark(), phone.mark()
    await phone.phone.hold()
    await far.peer.wait_for(sip.ReinviteReceived, after=mark)
    far.peer.act(lambda ua, now: ua.reject_reinvite(handle, 488, now))
    error = await phone.wait_for(ev.PhoneError, after=phone_mark)
    assert error.message.startswith("hold failed (488")
    assert await far.hears(PHONE_TONE), "the far end lost the phone's audio after the refusal"
    assert await phone.hears(PEER_TONE), "the phone lost the far end's audio after the refusal"
    assert not [e for e in phone.events[phone_mark:] if isinstance(e, ev.Held)]
    # and the agent can try again
    await hold_accepted(phone, far, handle)
