"""Pitch-synchronous time-scale changes: one period of audio taken out or put in.

Why: the playout buffer has to move its delay (shorter when the network
calms, longer when it gets jittery, and a little either way against the
sound card's drift) while audio plays. Skipping or repeating arbitrary
samples clicks; resampling a block changes its pitch. Speech is locally
periodic, so removing or repeating exactly one pitch period, cross-faded
over that period with the one next to it, leaves a waveform that the ear
hears as the same sound a few milliseconds shorter or longer. This is the
principle of WSOLA and of NetEq's accelerate / pre-emptive expand. The
period is found by normalised cross-correlation; where the signal is not
periodic enough (a consonant, a plosive) the change is refused and tried
again a moment later, unless the audio is near silence, where anything
goes.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Pcm = npt.NDArray[np.int16]

MIN_PERIOD_S = 0.0025
"""Shortest period searched (400 Hz): above a high female voice's pitch."""
MAX_PERIOD_S = 0.015
"""Longest period searched (66 Hz): below a low male voice's pitch."""
SEARCH_RATE = 8000
"""Rate the coarse period search runs at: cheap, and pitch lives below 4 kHz."""
QUIET_RMS = 100.0
"""Below this RMS (about -50 dBFS) a segment is treated as silence: any period will do."""


def _decimate(x: npt.NDArray[np.float64], factor: int) -> npt.NDArray[np.float64]:
    """Average-and-drop (a crude but sufficient anti-alias filter for pitch)."""
    if factor <= 1:
        return x
    usable = x.size - x.size % factor
    return np.asarray(x[:usable].reshape(-1, factor).mean(axis=1), dtype=np.float64)


def _correlation(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> float:
    energy = float(np.dot(a, a) * np.dot(b, b))
    return float(np.dot(a, b)) / np.sqrt(energy) if energy > 0 else 0.0


def find_period(
    x: npt.ArrayLike, rate: int, *, backward: bool = False, longest: int | None = None
) -> tuple[int, float]:
    """The pitch period of ``x`` (samples at ``rate``) and how periodic it is (-1 .. 1).

    Forward (default): compares ``x[0:P]`` with ``x[P:2P]`` — the head of what
    is about to play. Backward: ``x[-P:]`` with ``x[-2P:-P]`` — the tail of
    what was played (for concealment). ``x`` must hold two shortest periods;
    ``longest`` (samples) caps the search (a change must not overshoot).
    """
    signal = np.asarray(x, dtype=np.float64)
    if backward:
        signal = signal[::-1]
    lo = max(1, round(MIN_PERIOD_S * rate))
    hi = min(round(MAX_PERIOD_S * rate), signal.size // 2, longest or signal.size)
    if hi < lo:
        raise ValueError(f"need at least {2 * lo} samples to find a period, got {signal.size}")
    factor = max(1, rate // SEARCH_RATE)
    coarse = _decimate(signal, factor)
    best, best_corr = lo, -2.0
    for lag in range(max(1, lo // factor), hi // factor + 1):
        corr = _correlation(coarse[:lag], coarse[lag : 2 * lag])
        if corr > best_corr + 1e-9:
            best, best_corr = lag * factor, corr
    if factor > 1:  # refine around the coarse lag at the full rate
        candidates = range(max(lo, best - factor), min(hi, best + factor) + 1)
        scored = [(_correlation(signal[:p], signal[p : 2 * p]), p) for p in candidates]
        best_corr, best = max(scored)
    return best, best_corr


def _ramp(n: int) -> npt.NDArray[np.float64]:
    """A raised-cosine fade-in of ``n`` samples (0 → 1, both ends excluded)."""
    return 0.5 - 0.5 * np.cos(np.pi * (np.arange(n) + 0.5) / n)


def is_quiet(x: npt.ArrayLike) -> bool:
    a = np.asarray(x, dtype=np.float64)
    return a.size == 0 or float(np.sqrt(np.mean(a * a))) < QUIET_RMS


def shorten(x: Pcm, period: int) -> Pcm:
    """``x`` less one ``period``: its first two periods cross-faded into one."""
    w = _ramp(period)
    head = x[:period] * (1 - w) + x[period : 2 * period] * w
    return np.concatenate([np.round(head).astype(np.int16), x[2 * period :]])


def lengthen(x: Pcm, period: int) -> Pcm:
    """``x`` plus one ``period``: its first period played, then faded into again."""
    w = _ramp(period)
    middle = x[period : 2 * period] * (1 - w) + x[:period] * w
    return np.concatenate([x[:period], np.round(middle).astype(np.int16), x[period:]])
