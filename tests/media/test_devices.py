"""Device listing and choice by name, and clear errors when there is no sound card."""

from __future__ import annotations

import asyncio
import sys
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from softphone.media import devices
from softphone.media.devices import (
    AudioDevice,
    AudioSettings,
    Direction,
    NoAudioDevice,
    NullBackend,
    PortAudioBackend,
    UnknownAudioDevice,
    backend_for,
    choose_device,
)

# What PortAudio reports on a Windows laptop with a USB headset: the same
# hardware once per host API, and output-only / input-only entries.
RAW = [
    ("Microphone Array (Realtek)", 0, 2, 0, 44100.0),
    ("Speakers (Realtek)", 0, 0, 2, 48000.0),
    ("Headset Microphone (Jabra EVOLVE 20)", 0, 1, 0, 16000.0),
    ("Headset Earphone (Jabra EVOLVE 20)", 0, 0, 2, 48000.0),
    ("Headset Earphone (Jabra EVOLVE 20)", 1, 0, 2, 48000.0),
]
HOSTAPIS = [{"name": "MME"}, {"name": "Windows WASAPI"}]


def fake_sounddevice(raw: list[tuple[str, int, int, int, float]], default: list[int]) -> Any:
    calls = {"rescans": 0}

    def query_devices() -> list[dict[str, Any]]:
        return [
            {
                "index": i,
                "name": name,
                "hostapi": api,
                "max_input_channels": ins,
                "max_output_channels": outs,
                "default_samplerate": rate,
            }
            for i, (name, api, ins, outs, rate) in enumerate(raw)
        ]

    def rescan() -> None:
        calls["rescans"] += 1

    return SimpleNamespace(
        query_devices=query_devices,
        query_hostapis=lambda: HOSTAPIS,
        default=SimpleNamespace(device=default),
        _terminate=lambda: None,
        _initialize=rescan,
        calls=calls,
    )


@pytest.fixture
def laptop(monkeypatch: pytest.MonkeyPatch) -> Any:
    fake = fake_sounddevice(RAW, [0, 1])
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    return fake


def test_devices_are_listed_with_name_host_api_channels_and_rate(laptop: Any) -> None:
    listed = devices.list_devices()
    assert len(listed) == 5
    mic = listed[2]
    assert mic.name == "Headset Microphone (Jabra EVOLVE 20)"
    assert (mic.host_api, mic.input_channels, mic.output_channels) == ("MME", 1, 0)
    assert mic.default_samplerate == 16000.0
    assert listed[0].is_default_input and listed[1].is_default_output
    assert laptop.calls["rescans"] == 1  # re-read for hot-plugged devices


def test_device_is_chosen_by_case_insensitive_part_of_its_name(laptop: Any) -> None:
    listed = devices.list_devices()
    assert choose_device(listed, "jabra", Direction.INPUT).index == 2
    assert choose_device(listed, "JABRA", Direction.OUTPUT).index == 3  # first of two host APIs
    assert choose_device(listed, " realtek ", Direction.OUTPUT).name == "Speakers (Realtek)"


def test_no_name_means_the_system_default(laptop: Any) -> None:
    listed = devices.list_devices()
    assert choose_device(listed, None, Direction.INPUT).index == 0
    assert choose_device(listed, "", Direction.OUTPUT).index == 1


def test_exact_name_wins_over_a_longer_one() -> None:
    listed = (
        AudioDevice(0, "sysdefault", "ALSA", 2, 2, 48000.0),
        AudioDevice(1, "default", "ALSA", 2, 2, 48000.0),
    )
    assert choose_device(listed, "Default", Direction.OUTPUT).index == 1


def test_unknown_name_lists_the_devices_that_do_exist(laptop: Any) -> None:
    with pytest.raises(UnknownAudioDevice) as caught:
        choose_device(devices.list_devices(), "Plantronics", Direction.OUTPUT)
    message = str(caught.value)
    assert 'No speaker matches "Plantronics"' in message
    assert '"Speakers (Realtek)"; "Headset Earphone (Jabra EVOLVE 20)"' in message
    assert caught.value.available == ("Speakers (Realtek)", "Headset Earphone (Jabra EVOLVE 20)")
    assert isinstance(caught.value, NoAudioDevice)  # one except clause covers both


def test_microphone_name_is_not_looked_up_among_speakers(laptop: Any) -> None:
    with pytest.raises(UnknownAudioDevice, match="No microphone matches"):
        choose_device(devices.list_devices(), "Speakers", Direction.INPUT)


def test_settings_resolve_microphone_speaker_and_a_separate_ring_device(laptop: Any) -> None:
    resolved = devices.resolve(AudioSettings(microphone="jabra", speaker="jabra", ring="realtek"))
    assert resolved.microphone.index == 2
    assert resolved.speaker.index == 3
    assert resolved.ring.name == "Speakers (Realtek)"
    # without a ring device the phone rings where it talks
    assert devices.resolve(AudioSettings(speaker="jabra")).ring.index == 3


def test_no_devices_at_all_is_a_sentence_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", fake_sounddevice([], [-1, -1]))
    with pytest.raises(NoAudioDevice) as caught:
        asyncio.run(PortAudioBackend().open_output("headset", lambda block: None))
    assert str(caught.value) == (
        "No speaker was found: this computer has no sound output device"
        " (plug in a headset, or run with the null audio device)."
    )


def test_missing_portaudio_library_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", None)  # import fails
    with pytest.raises(NoAudioDevice, match="apt-get install libportaudio2"):
        devices.list_devices()


def test_settings_pick_the_backend() -> None:
    assert isinstance(backend_for(AudioSettings(null=True)), NullBackend)
    assert isinstance(backend_for(AudioSettings()), PortAudioBackend)


async def test_null_device_records_paced_silence_and_accepts_playback() -> None:
    loop = asyncio.get_running_loop()
    recorded: list[np.ndarray] = []
    played: list[np.ndarray] = []
    backend = NullBackend(tap=played.append)
    started = loop.time()
    mic = await backend.open_input("anything", recorded.append, blocksize_ms=20)
    speaker = await backend.open_output(None, lambda block: block.fill(7), blocksize_ms=5)
    await asyncio.sleep(0.5)
    elapsed = loop.time() - started
    await mic.aclose()
    await speaker.aclose()
    assert mic.samplerate == 48000 and mic.device_name == "null"
    assert all(b.dtype == np.int16 and b.size == 960 and not b.any() for b in recorded)
    assert all((b == 7).all() and b.size == 240 for b in played)
    # paced by the loop clock, not as fast as the CPU allows (ALSA's null device)
    expected = elapsed / 0.02
    assert expected - 3 <= len(recorded) <= expected + 2
    assert len(played) <= elapsed / 0.005 + 2
    count = len(recorded)
    await asyncio.sleep(0.1)
    assert len(recorded) == count  # closed means closed
