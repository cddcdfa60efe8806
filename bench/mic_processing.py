"""Microphone processing: PESQ of speech in office noise, processed vs raw, clipping, CPU.

Speech (espeak-ng, English and Russian, −26 dBFS) is mixed with office
babble (six espeak-ng voices talking at once) or keyboard clicks at 5 and
15 dB SNR, then run through ``MicProcessor`` in 20 ms frames exactly as
the microphone track does. Scores are P.862.2 (PESQ WB) against the clean
speech; ``clipped`` counts full-scale samples; CPU is the median time per
10 ms block (100 µs = 1 % of a core). The reference is Chromium's own
microphone path (getUserMedia's default voice processing) on the same
mixtures, captured as its fake microphone (``tests/peers/chromium_rtc.py``).

    python3 bench/mic_processing.py [--no-chromium]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from softphone.media.config import MicProcessingConfig
from softphone.media.mic_processing import MicProcessor
from tests import speech
from tests.peers.chromium_rtc import chromium_microphone

RATE = 48000
FRAME = 960

VARIANTS: dict[str, MicProcessingConfig | None] = {
    "raw": None,
    "NS + AGC (default)": MicProcessingConfig(),
    "NS only": MicProcessingConfig(auto_gain=False),
    "AGC only": MicProcessingConfig(noise_suppression=False, high_pass=False),
}


CHROMIUM = "Chromium mic path (EC+NS+AGC)"


def run(pcm: np.ndarray, config: MicProcessingConfig | str | None) -> tuple[np.ndarray, float]:
    """Processed audio and the median µs per 10 ms block (0: not measured)."""
    if config is None:
        return pcm, 0.0
    if isinstance(config, str):
        return chromium_microphone(pcm), 0.0
    processor = MicProcessor(config)
    out, times = [], []
    for i in range(0, len(pcm) // FRAME * FRAME, FRAME):
        start = time.perf_counter()
        out.append(processor.process(pcm[i : i + FRAME]))
        times.append(time.perf_counter() - start)
    return np.concatenate(out), statistics.median(times) * 1e6 / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-chromium", action="store_true", help="skip Chromium's mic path")
    args = parser.parse_args()
    variants: dict[str, MicProcessingConfig | str | None] = dict(VARIANTS)
    if not args.no_chromium:
        variants[CHROMIUM] = CHROMIUM
    noises = {"babble": speech.babble(), "keyboard": speech.keyboard()}
    material = {lang: speech.speech(lang) for lang in ("en", "ru")}
    print("PESQ WB, mean of en and ru; level change dB; clipped samples (both); µs per 10 ms\n")
    print("| noise | SNR | variant | PESQ WB | level dB | clipped | µs/10 ms |")
    print("|---|---|---|---|---|---|---|")
    cases = [("none", None)] + [(n, snr) for n in noises for snr in (5, 15)]
    for noise, snr in cases:
        for name, config in variants.items():
            scores, levels, clipped, cost = [], [], 0, []
            for clean in material.values():
                mixed = clean if snr is None else speech.mix_at_snr(clean, noises[noise], snr)
                out, us = run(mixed, config)
                result = speech.score(clean, out, RATE, wideband=True)
                scores.append(result.pesq)
                levels.append(result.level_change_db)
                clipped += result.clipped
                cost.append(us)
            snr_text = "-" if snr is None else f"{snr} dB"
            print(
                f"| {noise} | {snr_text} | {name} | {np.mean(scores):.2f} | "
                f"{np.mean(levels):+.1f} | {clipped} | {np.mean(cost):.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
