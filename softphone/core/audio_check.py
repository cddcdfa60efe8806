"""Sound checks for the settings page: is this the right headset, and does it work?

An agent who cannot hear the customer loses the call; the checks let them
find out before the first call: a test tone on a chosen speaker, a live
level of a chosen microphone, and a recording played back. No Qt here: the
page calls these and shows the results.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from softphone.media import tones
from softphone.media.devices import (
    AudioBackend,
    AudioDevice,
    AudioSettings,
    NoAudioDevice,
    Pcm,
    backend_for,
    list_devices,
)
from softphone.media.ring import RINGTONE, RingFile, render

TEST_TONE_HZ = 440.0

__all__ = [
    "TEST_TONE_HZ",
    "AudioBackend",
    "DeviceChoice",
    "LevelMeter",
    "backend",
    "device_choice",
    "play_ringtone",
    "play_test_tone",
    "record_and_play_back",
]


@dataclass(frozen=True)
class DeviceChoice:
    """The names the settings page offers for each role."""

    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    default_input: str | None = None
    default_output: str | None = None


def device_choice(devices: tuple[AudioDevice, ...] | None = None) -> DeviceChoice:
    """Input and output device names (empty when there is no sound system)."""
    if devices is None:
        try:
            devices = list_devices()
        except NoAudioDevice:
            devices = ()
    return DeviceChoice(
        inputs=tuple(d.name for d in devices if d.input_channels > 0),
        outputs=tuple(d.name for d in devices if d.output_channels > 0),
        default_input=next((d.name for d in devices if d.is_default_input), None),
        default_output=next((d.name for d in devices if d.is_default_output), None),
    )


async def play_test_tone(
    backend: AudioBackend, device: str | None, seconds: float = 1.0, volume: float = 0.3
) -> None:
    """Play a 440 Hz tone on ``device`` for ``seconds``."""
    await _play(
        backend, device, lambda rate: tones.sine(TEST_TONE_HZ, seconds, rate, volume), seconds
    )


async def play_ringtone(
    backend: AudioBackend, device: str | None, file: Path | None, volume: float
) -> None:
    """One cycle of the ringtone (the built-in one, or ``file``) at ``volume`` (0..1).

    Raises ValueError when the file cannot be read, AudioDeviceError when the
    device cannot be opened.
    """
    sound = RingFile(file, pause_s=0.0) if file is not None else RINGTONE

    def cycle(rate: int) -> Pcm:
        audio = render(sound, rate).astype(np.float64) * max(0.0, min(1.0, volume))
        return audio.astype(np.int16)

    if file is not None:
        await asyncio.to_thread(render, sound, 8000)  # an unreadable file fails before opening
    seconds = 2.5 if file is None else 30.0
    await _play(backend, device, cycle, seconds)


async def _play(
    backend: AudioBackend, device: str | None, make: Callable[[int], Pcm], seconds: float
) -> None:
    """Play what ``make(samplerate)`` returns on ``device`` once (at most ``seconds``)."""
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    state: dict[str, Any] = {"position": 0, "tone": None}

    def fill(out: Pcm) -> None:
        tone = state["tone"]
        position = int(state["position"] or 0)
        if not isinstance(tone, np.ndarray) or position >= tone.size:
            out[:] = 0
            if isinstance(tone, np.ndarray):
                loop.call_soon_threadsafe(done.set)
            return
        chunk = tone[position : position + out.size]
        out[: chunk.size] = chunk
        out[chunk.size :] = 0
        state["position"] = position + out.size

    stream = await backend.open_output(device, fill)
    try:
        sound = await asyncio.to_thread(make, stream.samplerate)
        state["tone"] = sound[: int(seconds * stream.samplerate)]
        async with asyncio.timeout(seconds + 5.0):
            await done.wait()
    finally:
        await stream.aclose()


class LevelMeter:
    """The microphone's level (dBFS of each block) while open, for a live meter."""

    def __init__(self, backend: AudioBackend, on_level: Callable[[float], None]) -> None:
        self._backend = backend
        self._on_level = on_level
        self._stream: object = None

    async def start(self, device: str | None) -> None:
        loop = asyncio.get_running_loop()

        def on_block(block: Pcm) -> None:
            level = tones.rms_dbfs(block)
            loop.call_soon_threadsafe(self._on_level, level)

        self._stream = await self._backend.open_input(device, on_block)

    async def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            await stream.aclose()  # type: ignore[attr-defined]


async def record_and_play_back(
    backend: AudioBackend,
    microphone: str | None,
    speaker: str | None,
    seconds: float = 3.0,
) -> Pcm:
    """Record ``seconds`` from the microphone, play them on the speaker; returns the take."""
    blocks: list[Pcm] = []
    enough = asyncio.Event()
    loop = asyncio.get_running_loop()
    wanted: list[int] = [0]

    def on_block(block: Pcm) -> None:
        blocks.append(block)
        if sum(b.size for b in blocks) >= wanted[0]:
            loop.call_soon_threadsafe(enough.set)

    stream = await backend.open_input(microphone, on_block)
    wanted[0] = int(seconds * stream.samplerate)
    rate = stream.samplerate
    try:
        async with asyncio.timeout(seconds + 5.0):
            await enough.wait()
    finally:
        await stream.aclose()
    take = np.concatenate(blocks)[: wanted[0]] if blocks else tones.silence(0.0, rate)
    done = asyncio.Event()
    position = [0]

    def fill(out: Pcm) -> None:
        chunk = take[position[0] : position[0] + out.size]
        out[: chunk.size] = chunk
        out[chunk.size :] = 0
        position[0] += out.size
        if position[0] >= take.size:
            loop.call_soon_threadsafe(done.set)

    output = await backend.open_output(speaker, fill)
    try:
        async with asyncio.timeout(seconds + 5.0):
            await done.wait()
    finally:
        await output.aclose()
    return take


def backend(null: bool = False) -> AudioBackend:
    """The sound system the checks use (``null``: no card, for tests and the demo)."""
    return backend_for(AudioSettings(null=null))
