"""Tone generation and detection on int16 PCM.

One module serves both directions because they must agree: the phone plays
ringback, ring and DTMF feedback tones with the generators, and the tests
check what arrived at the far end *by content* (a 440 Hz tone one way, 1 kHz
the other, DTMF digits) with the detectors instead of trusting that "some
frames arrived". Everything is plain numpy on mono int16 arrays, the format
the sound card and aiortc's ``AudioFrame`` (``s16``) use.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from softphone.sip.dtmf_info import DTMF_ALPHABET

Pcm = npt.NDArray[np.int16]
"""Mono signed 16-bit samples."""

FULL_SCALE = 32767

DTMF_LOW = (697, 770, 852, 941)
DTMF_HIGH = (1209, 1336, 1477, 1633)
_DTMF_KEYS = ("123A", "456B", "789C", "*0#D")

DTMF_FREQUENCIES: dict[str, tuple[int, int]] = {
    key: (low, high)
    for low, row in zip(DTMF_LOW, _DTMF_KEYS, strict=True)
    for high, key in zip(DTMF_HIGH, row, strict=True)
}
"""Digit -> (low group Hz, high group Hz), ITU-T Q.23."""

DTMF_DIGITS = DTMF_ALPHABET


def _samples(duration_s: float, sample_rate: int) -> int:
    if duration_s < 0:
        raise ValueError(f"duration must be >= 0, got {duration_s}")
    if sample_rate <= 0:
        raise ValueError(f"sample rate must be > 0, got {sample_rate}")
    return round(duration_s * sample_rate)


def _to_pcm(signal: npt.NDArray[np.float64]) -> Pcm:
    return np.clip(np.round(signal * FULL_SCALE), -FULL_SCALE, FULL_SCALE).astype(np.int16)


def _to_float(samples: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Samples as floats in [-1, 1]; accepts int16 PCM or floats already scaled."""
    array = np.asarray(samples)
    if array.ndim != 1:
        array = array.reshape(-1)
    if np.issubdtype(array.dtype, np.integer):
        return array.astype(np.float64) / 32768.0
    return array.astype(np.float64)


def silence(duration_s: float, sample_rate: int = 48000) -> Pcm:
    """Digital silence (all zeros)."""
    return np.zeros(_samples(duration_s, sample_rate), dtype=np.int16)


def sine(
    frequency: float, duration_s: float, sample_rate: int = 48000, amplitude: float = 0.5
) -> Pcm:
    """A sine at ``frequency`` Hz; ``amplitude`` is a fraction of full scale."""
    return multitone((frequency,), duration_s, sample_rate, amplitude)


def answer_cue(sample_rate: int = 48000) -> Pcm:
    """Two short soft beeps: "the call was answered for you, the customer hears you now".

    An auto-answered call gives the agent no ring and no click; without a
    cue the first thing they notice is the customer's "hello?". 1.4 kHz sits
    above most voices, −20 dBFS under them, 70 ms each so it is over before
    anyone speaks.
    """
    beep = multitone((1400.0,), 0.07, sample_rate, 0.1)
    return np.concatenate([beep, silence(0.05, sample_rate), beep])


def multitone(
    frequencies: Sequence[float],
    duration_s: float,
    sample_rate: int = 48000,
    amplitude: float = 0.5,
) -> Pcm:
    """Equal-level sines summed so that the peak never exceeds ``amplitude``."""
    return ToneGenerator(frequencies, sample_rate, amplitude).read(
        _samples(duration_s, sample_rate)
    )


def dtmf(digit: str, duration_s: float, sample_rate: int = 48000, amplitude: float = 0.5) -> Pcm:
    """The dual tone of one DTMF key (``0-9 * # A-D``)."""
    return multitone(dtmf_pair(digit), duration_s, sample_rate, amplitude)


