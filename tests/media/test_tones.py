"""Tone generators and detectors agree with each other and with the standards."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from softphone.media import tones


@pytest.mark.parametrize("rate", [8000, 16000, 48000])
def test_sine_has_requested_length_level_and_frequency(rate: int) -> None:
    pcm = tones.sine(440, 0.5, rate, amplitude=0.5)
    assert pcm.dtype == np.int16
    assert pcm.size == rate // 2
    assert abs(int(np.max(np.abs(pcm))) - 16384) < 50
    assert abs(tones.rms_dbfs(pcm) - (-9.03)) < 0.1  # 0.5 amplitude sine = -6 dB - 3 dB
    assert abs(tones.dominant_frequency(pcm, rate) - 440) < 1


@settings(max_examples=40, deadline=None)
@given(freq=st.floats(min_value=100, max_value=3800))
def test_dominant_frequency_finds_any_voice_band_tone(freq: float) -> None:
    pcm = tones.sine(freq, 0.05, 8000)
    assert abs(tones.dominant_frequency(pcm, 8000) - freq) < 2.0


def test_silence_is_zero_and_detected_as_silent() -> None:
    pcm = tones.silence(0.02, 48000)
    assert pcm.size == 960 and not np.any(pcm)
    assert tones.is_silent(pcm)
    assert tones.rms_dbfs(pcm) == float("-inf")
    assert tones.dominant_frequency(pcm, 48000) == 0.0
    assert not tones.contains_tone(pcm, 440, 48000)


def test_goertzel_power_separates_present_and_absent_tones() -> None:
    pcm = tones.sine(1000, 0.02, 48000, amplitude=0.5)
    assert tones.goertzel_power(pcm, 1000, 48000) == pytest.approx(0.25, rel=0.01)
    assert tones.goertzel_power(pcm, 440, 48000) < 0.001
    assert tones.contains_tone(pcm, 1000, 48000)
    assert not tones.contains_tone(pcm, 440, 48000)


def test_contains_tone_rejects_noise_and_quiet_tones() -> None:
    rng = np.random.default_rng(1)
    noise = (rng.standard_normal(960) * 8000).astype(np.int16)
    assert not tones.contains_tone(noise, 440, 48000)
    quiet = tones.sine(440, 0.02, 48000, amplitude=0.001)
    assert not tones.contains_tone(quiet, 440, 48000)


def test_tone_generator_is_phase_continuous() -> None:
    gen = tones.ToneGenerator((440,), 48000)
    pieces = np.concatenate([gen.read(n) for n in (7, 960, 1, 500)])
    whole = tones.sine(440, pieces.size / 48000, 48000)
    assert np.array_equal(pieces, whole)


@pytest.mark.parametrize("digit", list(tones.DTMF_DIGITS))
@pytest.mark.parametrize("rate", [8000, 48000])
def test_every_dtmf_digit_is_detected(digit: str, rate: int) -> None:
    assert tones.detect_dtmf(tones.dtmf(digit, 0.04, rate), rate) == digit


def test_dtmf_detection_rejects_single_tones_and_speechlike_noise() -> None:
    assert tones.detect_dtmf(tones.sine(697, 0.04, 8000), 8000) is None
    assert tones.detect_dtmf(tones.multitone((440, 480), 0.04, 8000), 8000) is None
    rng = np.random.default_rng(2)
    assert tones.detect_dtmf((rng.standard_normal(320) * 6000).astype(np.int16), 8000) is None


def test_dtmf_sequence_round_trips_including_repeated_digits() -> None:
    pcm = tones.dtmf_sequence("1#9*00D", tone_s=0.1, gap_s=0.06, sample_rate=8000)
    assert tones.detect_dtmf_digits(pcm, 8000) == "1#9*00D"


def test_bad_arguments_raise_value_errors() -> None:
    with pytest.raises(ValueError, match="DTMF digit"):
        tones.dtmf("x", 0.1)
    with pytest.raises(ValueError, match="frequency"):
        tones.sine(30000, 0.1, 48000)
    with pytest.raises(ValueError, match="duration"):
        tones.silence(-1)
    with pytest.raises(ValueError, match="amplitude"):
        tones.ToneGenerator((440,), amplitude=2.0)
