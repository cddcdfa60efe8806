"""The phone behind a WebRTC-to-RTP media gateway, as production runs it.

Kamailio + rtpengine (``tests/peers/rtpengine.py``) stand between our phone
(SIP over WebSocket, ICE + DTLS-SRTP) and a plain-RTP PBX-like peer (SIP over
UDP, G.711 over ``RTP/AVP``: ``tests/peers/rtp_peer.py``). The peer offers
and accepts only PCMA, so the call is PCMA end to end. The phone plays
440 Hz, the peer 1 kHz; each side must hear the other's tone, in calls
placed from either side, and a hold from either side must stop the held
phone's or the peer's sending, and the tones come back on unhold.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from softphone.core import phone_events as ev
from softphone.core.phone_events import By
from softphone.sip import events as sip
from tests import audio_checks
from tests.core.phone_probe import PhoneProbe, start_probe
from tests.peers.rtp_peer import PlainRtpPeer, tone
from tests.peers.rtpengine import MediaGateway

pytestmark = pytest.mark.peers

OURS = 440.0
THEIRS = 1000.0


@pytest.fixture
async def softphone(media_gateway: MediaGateway) -> AsyncIterator[PhoneProbe]:
    kamailio = media_gateway.kamailio
    assert kamailio is not None
    probe = await start_probe(
        kamailio.ws_url, "1001", kamailio.password("1001"), tone_hz=OURS, auto_answer_ms=0
    )
    try:
        await probe.wait_for(ev.Registered)
        yield probe
    finally:
        await probe.aclose()


@pytest.fixture
async def pbx(media_gateway: MediaGateway) -> AsyncIterator[PlainRtpPeer]:
    kamailio = media_gateway.kamailio
    assert kamailio is not None
    peer = PlainRtpPeer(
        kamailio.udp_address, "1002", kamailio.password("1002"), kamailio.domain,
        source=tone(THEIRS),
    )  # fmt: skip
    await peer.start()
    try:
        yield peer
    finally:
        await peer.aclose()


async def assert_audio_both_ways(softphone: PhoneProbe, pbx: PlainRtpPeer) -> None:
    assert await softphone.hears(THEIRS), "the phone does not hear the RTP peer's 1 kHz"
    heard = await audio_checks.hears(pbx.received, OURS, window=1.0)  # type: ignore[arg-type]
    assert heard, "the RTP peer does not hear the phone's 440 Hz"


async def test_phone_calls_the_rtp_peer_through_the_gateway(
    softphone: PhoneProbe, pbx: PlainRtpPeer
) -> None:
    await softphone.phone.call("1002")
    started = await softphone.wait_for(ev.MediaStarted, timeout=15)
    assert started.codec == "PCMA/8000"
    assert pbx.remote is not None and pbx.remote.address[0] == "127.0.0.1"
    await assert_audio_both_ways(softphone, pbx)

    # The PBX holds (a=sendonly through the gateway): the phone is told and
    # stops sending; taken off hold, the phone is heard again.
    await pbx.hold()
    await softphone.wait_for(ev.Held, lambda e: e.by is By.REMOTE)
    assert pbx.remote is not None and pbx.remote.direction == "recvonly"
    assert await audio_checks.silent(pbx.received, window=1.0)  # type: ignore[arg-type]
    await pbx.hold(False)
    await softphone.wait_for(ev.Unheld, lambda e: e.by is By.REMOTE)
    await assert_audio_both_ways(softphone, pbx)

    await softphone.phone.hangup()
    await pbx.wait_for(sip.CallEnded)


async def test_rtp_peer_calls_the_phone_and_both_hold(
    softphone: PhoneProbe, pbx: PlainRtpPeer
) -> None:
    await pbx.dial("sip:1001@127.0.0.1")
    incoming = await softphone.wait_for(ev.IncomingCall)
    assert incoming.caller == "sip:1002@127.0.0.1"
    started = await softphone.wait_for(ev.MediaStarted, timeout=15)
    assert started.codec == "PCMA/8000"
    await assert_audio_both_ways(softphone, pbx)

    # The phone holds: its re-INVITE (sendonly) reaches the peer as plain
    # RTP/AVP; the peer answers recvonly and stops sending, as a PBX does.
    await softphone.phone.hold()
    await softphone.wait_for(ev.Held, lambda e: e.by is By.LOCAL)
    assert pbx.remote is not None and pbx.remote.direction == "sendonly"
    assert await softphone.silent(), "the held phone still hears the peer"
    assert await audio_checks.silent(pbx.received, window=1.0)  # type: ignore[arg-type]
    await softphone.phone.unhold()
    await softphone.wait_for(ev.Unheld, lambda e: e.by is By.LOCAL)
    await assert_audio_both_ways(softphone, pbx)

    # The far end hangs up.
    pbx.hangup()
    ended = await softphone.wait_for(ev.CallEnded)
    assert ended.by is By.REMOTE
