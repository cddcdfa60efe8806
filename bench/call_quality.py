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
* ``phone (decoded)`` — the same call's decoded frames, concatenated in
  timestamp order (no playout clock): what the phone *sends*, as a far end
  with a perfect buffer would hear it.
* ``phone, G.711 reordered`` (``--reordered``) — ``phone (played)`` with
  G.711 packets put in order before decoding
  (``JitterConfig(reorder_memoryless=True)``), as before they went straight
  to the playout buffer: the before of that change, in the same run.
* ``stock aiortc`` — plain ``RTCPeerConnection``s with aiortc's own codecs,
  jitter buffer and threads (none of our adapter pieces); decoded frames
  concatenated; one-way to the arrival of the decoded frame.

* ``Chromium`` — the phone sends (the same stream and the same seeded
  impairment as ``phone``) to an RTCPeerConnection in headless Chromium
  (``tests/peers/chromium_rtc.py``), whose WebAudio graph records what NetEq
  plays. One-way is to Chromium's recording clock (±21 ms: one
  ScriptProcessor buffer). No SIP and no media gateway: the relay sits on
  the SRTP path between the two endpoints.

    python3 bench/call_quality.py [--calls 3] [--codecs PCMA/8000,opus/48000]
        [--cases "clean,loss 3"] [--no-stock] [--no-chromium] [--reordered]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiortc import RTCConfiguration, RTCPeerConnection
from aiortc.rtcrtpsender import RTCRtpSender

from softphone.media.aiortc_adapter import stock_codecs
from softphone.media.audio_io import SpeakerSink
from softphone.media.config import JitterConfig, MediaConfig
from softphone.media.devices import NullBackend
from softphone.media.resample import FrameResampler
from softphone.media.session import MediaSession
from softphone.media.tracks import PcmSourceTrack, fan_out
from tests import speech
from tests.peers.chromium_rtc import ChromiumReceiver, reachable_ipv4
from tests.peers.impairment import Impairment, ImpairmentRelay, rewrite_candidates
from tests.peers.loopback_ice import loopback_ice

RATE = 48000
FRAME = 960
T = TypeVar("T")
TAIL_S = 1.0  # after the speech ends: for delayed packets and buffers to drain
EPOCH_OFFSET = time.time() - time.monotonic()


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


