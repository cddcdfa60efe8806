"""Speech material and PESQ scoring, shared by the speech-quality tests and benchmarks.

Why synthetic speech: espeak-ng is packaged everywhere (scripts/install-deps.sh
installs it), so a fresh clone gets the same English and Russian sentences
with no recordings in the repository. The level is −26 dBFS (ITU-T P.56's
usual test level, RMS over the active part), so codec and gain figures compare
with the ones quoted in issue 12.

Scores are ITU-T P.862 via the ``pesq`` package: P.862.2 wideband at 16 kHz
for Opus, P.862.1 narrowband at 8 kHz for G.711. The degraded signal is
aligned to the reference by cross-correlation first, so codec and buffer
delay do not count as distortion (the delay is reported separately).
"""

from __future__ import annotations

import functools
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

Pcm = npt.NDArray[np.int16]

LEVEL_DBFS = -26.0
SENTENCES = {
    "en": (
        "The customer called about a late delivery and asked for a refund. "
        "Please check the order number before you transfer the call. "
        "Thank you for waiting, your request has been registered."
    ),
    "ru": (
        "Клиент позвонил по поводу задержки доставки и попросил вернуть деньги. "
        "Пожалуйста, проверьте номер заказа перед переводом звонка. "
        "Спасибо за ожидание, ваша заявка зарегистрирована."
    ),
}
BABBLE_VOICES = ("en-us", "en-gb", "ru", "de", "fr", "es")
BABBLE_TEXT = (
    "I will call you back after lunch, the report is almost ready. "
    "Can you hear me now, the line was bad this morning. "
    "We sent the invoice on Monday and nobody answered."
)


_RAW = ("-t", "raw", "-e", "signed", "-b", "16", "-c", "1")


def resample(pcm: npt.ArrayLike, rate_in: int, rate_out: int) -> Pcm:
    """Mono int16 ``pcm`` at ``rate_out`` (sox's high-quality resampler)."""
    data = np.asarray(pcm, dtype=np.int16)
    if rate_in == rate_out:
        return data.copy()
    out = subprocess.run(
        ["sox", *_RAW, "-r", str(rate_in), "-", *_RAW, "-r", str(rate_out), "-", "rate", "-v"],
        input=data.tobytes(),
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(out, dtype=np.int16).copy()


def active_rms_dbfs(pcm: npt.ArrayLike) -> float:
    """RMS level of the 20 ms blocks within 40 dB of the loudest (a simple P.56 stand-in)."""
    x = np.asarray(pcm, dtype=np.float64) / 32768.0
    n = len(x) // 160 * 160
    if n == 0:
        return -120.0
    blocks = np.sqrt(np.mean(x[:n].reshape(-1, 160) ** 2, axis=1) + 1e-20)
    top = blocks.max()
    active = blocks[blocks > top * 0.01]
    return float(20 * np.log10(np.sqrt(np.mean(active**2)) + 1e-12))


def set_level(pcm: npt.ArrayLike, dbfs: float) -> Pcm:
    """``pcm`` scaled so its active level is ``dbfs``."""
    x = np.asarray(pcm, dtype=np.float64)
    gain = 10 ** ((dbfs - active_rms_dbfs(x)) / 20)
    return np.clip(np.round(x * gain), -32768, 32767).astype(np.int16)


def _espeak(text: str, voice: str, rate: int, speed: int = 150) -> Pcm:
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "s.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(wav), text],
            check=True,
            capture_output=True,
        )
        out = subprocess.run(
            ["sox", str(wav), *_RAW, "-r", str(rate), "-", "rate", "-v"],
            capture_output=True,
            check=True,
        ).stdout
    return np.frombuffer(out, dtype=np.int16).copy()


@functools.cache
def speech(lang: str, rate: int = 48000) -> Pcm:
    """About 9 s of espeak-ng speech in ``lang`` ("en" or "ru") at −26 dBFS, with 0.3 s pads."""
    voice = "en-us" if lang == "en" else lang
    pcm = _espeak(SENTENCES[lang], voice, rate)
    pad = np.zeros(int(0.3 * rate), dtype=np.int16)
    return set_level(np.concatenate([pad, pcm, pad]), LEVEL_DBFS)


