"""The playout buffer between the network and the sound card.

Two clocks meet here. Decoded frames arrive when the network and aiortc's
jitter buffer hand them over: 20 ms at a time, in bursts, on the asyncio
thread. The sound card pulls fixed blocks from its own callback thread at
the rate of its own crystal, which is never exactly the sender's: 0.1 %
apart is 48 samples a second, so a plain FIFO either grows without bound
(latency creeps up by 3 s an hour) or runs dry every few seconds.

The buffer keeps the *trough* of its fill (the lowest level seen over a
measurement window, i.e. the slack left just before the next frame lands)
near a small target, and moves it there gently: when the slack is off
target it plays each card block from a few samples more or fewer than the
block holds, stretched by linear interpolation — at most 0.2 % of a block,
far below what an ear notices in speech. A hard cap (40 ms by default)
bounds latency whatever the network does: audio beyond it is dropped, oldest
first. Underruns are concealed with a short fade to silence, and after one
the buffer re-primes with the target slack so it does not underrun again at
once.

``push`` and ``pull`` may be called from different threads; one lock keeps
them consistent, held only for array copies of at most the cap's size.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Pcm = npt.NDArray[np.int16]

_FADE_SAMPLES = 48
"""Length of the fade used to hide an underrun (1 ms at 48 kHz) — long
enough to avoid a click, short enough to sound like a gap, not a smear."""


@dataclass(frozen=True)
class PlayoutConfig:
    """Tuning of a ``PlayoutBuffer``; the defaults suit 20 ms voice frames."""

    sample_rate: int = 48000
    max_ms: float = 40.0
    """Hard cap on the audio held; older samples are dropped beyond it."""
    target_ms: float = 10.0
    """Slack wanted just before a frame lands (absorbs arrival jitter)."""
    window_ms: float = 500.0
    """How long the trough and peak of the fill are measured over."""
    correction_s: float = 2.0
    """Time constant with which an error in slack is worked off."""
    max_correction: float = 0.002
    """Largest share of samples added or removed per block."""
    deadband_ms: float = 1.0
    """Slack errors smaller than this are left alone (no needless stretching)."""

    def __post_init__(self) -> None:
        if self.sample_rate <= 0:
            raise ValueError(f"sample rate must be > 0, got {self.sample_rate}")
        if not 0 <= self.target_ms < self.max_ms:
            raise ValueError(
                f"target ({self.target_ms} ms) must lie within [0, max {self.max_ms} ms)"
            )
        if self.window_ms <= 0 or self.correction_s <= 0:
            raise ValueError("window and correction time must be > 0")
        if not 0 <= self.max_correction < 0.1:
            raise ValueError(f"max_correction must be within [0, 0.1), got {self.max_correction}")

    def samples(self, ms: float) -> int:
        """``ms`` milliseconds as a sample count at this rate."""
        return round(ms * self.sample_rate / 1000)


@dataclass(frozen=True)
class PlayoutStats:
    """Counters since creation (or ``reset``); sample counts at the buffer's rate."""

    sample_rate: int
    fill: int
    """Samples held right now."""
    max_fill: int
    """Largest fill seen by the card just before a pull (the latency ceiling)."""
    mean_fill: float
    """Average fill seen by the card just before a pull (the typical latency)."""
    pushed: int
    pulled: int
    underruns: int
    """Times the card found the buffer dry while playing."""
    concealed: int
    """Samples of silence played in place of missing audio (priming excluded)."""
    dropped: int
    """Samples thrown away because the cap was reached."""
    inserted: int
    """Samples added by stretching (card faster than sender)."""
    removed: int
    """Samples removed by squeezing (card slower than sender)."""

    @property
    def max_latency_ms(self) -> float:
        return 1000.0 * self.max_fill / self.sample_rate

    @property
    def mean_latency_ms(self) -> float:
        return 1000.0 * self.mean_fill / self.sample_rate


