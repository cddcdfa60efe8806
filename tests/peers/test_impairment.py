"""The impairment relay: the promised loss pattern, repeatable by seed, and a call through it."""

from __future__ import annotations

import numpy as np

from softphone.media.config import MediaConfig
from softphone.media.session import MediaSession
from softphone.media.tracks import PcmCollector, tone_source
from tests import audio_checks
from tests.peers.impairment import Impairment, ImpairmentRelay, _Pattern, rewrite_candidates
from tests.peers.loopback_ice import loopback_ice
from tests.waiting import until


def _losses(impairment: Impairment, n: int = 20000) -> list[bool]:
    pattern = _Pattern(impairment)
    return [pattern.next(i * 0.02)[0] for i in range(n)]


def _bursts(losses: list[bool]) -> list[int]:
    runs, run = [], 0
    for lost in losses:
        if lost:
            run += 1
        elif run:
            runs.append(run)
            run = 0
    return runs


def test_random_and_bursty_loss_have_the_asked_share_and_burst_length() -> None:
    plain = _losses(Impairment(loss=0.05))
    bursty = _losses(Impairment(loss=0.05, burst=3))
    assert 0.04 < np.mean(plain) < 0.06
    assert 0.04 < np.mean(bursty) < 0.06
    assert np.mean(_bursts(plain)) < 1.2
    assert 2.5 < np.mean(_bursts(bursty)) < 3.5


def test_the_same_seed_gives_the_same_pattern() -> None:
    a = _losses(Impairment(loss=0.03, seed=4), 2000)
    assert a == _losses(Impairment(loss=0.03, seed=4), 2000)
    assert a != _losses(Impairment(loss=0.03, seed=5), 2000)


async def test_a_call_through_the_relay_carries_audio_and_loses_what_was_asked() -> None:
    with loopback_ice():
        relay = ImpairmentRelay(Impairment(loss=0.1))
        await relay.start()
        heard = PcmCollector()
        caller = MediaSession(MediaConfig(codecs=("PCMA/8000",)), source=tone_source(1000))
        callee = MediaSession(MediaConfig(codecs=("PCMA/8000",)), sink=heard)
        try:
            offer, relay.a = rewrite_candidates(await caller.create_offer(), relay.port)
            answer, relay.b = rewrite_candidates(await callee.accept_offer(offer), relay.port)
            await caller.accept_answer(answer)
            assert await audio_checks.hears(heard, 1000, timeout=10)
            await until(lambda: relay.dropped >= 5, timeout=20)
        finally:
            await caller.close()
            await callee.close()
            relay.close()
    assert 0.03 < relay.dropped / relay.rtp_in < 0.2