@functools.cache
def babble(rate: int = 48000, seconds: float = 12.0) -> Pcm:
    """Office babble: six espeak voices talking at once, each offset, looped to ``seconds``."""
    n = int(seconds * rate)
    mix = np.zeros(n, dtype=np.float64)
    for i, voice in enumerate(BABBLE_VOICES):
        talk = _espeak(BABBLE_TEXT, voice, rate, speed=140 + 10 * i).astype(np.float64)
        talk = np.roll(np.resize(talk, n), int(i * 0.7 * rate))
        mix += talk / (np.sqrt(np.mean(talk**2)) + 1e-9)
    return set_level(mix, -26.0)


def keyboard(rate: int = 48000, seconds: float = 12.0, seed: int = 7) -> Pcm:
    """Typing: short decaying noise clicks, 4–9 a second at random gaps."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    out = np.zeros(n, dtype=np.float64)
    t = 0.0
    click_len = int(0.012 * rate)
    env = np.exp(-np.arange(click_len) / (0.002 * rate))
    while True:
        t += rng.uniform(0.11, 0.25)
        start = int(t * rate)
        if start + click_len >= n:
            break
        out[start : start + click_len] += rng.standard_normal(click_len) * env * rng.uniform(0.5, 1)
    return set_level(out, -26.0)


def mix_at_snr(clean: Pcm, noise: Pcm, snr_db: float) -> Pcm:
    """``clean`` plus ``noise`` (looped/cut to length) at ``snr_db`` below the speech level."""
    noise_f = np.resize(noise.astype(np.float64), len(clean))
    gain = 10 ** ((active_rms_dbfs(clean) - snr_db - _rms_dbfs(noise_f)) / 20)
    mixed = clean.astype(np.float64) + noise_f * gain
    return np.clip(np.round(mixed), -32768, 32767).astype(np.int16)


def _rms_dbfs(x: npt.NDArray[np.float64]) -> float:
    return float(20 * np.log10(np.sqrt(np.mean((x / 32768.0) ** 2)) + 1e-12))


def align(reference: Pcm, degraded: npt.ArrayLike) -> tuple[Pcm, int]:
    """``degraded`` shifted to line up with ``reference`` (same length), and the lag in samples.

    The lag is where the FFT cross-correlation peaks; a positive lag means
    the degraded signal arrives late.
    """
    ref = reference.astype(np.float64)
    deg = np.asarray(degraded, dtype=np.float64)
    n = 1 << int(np.ceil(np.log2(len(ref) + len(deg))))
    corr = np.fft.irfft(np.fft.rfft(deg, n) * np.conj(np.fft.rfft(ref, n)), n)
    lag = int(np.argmax(corr))
    if lag > n // 2:
        lag -= n
    shifted = deg[lag:] if lag >= 0 else np.concatenate([np.zeros(-lag), deg])
    out = np.zeros(len(ref))
    out[: min(len(ref), len(shifted))] = shifted[: len(ref)]
    return np.clip(out, -32768, 32767).astype(np.int16), lag


@dataclass(frozen=True)
class Score:
    """What one degraded copy of the reference measured."""

    pesq: float
    delay_ms: float
    level_change_db: float
    clipped: int


def score(reference: Pcm, degraded: npt.ArrayLike, rate: int, wideband: bool) -> Score:
    """PESQ (WB at 16 kHz or NB at 8 kHz) of ``degraded`` against ``reference``, both at ``rate``.

    ``clipped`` counts samples at full scale in the degraded signal.
    """
    from pesq import pesq  # the test extra / bench setup; imported late so tests can skip

    deg = np.asarray(degraded, dtype=np.int16)
    aligned, lag = align(reference, deg)
    pesq_rate = 16000 if wideband else 8000
    ref_r = resample(reference, rate, pesq_rate).astype(np.float32) / 32768
    deg_r = resample(aligned, rate, pesq_rate).astype(np.float32) / 32768
    value = float(pesq(pesq_rate, ref_r, deg_r, "wb" if wideband else "nb"))
    clipped = int(np.count_nonzero((deg >= 32767) | (deg <= -32768)))
    change = active_rms_dbfs(aligned) - active_rms_dbfs(reference)
    return Score(value, 1000.0 * lag / rate, change, clipped)
