"""Opus send settings: PESQ WB against encode CPU, measured in-process with the real encoder.

Each setting encodes the same espeak-ng speech (English and Russian, −26 dBFS,
48 kHz mono, 20 ms frames) with PyAV's libopus, as the phone's sender does;
a mono libopus decoder turns it back into audio, which is scored with
P.862.2 (``tests/speech.py``). Encode cost is the median over the run of
the per-frame time spent in ``CodecContext.encode`` (µs per 20 ms frame;
200 µs = 1 % of a core). The first row is today's setting, the reference.
``kbit/s`` is what went on the wire (payload only).

    python3 bench/opus_settings.py [--rounds 3] [--quick]
"""

from __future__ import annotations

import argparse
import fractions
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from softphone.media.config import OpusConfig
from tests import speech

OPUS_DEFAULT = OpusConfig().encoder_options()

RATE = 48000
FRAME = 960


@dataclass(frozen=True)
class Setting:
    label: str
    bitrate: int
    channels: str = "mono"
    options: dict[str, str] = field(default_factory=dict)


def encode_decode(
    pcm: np.ndarray, setting: Setting, rounds: int
) -> tuple[np.ndarray, float, float, dict[str, str]]:
    """Decoded audio, median encode µs per frame, kbit/s, and options libopus ignored."""
    times: list[float] = []
    out: list[np.ndarray] = []
    total_bytes = 0
    ignored: dict[str, str] = {}
    for r in range(rounds):
        enc = av.CodecContext.create("libopus", "w")
        enc.bit_rate = setting.bitrate
        enc.format = "s16"
        enc.layout = setting.channels
        enc.sample_rate = RATE
        enc.time_base = fractions.Fraction(1, RATE)
        enc.options = dict(setting.options)
        enc.open()
        ignored = dict(enc.options)
        dec = av.CodecContext.create("libopus", "r")
        dec.format = "s16"
        dec.layout = "mono"
        dec.sample_rate = RATE
        samples = len(pcm) // FRAME * FRAME
        for i in range(0, samples, FRAME):
            block = pcm[i : i + FRAME]
            if setting.channels == "stereo":
                data = np.repeat(block, 2).reshape(1, -1)
            else:
                data = block.reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(data, format="s16", layout=setting.channels)
            frame.sample_rate = RATE
            frame.pts = i
            start = time.perf_counter()
            packets = enc.encode(frame)
            times.append(time.perf_counter() - start)
            for packet in packets:
                if r == 0:
                    total_bytes += packet.size
                    for decoded in dec.decode(packet):
                        out.append(decoded.to_ndarray().reshape(-1))
    decoded_pcm = np.concatenate(out) if out else np.zeros(0, dtype=np.int16)
    kbps = total_bytes * 8 / (len(pcm) / RATE) / 1000
    return decoded_pcm, statistics.median(times) * 1e6, kbps, ignored


def _mono(rate: int, app: str = "voip", complexity: int = 10, **extra: str) -> Setting:
    options = {"application": app, "compression_level": str(complexity), **extra}
    tail = " ".join(f"{k}={v}" for k, v in extra.items())
    label = f"mono {rate // 1000}k {app} c{complexity} {tail}".strip()
    return Setting(label, rate, options=options)


def settings(quick: bool) -> list[Setting]:
    """Today's setting first (the reference), then stock aiortc, then the grid."""
    rows = [
        Setting("today: mono 32k voip c10", 32000, options={"application": "voip"}),
        Setting("stock aiortc: stereo 96k voip c10", 96000, "stereo", {"application": "voip"}),
        Setting("chosen (OpusConfig()): mono 56k voip c10", 56000, options=OPUS_DEFAULT),
    ]
    bitrates = (24000, 32000, 40000, 48000, 56000, 64000, 80000)
    for app in ("voip", "audio"):
        rows += [_mono(rate, app) for rate in (bitrates if not quick else (32000, 56000))]
    for complexity in (0, 3, 5, 8) if not quick else (5,):
        rows += [_mono(rate, complexity=complexity) for rate in (32000, 56000)]
    rows += [_mono(56000, vbr="off"), _mono(64000, vbr="off"), _mono(64000, vbr="constrained")]
    rows += [_mono(rate, fec="1", packet_loss="5") for rate in (32000, 56000, 64000)]
    rows.append(_mono(32000, dtx="1"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="encode passes timed per setting")
    parser.add_argument("--quick", action="store_true", help="fewer bitrates")
    args = parser.parse_args()
    material = {lang: speech.speech(lang) for lang in ("en", "ru")}
    print("| setting | PESQ WB en | PESQ WB ru | encode µs/frame | Δ % core | kbit/s | ignored |")
    print("|---|---|---|---|---|---|---|")
    base_us: float | None = None
    for setting in settings(args.quick):
        scores = {}
        costs = []
        kbps = 0.0
        ignored: dict[str, str] = {}
        for lang, pcm in material.items():
            decoded, us, kbps, ignored = encode_decode(pcm, setting, args.rounds)
            scores[lang] = speech.score(pcm, decoded, RATE, wideband=True).pesq
            costs.append(us)
        us = statistics.mean(costs)
        if base_us is None:
            base_us = us
        delta = (us - base_us) / 20000 * 100
        print(
            f"| {setting.label} | {scores['en']:.2f} | {scores['ru']:.2f} | {us:.0f} | "
            f"{delta:+.2f} | {kbps:.1f} | {','.join(ignored) or '-'} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
