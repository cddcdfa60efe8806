"""Receive-path latency: aiortc's stock audio jitter buffer vs our reorder path, same run.

Two MediaSessions in one process over loopback ICE. For each variant and
each call:

* first frame: from the caller's ``create_offer()`` to the first decoded
  frame at the caller (what a user hears as "the call started");
* one-way: the callee sends short 1 kHz bursts every 400 ms (silence in
  between); the time from the burst frame leaving the callee's source track
  to the first loud frame reaching the caller's sink. It covers encode,
  SRTP, UDP, the receive buffer and decode - not sound-card buffers.

``--loss`` makes the impairment relay (``tests/peers/impairment.py``, on the
path in every run) lose that share of the sender's packets, to show what one
lost packet does to each buffer.

    python3 bench/media_latency.py [--calls 5] [--seconds 4] [--loss 2]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from softphone.media import tones
from softphone.media.config import JitterConfig, MediaConfig
from softphone.media.session import MediaSession
from softphone.media.tracks import MonoConverter, PcmSourceTrack
from tests.peers.impairment import Impairment, ImpairmentRelay, rewrite_candidates
from tests.peers.loopback_ice import loopback_ice

RATE = 48000
FRAME = RATE // 50
BURST_EVERY = 20  # frames (400 ms)


@dataclass
class BurstSource:
    """Silence with a one-frame 1 kHz burst every BURST_EVERY frames; notes when each leaves."""

    sent: list[float] = field(default_factory=list)
    _index: int = 0
    _tone: np.ndarray = field(default_factory=lambda: tones.sine(1000, 0.02, RATE, 0.5))

    def read(self, n: int) -> np.ndarray:
        self._index += 1
        if self._index % BURST_EVERY == 0:
            return self._tone[:n]
        return np.zeros(n, dtype=np.int16)

    def on_frame(self, t: float, pcm: np.ndarray) -> None:
        if np.any(pcm):
            self.sent.append(t)


@dataclass
class OnsetSink:
    """Arrival times of the first loud frame after a quiet one."""

    onsets: list[float] = field(default_factory=list)
    _convert: MonoConverter = field(default_factory=lambda: MonoConverter(RATE))
    _loud: bool = False

    def __call__(self, frame: Any) -> None:
        loud = tones.rms_dbfs(self._convert(frame)) > -35
        if loud and not self._loud:
            self.onsets.append(time.monotonic())
        self._loud = loud


def pair_latencies(sent: list[float], onsets: list[float]) -> list[float]:
    """Match each burst to the first onset after it (within one burst period)."""
    result = []
    period = BURST_EVERY * 0.02
    for t in sent:
        later = [o - t for o in onsets if 0 <= o - t < period]
        if later:
            result.append(min(later) * 1000)
    return result


async def one_call(
    jitter: JitterConfig, seconds: float, loss: float, seed: int
) -> tuple[float, list[float]]:
    """The receiver answers the sender's offer via the relay, which loses ``loss`` of its RTP."""
    bursts = BurstSource()
    source = PcmSourceTrack(bursts.read, RATE)
    source.on_frame = bursts.on_frame
    sink = OnsetSink()
    relay = ImpairmentRelay(Impairment(loss=loss, seed=seed))
    await relay.start()
    sender = MediaSession(MediaConfig(), source=source)
    receiver = MediaSession(MediaConfig(jitter=jitter), sink=sink)
    try:
        start = time.monotonic()
        offer, relay.a = rewrite_candidates(await sender.create_offer(), relay.port)
        answer, relay.b = rewrite_candidates(await receiver.accept_offer(offer), relay.port)
        await sender.accept_answer(answer)
        while receiver.first_frame_at is None:
            await asyncio.sleep(0.005)
        first = (receiver.first_frame_at - start) * 1000
        await asyncio.sleep(seconds)
        return first, pair_latencies(bursts.sent, sink.onsets)
    finally:
        await sender.close()
        await receiver.close()
        relay.close()


def summary(values: list[float]) -> str:
    if not values:
        return "n/a"
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return f"median {statistics.median(values):6.1f}  p90 {p90:6.1f}  (n={len(values)})"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--loss", type=float, default=2.0, help="percent, 0 to skip")
    args = parser.parse_args()
    variants = {
        "aiortc stock (prefetch 4)": JitterConfig(enabled=False),
        "softphone reorder path": JitterConfig(),
    }
    losses = [0.0] + ([args.loss / 100] if args.loss else [])
    results: dict[tuple[str, float], tuple[list[float], list[float]]] = {
        (name, loss): ([], []) for name in variants for loss in losses
    }
    for call in range(args.calls):
        for loss in losses:
            for name, jitter in variants.items():  # interleaved: same machine load for both
                first, oneway = await one_call(jitter, args.seconds, loss, seed=call)
                results[name, loss][0].append(first)
                results[name, loss][1].extend(oneway)
    print(f"{args.calls} calls per row, {args.seconds:.0f} s each, loopback, opus/48000")
    for loss in losses:
        print(f"\npacket loss {loss * 100:.0f} %")
        for name in variants:
            first, oneway = results[name, loss]
            print(f"  {name:28s} first frame  {summary(first)}")
            print(f"  {'':28s} one-way      {summary(oneway)}")


if __name__ == "__main__":
    with loopback_ice():
        asyncio.run(main())
