"""The playout buffer and audio the Opus decoder made for lost packets (``push(concealed=True)``).

libopus's PLC for a lost frame comes with the packet after the loss. It is
played as audio but counted as concealed and lost (``CallQuality.concealed_ms``
stays honest); it does not teach the buffer that the network is late; and
when the buffer already concealed while waiting for that frame, the wait
stands in for the PLC's start, so the delay does not grow by it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from softphone.media.playout import PlayoutBuffer, PlayoutConfig
from softphone.media.playout_sim import SimClock

FRAME = 960
BLOCK = 240


def frame(value: int) -> npt.NDArray[np.int16]:
    return np.full(FRAME, value, dtype=np.int16)


def pull_ms(buffer: PlayoutBuffer, clock: SimClock, ms: int) -> npt.NDArray[np.int16]:
    out = []
    for _ in range(ms // 5):
        out.append(buffer.pull(BLOCK))
        clock.now += 0.005
    return np.concatenate(out)


def test_decoder_plc_plays_in_place_and_counts_as_concealed_and_lost() -> None:
    clock = SimClock()
    buffer = PlayoutBuffer(PlayoutConfig(target_ms=30), clock=clock)
    buffer.push(frame(1000), timestamp=0)
    buffer.push(frame(2000), timestamp=FRAME, concealed=True)  # made for a lost packet
    buffer.push(frame(3000), timestamp=2 * FRAME)
    out = pull_ms(buffer, clock, 90)  # the target's 30 ms of slack, then the three frames
    real = out[np.isin(out, [1000, 2000, 3000])]
    assert (real == 2000).sum() == FRAME  # played whole, in its place
    assert (np.diff(real.astype(np.int32)) >= 0).all()
    stats = buffer.stats()
    assert stats.concealed == FRAME and stats.lost == FRAME
    assert stats.late == 0 and stats.underruns == 0


def test_plc_arriving_with_the_next_packet_does_not_raise_the_target() -> None:
    """Its arrival is the next packet's: 20 ms 'late' by its timestamp, but not jitter."""
    clock = SimClock()
    buffer = PlayoutBuffer(PlayoutConfig(target_ms=10), clock=clock)
    played = []
    for k in range(200):
        clock.now = k * 0.02
        if k % 10 == 5:
            continue  # lost: its PLC comes with the next packet
        if k % 10 == 6:
            buffer.push(frame(500), timestamp=(k - 1) * FRAME, concealed=True)
        buffer.push(frame(1000), timestamp=k * FRAME)
        for _ in range(4):
            played.append(buffer.pull(BLOCK))
    assert buffer.stats().target_ms < 20


def test_what_was_concealed_while_waiting_stands_in_for_the_plc_start() -> None:
    clock = SimClock()
    buffer = PlayoutBuffer(PlayoutConfig(target_ms=10), clock=clock)
    buffer.push(frame(1000), timestamp=0)
    pull_ms(buffer, clock, 40)  # frame 1 is due and missing, nothing later: the buffer waits
    waited = buffer.stats()
    assert waited.underruns == 1 and waited.concealed > 0
    # the packet after the loss arrives with the decoder's PLC for frame 1
    buffer.push(frame(2000), timestamp=FRAME, concealed=True)
    buffer.push(frame(3000), timestamp=2 * FRAME)
    out = pull_ms(buffer, clock, 30)  # what is left of the PLC, then frame 2
    stats = buffer.stats()
    assert stats.underruns == 0  # a loss after all, not lateness
    skipped = FRAME - int((out == 2000).sum())
    assert skipped > 0  # the wait's concealment stood in for the PLC's start ...
    assert stats.lost == FRAME  # ... and the whole lost frame counts as lost once
    # the delay did not grow by the wait: frame 2 starts where it would have
    first_3000 = int(np.argmax(out == 3000))
    assert first_3000 <= FRAME - skipped + BLOCK
