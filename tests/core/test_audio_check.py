"""The settings page's sound checks, checked by what is heard (tones), on the null card."""

from __future__ import annotations

import asyncio
import wave
from pathlib import Path

import numpy as np
import pytest

from softphone.core.audio_check import (
    TEST_TONE_HZ,
    LevelMeter,
    device_choice,
    play_ringtone,
    play_test_tone,
    record_and_play_back,
)
from softphone.media import tones
from softphone.media.devices import AudioDevice, NullBackend, Pcm


def _source(frequency: float, amplitude: float = 0.5):  # type: ignore[no-untyped-def]
    generator = tones.ToneGenerator((frequency,), 48000, amplitude)
    return generator.read


def _sounding(audio: Pcm) -> Pcm:
    """``audio`` without the silence before and after."""
    nonzero = np.flatnonzero(audio)
    return audio[nonzero[0] : nonzero[-1] + 1] if nonzero.size else audio[:0]


async def test_test_tone_is_a_440_hz_tone_of_the_asked_length() -> None:
    played: list[Pcm] = []
    backend = NullBackend(tap=lambda block: played.append(block.copy()))
    await play_test_tone(backend, None, seconds=0.3)
    audio = np.concatenate(played)
    sounding = _sounding(audio)
    assert abs(sounding.size / 48000 - 0.3) < 0.03
    assert tones.contains_tone(sounding, TEST_TONE_HZ, 48000)


async def test_level_meter_follows_the_microphone() -> None:
    levels: list[float] = []
    loud = NullBackend(source=_source(1000.0, 0.5))
    meter = LevelMeter(loud, levels.append)
    await meter.start(None)
    while len(levels) < 5:
        await asyncio.sleep(0.02)
    await meter.stop()
    assert all(-10.0 < level < 0.0 for level in levels)  # a half-scale sine: about -9 dBFS
    quiet: list[float] = []
    meter = LevelMeter(NullBackend(), quiet.append)
    await meter.start(None)
    while len(quiet) < 3:
        await asyncio.sleep(0.02)
    await meter.stop()
    assert all(level < -60.0 for level in quiet)


async def test_record_and_play_back_plays_what_was_recorded() -> None:
    played: list[Pcm] = []
    backend = NullBackend(source=_source(700.0), tap=lambda b: played.append(b.copy()))
    take = await record_and_play_back(backend, None, None, seconds=0.4)
    assert take.size == int(0.4 * 48000)
    assert tones.contains_tone(take, 700.0, 48000)
    heard = np.concatenate(played)
    assert tones.contains_tone(_sounding(heard), 700.0, 48000)
    assert abs(_sounding(heard).size - take.size) < 48


def test_device_choice_splits_inputs_and_outputs() -> None:
    devices = (
        AudioDevice(0, "Jabra", "ALSA", 1, 2, 48000.0, is_default_input=True),
        AudioDevice(1, "Speakers", "ALSA", 0, 2, 48000.0, is_default_output=True),
    )
    choice = device_choice(devices)
    assert choice.inputs == ("Jabra",)
    assert choice.outputs == ("Jabra", "Speakers")
    assert (choice.default_input, choice.default_output) == ("Jabra", "Speakers")


async def test_ringtone_plays_the_two_tones_at_the_chosen_volume() -> None:
    loud: list[Pcm] = []
    quiet: list[Pcm] = []
    await play_ringtone(NullBackend(tap=lambda b: loud.append(b.copy())), None, None, 1.0)
    await play_ringtone(NullBackend(tap=lambda b: quiet.append(b.copy())), None, None, 0.25)
    loud_audio, quiet_audio = _sounding(np.concatenate(loud)), _sounding(np.concatenate(quiet))
    burst = loud_audio[: int(0.4 * 48000)]
    for frequency in (660.0, 880.0):  # two tones: each carries about half the energy
        assert tones.contains_tone(burst, frequency, 48000, min_ratio=0.35)
    ratio = np.abs(quiet_audio).max() / np.abs(loud_audio).max()
    assert abs(ratio - 0.25) < 0.02


async def test_ringtone_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "ring.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(48000)
        out.writeframes(tones.sine(700.0, 0.5, 48000, 0.5).tobytes())
    played: list[Pcm] = []
    await play_ringtone(NullBackend(tap=lambda b: played.append(b.copy())), None, path, 0.8)
    heard = _sounding(np.concatenate(played))
    assert abs(heard.size / 48000 - 0.5) < 0.03
    assert tones.contains_tone(heard, 700.0, 48000)


async def test_an_unreadable_ringtone_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "not-a-sound.wav"
    path.write_text("hello")
    with pytest.raises(ValueError, match="not a readable sound file"):
        await play_ringtone(NullBackend(), None, path, 0.8)
