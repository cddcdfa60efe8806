"""Pitch-period concealment and time-scaling, heard by content on tones."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from softphone.media import timescale, tones
from softphone.media.concealment import Concealer

RATE = 48000


def sine(freq: float, seconds: float, start: int = 0) -> npt.NDArray[np.int16]:
    n = np.arange(start, start + round(seconds * RATE))
    return np.round(8000 * np.sin(2 * np.pi * freq * n / RATE)).astype(np.int16)


def max_step(pcm: npt.NDArray[np.int16]) -> int:
    return int(np.max(np.abs(np.diff(pcm.astype(np.int32)))))


@pytest.mark.parametrize("freq", [120.0, 220.0, 330.0])
def test_a_voiced_sound_goes_on_at_its_pitch_through_a_gap(freq: float) -> None:
    concealer = Concealer(RATE)
    played = concealer.play(sine(freq, 0.1))
    invented = concealer.conceal(round(0.02 * RATE))  # one lost 20 ms packet
    heard = np.concatenate([played, invented])
    assert abs(tones.dominant_frequency(invented, RATE) - freq) < 0.05 * freq
    assert tones.rms_dbfs(invented) > tones.rms_dbfs(played) - 1.5  # full level at first
    assert max_step(heard) < 2 * max_step(played)  # no click where it starts


def test_a_long_gap_fades_to_silence_by_60_ms() -> None:
    concealer = Concealer(RATE)
    concealer.play(sine(200, 0.1))
    out = np.concatenate([concealer.conceal(480) for _ in range(8)])  # 80 ms
    level = [float(np.sqrt(np.mean(out[i : i + 480].astype(float) ** 2))) for i in (0, 1440)]
    assert level[1] < 0.8 * level[0]  # fading from 10 ms on
    assert not out[round(0.06 * RATE) :].any()  # silent after 60 ms


def test_real_audio_comes_back_without_a_click() -> None:
    concealer = Concealer(RATE)
    first = concealer.play(sine(200, 0.1))
    gap = concealer.conceal(960)
    back = concealer.play(sine(200, 0.05, start=round(0.12 * RATE)))
    heard = np.concatenate([first, gap, back])
    assert max_step(heard) < 2 * max_step(first)
    assert concealer.erasure == 0


@pytest.mark.parametrize("freq", [100.0, 200.0, 300.0])
def test_the_period_of_a_tone_is_found(freq: float) -> None:
    period, corr = timescale.find_period(sine(freq, 0.04), RATE)
    expected = RATE / freq
    assert corr > 0.95
    assert abs(period / expected - round(period / expected)) < 0.02  # the period or a multiple


def test_shortening_and_lengthening_change_length_by_one_period_without_a_click() -> None:
    x = sine(200, 0.05)
    period, _ = timescale.find_period(x, RATE)
    shorter, longer = timescale.shorten(x, period), timescale.lengthen(x, period)
    assert shorter.size == x.size - period and longer.size == x.size + period
    assert max_step(shorter) <= max_step(x) + 20 and max_step(longer) <= max_step(x) + 20
    assert abs(tones.dominant_frequency(longer, RATE) - 200) < 3


def test_too_little_audio_for_a_period_search_is_refused() -> None:
    with pytest.raises(ValueError, match="need at least"):
        timescale.find_period(np.zeros(100, np.int16), RATE)
