"""A real in-process G.711 call losing packets: what B records is what B would hear.

One packet in ten that reaches B's receiver is dropped before aiortc sees
it (after our reorder tap), as a lossy network would. B records with the
``--record`` recorder — its own playout buffer on the monotonic clock — so
the WAV file shows what the agent hears: the tone, concealed where packets
were lost, not holes. The call's quality reports the concealment and a
lower MOS, and arrives as periodic ``QualityReport`` events.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from softphone.media.config import MediaConfig
from softphone.media.heard import HeardRecorder
from softphone.media.session import MediaEvent, MediaSession, QualityReport
from softphone.media.tracks import read_wav
from tests.media.test_receive_path import rms_per_10ms
from tests.media.test_session import TONE_A, make_side
from tests.waiting import until

RATE = 48000
TONE_RMS = 0.3 * 32767 / np.sqrt(2)
DROP_EVERY = 10


async def test_a_lossy_g711_call_is_recorded_as_heard_with_the_losses_concealed(
    tmp_path: Path,
) -> None:
    config = MediaConfig(codecs=("PCMA/8000",), telephone_event=False, quality_period_s=0.5)
    path = tmp_path / "heard.wav"
    recorder = HeardRecorder(path)
    events: list[MediaEvent] = []
    a = make_side(TONE_A, config)
    b = MediaSession(config, sink=recorder, on_event=events.append, playout=recorder.stats)
    arrived = 0
    try:
        answer = await b.accept_offer(await a.session.create_offer())
        receive = b._media.receive if b._media is not None else None
        assert receive is not None
        original = receive.original

        async def lossy(packet: Any, arrival_time_ms: int) -> None:
            nonlocal arrived
            arrived += 1
            if arrived % DROP_EVERY:
                await original(packet, arrival_time_ms=arrival_time_ms)

        receive.original = lossy
        await a.session.accept_answer(answer)
        await until(lambda: recorder.stats().pulled >= 4 * RATE, timeout=30)
        quality = await b.quality()
    finally:
        await a.session.close()
        await b.close()
        await recorder.close()
    pcm, rate = read_wav(path)
    assert rate == RATE
    heard = pcm[RATE:]  # after the first second
    levels = rms_per_10ms(heard)
    # Lost packets would leave one or two silent 10 ms each (10 % of the
    # call); concealed, only a rare stall of a busy test machine may.
    assert np.mean(levels < 0.2 * TONE_RMS) < 0.02
    stats = recorder.stats()
    assert stats.lost > 0 and stats.concealed >= stats.lost
    assert quality.concealed_ms > 0 and quality.mos < 4.3
    reports = [e.quality for e in events if isinstance(e, QualityReport)]
    assert reports and reports[-1].codec == "PCMA/8000"


async def test_a_lost_g711_packet_does_not_hold_the_next_one_back() -> None:
    """The network loses one packet in ten before our receive path sees it.

    The packet after each loss must reach the playout side at once — before
    the packet after it arrives — rather than wait in the reorder stage for
    the gap to be given up (~20 ms, heard as concealment on top of the loss
    and read as lateness that raised the delay). With G.711 put through the
    reorder stage (the old path) none of them does.
    """
    config = MediaConfig(codecs=("PCMA/8000",), telephone_event=False)
    heard = 0  # frames that reached the playout side

    def sink(frame: Any) -> None:
        nonlocal heard
        heard += 1

    a = make_side(TONE_A, config)
    b = MediaSession(config, sink=sink)
    arrived = 0
    waiting: int | None = None  # frames heard once the packet after a loss is
    on_time: list[bool] = []
    try:
        answer = await b.accept_offer(await a.session.create_offer())
        receiver = b._media.transceiver.receiver if b._media is not None else None
        assert receiver is not None
        tap = receiver._handle_rtp_packet

        async def lossy_network(packet: Any, arrival_time_ms: int) -> None:
            nonlocal arrived, waiting
            arrived += 1
            if waiting is not None:
                on_time.append(heard >= waiting)
                waiting = None
            if arrived % DROP_EVERY == 0:
                return
            if arrived % DROP_EVERY == 1 and arrived > 1:
                waiting = heard + 1
            await tap(packet, arrival_time_ms=arrival_time_ms)

        receiver._handle_rtp_packet = lossy_network
        await a.session.accept_answer(answer)
        await until(lambda: len(on_time) >= 12, timeout=30)
    finally:
        await a.session.close()
        await b.close()
    # A busy machine may deliver two packets in one go; most must have been on time.
    assert sum(on_time) >= len(on_time) // 2, on_time