def _measure(reference: np.ndarray, heard: Timeline, sent: list[float], wideband: bool) -> Result:
    """Scores, and the median one-way delay over points every 0.5 s of the speech.

    Each point is found on its own: a 250 ms stretch of the reference is
    looked for near the overall lag, because losses (frames that never came)
    and buffer changes move the lag during a call. Its delay is when it was
    heard minus when it was captured (its frame left the source 20 ms after
    its first sample). Points in pauses or not clearly found are skipped.
    """
    pcm = heard.pcm()
    score = speech.score(reference, pcm, RATE, wideband)
    lag = round(score.delay_ms * RATE / 1000)
    delays = []
    for s in range(RATE // 2, len(reference) - RATE // 2, RATE // 2):
        found = _local_lag(reference[s : s + WINDOW], pcm, s + lag)
        frame = s // FRAME
        when = heard.time_of(found) if found is not None else None
        if when is not None and frame < len(sent):
            captured = sent[frame] - FRAME / RATE + (s % FRAME) / RATE
            delays.append((when - captured) * 1000)
    delay = statistics.median(delays) if delays else None
    return Result(score.pesq, delay, score.level_change_db, score.clipped)


WINDOW = RATE // 4
SEARCH = int(0.4 * RATE)


def _local_lag(segment: np.ndarray, pcm: np.ndarray, guess: int) -> int | None:
    """Where ``segment`` starts in ``pcm`` within ±SEARCH of ``guess`` (None: not found)."""
    seg = segment.astype(np.float64)
    if np.sqrt(np.mean(seg**2)) < 100:  # a pause: nothing to find
        return None
    lo = max(0, guess - SEARCH)
    hay = pcm[lo : guess + SEARCH + len(seg)].astype(np.float64)
    if len(hay) < len(seg):
        return None
    n = 1 << int(np.ceil(np.log2(len(hay) + len(seg))))
    full = np.fft.irfft(np.fft.rfft(hay, n) * np.conj(np.fft.rfft(seg, n)), n)
    corr = full[: len(hay) - len(seg) + 1]  # seg placed at each valid offset of hay
    sums = np.concatenate([[0.0], np.cumsum(hay**2)])
    energy = sums[len(seg) :] - sums[: len(hay) - len(seg) + 1]
    norm = corr / (np.sqrt(energy * np.dot(seg, seg)) + 1e-9)
    best = int(np.argmax(norm))
    return lo + best if norm[best] > 0.6 else None


def _source(reference: np.ndarray) -> tuple[PcmSourceTrack, list[float]]:
    """The speech as a paced track; the list gets the time each frame leaves it."""
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
        first.append(t)

    track.on_frame = on_frame
    return track, first


async def _negotiate(
    offer: Callable[[], Any],
    answer: Callable[[str], Any],
    accept: Callable[[str], Any],
    relay: ImpairmentRelay,
    relay_host: str = "127.0.0.1",
) -> None:
    """Offer/answer with each side's candidate replaced by the relay's port."""
    sdp_offer, relay.a = rewrite_candidates(await offer(), relay.port, relay_host)
    sdp_answer, relay.b = rewrite_candidates(await answer(sdp_offer), relay.port)
    await accept(sdp_answer)


async def _until(predicate: Callable[[], bool], timeout: float) -> None:
    end = time.monotonic() + timeout
    while not predicate() and time.monotonic() < end:
        await asyncio.sleep(0.05)


async def phone_call(
    case: Case, reference: np.ndarray, seed: int, reordered: bool = False
) -> tuple[Result, Result]:
    jitter = JitterConfig(reorder_memoryless=reordered)
    config = MediaConfig(codecs=(case.codec,), jitter=jitter)
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
    return (
        _measure(reference, _trim(played), sent, wideband),
        _measure(reference, decoded, sent, wideband),
    )


def _trim(timeline: Timeline, keep: int = RATE // 5) -> Timeline:
    """The timeline from ``keep`` samples before its first sound (the card played
    silence before the call); each piece keeps its own time."""
    seen = 0
    for _, pcm in timeline.pieces:
        loud = np.flatnonzero(np.abs(pcm.astype(np.int32)) > 30)
        if len(loud):
            start = max(0, seen + int(loud[0]) - keep)
            return Timeline(_from_sample(timeline.pieces, start))
        seen += len(pcm)
    return timeline


def _from_sample(
    pieces: list[tuple[float, np.ndarray]], start: int
) -> list[tuple[float, np.ndarray]]:
    out, seen = [], 0
    for t, pcm in pieces:
        if seen + len(pcm) > start:
            skip = max(0, start - seen)
            out.append((t + skip / RATE, pcm[skip:]))
        seen += len(pcm)
    return out


class _Decoded:
    """A session sink keeping decoded frames (48 kHz mono) with their arrival times.

    G.711 frames arrive in arrival order, not sequence order: they are
    converted one by one and put in timestamp order.
    """

    def __init__(self, timeline: Timeline) -> None:
        from softphone.media.tracks import MonoConverter

        self.timeline = timeline
        self._convert = MonoConverter(RATE)
        self._resample: FrameResampler | None = None
        self._frames: dict[int, tuple[float, np.ndarray]] = {}
        self._pts: int | None = None
        self._unwrapped = 0

    def __call__(self, frame: Any) -> None:
        now = time.monotonic()
        if frame.layout.nb_channels != 1 or frame.pts is None or frame.format.name != "s16":
            self.timeline.add(now, self._convert(frame))
            return
        if self._resample is None:
            self._resample = FrameResampler(frame.sample_rate, RATE)
        # aiortc's TimestampMapper takes a reordered packet for an RTP wrap and
        # moves every later pts by 2**32: unwrap by the difference modulo 2**32.
        pts = frame.pts % (1 << 32)
        if self._pts is None:
            self._unwrapped = pts
        else:
            step = (pts - self._pts) % (1 << 32)
            self._unwrapped += step - (1 << 32) if step >= 1 << 31 else step
        self._pts = pts
        pcm, at = self._resample.convert(frame.to_ndarray().reshape(-1), self._unwrapped)
        self._frames[at] = (now, pcm)
        pieces, end = [], None
        for start in sorted(self._frames):  # a frame that came late overlaps the next one
            t, part = self._frames[start]
            skip = 0 if end is None else max(0, end - start)
            if skip < part.size:
                pieces.append((t + skip / RATE, part[skip:]))
            end = max(end or 0, start + part.size)
        self.timeline.pieces = pieces


async def chromium_call(
    case: Case, reference: np.ndarray, seed: int, chromium: ChromiumReceiver
) -> Result:
    """The phone sends through the relay (the same stream as ``phone_call``); Chromium plays it."""
    relay = ImpairmentRelay(replace(case.impairment, seed=seed), host="0.0.0.0")
    await relay.start()
    source, sent = _source(reference)
    caller = MediaSession(MediaConfig(codecs=(case.codec,)), source=source)
    try:
        await _negotiate(
            caller.create_offer, chromium.answer, caller.accept_answer, relay, reachable_ipv4()
        )
        await _until(lambda: source.finished, len(reference) / RATE + 15)
        await asyncio.sleep(TAIL_S)
        blocks = await chromium.collect()
    finally:
        await caller.close()
        await chromium.close_call()
        relay.close()
    heard = Timeline([(t - EPOCH_OFFSET, pcm) for t, pcm in blocks])  # epoch -> monotonic
    return _measure(reference, _trim(heard), sent, case.codec.startswith("opus"))


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
    return _measure(reference, decoded, sent, case.codec.startswith("opus"))


async def _attempt(case: Case, variant: str, call: Awaitable[T]) -> T | None:
    """One call's result, or None (said on stderr) if it failed: a long run goes on."""
    try:
        return await call
    except Exception as exc:
        print(f"{case.name} / {variant}: call failed: {exc!r}", file=sys.stderr, flush=True)
        return None


def _keep(results: list[Result], result: Result | None) -> None:
    if result is not None:
        results.append(result)


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
    parser.add_argument("--no-chromium", action="store_true", help="skip Chromium")
    parser.add_argument(
        "--reordered", action="store_true", help="add the phone with G.711 put in order first"
    )
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
    chromium = None
    if not args.no_chromium:
        chromium = ChromiumReceiver()
        await chromium.start()
    try:
        await _run(chosen, args.calls, not args.no_stock, chromium, material, args.reordered)
    finally:
        if chromium is not None:
            await chromium.stop()


async def _run(
    chosen: list[Case],
    calls: int,
    with_stock: bool,
    chromium: ChromiumReceiver | None,
    material: dict[str, np.ndarray],
    with_reordered: bool = False,
) -> None:
    for case in chosen:
        reordered: list[Result] = []
        played: list[Result] = []
        decoded: list[Result] = []
        stock: list[Result] = []
        browser: list[Result] = []
        for call in range(calls):
            reference = material["en" if call % 2 == 0 else "ru"]
            seed = call + 1
            pair = await _attempt(case, "phone", phone_call(case, reference, seed))
            if pair is not None:
                played.append(pair[0])
                decoded.append(pair[1])
            if with_reordered:
                call_ = phone_call(case, reference, seed, reordered=True)
                pair = await _attempt(case, "phone, G.711 reordered", call_)
                if pair is not None:
                    reordered.append(pair[0])
            if with_stock:
                _keep(stock, await _attempt(case, "stock", stock_call(case, reference, seed)))
            if chromium is not None:
                call_ = chromium_call(case, reference, seed, chromium)
                _keep(browser, await _attempt(case, "Chromium", call_))
        mode = "WB" if case.codec.startswith("opus") else "NB"
        name = f"{case.name} ({mode})"
        print(_row(name, "phone (played)", played))
        print(_row(name, "phone (decoded)", decoded))
        if reordered:
            print(_row(name, "phone, G.711 reordered", reordered))
        if stock:
            print(_row(name, "stock aiortc", stock))
        if browser:
            print(_row(name, "Chromium", browser))
        sys.stdout.flush()


if __name__ == "__main__":
    with loopback_ice():
        asyncio.run(main())
