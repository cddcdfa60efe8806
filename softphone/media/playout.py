"""The adaptive playout buffer between the network and the sound card.

Two clocks meet here. Decoded frames arrive when the network hands them
over — 20 ms at a time, late by a varying amount, some never — and the sound
card pulls fixed blocks from its own callback thread at the rate of its
own crystal. The buffer decides, per block, what the agent hears.

Frames are placed by their media timestamp (the RTP timestamp at the
buffer's rate), so the buffer knows what is missing, not only how much it
holds. Per block it plays, in this order of preference (as Chromium's
NetEq does):

* the audio due, if it is there;
* a concealment (``concealment.Concealer``, pitch repetition after G.711
  Appendix I) *in place of* the audio due, when that audio is missing but
  later audio has arrived: it was lost, or it is late behind a later frame
  (G.711 comes in arrival order). The concealment plays the missing
  audio's own length and only then gives it up: a lost frame costs no
  delay, and a reordered one that turns up meanwhile still plays (the
  delay grows by what was concealed before it);
* a concealment *before* the audio due, not moving on, when nothing later
  has arrived either: the audio is only late, so the delay grows by what
  was concealed, instead of the audio being thrown away (the old buffer's
  40 ms cap discarded 1.4–1.8 s a call at 40 ms of jitter).

The delay it aims for follows the network. Each frame's arrival time
minus its media time, less the smallest such value over the last
``window_s`` (the path's fixed delay and the two clocks' offset), is how
late it was; the target is the ``quantile`` of that lateness over the
window, plus the card's block and a small margin, never below
``target_ms``. Once jitter stops, its lateness leaves the window and the
target shrinks back. The delay actually played is moved towards the target
by taking out or putting in one pitch period at a time
(``timescale``), which also absorbs the card's clock drift. Delay is taken
out in the pauses of speech where it can wait (``URGENT_MS``): measured
through the impairment relay, shortening voiced speech cost more PESQ
than the few milliseconds were worth. The quantile is high (0.99) because
the lateness that hurts comes in bursts — a Wi-Fi retry, a stalled event
loop — that a 0.95 quantile would ignore and underrun on every time.

Frames arriving after their time was played are counted as ``late`` and
dropped: audio is never played out of order.

``push`` and ``pull`` may be called from different threads; one lock keeps
them consistent.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from softphone.media import timescale
from softphone.media.concealment import Concealer

Pcm = npt.NDArray[np.int16]

_SHORTEN_CORRELATION = 0.9
"""Periodicity needed to take a period out of speech (below it, wait for a better spot)."""
_LENGTHEN_CORRELATION = 0.6
"""Periodicity needed to repeat a period (growing is more urgent than shrinking)."""
URGENT_MS = 40.0
"""Excess delay that is taken out of speech at once; less waits for a pause in the talk,
or is taken out of speech only every ``_SLOW_SPACING_MS`` (shortening voiced speech,
however well cross-faded, costs more than a few ms of delay)."""
_SLOW_SPACING_MS = 250.0
_PUNCTUAL_PULLS = 32
"""Card pulls over which the most punctual one places the card's clock (~0.1–0.6 s)."""
_SAME_STREAM_S = 1.0
"""A stream starting again this close to its old timing is the same stream resuming."""
_SNAP_MS = 2.0
"""Timestamps this close to where the previous frame ended are taken as contiguous
(the resampler's start-up delay shortens the first frame by a few samples)."""