def dtmf_sequence(
    digits: str,
    tone_s: float = 0.1,
    gap_s: float = 0.1,
    sample_rate: int = 48000,
    amplitude: float = 0.5,
) -> Pcm:
    """Digits as tone/gap pairs, the way a phone dials in-band."""
    parts: list[Pcm] = []
    for digit in digits:
        parts.append(dtmf(digit, tone_s, sample_rate, amplitude))
        parts.append(silence(gap_s, sample_rate))
    return np.concatenate(parts) if parts else silence(0, sample_rate)


def dtmf_pair(digit: str) -> tuple[int, int]:
    """(low, high) frequencies of ``digit``; ``ValueError`` for anything else."""
    try:
        return DTMF_FREQUENCIES[digit.upper()]
    except KeyError:
        raise ValueError(f"not a DTMF digit: {digit!r} (expected one of {DTMF_DIGITS})") from None


@dataclass
class ToneGenerator:
    """Phase-continuous tone source: successive ``read`` calls join without clicks.

    Streaming sources (ringback, a test tone fed to a call frame by frame)
    need this; slicing one long array would work too but holds the whole
    call's audio in memory.
    """

    frequencies: Sequence[float]
    sample_rate: int = 48000
    amplitude: float = 0.5
    _position: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.sample_rate <= 0:
            raise ValueError(f"sample rate must be > 0, got {self.sample_rate}")
        if not 0.0 <= self.amplitude <= 1.0:
            raise ValueError(f"amplitude must be within [0, 1], got {self.amplitude}")
        for frequency in self.frequencies:
            if not 0 < frequency < self.sample_rate / 2:
                raise ValueError(
                    f"frequency {frequency} Hz is outside (0, {self.sample_rate / 2}) Hz"
                )

    def read(self, count: int) -> Pcm:
        """The next ``count`` samples."""
        if count < 0:
            raise ValueError(f"count must be >= 0, got {count}")
        n = np.arange(self._position, self._position + count, dtype=np.float64)
        self._position += count
        if not self.frequencies:
            return np.zeros(count, dtype=np.int16)
        signal = np.zeros(count, dtype=np.float64)
        for frequency in self.frequencies:
            signal += np.sin(2.0 * math.pi * frequency * n / self.sample_rate)
        return _to_pcm(signal * (self.amplitude / len(self.frequencies)))


# --- detection -------------------------------------------------------------


def rms(samples: npt.ArrayLike) -> float:
    """Root-mean-square level as a fraction of full scale (0 for no samples)."""
    x = _to_float(samples)
    return float(np.sqrt(np.mean(x * x))) if x.size else 0.0


def rms_dbfs(samples: npt.ArrayLike) -> float:
    """RMS level in dBFS (a full-scale sine is about -3 dBFS); -inf for silence."""
    level = rms(samples)
    return 20.0 * math.log10(level) if level > 0 else -math.inf


def is_silent(samples: npt.ArrayLike, threshold_dbfs: float = -60.0) -> bool:
    """True when the block is quieter than ``threshold_dbfs``.

    Codecs leave a little noise in "silence" (Opus comfort noise, G.711
    quantisation), so this is a level test rather than a test for zeros.
    """
    return rms_dbfs(samples) < threshold_dbfs


def goertzel_power(samples: npt.ArrayLike, frequency: float, sample_rate: int) -> float:
    """Power of the ``frequency`` component, scaled so a sine of amplitude A gives A².

    This is the single DFT term the Goertzel recursion computes, evaluated
    in one vectorised step (the same number, without a Python loop).
    """
    return float(goertzel_powers(samples, (frequency,), sample_rate)[0])


def goertzel_powers(
    samples: npt.ArrayLike, frequencies: Iterable[float], sample_rate: int
) -> npt.NDArray[np.float64]:
    """``goertzel_power`` for several frequencies at once."""
    x = _to_float(samples)
    freqs = np.asarray(list(frequencies), dtype=np.float64)
    if x.size == 0:
        return np.zeros(freqs.size)
    n = np.arange(x.size, dtype=np.float64)
    basis = np.exp(-2j * math.pi * np.outer(freqs, n) / sample_rate)
    terms = basis @ x
    result: npt.NDArray[np.float64] = (2.0 * np.abs(terms) / x.size) ** 2
    return result


