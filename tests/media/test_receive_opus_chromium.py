"""A real far end's in-band FEC: Chromium sends Opus speech to the phone, which loses packets.

Our SDP says ``useinbandfec=1``, so Chromium's encoder adds LBRR data once
our RTCP reports loss; the phone loses one packet in eight before its
reorder stage (as a network would), and the lost frames come back from the
next packet's FEC instead of being concealed.
"""

from __future__ import annotations

from typing import Any

import av

from softphone.media.config import MediaConfig
from softphone.media.opus_receive import Source, source_of
from softphone.media.session import MediaSession
from tests import speech
from tests.peers.chromium_rtc import ChromiumReceiver, reachable_ipv4
from tests.peers.errors import PeerUnavailable
from tests.peers.fixtures import unavailable
from tests.peers.impairment import Impairment, ImpairmentRelay, rewrite_candidates
from tests.peers.loopback_ice import loopback_ice
from tests.waiting import until

DROP_EVERY = 8
FEC_FRAMES = 5


async def test_chromium_sends_fec_and_the_phone_recovers_lost_frames_from_it() -> None:
    chromium = ChromiumReceiver()
    try:
        await chromium.start()
    except PeerUnavailable as exc:
        unavailable(str(exc))
    made: list[Source] = []

    def sink(frame: av.AudioFrame) -> None:
        made.append(source_of(frame.opaque))

    relay = ImpairmentRelay(Impairment(), host="0.0.0.0")  # only to reach Chromium
    await relay.start()
    dropped = 0
    try:
        with loopback_ice():
            phone = MediaSession(MediaConfig(codecs=("opus/48000",)), sink=sink)
            try:
                offer, relay.a = rewrite_candidates(
                    await phone.create_offer(), relay.port, reachable_ipv4()
                )
                talk = speech.speech("en", rate=16000)
                answer, relay.b = rewrite_candidates(
                    await chromium.answer(offer, send=talk, rate=16000), relay.port
                )
                receive = phone._media.receive if phone._media is not None else None
                assert receive is not None and receive.reorder is not None
                push, arrived = receive.reorder.push, 0

                def lossy_push(packet: Any, arrival_ms: int) -> list[Any]:
                    nonlocal arrived, dropped
                    arrived += 1
                    if arrived % DROP_EVERY == 0:
                        dropped += 1
                        return []
                    return push(packet, arrival_ms)

                receive.reorder.push = lossy_push  # type: ignore[method-assign]
                await phone.accept_answer(answer)
                await until(
                    lambda: made.count(Source.FEC) >= FEC_FRAMES,
                    timeout=40,
                    what=f"{FEC_FRAMES} frames recovered from Chromium's FEC",
                )
            finally:
                await phone.close()
    finally:
        relay.close()
        await chromium.stop()
    assert dropped > 0 and made.count(Source.DECODED) > 0