@dataclass(frozen=True)
class PlayoutConfig:
    """Tuning of a ``PlayoutBuffer``; the defaults suit 20 ms voice frames."""

    sample_rate: int = 48000
    max_ms: float = 300.0
    """Hard cap on the audio held; older samples are dropped beyond it (a stall's backlog)."""
    target_ms: float = 10.0
    """Smallest delay aimed for: slack left just before a frame lands on a clean network."""
    max_target_ms: float = 200.0
    """Largest delay aimed for, whatever the jitter."""
    window_s: float = 10.0
    """How long measured lateness counts for the target (how soon it shrinks after calm)."""
    quantile: float = 0.99
    """Share of frames the target makes room for."""
    margin_ms: float = 2.0
    """Added to the measured lateness (scheduling noise of the event loop and the card)."""
    spacing_ms: float = 20.0
    """Least audio played between two time-scale changes."""
    starve_ms: float = 200.0
    """Concealment this long with nothing arriving: the far end stopped; wait in silence."""

    def __post_init__(self) -> None:
        if self.sample_rate <= 0:
            raise ValueError(f"sample rate must be > 0, got {self.sample_rate}")
        if not 0 <= self.target_ms <= self.max_target_ms < self.max_ms:
            raise ValueError(
                f"targets must satisfy 0 <= target ({self.target_ms} ms) <= max target "
                f"({self.max_target_ms} ms) < max ({self.max_ms} ms)"
            )
        if self.window_s <= 0 or self.spacing_ms <= 0 or self.starve_ms <= 0:
            raise ValueError("window, spacing and starve time must be > 0")
        if not 0.5 <= self.quantile <= 1.0:
            raise ValueError(f"quantile must be within [0.5, 1], got {self.quantile}")

    def samples(self, ms: float) -> int:
        """``ms`` milliseconds as a sample count at this rate."""
        return round(ms * self.sample_rate / 1000)


@dataclass(frozen=True)
class PlayoutStats:
    """Counters since creation (or ``reset``); sample counts at the buffer's rate."""

    sample_rate: int
    fill: int
    """Samples held right now (up to the newest one, holes included)."""
    max_fill: int
    """Largest fill seen by the card just before a pull (the latency ceiling)."""
    mean_fill: float
    """Average fill seen by the card just before a pull (the typical latency)."""
    pushed: int
    pulled: int
    underruns: int
    """Times the card found nothing due and nothing later: the network was late."""
    concealed: int
    """Samples invented in place of missing audio (lost or late; priming excluded)."""
    lost: int
    """Of ``concealed``: samples invented in place of audio that never came in time."""
    late: int
    """Frames that arrived after their time had been played (dropped)."""
    dropped: int
    """Samples thrown away because the cap was reached or the stream jumped."""
    inserted: int
    """Samples added by time-scaling (delay grown)."""
    removed: int
    """Samples removed by time-scaling (delay shrunk)."""
    target: int
    """Delay aimed for right now."""

    def _ms(self, samples: float) -> float:
        return 1000.0 * samples / self.sample_rate

    @property
    def max_latency_ms(self) -> float:
        return self._ms(self.max_fill)

    @property
    def mean_latency_ms(self) -> float:
        return self._ms(self.mean_fill)

    @property
    def concealed_ms(self) -> float:
        return self._ms(self.concealed)

    @property
    def target_ms(self) -> float:
        return self._ms(self.target)


