"""Lost Opus packets: libopus's own PLC and FEC against the generic concealment, in real calls.

Runs ``bench/call_quality.py``'s phone call (speech over SRTP/UDP on
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

    python3 bench/opus_loss.py [--calls 3] [--cases "loss 1;bursty"] [--no-calls]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import call_quality as cq

from softphone.media import audio_io
from softphone.media.aiortc_adapter import codecs
from softphone.media.config import MediaConfig, OpusConfig
from softphone.media.opus_native import native_decoder
from softphone.media.tracks import pcm_frame
from tests import speech
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


def _packets(fec: bool) -> list[tuple[bytes, int]]:
    pcm = speech.speech("en")
    encoder = codecs.VoiceOpusEncoder(OpusConfig(fec=fec, packet_loss_percent=5 if fec else 0))
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
    parser.add_argument("--calls", type=int, default=3)
    parser.add_argument("--cases", default=";".join(LOSS_CASES), help="';'-separated")
    parser.add_argument("--no-calls", action="store_true", help="only the CPU figures")
    args = parser.parse_args()
    if native_decoder() is None:
        sys.exit("no usable libopus: nothing to compare")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    if not args.no_calls:
        print(f"{args.calls} calls per case and variant (en, ru alternating); median (min–max)\n")
        await calls(args.calls, [k.strip() for k in args.cases.split(";")])
    cpu()
    print(f"\nload average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    with loopback_ice():
        asyncio.run(main())
