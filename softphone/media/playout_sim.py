"""A simulated sender clock against a simulated sound-card clock.

Minutes of a call in well under a second, deterministically: the sender
produces a frame every ``frame_ms`` of true time, the network delivers it
late by a random jitter (and optionally in bursts), and the card pulls a
block every ``block_ms`` of *its* time, which runs ``drift_ppm`` fast or
slow. Tests use it to hold the playout buffer to its promises; the bench
uses it to compare the buffer with a naive FIFO side by side.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from softphone.media.playout import PlayoutBuffer, PlayoutConfig

Pcm = npt.NDArray[np.int16]


class Playout(Protocol):
    """What the simulation needs from a buffer."""

    def push(self, samples: npt.ArrayLike, timestamp: int | None = None) -> None: ...

    def pull(self, count: int) -> Pcm: ...

    @property
    def fill(self) -> int: ...


@dataclass(frozen=True)
class Scenario:
    drift_ppm: float = 0.0
    """Card clock error: +1000 means the card plays 0.1 % faster than the sender sends."""
    duration_s: float = 60.0
    sample_rate: int = 48000
    frame_ms: float = 20.0
    block_ms: float = 5.0
    """The card's callback block (the speaker sink asks PortAudio for 5 ms)."""
    jitter_ms: float = 0.0
    """Each frame arrives up to this much late (uniform), in order."""
    burst: int = 1
    """Frames delivered together (the network holds them, then releases all)."""
    stall_ms: float = 0.0
    """Every ``stall_every_s`` the network stalls this long, then delivers the backlog at once."""
    stall_every_s: float = 1.0
    loss_percent: float = 0.0
    """Share of frames that never arrive (independent random loss)."""
    calm_after_s: float | None = None
    """From this time on the network has no jitter any more."""
    seed: int = 1


@dataclass(frozen=True)
class SimResult:
    scenario: Scenario
    fills: npt.NDArray[np.int32]
    """Fill just before each card pull, in samples."""
    underruns: int
    """Times the card found less than a block after having had audio (any buffer)."""
    output: Pcm

    def ms(self, samples: float) -> float:
        return 1000.0 * samples / self.scenario.sample_rate

    @property
    def max_latency_ms(self) -> float:
        return self.ms(float(self.fills.max())) if self.fills.size else 0.0

    @property
    def mean_latency_ms(self) -> float:
        return self.ms(float(self.fills.mean())) if self.fills.size else 0.0

    def mean_latency_over(self, start_s: float, end_s: float) -> float:
        """Mean fill (ms) over a span of the call, to see growth over time."""
        pulls_per_s = 1000.0 / self.scenario.block_ms
        part = self.fills[int(start_s * pulls_per_s) : int(end_s * pulls_per_s)]
        return self.ms(float(part.mean())) if part.size else 0.0


class SimClock:
    """The simulation's true time, readable by a buffer as its ``clock``."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def tone_source(frequency: float, sample_rate: int) -> Callable[[int, int], Pcm]:
    """A sender signal: samples ``start .. start+count`` of a continuous sine."""

    def source(start: int, count: int) -> Pcm:
        n = np.arange(start, start + count, dtype=np.float64)
        return np.round(8000 * np.sin(2 * np.pi * frequency * n / sample_rate)).astype(np.int16)

    return source


def simulate(
    buffer: Playout,
    scenario: Scenario,
    clock: SimClock | None = None,
    source: Callable[[int, int], Pcm] | None = None,
    keep_output: bool = False,
) -> SimResult:
    rate = scenario.sample_rate
    frame = round(scenario.frame_ms * rate / 1000)
    block = round(scenario.block_ms * rate / 1000)
    frame_s = scenario.frame_ms / 1000
    block_s = scenario.block_ms / 1000 / (1 + scenario.drift_ppm / 1e6)
    rng = random.Random(scenario.seed)
    frames = int(scenario.duration_s / frame_s)
    arrivals: list[float] = []
    last = 0.0
    calm = scenario.calm_after_s
    for k in range(frames):
        jitter = 0.0 if calm is not None and k * frame_s >= calm else scenario.jitter_ms
        last = max(last, k * frame_s + rng.uniform(0, jitter / 1000))
        arrivals.append(last)
    lost = {k for k in range(frames) if rng.random() * 100 < scenario.loss_percent}
    if scenario.stall_ms > 0:
        for k in range(frames):
            start = (k * frame_s // scenario.stall_every_s) * scenario.stall_every_s
            if k * frame_s < start + scenario.stall_ms / 1000:
                arrivals[k] = max(arrivals[k], start + scenario.stall_ms / 1000)
    if scenario.burst > 1:
        for start in range(0, frames, scenario.burst):
            group = arrivals[start : start + scenario.burst]
            arrivals[start : start + len(group)] = [group[-1]] * len(group)
    signal = source or (lambda start, count: np.zeros(count, dtype=np.int16))
    pulls = int(scenario.duration_s / block_s)
    fills = np.zeros(pulls, dtype=np.int32)
    outputs: list[Pcm] = []
    underruns = 0
    was_dry = False
    sent = 0
    clock = clock or SimClock()
    for j in range(pulls):
        now = j * block_s
        while sent < frames and arrivals[sent] <= now:
            clock.now = arrivals[sent]
            if sent not in lost:
                buffer.push(signal(sent * frame, frame), timestamp=sent * frame)
            sent += 1
        clock.now = now
        fill = buffer.fill
        fills[j] = fill
        dry = bool(sent) and fill < block
        if dry and not was_dry:
            underruns += 1
        was_dry = dry
        out = buffer.pull(block)
        if keep_output:
            outputs.append(out)
    output = np.concatenate(outputs) if outputs else np.zeros(0, dtype=np.int16)
    return SimResult(scenario, fills, underruns, output)


class NaiveFifo:
    """The reference everyone starts with: a FIFO that waits for ``prefetch`` samples.

    No cap, no drift correction: silence when dry (then prefetch again).
    """

    def __init__(self, prefetch: int) -> None:
        self._prefetch = prefetch
        self._data = np.zeros(0, dtype=np.int16)
        self._playing = False

    def push(self, samples: npt.ArrayLike, timestamp: int | None = None) -> None:
        self._data = np.concatenate([self._data, np.asarray(samples, dtype=np.int16)])

    def pull(self, count: int) -> Pcm:
        if not self._playing and self._data.size >= self._prefetch:
            self._playing = True
        if not self._playing or self._data.size < count:
            self._playing = False
            return np.zeros(count, dtype=np.int16)
        out, self._data = self._data[:count], self._data[count:]
        return out

    @property
    def fill(self) -> int:
        return int(self._data.size)


def compare(scenario: Scenario, config: PlayoutConfig | None = None) -> dict[str, SimResult]:
    """The playout buffer and a naive FIFO (20 ms prefetch) through the same scenario."""
    cfg = config or PlayoutConfig(sample_rate=scenario.sample_rate)
    prefetch = round(scenario.frame_ms * scenario.sample_rate / 1000)
    clock = SimClock()
    return {
        "playout": simulate(PlayoutBuffer(cfg, clock=clock), scenario, clock),
        "naive": simulate(NaiveFifo(prefetch), scenario),
    }
