"""The receive path before and after issue 12, side by side, through the same simulated network.

A 440 Hz tone is sent in 20 ms frames; ``playout_sim`` delivers them late
by a uniform random jitter (in order) and loses a share at random, and a
48 kHz card pulls 5 ms blocks. The same seeded network feeds the playout
buffer of ``--old-rev`` (loaded from git: it knows no timestamps, so a lost
frame is simply missing), today's behind the reorder stage (``reorder``:
how G.711 was received until it went to the buffer as it arrives: after a
loss the next frame waits for the one after it), and today's (``new``).
Printed per case: underruns, audio discarded (the old 40 ms cap), audio
concealed, mean and max delay held in the buffer, and ``holes`` — the
share of 10 ms of playout whose level fell below a fifth of the tone's,
i.e. what an ear hears as a gap. ``--speech`` sends espeak-ng speech
instead (English and Russian, ``--seeds`` networks each) and prints PESQ
NB of what the card played: a deterministic check of concealment quality
that a loaded machine cannot disturb.

    python3 bench/receive_path.py [--seconds 60] [--old-rev 9588a8d] [--speech [--seeds 3]]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from softphone.media.jitter import ReorderBuffer  # noqa: E402
from softphone.media.playout import PlayoutBuffer, PlayoutConfig  # noqa: E402
from softphone.media.playout_sim import Scenario, SimClock, simulate, tone_source  # noqa: E402

RATE = 48000
FRAME = 960
TONE_RMS = 8000 / np.sqrt(2)
OLD_REV = "9588a8d"
"""main just before issue 12's receive path."""


def load_old(rev: str) -> Any:
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{rev}:softphone/media/playout.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "old_playout.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("old_playout", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["old_playout"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


class OldBuffer:
    """The old buffer behind the simulation's interface (timestamps ignored, as it had none)."""

    def __init__(self, module: Any, clock: SimClock) -> None:
        self.inner = module.PlayoutBuffer(module.PlayoutConfig(sample_rate=RATE), clock=clock)

    def push(self, samples: npt.ArrayLike, timestamp: int | None = None) -> None:
        self.inner.push(samples)

    def pull(self, count: int) -> npt.NDArray[np.int16]:
        out: npt.NDArray[np.int16] = self.inner.pull(count)
        return out

    @property
    def fill(self) -> int:
        return int(self.inner.fill)

    def stats(self) -> Any:
        return self.inner.stats()


@dataclass(frozen=True)
class _Packet:
    sequence_number: int
    samples: npt.NDArray[np.int16]
    timestamp: int


