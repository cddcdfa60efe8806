"""Playout buffer vs a naive FIFO under sound-card clock drift, side by side.

Simulated time (deterministic, no sound card): a sender clock at 48 kHz
delivering 20 ms frames with a little jitter, a card pulling 5 ms blocks at
48 kHz x (1 + drift). For each drift the same scenario runs through the
project's ``PlayoutBuffer`` and through a plain FIFO with 20 ms prefetch.

    python3 bench/playout_drift.py [--minutes 5] [--jitter-ms 2] [--stall-ms 0]

Columns: latency = audio held when the card pulls (max, mean over the whole
run, mean over the first and the last minute), underruns = times the card
found the buffer dry, dropped/stretched = samples thrown away at the cap (300 ms) /
added or removed by drift correction.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from softphone.media.playout import PlayoutBuffer, PlayoutConfig
from softphone.media.playout_sim import NaiveFifo, Scenario, SimClock, simulate

DRIFTS_PPM = (-1000, -100, 0, 100, 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--jitter-ms", type=float, default=2.0)
    parser.add_argument("--stall-ms", type=float, default=0.0, help="network stall every 5 s")
    args = parser.parse_args()
    duration = args.minutes * 60
    print(
        f"{args.minutes:g} simulated minutes per run, 20 ms frames, jitter {args.jitter_ms:g} ms,"
        f" stalls {args.stall_ms:g} ms every 5 s, card block 5 ms, adaptive playout (min 10 ms)"
    )
    header = (
        f"{'drift':>7} {'buffer':<8} {'max ms':>7} {'mean ms':>8} {'1st min':>8} {'last min':>9}"
        f" {'underruns':>9} {'dropped':>8} {'stretched':>10}"
    )
    print(header)
    print("-" * len(header))
    started = time.process_time()
    for drift in DRIFTS_PPM:
        scenario = Scenario(
            drift_ppm=drift,
            duration_s=duration,
            jitter_ms=args.jitter_ms,
            stall_ms=args.stall_ms,
            stall_every_s=5.0,
        )
        clock = SimClock()
        playout = PlayoutBuffer(PlayoutConfig(), clock=clock)
        naive = NaiveFifo(960)
        for name, buffer in (("playout", playout), ("naive", naive)):
            result = simulate(buffer, scenario, clock if buffer is playout else None)
            last = max(0.0, duration - 60)
            dropped = stretched = "-"
            if buffer is playout:
                stats = playout.stats()
                dropped = str(stats.dropped)
                stretched = f"+{stats.inserted}/-{stats.removed}"
            print(
                f"{drift:>+5}ppm {name:<8} {result.max_latency_ms:7.1f}"
                f" {result.mean_latency_ms:8.1f}"
                f" {result.mean_latency_over(0, 60):8.1f}"
                f" {result.mean_latency_over(last, duration):9.1f}"
                f" {result.underruns:9d} {dropped:>8} {stretched:>10}"
            )
    print(f"(CPU {time.process_time() - started:.1f} s for all runs)")


if __name__ == "__main__":
    main()
