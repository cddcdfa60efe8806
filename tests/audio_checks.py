"""Is a tone heard, or has the line gone quiet? Judged by content, waited for by condition.

One copy for every test that listens to a call (phone, media session,
simulator). ``hears`` and ``silent`` do not sleep a fixed "settling" time
before listening: they watch the audio as it arrives and return as soon as a
whole window of it (arrived after the call to them) shows what is asked, or
give up after ``timeout``. Audio already in flight when the state changed
(codec and jitter-buffer delay) therefore costs only as long as it lasts.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from softphone.media import tones
from softphone.media.tracks import PcmCollector

RATE = 48000
POLL = 0.05


def hears_tone(pcm: tones.Pcm, hz: float, seconds: float, tolerance_hz: float = 15.0) -> bool:
    """Most 100 ms blocks are audible with their strongest peak at ``hz``.

    Judged per short block by the spectral peak rather than by one Goertzel
    bin over the whole span: a browser's fake microphone loops its file and
    lands a couple of Hz off, which a 2 Hz-wide bin over 0.5 s would miss.
    """
    block = RATE // 10
    blocks = [pcm[i : i + block] for i in range(0, len(pcm) - block + 1, block)]
    if len(blocks) < seconds * 10 / 2:
        return False  # less than half the expected audio arrived at all
    good = sum(
        1
        for b in blocks
        if tones.rms_dbfs(b) > -50 and abs(tones.dominant_frequency(b, RATE) - hz) <= tolerance_hz
    )
    return good >= 0.7 * len(blocks)


def is_quiet(pcm: tones.Pcm, threshold_dbfs: float = -45.0) -> bool:
    """Nothing arriving at all (held: no RTP) or only silence."""
    return len(pcm) == 0 or tones.is_silent(pcm, threshold_dbfs=threshold_dbfs)


async def hears(
    collector: PcmCollector, hz: float, *, window: float = 0.5, timeout: float = 10.0
) -> bool:
    """Whether ``window`` seconds of audio arriving from now on carry ``hz``."""
    return await _watch(collector, window, timeout, lambda pcm: hears_tone(pcm, hz, window))


async def silent(collector: PcmCollector, *, window: float = 0.5, timeout: float = 10.0) -> bool:
    """Whether the line falls quiet for ``window`` seconds (from now on)."""
    return await _watch(collector, window, timeout, is_quiet)


async def _watch(
    collector: PcmCollector,
    window: float,
    timeout: float,
    shows: Callable[[tones.Pcm], bool],
) -> bool:
    start = time.monotonic()
    deadline = start + max(timeout, window)
    while True:
        now = time.monotonic()
        if now - start >= window and shows(collector.since(now - window)):
            return True
        if now >= deadline:
            return False
        await asyncio.sleep(POLL)
