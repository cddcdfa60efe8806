"""Lost Opus packets: libopus's own PLC and FEC against the generic concealment.

Two measurements of the same four receive variants (below), both on the
seeded loss patterns of ``tests/peers/impairment.py`` (random 1/3/5 %,
Gilbert–Elliott 5 % with bursts of 3):

``--sim`` (default): the receive path without the network and the event
loop, on a simulated clock, so a busy machine cannot move the figures: the
phone's Opus encoder encodes the speech; packets arrive 20 ms apart (minus
the lost ones) into the real ``ReorderBuffer``, the gap marking of the
receive tap, the real decoder and ``FrameFeeder`` + ``PlayoutBuffer``
pulled in 5 ms blocks; what it played is scored (PESQ WB); ``lag`` is the
alignment delay (encoder look-ahead + reorder wait + playout delay).

``--calls N``: real calls. Runs ``bench/call_quality.py``'s phone call (speech over SRTP/UDP on
loopback through the seeded impairment relay; the callee plays through its
``SpeakerSink`` into a paced null card; what the card took is scored with
PESQ WB) four times per call, interleaved, on the same loss pattern:

* ``generic`` — PyAV decodes; lost frames are holes the playout buffer
  conceals by pitch repetition (``media/concealment.py``), the path before;
* ``native`` — libopus decodes (``media/opus_native.py``); lost frames are
  made by its PLC before the next packet is decoded (``opus_receive.py``);

each with the sender's in-band FEC off and on (``OpusConfig(fec=True,
packet_loss_percent=<the case's loss>)``): with FEC, ``native`` recovers the
frame before each received packet from its LBRR data.

Then the decoder's CPU per 20 ms frame: PyAV's decode (aiortc's path)
against libopus through ctypes, both ending in an ``AudioFrame``, plus a
PLC and a FEC frame, on the same speech packets (process time, median and
min–max of repeats).

    python3 bench/opus_loss.py [--sim 6] [--calls 0] [--cases "loss 1;bursty"]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import call_quality as cq
import numpy as np

from softphone.media import audio_io
from softphone.media.aiortc_adapter import codecs
from softphone.media.aiortc_adapter.receive import LossMarkedFrame
from softphone.media.config import MediaConfig, OpusConfig
from softphone.media.heard import FrameFeeder
from softphone.media.jitter import ReorderBuffer, packets_missing
from softphone.media.opus_native import native_decoder
from softphone.media.playout import PlayoutBuffer, PlayoutConfig
from softphone.media.playout_sim import SimClock
from softphone.media.tracks import pcm_frame
from tests import speech
from tests.peers.impairment import Impairment, _Pattern
from tests.peers.loopback_ice import loopback_ice

LOSS_CASES = ("loss 1 %", "loss 3 %", "loss 5 %", "bursty 5 %")
VARIANTS = (("generic", False), ("generic", True), ("native", False), ("native", True))
_real_native_decoder = codecs.native_decoder

speakers: list[Any] = []
decoders: list[Any] = []


class SpiedSpeaker(audio_io.SpeakerSink):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        speakers.append(self)


class SpiedDecoder(codecs.VoiceOpusDecoder):
    def __init__(self, native: bool = True) -> None:
        super().__init__(native)
        decoders.append(self)


def use(path: str, fec: bool, loss_percent: int) -> None:
    """The callee's decoder path and the caller's FEC for the next call."""
    codecs.native_decoder = _real_native_decoder if path == "native" else lambda *a: None
    opus = OpusConfig(fec=fec, packet_loss_percent=loss_percent if fec else 0)

    def config(codecs: tuple[str, ...]) -> MediaConfig:
        return MediaConfig(codecs=codecs, opus=opus)

    cq.MediaConfig = config


def counters() -> str:
    s = speakers[-1].stats()
    ms = 1000 / s.sample_rate
    text = f"concealed {s.concealed * ms:.0f} ms (lost {s.lost * ms:.0f}), underruns {s.underruns}"
    streams = [d.stream.stats for d in decoders[-2:] if d.stream is not None]
    if streams:  # the callee's (the caller's decodes the callee's silence)
        st = max(streams, key=lambda s: s.plc + s.fec)
        text += f"; decoder PLC {st.plc / 48:.0f} ms, FEC {st.fec / 48:.0f} ms"
    return text


def _cell(values: list[float], digits: int = 2) -> str:
    if not values:
        return "n/a"
    med = statistics.median(values)
    return f"{med:.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


async def calls(count: int, keys: list[str]) -> None:
    cq.SpeakerSink = SpiedSpeaker
    codecs.VoiceOpusDecoder = SpiedDecoder  # type: ignore[misc]
    chosen = [c for c in cq.cases(("opus/48000",)) if any(k in c.name for k in keys)]
    material = {lang: speech.speech(lang) for lang in ("en", "ru")}
    print("| case | decoder | sender FEC | PESQ WB | one-way ms | counters of the last call |")
    print("|---|---|---|---|---|---|")
    for case in chosen:
        results: dict[tuple[str, bool], list[Any]] = {v: [] for v in VARIANTS}
        notes: dict[tuple[str, bool], str] = {}
        percent = max(1, round(100 * case.impairment.loss))
        for call in range(count):
            reference = material["en" if call % 2 == 0 else "ru"]
            for path, fec in VARIANTS:
                use(path, fec, percent)
                played, _ = await cq.phone_call(case, reference, seed=call + 1)
                results[(path, fec)].append(played)
                notes[(path, fec)] = counters()
        for path, fec in VARIANTS:
            got = results[(path, fec)]
            delays = [r.delay_ms for r in got if r.delay_ms is not None]
            pesq = _cell([r.pesq for r in got])
            print(
                f"| {case.name} | {path} | {'on' if fec else 'off'} | {pesq}"
                f" | {_cell(delays, 0)} | {notes[(path, fec)]} |",
                flush=True,
            )


SIM_BLOCK = 240  # 5 ms card blocks, as the speaker sink asks for


@dataclass(frozen=True)
class _Packet:
    sequence_number: int
    timestamp: int
    payload: bytes


def simulated(
    reference: np.ndarray, packets: list[tuple[bytes, int]], impairment: Impairment, path: str
) -> tuple[float, float, str]:
    """PESQ WB, lag ms and counters of one run through the simulated receive path."""
    pattern = _Pattern(impairment)
    arrivals = []
    for k, (payload, ts) in enumerate(packets):
        lost, delay = pattern.next(k * 0.02)
        if not lost:
            arrivals.append((k * 0.02 + 0.001 + delay, _Packet(k, ts, payload)))
    arrivals.sort(key=lambda a: a[0])
    clock = SimClock()
    buffer = PlayoutBuffer(PlayoutConfig(), clock=clock)
    feed = FrameFeeder()
    reorder = ReorderBuffer()
    decoder = codecs.VoiceOpusDecoder(native=path == "native")
    last: int | None = None
    out = []
    sent = 0
    end = packets[-1][1] / 48000 + 0.5
    for j in range(int(end / (SIM_BLOCK / 48000))):
        now = j * SIM_BLOCK / 48000
        while sent < len(arrivals) and arrivals[sent][0] <= now:
            clock.now, packet = arrivals[sent]
            for item in reorder.push(packet, round(clock.now * 1000)):
                lost_before = 0 if last is None else packets_missing(last, item.sequence_number)
                last = item.sequence_number
                frame = LossMarkedFrame(item.payload, item.timestamp, lost_before)
                for decoded in decoder.decode(frame):
                    feed(buffer, decoded)
            sent += 1
        clock.now = now
        out.append(buffer.pull(SIM_BLOCK))
    played = np.concatenate(out)
    score = speech.score(reference, played, 48000, wideband=True)
    st = buffer.stats()
    text = f"concealed {st.concealed_ms:.0f} ms, underruns {st.underruns}"
    if decoder.stream is not None:
        ds = decoder.stream.stats
        text += f"; decoder PLC {ds.plc / 48:.0f} ms, FEC {ds.fec / 48:.0f} ms"
    return score.pesq, score.delay_ms, text


def sim(runs: int, keys: list[str]) -> None:
    chosen = [c for c in cq.cases(("opus/48000",)) if any(k in c.name for k in keys)]
    material = {lang: speech.speech(lang) for lang in ("en", "ru")}
    encoded = {
        (lang, fec, pct): _packets(fec, material[lang], pct)
        for lang in material
        for fec in (False, True)
        for pct in {max(1, round(100 * c.impairment.loss)) for c in chosen}
    }
    print(f"Simulated receive path, {runs} seeded runs per case and variant (en, ru alternating)")
    print("\n| case | decoder | sender FEC | PESQ WB | lag ms | counters of the last run |")
    print("|---|---|---|---|---|---|")
    for case in chosen:
        pct = max(1, round(100 * case.impairment.loss))
        for path, fec in VARIANTS:
            scores, lags, text = [], [], ""
            for run in range(runs):
                lang = "en" if run % 2 == 0 else "ru"
                packets = encoded[(lang, fec, pct)]
                impairment = replace(case.impairment, seed=run + 1)
                pesq, lag, text = simulated(material[lang], packets, impairment, path)
                scores.append(pesq)
                lags.append(lag)
            print(
                f"| {case.name} | {path} | {'on' if fec else 'off'} | {_cell(scores)}"
                f" | {_cell(lags, 0)} | {text} |",
                flush=True,
            )


def _packets(fec: bool, pcm: np.ndarray | None = None, percent: int = 5) -> list[tuple[bytes, int]]:
    pcm = speech.speech("en") if pcm is None else pcm
    encoder = codecs.VoiceOpusEncoder(
        OpusConfig(fec=fec, packet_loss_percent=percent if fec else 0)
    )
    out = []
    for i in range(0, len(pcm) // 960 * 960, 960):
        payloads, ts = encoder.encode(pcm_frame(pcm[i : i + 960], 48000, i))
        out += [(p, ts) for p in payloads]
    return out


def _per_frame_us(run: Callable[[], int], repeats: int = 7) -> str:
    values = []
    for _ in range(repeats):
        start = time.process_time()
        frames = run()
        values.append(1e6 * (time.process_time() - start) / frames)
    return _cell(values, 1)


def cpu() -> None:
    from aiortc.jitterbuffer import JitterFrame

    plain, with_fec = _packets(False), _packets(True)

    def pyav() -> int:
        decoder = codecs.VoiceOpusDecoder(native=False)
        for p, ts in plain:
            decoder.decode(JitterFrame(p, ts))
        return len(plain)

    def native() -> int:
        decoder = codecs.VoiceOpusDecoder()
        for p, ts in plain:
            decoder.decode(JitterFrame(p, ts))
        return len(plain)

    def bare() -> int:
        decoder = native_decoder()
        assert decoder is not None
        for p, _ in plain:
            decoder.decode(p)
        return len(plain)

    def plc() -> int:
        decoder = native_decoder()
        assert decoder is not None
        for i, (p, _) in enumerate(plain):
            decoder.decode(p) if i % 2 else decoder.conceal(960)
        return len(plain)

    def fec() -> int:
        decoder = native_decoder()
        assert decoder is not None
        for i, (p, _) in enumerate(with_fec):
            decoder.decode(p) if i % 2 else decoder.recover(p, 960)
        return len(with_fec)

    print(f"\nDecoder CPU per 20 ms frame, µs (process time, {len(plain)} speech frames x 7):\n")
    print("| path | µs per frame |")
    print("|---|---|")
    print(f"| PyAV decode → AudioFrame (aiortc's path) | {_per_frame_us(pyav)} |")
    print(f"| libopus via ctypes → AudioFrame (ours) | {_per_frame_us(native)} |")
    print(f"| libopus via ctypes, PCM only | {_per_frame_us(bare)} |")
    print(f"| half decode, half PLC (20 ms) | {_per_frame_us(plc)} |")
    print(f"| half decode, half FEC (20 ms) | {_per_frame_us(fec)} |")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sim", type=int, default=6, help="simulated runs per case (0: none)")
    parser.add_argument("--calls", type=int, default=0, help="real calls per case")
    parser.add_argument("--cases", default=";".join(LOSS_CASES), help="';'-separated")
    args = parser.parse_args()
    if native_decoder() is None:
        sys.exit("no usable libopus: nothing to compare")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    if args.sim:
        sim(args.sim, [k.strip() for k in args.cases.split(";")])
        print()
    if args.calls:
        print(f"{args.calls} calls per case and variant (en, ru alternating); median (min–max)\n")
        await calls(args.calls, [k.strip() for k in args.cases.split(";")])
    cpu()
    print(f"\nload average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    with loopback_ice():
        asyncio.run(main())
