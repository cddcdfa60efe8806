"""Speech quality through real calls: PESQ, one-way delay, level change, clipping; one table.

Two endpoints in this process talk over SRTP/UDP on loopback, through a
user-space impairment relay (``tests/peers/impairment.py``) that both
endpoints see as the other side: the relay loses, delays and reorders the
RTP of the speech direction, seeded per call so every variant gets the same
pattern. The caller sends espeak-ng speech (English on even calls, Russian
on odd ones, −26 dBFS); the callee's audio is scored with PESQ after
alignment by cross-correlation (P.862.2 WB for opus, P.862.1 NB for PCMA).

Variants, in the same run and interleaved call by call:

* ``phone (played)`` — ``MediaSession`` at both ends (our adapter pieces,
  our Opus settings); the callee plays through the phone's real
  ``SpeakerSink`` into a paced null sound card, and what the card took is
  scored: holes, concealment and delay as the agent's speaker would play
  them. One-way is from the sender's capture to the card.
* ``phone (decoded)`` — the same call's decoded frames, concatenated
  (no playout clock): what the phone *sends*, as a far end with a perfect
  buffer would hear it.
* ``stock aiortc`` — plain ``RTCPeerConnection``s with aiortc's own codecs,
  jitter buffer and threads (none of our adapter pieces); decoded frames
  concatenated; one-way to the arrival of the decoded frame.

JsSIP in Chromium is not a variant here (the gateway set-up was not built;
see bench/README.md).

    python3 bench/call_quality.py [--calls 3] [--cases clean,loss3,...] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiortc import RTCConfiguration, RTCPeerConnection
from aiortc.rtcrtpsender import RTCRtpSender

from softphone.media.aiortc_adapter import stock_codecs
from softphone.media.audio_io import SpeakerSink
from softphone.media.config import MediaConfig
from softphone.media.devices import NullBackend
from softphone.media.session import MediaSession
from softphone.media.tracks import PcmSourceTrack, fan_out
from tests import speech
from tests.peers.impairment import Impairment, ImpairmentRelay, rewrite_candidates
from tests.peers.loopback_ice import loopback_ice

RATE = 48000
FRAME = 960
TAIL_S = 1.0  # after the speech ends: for delayed packets and buffers to drain


@dataclass(frozen=True)
class Case:
    name: str
    codec: str
    impairment: Impairment = field(default_factory=Impairment)


def cases(codecs: tuple[str, ...]) -> list[Case]:
    out = []
    for codec in codecs:
        short = "opus" if codec.startswith("opus") else "PCMA"
        out += [
            Case(f"{short} clean", codec),
            Case(f"{short} loss 1 %", codec, Impairment(loss=0.01)),
            Case(f"{short} loss 3 %", codec, Impairment(loss=0.03)),
            Case(f"{short} loss 5 %", codec, Impairment(loss=0.05)),
            Case(f"{short} bursty 5 % (GE, burst 3)", codec, Impairment(loss=0.05, burst=3)),
            Case(f"{short} jitter 20 ms", codec, Impairment(jitter_ms=20)),
            Case(f"{short} jitter 40 ms", codec, Impairment(jitter_ms=40)),
            Case(f"{short} jitter 80 ms", codec, Impairment(jitter_ms=80)),
            Case(f"{short} delay step +100 ms", codec, Impairment(step_ms=100, step_at_s=5)),
        ]
    return out


@dataclass
class Timeline:
    """Audio with the wall time of each piece: pieces are (time of first sample, samples)."""

    pieces: list[tuple[float, np.ndarray]] = field(default_factory=list)

    def add(self, t: float, pcm: np.ndarray) -> None:
        self.pieces.append((t, pcm.copy()))

    def pcm(self) -> np.ndarray:
        if not self.pieces:
            return np.zeros(0, dtype=np.int16)
        return np.concatenate([p for _, p in self.pieces]).astype(np.int16)

    def time_of(self, index: int) -> float | None:
        """Wall time of sample ``index`` of ``pcm()``."""
        seen = 0
        for t, pcm in self.pieces:
            if index < seen + len(pcm):
                return t + (index - seen) / RATE
            seen += len(pcm)
        return None


@dataclass(frozen=True)
class Result:
    pesq: float
    delay_ms: float | None
    level_db: float
    clipped: int


def _measure(reference: np.ndarray, heard: Timeline, sent_at: float, wideband: bool) -> Result:
    pcm = heard.pcm()
    score = speech.score(reference, pcm, RATE, wideband)
    lag = round(score.delay_ms * RATE / 1000)
    when = heard.time_of(max(0, lag))
    delay = (when - sent_at) * 1000 if when is not None else None
    return Result(score.pesq, delay, score.level_change_db, score.clipped)


def _source(reference: np.ndarray) -> tuple[PcmSourceTrack, list[float]]:
    """The speech as a paced track; the list gets the capture time of its first sample."""
    position = 0
    first: list[float] = []

    def read(n: int) -> np.ndarray | None:
        nonlocal position
        if position >= len(reference):
            return None
        block = reference[position : position + n]
        position += n
        return block

    track = PcmSourceTrack(read, RATE)

    def on_frame(t: float, pcm: np.ndarray) -> None:
        if not first:
            first.append(t - FRAME / RATE)  # the frame's first sample was captured 20 ms ago

    track.on_frame = on_frame
    return track, first


async def _negotiate(
    offer: Callable[[], Any],
    answer: Callable[[str], Any],
    accept: Callable[[str], Any],
    relay: ImpairmentRelay,
) -> None:
    """Offer/answer with each side's candidate replaced by the relay's port."""
    sdp_offer, relay.a = rewrite_candidates(await offer(), relay.port)
    sdp_answer, relay.b = rewrite_candidates(await answer(sdp_offer), relay.port)
    await accept(sdp_answer)


async def _until(predicate: Callable[[], bool], timeout: float) -> None:
    end = time.monotonic() + timeout
    while not predicate() and time.monotonic() < end:
        await asyncio.sleep(0.05)


async def phone_call(case: Case, reference: np.ndarray, seed: int) -> tuple[Result, Result]:
    config = MediaConfig(codecs=(case.codec,))
    relay = ImpairmentRelay(replace(case.impairment, seed=seed))
    await relay.start()
    played, decoded = Timeline(), Timeline()
    speaker = SpeakerSink(NullBackend(tap=lambda block: played.add(time.monotonic(), block)))
    collector = _Decoded(decoded)
    source, sent = _source(reference)
    caller = MediaSession(config, source=source)
    callee = MediaSession(config, sink=fan_out(collector, speaker))
    try:
        await speaker.start()
        await _negotiate(caller.create_offer, callee.accept_offer, caller.accept_answer, relay)
        await _until(lambda: source.finished, len(reference) / RATE + 15)
        await asyncio.sleep(TAIL_S)
    finally:
        await caller.close()
        await callee.close()
        await speaker.stop()
        relay.close()
    wideband = case.codec.startswith("opus")
    start = sent[0] if sent else 0.0
    return (
        _measure(reference, _trim(played), start, wideband),
        _measure(reference, decoded, start, wideband),
    )


def _trim(timeline: Timeline) -> Timeline:
    """The card played silence before the call: start the timeline at the first sound."""
    for i, (_, pcm) in enumerate(timeline.pieces):
        if np.any(pcm):
            return Timeline(timeline.pieces[max(0, i - 40) :])
    return timeline


class _Decoded:
    """A session sink keeping decoded frames (48 kHz mono) with their arrival times."""

    def __init__(self, timeline: Timeline) -> None:
        from softphone.media.tracks import MonoConverter

        self.timeline = timeline
        self._convert = MonoConverter(RATE)

    def __call__(self, frame: Any) -> None:
        self.timeline.add(time.monotonic(), self._convert(frame))


async def stock_call(case: Case, reference: np.ndarray, seed: int) -> Result:
    relay = ImpairmentRelay(replace(case.impairment, seed=seed))
    await relay.start()
    decoded = Timeline()
    convert = _Decoded(decoded)
    source, sent = _source(reference)
    name, rate = case.codec.split("/")
    with stock_codecs():
        caller = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        callee = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        transceiver = caller.addTransceiver(source, direction="sendonly")
        wanted = [
            c
            for c in RTCRtpSender.getCapabilities("audio").codecs
            if c.mimeType.lower() == f"audio/{name.lower()}" and c.clockRate == int(rate)
        ]
        transceiver.setCodecPreferences(wanted)
        readers: list[asyncio.Task[None]] = []

        async def read(track: Any) -> None:
            while True:
                try:
                    frame = await track.recv()
                except Exception:
                    return
                convert(frame)

        callee.on("track", lambda track: readers.append(asyncio.ensure_future(read(track))))

        async def offer() -> str:
            await caller.setLocalDescription(await caller.createOffer())
            return str(caller.localDescription.sdp)

        async def answer(sdp: str) -> str:
            from aiortc import RTCSessionDescription

            await callee.setRemoteDescription(RTCSessionDescription(sdp, "offer"))
            await callee.setLocalDescription(await callee.createAnswer())
            return str(callee.localDescription.sdp)

        async def accept(sdp: str) -> None:
            from aiortc import RTCSessionDescription

            await caller.setRemoteDescription(RTCSessionDescription(sdp, "answer"))

        try:
            await _negotiate(offer, answer, accept, relay)
            await _until(lambda: source.finished, len(reference) / RATE + 15)
            await asyncio.sleep(TAIL_S)
        finally:
            await caller.close()
            await callee.close()
            for task in readers:
                task.cancel()
            relay.close()
    start = sent[0] if sent else 0.0
    return _measure(reference, decoded, start, case.codec.startswith("opus"))


def _cell(values: list[float], digits: int = 2) -> str:
    if not values:
        return "n/a"
    med = statistics.median(values)
    if len(values) == 1 or min(values) == max(values):
        return f"{med:.{digits}f}"
    return f"{med:.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def _row(name: str, variant: str, results: list[Result]) -> str:
    delays = [r.delay_ms for r in results if r.delay_ms is not None]
    return (
        f"| {name} | {variant} | {_cell([r.pesq for r in results])} | {_cell(delays, 0)} | "
        f"{_cell([r.level_db for r in results], 1)} | {sum(r.clipped for r in results)} |"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=3, help="calls per case and variant")
    parser.add_argument("--codecs", default="PCMA/8000,opus/48000")
    parser.add_argument("--cases", default="", help="comma-separated substrings of case names")
    parser.add_argument("--no-stock", action="store_true", help="skip the stock aiortc reference")
    args = parser.parse_args()
    chosen = cases(tuple(args.codecs.split(",")))
    if args.cases:
        keys = [k.strip() for k in args.cases.split(",")]
        chosen = [c for c in chosen if any(k in c.name for k in keys)]
    material = {lang: speech.speech(lang) for lang in ("en", "ru")}
    print(
        f"{args.calls} calls per case and variant (en, ru alternating), loopback, "
        "impairment relay on the speech direction; PESQ median (min–max)\n"
    )
    print("| case | variant | PESQ | one-way ms | level dB | clipped |")
    print("|---|---|---|---|---|---|")
    for case in chosen:
        played: list[Result] = []
        decoded: list[Result] = []
        stock: list[Result] = []
        for call in range(args.calls):
            reference = material["en" if call % 2 == 0 else "ru"]
            p, d = await phone_call(case, reference, seed=call + 1)
            played.append(p)
            decoded.append(d)
            if not args.no_stock:
                stock.append(await stock_call(case, reference, seed=call + 1))
        mode = "WB" if case.codec.startswith("opus") else "NB"
        name = f"{case.name} ({mode})"
        print(_row(name, "phone (played)", played))
        print(_row(name, "phone (decoded)", decoded))
        if stock:
            print(_row(name, "stock aiortc", stock), flush=True)


if __name__ == "__main__":
    with loopback_ice():
        asyncio.run(main())
