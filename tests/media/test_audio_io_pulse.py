"""Through a real, real-time paced sound server: what the speaker plays, the microphone hears.

The PulseAudio null sink (tests/peers/pulseaudio.py) stands in for a sound
card: ALSA's ``pulse``/``default`` devices play into the sink, and recording
from them records the sink's monitor. So a tone played by ``SpeakerSink`` (or
``RingPlayer``) comes back through ``MicrophoneTrack`` and is checked by content.
"""

from __future__ import annotations

import asyncio
from types import ModuleType

import numpy as np
import pytest

from softphone.media import tones
from softphone.media.audio_io import MicrophoneTrack, SpeakerSink
from softphone.media.devices import (
    Direction,
    PortAudioBackend,
    UnknownAudioDevice,
    choose_device,
    list_devices,
)
from softphone.media.ring import RINGBACK, RingPlayer
from softphone.media.tracks import tone_source

pytestmark = pytest.mark.peers

RATE = 48000


async def record(mic: MicrophoneTrack, seconds: float) -> np.ndarray:
    """``seconds`` of what the card records. Frames the track makes up while
    the card is stalled (silence, so that a call's RTP keeps flowing) are not
    the card's: PortAudio through PulseAudio stalls for 1-3 s after opening
    on a loaded two-core machine, and those frames are skipped here."""
    frames = []
    while len(frames) < round(seconds * 50):
        frame = await mic.recv()
        if not mic.stalled:
            frames.append(frame)
    return np.concatenate([f.to_ndarray().reshape(-1) for f in frames])


def test_pulse_devices_are_listed_and_chosen_by_name(pulse_sounddevice: ModuleType) -> None:
    listed = list_devices()
    assert choose_device(listed, "PULSE", Direction.OUTPUT).name == "pulse"
    assert choose_device(listed, "pulse", Direction.INPUT).name == "pulse"
    with pytest.raises(UnknownAudioDevice, match=r'No microphone matches "Jabra".*"pulse"'):
        choose_device(listed, "Jabra", Direction.INPUT)


async def test_tone_played_by_the_speaker_is_recorded_by_the_microphone(
    pulse_sounddevice: ModuleType,
) -> None:
    backend = PortAudioBackend()
    speaker = SpeakerSink(backend, "pulse")
    mic = MicrophoneTrack(backend, "pulse")
    await speaker.start()
    await mic.start()
    try:
        silence_before = await record(mic, 0.3)
        speaker.add_track(tone_source(880.0, RATE, amplitude=0.3))
        await record(mic, 0.5)  # the sound server's own buffering settles
        heard = await record(mic, 1.0)
    finally:
        await speaker.stop()
        await mic.aclose()
    assert tones.is_silent(silence_before[RATE // 10 :])
    assert abs(tones.dominant_frequency(heard, RATE) - 880) < 2
    blocks = [heard[i : i + RATE // 10] for i in range(0, heard.size, RATE // 10)]
    assert all(tones.contains_tone(b, 880, RATE) for b in blocks)
    # the delay follows how late frames come (it grows for a stalled loop on
    # a busy machine); nothing is thrown away for it
    assert speaker.stats().dropped == 0


async def test_ringback_on_the_ring_device_is_heard_then_stops(
    pulse_sounddevice: ModuleType,
) -> None:
    backend = PortAudioBackend()
    mic = MicrophoneTrack(backend, "pulse")
    ring = RingPlayer(backend, "default")
    await mic.start()
    try:
        await ring.start(RINGBACK)
        heard = await record(mic, 0.8)
        await ring.stop()
        await record(mic, 0.3)
        after = await record(mic, 0.5)
    finally:
        await ring.stop()
        await mic.aclose()
    assert tones.contains_tone(heard[RATE // 4 :], 425, RATE)
    assert tones.is_silent(after)


async def test_microphone_is_paced_by_the_sound_server(pulse_sounddevice: ModuleType) -> None:
    """A real-time source: about one 20 ms frame per 20 ms, unlike ALSA's null PCM."""
    mic = MicrophoneTrack(PortAudioBackend(), "pulse")
    await mic.start()
    loop = asyncio.get_running_loop()
    try:
        await record(mic, 0.2)
        started = loop.time()
        await record(mic, 1.0)
        elapsed = loop.time() - started
    finally:
        await mic.aclose()
    assert elapsed > 0.8