class Reordered:
    """Today's buffer behind the reorder stage (a frame's sequence number is its index)."""

    def __init__(self, clock: SimClock) -> None:
        self.inner = PlayoutBuffer(PlayoutConfig(sample_rate=RATE), clock=clock)
        self.reorder = ReorderBuffer()
        self.clock = clock

    def push(self, samples: npt.ArrayLike, timestamp: int | None = None) -> None:
        assert timestamp is not None
        pcm = np.asarray(samples, dtype=np.int16)
        packet = _Packet(timestamp // FRAME, pcm, timestamp)
        for ready in self.reorder.push(packet, round(self.clock.now * 1000)):
            self.inner.push(ready.samples, ready.timestamp)

    def pull(self, count: int) -> npt.NDArray[np.int16]:
        return self.inner.pull(count)

    @property
    def fill(self) -> int:
        return self.inner.fill

    def stats(self) -> Any:
        return self.inner.stats()


def holes(pcm: npt.NDArray[np.int16]) -> float:
    blocks = pcm[: pcm.size // 480 * 480].astype(np.float64).reshape(-1, 480)
    levels = np.sqrt((blocks**2).mean(axis=1))
    return float(np.mean(levels < 0.2 * TONE_RMS))


def run_case(scenario: Scenario, make: Any) -> dict[str, float]:
    clock = SimClock()
    buffer = make(clock)
    started = time.process_time()
    result = simulate(buffer, scenario, clock, source=tone_source(440, RATE), keep_output=True)
    cpu = time.process_time() - started
    s = buffer.stats()
    ms = 1000.0 / RATE
    return {
        "underruns": s.underruns,
        "discarded": s.dropped * ms,
        "concealed": s.concealed * ms,
        "mean": result.mean_latency_ms,
        "max": result.max_latency_ms,
        "holes": 100 * holes(result.output[RATE:]),
        "cpu": 1000 * cpu / scenario.duration_s,
    }


def _speech_source(padded: npt.NDArray[np.int16]) -> Any:
    def source(start: int, count: int) -> npt.NDArray[np.int16]:
        out = np.zeros(count, dtype=np.int16)
        part = padded[start : start + count]
        out[: part.size] = part
        return out

    return source


def speech_table(makers: dict[str, Any], seeds: int) -> None:
    """PESQ NB of espeak-ng speech played through each buffer (median, min–max)."""
    sys.path.insert(0, str(ROOT))
    from tests import speech

    material = {lang: speech.speech(lang, RATE) for lang in ("en", "ru")}
    print(f"espeak-ng speech (en, ru) x {seeds} networks per case; PESQ NB median (min–max)")
    print("| loss | jitter | path | PESQ NB | concealed ms | mean fill ms |")
    print("|---" * 6 + "|")
    for loss, jitter in ((0.0, 2.0), (1.0, 2.0), (3.0, 2.0), (5.0, 2.0), (0.0, 40.0)):
        for name, make in makers.items():
            scores, concealed, fills = [], [], []
            for lang, reference in material.items():
                padded = np.concatenate([reference, np.zeros(RATE, dtype=np.int16)])

                source = _speech_source(padded)

                for seed in range(1, seeds + 1):
                    scenario = Scenario(
                        duration_s=reference.size / RATE + 0.5,
                        jitter_ms=jitter,
                        loss_percent=loss,
                        seed=seed + (100 if lang == "ru" else 0),
                    )
                    clock = SimClock()
                    buffer = make(clock)
                    result = simulate(buffer, scenario, clock, source=source, keep_output=True)
                    scores.append(speech.score(reference, result.output, RATE, False).pesq)
                    concealed.append(buffer.stats().concealed * 1000 / RATE)
                    fills.append(result.mean_latency_ms)
            print(
                f"| {loss:g} % | {jitter:g} ms | {name} | {statistics.median(scores):.2f}"
                f" ({min(scores):.2f}–{max(scores):.2f}) | {statistics.median(concealed):.0f}"
                f" | {statistics.median(fills):.1f} |",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--old-rev", default=OLD_REV)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--speech", action="store_true", help="PESQ of speech instead of a tone")
    parser.add_argument("--seeds", type=int, default=3, help="networks per language (--speech)")
    args = parser.parse_args()
    old = load_old(args.old_rev)
    makers = {
        "old": lambda clock: OldBuffer(old, clock),
        "reorder": Reordered,
        "new": lambda clock: PlayoutBuffer(PlayoutConfig(sample_rate=RATE), clock=clock),
    }
    if args.speech:
        speech_table(makers, args.seeds)
        return
    print(
        f"{args.seconds:g} s of 440 Hz per case, 20 ms frames, uniform in-order jitter,"
        f" random loss, card block 5 ms; old = {args.old_rev}"
    )
    header = (
        "| loss | jitter | path | underruns | discarded ms | concealed ms"
        " | mean fill ms | max fill ms | holes % | CPU ms/s |"
    )
    print(header)
    print("|---" * 10 + "|")
    for loss in (0.0, 3.0, 5.0):
        for jitter in (2.0, 20.0, 40.0, 80.0):
            scenario = Scenario(
                duration_s=args.seconds, jitter_ms=jitter, loss_percent=loss, seed=args.seed
            )
            for name, make in makers.items():
                r = run_case(scenario, make)
                print(
                    f"| {loss:g} % | {jitter:g} ms | {name} | {r['underruns']:.0f}"
                    f" | {r['discarded']:.0f} | {r['concealed']:.0f} | {r['mean']:.1f}"
                    f" | {r['max']:.1f} | {r['holes']:.1f} | {r['cpu']:.1f} |"
                )


if __name__ == "__main__":
    main()