class PlayoutBuffer:
    """Mono int16 playout buffer with drift correction; see the module docstring."""

    def __init__(
        self, config: PlayoutConfig | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.config = config or PlayoutConfig()
        self._clock = clock
        self._lock = threading.Lock()
        self._cap = self.config.samples(self.config.max_ms)
        self._target = self.config.samples(self.config.target_ms)
        self._window = self.config.samples(self.config.window_ms)
        self._deadband = self.config.samples(self.config.deadband_ms)
        self._data = np.zeros(self._cap, dtype=np.int16)
        self._reset_locked()

    def _reset_locked(self) -> None:
        self._fill = 0
        self._playing = False
        self._starved = False  # dry after an underrun, waiting for audio
        self._last_sample = 0
        # drift control
        self._pull_time: float | None = None
        self._window_pulled = 0
        self._window_min: float | None = None
        self._window_max = 0.0
        self._rate = 0.0  # share of samples to remove (+) or add (-) per sample played
        self._carry = 0.0
        # stats
        self._max_fill = 0
        self._fill_sum = 0
        self._pulls = 0
        self._pushed = 0
        self._pulled = 0
        self._underruns = 0
        self._concealed = 0
        self._dropped = 0
        self._inserted = 0
        self._removed = 0

    # -- producer side (network / asyncio thread) ---------------------------

    def push(self, samples: npt.ArrayLike) -> None:
        """Queue decoded samples (mono int16 at ``config.sample_rate``)."""
        block = np.asarray(samples, dtype=np.int16).reshape(-1)
        with self._lock:
            self._pushed += block.size
            self._observe_arrival_locked(block.size)
            if not self._playing and block.size:
                # (Re-)prime: start playing at once, behind ``target`` of
                # silence, so the first trough already has the wanted slack.
                prime = min(self._target, self._cap - min(block.size, self._cap))
                keep = min(self._fill, self._cap - prime)
                self._data[prime : prime + keep] = self._data[self._fill - keep : self._fill]
                self._data[:prime] = 0
                self._fill = prime + keep
                self._playing = True
                self._starved = False
            self._append_locked(block)

    def _append_locked(self, block: Pcm) -> None:
        if block.size >= self._cap:
            self._dropped += self._fill + block.size - self._cap
            self._data[:] = block[-self._cap :]
            self._fill = self._cap
            return
        overflow = self._fill + block.size - self._cap
        if overflow > 0:
            self._data[: self._fill - overflow] = self._data[overflow : self._fill]
            self._fill -= overflow
            self._dropped += overflow
        self._data[self._fill : self._fill + block.size] = block
        self._fill += block.size

    # -- consumer side (sound card callback thread) -------------------------

    def pull(self, count: int) -> Pcm:
        """The next ``count`` samples for the card; never blocks, never short."""
        out = np.empty(count, dtype=np.int16)
        self.pull_into(out)
        return out

    def pull_into(self, out: Pcm) -> None:
        """Fill ``out`` (a 1-D int16 array) with the next samples for the card."""
        count = out.size
        with self._lock:
            fill = self._fill
            self._pulls += 1
            self._fill_sum += fill
            self._max_fill = max(self._max_fill, fill)
            self._pulled += count
            self._pull_time = self._clock()
            self._end_window_locked(count)
            if not self._playing:
                out[:] = 0
                if self._starved:
                    self._concealed += count
                return
            adjust = self._adjustment_locked(count)
            if count <= fill < count + adjust:
                adjust = fill - count  # squeeze less rather than run dry
            wanted = count + adjust
            if fill >= wanted:
                self._play_locked(out, wanted)
                if adjust > 0:
                    self._removed += adjust
                elif adjust < 0:
                    self._inserted -= adjust
                return
            # Underrun: play what is left, fade, then silence until refilled.
            self._carry = 0.0
            self._underruns += 1
            self._concealed += count - fill
            out[:fill] = self._data[:fill]
            if fill:
                self._last_sample = int(self._data[fill - 1])
            fade = min(_FADE_SAMPLES, count - fill)
            out[fill : fill + fade] = np.linspace(
                self._last_sample, 0, fade, endpoint=False
            ).astype(np.int16)
            out[fill + fade :] = 0
            self._last_sample = 0
            self._fill = 0
            self._playing = False
            self._starved = True

    def _play_locked(self, out: Pcm, taken: int) -> None:
        count = out.size
        source = self._data[:taken]
        if taken == count:
            out[:] = source
        else:
            positions = np.linspace(0.0, taken - 1, count)
            out[:] = np.round(np.interp(positions, np.arange(taken), source)).astype(np.int16)
        self._last_sample = int(out[-1]) if count else self._last_sample
        self._data[: self._fill - taken] = self._data[taken : self._fill]
        self._fill -= taken

    def _observe_arrival_locked(self, size: int) -> None:
        """Measure the slack just before a frame lands, and the level it lifts the fill to.

        The sample count alone only changes when the card pulls a block, so
        it cannot see the sender's and the card's clocks sliding against
        each other by less than a block. Interpolating with the time since
        the card's last pull gives the audio really left at this instant.
        """
        if not self._playing or self._pull_time is None:
            return
        elapsed = max(0.0, self._clock() - self._pull_time)
        level = self._fill - elapsed * self.config.sample_rate
        self._window_min = level if self._window_min is None else min(self._window_min, level)
        self._window_max = max(self._window_max, level + size)

    def _end_window_locked(self, count: int) -> None:
        """Every ``window_ms`` of card time, turn the measured trough into a correction rate."""
        self._window_pulled += count
        if self._window_pulled < self._window:
            return
        trough, peak = self._window_min, self._window_max
        self._window_pulled, self._window_min, self._window_max = 0, None, 0.0
        if not self._playing or trough is None:
            self._rate = 0.0
            return
        # Bursty arrival widens the sawtooth; lower the wanted slack so its
        # peak (plus the block the card has not taken yet) stays under the
        # cap rather than overflowing and dropping audio.
        spread = peak - trough
        room = self._cap - spread - count - 2 * self._deadband
        target = max(0.0, min(float(self._target), room))
        error = max(0.0, trough) - target
        if abs(error) <= self._deadband:
            self._rate = 0.0
            return
        rate = error / (self.config.correction_s * self.config.sample_rate)
        limit = self.config.max_correction
        self._rate = max(-limit, min(limit, rate))

    def _adjustment_locked(self, count: int) -> int:
        """Samples to take beyond (+) or short of (-) ``count`` for this block."""
        self._carry += self._rate * count
        adjust = int(self._carry)
        self._carry -= adjust
        return adjust

    # -- both ---------------------------------------------------------------

    @property
    def fill(self) -> int:
        """Samples held right now."""
        with self._lock:
            return self._fill

    def stats(self) -> PlayoutStats:
        with self._lock:
            return PlayoutStats(
                sample_rate=self.config.sample_rate,
                fill=self._fill,
                max_fill=self._max_fill,
                mean_fill=self._fill_sum / self._pulls if self._pulls else 0.0,
                pushed=self._pushed,
                pulled=self._pulled,
                underruns=self._underruns,
                concealed=self._concealed,
                dropped=self._dropped,
                inserted=self._inserted,
                removed=self._removed,
            )

    def reset(self) -> None:
        """Forget held audio and counters (e.g. after hold, before new media)."""
        with self._lock:
            self._reset_locked()