class PlayoutBuffer:
    """Mono int16 adaptive playout buffer with concealment; see the module docstring."""

    def __init__(
        self, config: PlayoutConfig | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.config = config or PlayoutConfig()
        self._clock = clock
        self._lock = threading.Lock()
        c = self.config
        self._cap = c.samples(c.max_ms)
        self._min_target = c.samples(c.target_ms)
        self._max_target = c.samples(c.max_target_ms)
        self._margin = c.samples(c.margin_ms)
        self._spacing = c.samples(c.spacing_ms)
        self._starve = c.samples(c.starve_ms)
        self._snap = c.samples(_SNAP_MS)
        self._urgent = c.samples(URGENT_MS)
        self._slow_spacing = c.samples(_SLOW_SPACING_MS)
        self._rate = c.sample_rate
        self._min_period = round(timescale.MIN_PERIOD_S * c.sample_rate)
        self._max_period = round(timescale.MAX_PERIOD_S * c.sample_rate)
        self._data = np.zeros(self._cap, dtype=np.int16)
        self._have = np.zeros(self._cap, dtype=bool)
        self._reset_locked()

    def _reset_locked(self) -> None:
        self._head: int | None = None  # media time of _data[0]; None: not playing
        self._end = 0  # index just past the newest sample held
        self._next_push: int | None = None
        self._ts_offset = 0
        self._starved = False
        self._dry = 0  # samples concealed in the current underrun or wait for missing audio
        self._underrun = False  # the current one began with nothing at all here
        self._since_op = 0  # audio played since the last time-scale change (or attempt)
        self._since_change = 0  # ... since the last change
        self._pull_offsets: deque[float] = deque(maxlen=_PUNCTUAL_PULLS)
        self._concealer = Concealer(self.config.sample_rate)
        self._arrivals: deque[float] = deque()  # when each frame in the window arrived
        self._relatives: deque[float] = deque()  # and its arrival time less its media time
        self._baseline = 0.0
        self._target = self._min_target
        self._block = 0
        self._have[:] = False
        # stats
        self._max_fill = 0
        self._fill_sum = 0
        self._pulls = 0
        self._pushed = 0
        self._pulled = 0
        self._underruns = 0
        self._concealed = 0
        self._lost = 0
        self._late = 0
        self._dropped = 0
        self._inserted = 0
        self._removed = 0

    # -- producer side (network / asyncio thread) ---------------------------

    def push(
        self, samples: npt.ArrayLike, timestamp: int | None = None, *, concealed: bool = False
    ) -> None:
        """Queue decoded samples (mono int16 at ``config.sample_rate``).

        ``timestamp`` is the media time of the first sample in samples at this
        rate (the RTP timestamp, scaled and unwrapped); None means right after
        the previous push (no loss can then be told from lateness).

        Opus only: ``concealed`` samples were invented by the decoder for lost
        packets (libopus's PLC). They play, count as concealed and lost, and
        what the buffer already concealed while waiting for them stands in for
        their start. They came with the packet after the loss, so their
        arrival says nothing of the network's jitter and is not measured.
        (Audio recovered from FEC is measured like any frame: it too comes a
        packet late, and the target grows to play it in time.)
        """
        block = np.asarray(samples, dtype=np.int16).reshape(-1)
        with self._lock:
            self._pushed += block.size
            if not block.size:
                return
            ts = self._place_locked(timestamp, block.size)
            now = self._clock()
            if self._head is None or abs(ts - self._head) > 2 * self._cap:
                self._prime_locked(ts, now)
            if not concealed:
                self._observe_locked(now, ts)
            assert self._head is not None
            if concealed:
                skipped = self._after_waiting_locked(block.size, ts)
                block, ts = block[skipped:], ts + skipped
            offset = ts - self._head
            if offset < 0:
                self._late += 1
                block = block[-offset:]
                offset = 0
                if not block.size:
                    return
            overflow = offset + block.size - self._cap
            if overflow > 0:
                self._dropped += overflow
                self._advance_locked(overflow)
                offset -= overflow
            self._data[offset : offset + block.size] = block
            self._have[offset : offset + block.size] = True
            if concealed:
                self._concealed += block.size
                self._lost += block.size
            self._end = max(self._end, offset + block.size)

    def _after_waiting_locked(self, size: int, ts: int) -> int:
        """How much of decoder concealment (Opus PLC) for the audio due at the head to skip.

        The buffer conceals while it waits for that audio (``_dry``); the
        decoder's PLC for it comes with the packet after the loss, later. As
        for a hole (``_play_locked``), what was concealed while waiting stands
        in for the start of the lost audio: the rest of the PLC plays, and the
        delay does not grow by the wait.
        """
        assert self._head is not None
        if not self._dry or self._end or ts != self._head:
            return 0
        skip = min(self._dry, size)
        self._underruns -= 1  # it was a loss after all, not lateness
        self._lost += skip
        self._head += skip
        self._dry = 0
        return skip

    def _place_locked(self, timestamp: int | None, size: int) -> int:
        if timestamp is None:
            ts = self._next_push if self._next_push is not None else 0
        else:
            ts = timestamp + self._ts_offset
            if self._next_push is not None and 0 < abs(ts - self._next_push) <= self._snap:
                self._ts_offset += self._next_push - ts
                ts = self._next_push
        self._next_push = ts + size
        return ts

    def _prime_locked(self, ts: int, now: float) -> None:
        """Start (again): play from ``ts`` after the target's worth of silence.

        After a pause (the far end's silence suppression, a hold) the same
        stream goes on: what was learnt of its jitter still holds. A stream
        whose timing jumped (another source, a restart) starts from scratch.
        """
        self._dropped += int(self._have[: self._end].sum()) if self._head is not None else 0
        same_stream = bool(self._relatives) and (
            abs(now - ts / self.config.sample_rate - self._baseline) < _SAME_STREAM_S
        )
        if not same_stream:
            self._arrivals.clear()
            self._relatives.clear()
            self._target = self._min_target
            prime = self._target
        else:  # as if the pause had not been: the delay at the target right away
            late = round((now - ts / self.config.sample_rate - self._baseline) * self._rate)
            prime = max(0, min(self._target, self._target - late))
        self._head = ts - prime
        self._have[:] = False
        self._data[:prime] = 0
        self._have[:prime] = True
        self._end = prime
        self._starved = False
        self._dry = 0
        self._underrun = False

    def _observe_locked(self, now: float, ts: int) -> None:
        """Measure how late this frame is and turn the window's lateness into a target."""
        rate = self.config.sample_rate
        times, relatives = self._arrivals, self._relatives
        times.append(now)
        relatives.append(now - ts / rate)
        while times[0] < now - self.config.window_s:
            times.popleft()
            relatives.popleft()
        values = np.fromiter(relatives, dtype=np.float64, count=len(relatives))
        self._baseline = float(values.min())
        rank = min(values.size - 1, int(self.config.quantile * values.size))
        lateness = float(np.partition(values, rank)[rank]) - self._baseline
        wanted = round(lateness * rate) + self._block + self._margin
        self._target = max(self._min_target, min(self._max_target, wanted))

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
            self._pulls += 1
            self._fill_sum += self._end
            self._max_fill = max(self._max_fill, self._end)
            self._pulled += count
            self._pull_offsets.append(self._clock() * self.config.sample_rate - self._pulled)
            self._block = count
            if self._head is None:
                out[:] = 0
                return
            self._rescale_locked(count)
            pos = 0
            while pos < count and self._head is not None:
                pos += self._play_locked(out[pos:])
            out[pos:] = 0

    def _play_locked(self, out: Pcm) -> int:
        """Fill the start of ``out``; how many samples were filled."""
        want = out.size
        run = self._run_locked()
        if run:
            n = min(run, want)
            out[:n] = self._concealer.play(self._data[:n].copy())
            self._advance_locked(n)
            self._dry = 0
            self._underrun = False
            self._since_op += n
            self._since_change += n
            return n
        if self._end:  # audio due is missing, later audio is here: lost, or late behind it
            gap = int(np.argmax(self._have[: self._end]))
            if self._dry < gap:
                # Wait through the missing audio's own time: if it never comes, what
                # was concealed stands in for it and the delay is as before; if it
                # comes (it was reordered behind a later frame), it plays, late.
                n = min(want, gap - self._dry)
                self._dry += n
                self._concealed += n
                out[:n] = self._concealer.conceal(n)
                return n
            # What was concealed while waiting stands in for the lost audio.
            skip = gap
            if self._underrun:
                self._underruns -= 1  # it was a loss after all, not lateness
            self._lost += skip
            self._advance_locked(skip)
            self._dry = 0
            self._underrun = False
            return 0
        else:  # nothing here at all: the network is late, wait (the delay grows)
            if self._dry == 0:
                self._underruns += 1
                self._underrun = True
            n = want
            self._dry += n
            if self._dry > self._starve:
                self._head = None  # the far end stopped: silence until it sends again
                self._starved = True
                self._concealer = Concealer(self.config.sample_rate)
                return 0
        out[:n] = self._concealer.conceal(n)
        self._concealed += n
        return n

    def _run_locked(self) -> int:
        """Contiguous samples held from the head."""
        if not self._end:
            return 0
        have = self._have[: self._end]
        return self._end if have.all() else int(np.argmin(have))

    def _advance_locked(self, n: int) -> None:
        end = self._end
        if n >= end:
            self._have[:end] = False
            self._end = 0
        else:
            self._data[: end - n] = self._data[n:end]
            self._have[: end - n] = self._have[n:end]
            self._have[end - n : end] = False
            self._end = end - n
        assert self._head is not None
        self._head += n

    def delay(self) -> int:
        """Samples between the earliest a sample at the head could have arrived and now."""
        with self._lock:
            return self._delay_locked()

    def _delay_locked(self) -> int:
        if self._head is None or not self._arrivals:
            return 0
        rate = self.config.sample_rate
        # "Now" on the card's sample clock, placed by its most punctual recent
        # pull: a callback that runs late (a busy machine, a burst of blocks)
        # must not look like a longer delay and be squeezed for nothing.
        now = (min(self._pull_offsets) + self._pulled) if self._pull_offsets else 0
        return round(now - self._baseline * rate) - self._head

    def _rescale_locked(self, count: int) -> None:
        """Move the delay towards the target by one pitch period, if one is due."""
        if self._since_op < self._spacing or not self._arrivals:
            return
        error = self._delay_locked() - self._target
        if abs(error) < self._min_period:
            return
        run = self._run_locked()
        if error > 0 and run >= 2 * self._min_period + count:
            self._shorten_locked(run, count, error)
        elif error < 0 and run >= 2 * self._min_period and self._end + self._max_period < self._cap:
            self._lengthen_locked(run, -error)

    def _shorten_locked(self, run: int, count: int, excess: int) -> None:
        span = min(run - count, 2 * self._max_period)
        longest = excess + self._min_period // 2
        if longest < self._min_period:
            return
        period, corr = timescale.find_period(
            self._data[:span], self.config.sample_rate, longest=longest
        )
        if period > longest:
            self._since_op = self._spacing // 2
            return
        quiet = timescale.is_quiet(self._data[: 2 * period])
        unhurried = excess < self._urgent and self._since_change < self._slow_spacing
        if not quiet and (corr < _SHORTEN_CORRELATION or unhurried):
            self._since_op = self._spacing // 2  # wait for a pause, or a better spot
            return
        shorter = timescale.shorten(self._data[:run], period)
        end = self._end
        self._data[: run - period] = shorter
        self._data[run - period : end - period] = self._data[run:end]
        self._have[run - period : end - period] = self._have[run:end]
        self._have[end - period : end] = False
        self._end = end - period
        assert self._head is not None
        self._head += period
        self._removed += period
        self._since_op = self._since_change = 0

    def _lengthen_locked(self, run: int, shortfall: int) -> None:
        span = min(run, 2 * self._max_period)
        period, corr = timescale.find_period(
            self._data[:span], self.config.sample_rate, longest=max(self._min_period, 2 * shortfall)
        )
        if period > 2 * shortfall:
            self._since_op = self._spacing // 2
            return
        if corr < _LENGTHEN_CORRELATION and not timescale.is_quiet(self._data[: 2 * period]):
            self._since_op = self._spacing // 2
            return
        longer = timescale.lengthen(self._data[:run], period)
        end = self._end
        self._data[run + period : end + period] = self._data[run:end].copy()
        self._have[run + period : end + period] = self._have[run:end].copy()
        self._data[: run + period] = longer
        self._have[: run + period] = True
        self._end = end + period
        assert self._head is not None
        self._head -= period
        self._inserted += period
        self._since_op = self._since_change = 0

    # -- both ---------------------------------------------------------------

    @property
    def fill(self) -> int:
        """Samples held right now (up to the newest, holes included)."""
        with self._lock:
            return self._end

    def stats(self) -> PlayoutStats:
        with self._lock:
            return PlayoutStats(
                sample_rate=self.config.sample_rate,
                fill=self._end,
                max_fill=self._max_fill,
                mean_fill=self._fill_sum / self._pulls if self._pulls else 0.0,
                pushed=self._pushed,
                pulled=self._pulled,
                underruns=self._underruns,
                concealed=self._concealed,
                lost=self._lost,
                late=self._late,
                dropped=self._dropped,
                inserted=self._inserted,
                removed=self._removed,
                target=self._target,
            )

    def reset(self) -> None:
        """Forget held audio and counters (e.g. after hold, before new media)."""
        with self._lock:
            self._reset_locked()
