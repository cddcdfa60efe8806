"""Packet-loss concealment by pitch-period repetition (after ITU-T G.711 Appendix I).

Why: a lost 20 ms packet played as silence is a hole the ear hears as a
break in the voice (PESQ 2.17 at 3 % loss against Chromium's 3.34, whose
NetEq conceals). Voiced speech is locally periodic, so the best guess for
a missing stretch is the last pitch period played, repeated. This follows
the algorithm published in G.711 Appendix I, written from its description:

* the pitch period is found on the last audio played (normalised
  cross-correlation over 2.5–15 ms lags);
* the first 10 ms of an erasure repeat the last period; after 10 ms the last
  two periods are cycled, after 20 ms the last three, which keeps a long
  erasure from sounding buzzy; each switch is cross-faded over a quarter
  period;
* from 10 ms on, the synthetic signal is attenuated by 20 % per 10 ms, so
  that 60 ms into an erasure it is silent (a long gap must not sing on);
* when real audio comes back, its start is overlap-added with the synthetic
  signal's continuation over a quarter period plus 4 ms per extra 10 ms of
  erasure (at most 10 ms), so the join does not click.

Unlike Appendix I, the played signal is not delayed by 3.75 ms to blend the
erasure's start into the real signal's tail: the receive path stays as fast
as before. The synthetic signal's first quarter period is instead bent
towards the last sample played, so the start does not click either.

It works on any mono int16 rate (the playout buffer runs at the sound
card's). Opus frames the network lost are normally made by libopus itself
before they reach the buffer (from the next packet's in-band FEC, else its
PLC: ``opus_receive``); this concealment still covers Opus when libopus
cannot be loaded (PyAV's decoder exposes neither) and any frame still
missing when the card needs it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from softphone.media.timescale import MAX_PERIOD_S, find_period

Pcm = npt.NDArray[np.int16]

HISTORY_S = 0.05
"""Audio kept for the period search and the template (three longest periods + margin)."""
FULL_GAIN_S = 0.010
"""Concealment plays at full level this long, then fades ..."""
SILENT_AFTER_S = 0.060
"""... linearly to silence by here (20 % per 10 ms)."""


class Concealer:
    """Remembers what was played, invents what is missing, blends the real audio back in."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._history = np.zeros(round(HISTORY_S * rate), dtype=np.int16)
        self._erased = 0  # samples concealed in the current erasure (0: none)
        self._period = 0
        self._template = np.zeros(0, dtype=np.float64)  # history when the erasure began
        self._bend = 0.0

    @property
    def erasure(self) -> int:
        """Samples concealed since real audio last played."""
        return self._erased

    def _remember(self, samples: Pcm) -> None:
        n = samples.size
        if n >= self._history.size:
            self._history[:] = samples[-self._history.size :]
        elif n:
            self._history[:-n] = self._history[n:]
            self._history[-n:] = samples

    def play(self, samples: Pcm) -> Pcm:
        """Real audio about to be played; returned blended into the concealment if one ran."""
        if self._erased and samples.size:
            samples = self._merge(samples)
        self._erased = 0
        self._remember(samples)
        return samples

    def conceal(self, count: int) -> Pcm:
        """``count`` samples to play where real audio is missing."""
        if self._erased == 0:
            self._start()
        out = self._synth(self._erased, count)
        self._erased += count
        self._remember(out)
        return out

    def _start(self) -> None:
        template = self._history.astype(np.float64)
        self._template = template
        if not template.any():
            self._period = max(1, round(MAX_PERIOD_S * self.rate))
            self._bend = 0.0
            return
        self._period, _ = find_period(template, self.rate, backward=True)
        # Where the repetition starts vs where the played signal would go next.
        expected = 2 * template[-1] - template[-2]
        self._bend = expected - template[-self._period]

    def _synth(self, start: int, count: int) -> Pcm:
        n = np.arange(start, start + count)
        p = self._period
        quarter = max(1, p // 4)
        ten_ms = round(FULL_GAIN_S * self.rate)
        size = self._template.size
        periods = np.minimum(1 + n // ten_ms, 3)
        periods = np.minimum(periods, max(1, size // p))
        value = self._template[size - periods * p + n % (periods * p)]
        # Cross-fade over a quarter period where the template grows by one period.
        previous = np.maximum(periods - 1, 1)
        since = n - (periods - 1) * ten_ms
        switching = (periods > 1) & (since < quarter)
        if switching.any():
            old = self._template[size - previous * p + n % (previous * p)]
            w = (since + 1) / (quarter + 1)
            value = np.where(switching, old * (1 - w) + value * w, value)
        bend = np.where(n < quarter, self._bend * (1 - n / quarter), 0.0)
        gain = np.clip(
            1.0 - (n - ten_ms) / (SILENT_AFTER_S * self.rate - ten_ms),
            0.0,
            1.0,
        )
        out: Pcm = np.clip(np.round((value + bend) * gain), -32768, 32767).astype(np.int16)
        return out

    def _merge(self, samples: Pcm) -> Pcm:
        p = self._period
        ten_ms = round(FULL_GAIN_S * self.rate)
        extra = max(0, self._erased - ten_ms) // ten_ms
        length = min(samples.size, p // 4 + extra * round(0.004 * self.rate), ten_ms)
        length = max(length, min(samples.size, round(0.001 * self.rate)))
        synthetic = self._synth(self._erased, length).astype(np.float64)
        w = (np.arange(length) + 1) / (length + 1)
        blended = synthetic * (1 - w) + samples[:length] * w
        out: Pcm = samples.copy()
        out[:length] = np.clip(np.round(blended), -32768, 32767).astype(np.int16)
        return out