def tone_ratio(samples: npt.ArrayLike, frequency: float, sample_rate: int) -> float:
    """Share of the block's energy at ``frequency``: ~1 for a pure tone, ~0 without it."""
    x = _to_float(samples)
    energy = 2.0 * float(np.mean(x * x)) if x.size else 0.0
    if energy == 0.0:
        return 0.0
    return goertzel_power(x, frequency, sample_rate) / energy


def contains_tone(
    samples: npt.ArrayLike,
    frequency: float,
    sample_rate: int,
    min_ratio: float = 0.5,
    min_dbfs: float = -50.0,
) -> bool:
    """True when the block is audible and mostly made of ``frequency``.

    Use blocks of at least ~20 ms: shorter blocks cannot separate tones a
    few tens of Hz apart.
    """
    loud = rms_dbfs(samples) >= min_dbfs
    return loud and tone_ratio(samples, frequency, sample_rate) >= min_ratio


def dominant_frequency(samples: npt.ArrayLike, sample_rate: int) -> float:
    """Frequency (Hz) of the strongest spectral peak; 0.0 for silence or no samples.

    A Hann window and zero padding find the peak, parabolic interpolation
    on the log magnitude refines it to well under one bin.
    """
    x = _to_float(samples)
    if x.size < 2 or not np.any(x):
        return 0.0
    x = x - np.mean(x)
    window = np.hanning(x.size)
    size = 1 << max(14, math.ceil(math.log2(x.size)) + 2)
    spectrum = np.abs(np.fft.rfft(x * window, n=size))
    peak = int(np.argmax(spectrum[1:])) + 1
    offset = 0.0
    if 1 <= peak < spectrum.size - 1:
        a, b, c = np.log(spectrum[peak - 1 : peak + 2] + 1e-20)
        denominator = a - 2.0 * b + c
        if denominator != 0:
            offset = 0.5 * (a - c) / denominator
    return float((peak + offset) * sample_rate / size)


def detect_dtmf(
    samples: npt.ArrayLike,
    sample_rate: int,
    min_dbfs: float = -40.0,
    min_ratio: float = 0.6,
    max_twist_db: float = 8.0,
) -> str | None:
    """The DTMF digit that fills this block, or None.

    A block counts as a digit when it is loud enough, the strongest low and
    high group frequencies together carry ``min_ratio`` of its energy, and
    their levels differ by at most ``max_twist_db``. Blocks of 30-50 ms
    suit it (the group frequencies lie ~70 Hz apart).
    """
    x = _to_float(samples)
    if x.size == 0 or rms_dbfs(x) < min_dbfs:
        return None
    low = goertzel_powers(x, DTMF_LOW, sample_rate)
    high = goertzel_powers(x, DTMF_HIGH, sample_rate)
    li, hi = int(np.argmax(low)), int(np.argmax(high))
    low_power, high_power = float(low[li]), float(high[hi])
    energy = 2.0 * float(np.mean(x * x))
    if (low_power + high_power) / energy < min_ratio or min(low_power, high_power) <= 0:
        return None
    if abs(10.0 * math.log10(low_power / high_power)) > max_twist_db:
        return None
    return _DTMF_KEYS[li][hi]


def detect_dtmf_digits(
    samples: npt.ArrayLike, sample_rate: int, block_s: float = 0.04, min_blocks: int = 2
) -> str:
    """Digits dialled in-band in a longer recording, in order.

    The recording is cut into ``block_s`` blocks; a digit is reported once
    for each run of at least ``min_blocks`` consecutive blocks that detect
    it, so a held key is one digit and two presses separated by a gap are two.
    """
    x = _to_float(samples)
    size = max(1, round(block_s * sample_rate))
    digits: list[str] = []
    current: str | None = None
    run = 0
    for start in range(0, x.size - size + 1, size):
        found = detect_dtmf(x[start : start + size], sample_rate)
        if found == current:
            run += 1
        else:
            current, run = found, 1
        if current is not None and run == min_blocks:
            digits.append(current)
    return "".join(digits)
