"""Chromium's receive path as the benchmark uses it: the phone's tone through the relay."""

from __future__ import annotations

import numpy as np

from softphone.media import tones
from softphone.media.config import MediaConfig
from softphone.media.session import MediaSession
from softphone.media.tracks import tone_source
from tests.peers.chromium_rtc import ChromiumReceiver, reachable_ipv4
from tests.peers.errors import PeerUnavailable
from tests.peers.fixtures import unavailable
from tests.peers.impairment import Impairment, ImpairmentRelay, rewrite_candidates
from tests.peers.loopback_ice import loopback_ice
from tests.waiting import until


async def test_chromium_hears_the_phone_through_the_lossy_relay() -> None:
    chromium = ChromiumReceiver()
    try:
        await chromium.start()
    except PeerUnavailable as exc:
        unavailable(str(exc))
    relay = ImpairmentRelay(Impairment(loss=0.05, seed=3), host="0.0.0.0")
    await relay.start()
    try:
        with loopback_ice():
            phone = MediaSession(MediaConfig(codecs=("PCMA/8000",)), source=tone_source(1000))
            try:
                offer, relay.a = rewrite_candidates(
                    await phone.create_offer(), relay.port, reachable_ipv4()
                )
                answer, relay.b = rewrite_candidates(await chromium.answer(offer), relay.port)
                await phone.accept_answer(answer)
                await until(lambda: relay.rtp_in >= 100, timeout=30, what="100 RTP packets")
                blocks = await chromium.collect()
            finally:
                await phone.close()
    finally:
        relay.close()
        await chromium.stop()
    pcm = np.concatenate([b for _, b in blocks])
    heard = pcm[-48000:]
    assert tones.contains_tone(heard, 1000, 48000), tones.dominant_frequency(heard, 48000)
    assert relay.dropped > 0
