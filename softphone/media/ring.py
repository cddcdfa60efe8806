"""Ringtone (a call is coming in) and ringback (the far end is ringing).

Both are a short cycle — a tone cadence or a sound file plus a pause —
rendered once and looped by the output callback, so the card thread does
nothing but copy samples and the event loop is never busy while it rings.
``RingPlayer`` plays on its own device (agents often ring on the laptop
speaker while talking on a headset), or on the null device.

Stopping must be instant — an answered call must not keep ringing while
the card closes — so ``stop`` first silences the callback, then releases
the device.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from softphone.media import tones
from softphone.media.devices import AudioBackend, AudioDeviceError, AudioStream, Pcm

logger = logging.getLogger(__name__)

_EDGE_S = 0.005
"""Fade at each tone edge: a tone switched on or off mid-wave clicks."""


@dataclass(frozen=True)
class Cadence:
    """A repeating tone pattern: (seconds, frequencies) segments; no frequencies = pause."""

    segments: tuple[tuple[float, tuple[float, ...]], ...]
    amplitude: float = 0.25

    def __post_init__(self) -> None:
        if not self.segments or sum(s for s, _ in self.segments) <= 0:
            raise ValueError("a cadence needs at least one segment with a duration")


@dataclass(frozen=True)
class RingFile:
    """A sound file (WAV, MP3, OGG, ... anything FFmpeg reads) looped with a pause."""

    path: Path
    pause_s: float = 2.0


RingSound = Cadence | RingFile

RINGBACK = Cadence(((1.0, (425.0,)), (4.0, ())))
"""The European ringback tone (ETSI ES 201 970): 425 Hz, 1 s on, 4 s off."""

RINGTONE = Cadence(((0.4, (660.0, 880.0)), (0.2, ()), (0.4, (660.0, 880.0)), (2.0, ())))
"""The default incoming-call ring: two short bursts, then a pause."""


def render(sound: RingSound, sample_rate: int) -> Pcm:
    """One cycle of ``sound`` as mono int16 at ``sample_rate``."""
    if isinstance(sound, RingFile):
        audio = load_sound_file(sound.path, sample_rate)
        return np.concatenate([audio, tones.silence(sound.pause_s, sample_rate)])
    parts = []
    edge = round(_EDGE_S * sample_rate)
    for seconds, freqs in sound.segments:
        if not freqs:
            parts.append(tones.silence(seconds, sample_rate))
            continue
        part = tones.multitone(freqs, seconds, sample_rate, sound.amplitude).astype(np.float64)
        ramp = np.linspace(0.0, 1.0, min(edge, part.size // 2))
        part[: ramp.size] *= ramp
        part[part.size - ramp.size :] *= ramp[::-1]
        parts.append(part.astype(np.int16))
    return np.concatenate(parts)


def load_sound_file(path: Path, sample_rate: int) -> Pcm:
    """A sound file decoded to mono int16 at ``sample_rate``; ValueError if unreadable."""
    try:
        with av.open(str(path)) as container:
            stream = next(s for s in container.streams if s.type == "audio")
            resampler = av.AudioResampler(format="s16", layout="mono", rate=sample_rate)
            parts = []
            for frame in container.decode(stream):
                if isinstance(frame, av.AudioFrame):
                    parts += [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
            parts += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    except (OSError, StopIteration, av.FFmpegError) as exc:
        raise ValueError(f"{path}: not a readable sound file ({exc})") from None
    if not parts:
        raise ValueError(f"{path}: the sound file holds no audio")
    return np.concatenate(parts).astype(np.int16)


class RingPlayer:
    """Plays one ``RingSound`` at a time, looped, on one output device."""

    def __init__(self, backend: AudioBackend, device: str | None = None) -> None:
        self._backend = backend
        self._device = device
        self._lock = asyncio.Lock()
        self._stream: AudioStream | None = None
        self._cycle: Pcm | None = None
        self._full: Pcm | None = None  # the cycle at full volume
        self._volume = 1.0
        self._position = 0
        self.sound: RingSound | None = None
        """What is ringing now (None when silent)."""

    @property
    def playing(self) -> bool:
        return self.sound is not None

    def _fill(self, out: Pcm) -> None:
        """Card thread: the next samples of the cycle, or silence once stopped."""
        cycle = self._cycle  # one read: ``stop`` may swap it out meanwhile
        if cycle is None or cycle.size == 0:
            out[:] = 0
            return
        written = 0
        while written < out.size:
            take = min(out.size - written, cycle.size - self._position)
            out[written : written + take] = cycle[self._position : self._position + take]
            written += take
            self._position = (self._position + take) % cycle.size

    async def start(self, sound: RingSound, volume: float = 1.0) -> None:
        """Ring ``sound`` from its beginning at ``volume`` (0..1), replacing whatever rang.

        Raises NoAudioDevice / UnknownAudioDevice when the ring device is
        missing, ValueError when a ring file cannot be read.
        """
        async with self._lock:
            if self._stream is None:
                self._stream = await self._backend.open_output(self._device, self._fill)
            cycle = await asyncio.to_thread(render, sound, self._stream.samplerate)
            self._cycle = None
            self._position = 0
            self._full, self._volume = cycle, volume
            self._cycle = _scaled(cycle, volume)
            self.sound = sound

    def set_volume(self, volume: float) -> None:
        """What rings now, at ``volume`` (0..1) from the next block the card asks for."""
        self._volume = volume
        if self._full is not None and self._cycle is not None:
            self._cycle = _scaled(self._full, volume)  # same length: the position stays valid

    async def set_device(self, device: str | None) -> None:
        """Ring on ``device`` from now on; what rings now moves there at once."""
        if device == self._device:
            return
        self._device = device
        async with self._lock:
            if self._stream is None:
                return  # silent: the next ring opens the new device
            old, self._stream = self._stream, None
            with contextlib.suppress(AudioDeviceError):
                await old.aclose()
            sound = self.sound
            if sound is None:
                return  # stopped meanwhile
            stream = self._stream = await self._backend.open_output(device, self._fill)
            full = await asyncio.to_thread(render, sound, stream.samplerate)
            if self.sound is sound:
                self._cycle = None  # the card thread reads it once per block
                self._position = 0
                self._full, self._cycle = full, _scaled(full, self._volume)

    async def stop(self) -> None:
        """Silence at once, then release the device."""
        self._cycle = self._full = None
        self.sound = None
        async with self._lock:
            if self._stream is not None:
                stream, self._stream = self._stream, None
                with contextlib.suppress(AudioDeviceError):
                    await stream.aclose()


def _scaled(cycle: Pcm, volume: float) -> Pcm:
    if volume >= 1.0:
        return cycle
    return (cycle.astype(np.float32) * max(0.0, volume)).astype(np.int16)
