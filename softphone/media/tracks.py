"""Audio tracks for a call: what we send (sources) and what we do with what we hear (sinks).

Sources are aiortc ``MediaStreamTrack``s that pace themselves on the wall
clock like aiortc's own ``AudioStreamTrack`` (a frame every ``ptime``), so a
tone or a WAV file plays at real speed. Sinks are plain callables taking an
``av.AudioFrame``; the session pulls the remote track and feeds them.
"""

from __future__ import annotations

import asyncio
import fractions
import functools
import logging
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import av
import numpy as np
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from softphone.media import tones
from softphone.media.tones import Pcm

logger = logging.getLogger(__name__)

DEFAULT_RATE = 48000
DEFAULT_PTIME_MS = 20

AudioTrack = MediaStreamTrack
"""What a call sends: aiortc's track type, named here so that layers above
``media`` (the phone, the UI) never import aiortc themselves."""

PcmReader = Callable[[int], Pcm | None]
"""Returns up to n mono int16 samples, or None at the end of the material."""


def pcm_frame(pcm: Pcm, sample_rate: int, pts: int) -> av.AudioFrame:
    """A mono s16 ``AudioFrame`` holding ``pcm``, timed in samples."""
    frame = av.AudioFrame.from_ndarray(
        np.ascontiguousarray(pcm, dtype=np.int16).reshape(1, -1), format="s16", layout="mono"
    )
    frame.sample_rate = sample_rate
    frame.pts = pts
    frame.time_base = _time_base(sample_rate)
    return frame


@functools.cache
def _time_base(sample_rate: int) -> fractions.Fraction:
    # One Fraction per rate, not one per 20 ms frame (it showed in profiles).
    return fractions.Fraction(1, sample_rate)


class PcmSourceTrack(MediaStreamTrack):
    """An audio track fed by a ``PcmReader``, one ``ptime`` frame at a time, paced in real time.

    When the reader runs dry the track keeps sending silence (a call does not
    end because a prompt finished) and ``finished`` becomes true.
    """

    kind = "audio"

    def __init__(
        self, read: PcmReader, sample_rate: int = DEFAULT_RATE, ptime_ms: int = DEFAULT_PTIME_MS
    ) -> None:
        super().__init__()
        self._read = read
        self.sample_rate = sample_rate
        self.samples_per_frame = sample_rate * ptime_ms // 1000
        self._start: float | None = None
        self._timestamp = 0
        self.finished = False
        self.on_frame: Callable[[float, Pcm], None] | None = None
        """Called with (time.monotonic(), samples) as each frame leaves: benchmarks time it."""

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        else:
            self._timestamp += self.samples_per_frame
            wait = self._start + self._timestamp / self.sample_rate - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
        pcm = None if self.finished else self._read(self.samples_per_frame)
        if pcm is None:
            self.finished = True
            pcm = np.zeros(self.samples_per_frame, dtype=np.int16)
        elif pcm.size < self.samples_per_frame:
            self.finished = pcm.size == 0 or self.finished
            pcm = np.concatenate([pcm, np.zeros(self.samples_per_frame - pcm.size, np.int16)])
        if self.on_frame is not None:
            self.on_frame(time.monotonic(), pcm)
        return pcm_frame(pcm, self.sample_rate, self._timestamp)


def silence_source(sample_rate: int = DEFAULT_RATE) -> PcmSourceTrack:
    """Sends digital silence: a call with no microphone still sends RTP, as peers expect."""
    return PcmSourceTrack(lambda n: np.zeros(n, dtype=np.int16), sample_rate)


def tone_source(
    frequency: float | tuple[float, ...],
    sample_rate: int = DEFAULT_RATE,
    amplitude: float = 0.3,
) -> PcmSourceTrack:
    """An endless tone (one frequency or a sum), e.g. 440 Hz for a content check."""
    freqs = frequency if isinstance(frequency, tuple) else (frequency,)
    generator = tones.ToneGenerator(freqs, sample_rate, amplitude)
    return PcmSourceTrack(generator.read, sample_rate)


def read_wav(path: str | Path) -> tuple[Pcm, int]:
    """A 16-bit PCM WAV file as mono samples and its rate; ValueError for other formats."""
    try:
        with wave.open(str(path), "rb") as wav:
            width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
            data = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise ValueError(f"{path}: not a PCM WAV file ({exc})") from None
    if width != 2:
        raise ValueError(f"{path}: {8 * width}-bit samples; only 16-bit PCM WAV is supported")
    samples = np.frombuffer(data, dtype="<i2").astype(np.int32)
    if channels > 1:
        samples = samples[: samples.size - samples.size % channels].reshape(-1, channels)
        samples = samples.mean(axis=1).round().astype(np.int32)
    return samples.astype(np.int16), rate


def write_wav(path: str | Path, pcm: Pcm, sample_rate: int) -> None:
    """Mono 16-bit PCM WAV."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(np.asarray(pcm, dtype="<i2").tobytes())


def wav_source(path: str | Path, loop: bool = False) -> PcmSourceTrack:
    """Plays a WAV file as the microphone (``--play``); silence after the end unless ``loop``."""
    samples, rate = read_wav(path)
    position = 0

    def read(n: int) -> Pcm | None:
        nonlocal position
        if samples.size == 0:
            return None
        if loop and position >= samples.size:
            position = 0
        chunk = samples[position : position + n]
        position += n
        return chunk if chunk.size else None

    return PcmSourceTrack(read, rate)


class MuteableTrack(MediaStreamTrack):
    """Wraps the outgoing source so mute can send silence without renegotiation.

    The wrapped source is still read while muted: a microphone must keep
    being drained, and unmuting must not replay what was said meanwhile.

    It is also where a lost cancellation stops: aiortc's ``RTCRtpSender.stop()``
    (and so ``RTCPeerConnection.close()``) cancels the task that reads this
    track and waits, without a time limit, for it to end. A source whose
    ``recv`` swallows that cancellation (Python 3.11's ``asyncio.wait_for``
    does when its result arrives in the same loop turn) would keep the
    sender reading, and the call's close would never return. The task
    still counts the request (``Task.cancelling()``), so it is honoured here.
    """

    kind = "audio"

    def __init__(self, source: MediaStreamTrack) -> None:
        super().__init__()
        self.source = source
        self.muted = False

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        frame = await self.source.recv()
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            logger.warning("audio source %s lost a cancellation; stopping the sender", self.source)
            raise asyncio.CancelledError
        if not isinstance(frame, av.AudioFrame):
            raise MediaStreamError("the audio source produced something other than audio")
        if not self.muted:
            return frame
        silent = av.AudioFrame(
            format=frame.format.name, layout=frame.layout.name, samples=frame.samples
        )
        for plane in silent.planes:
            plane.update(bytes(plane.buffer_size))
        silent.sample_rate = frame.sample_rate
        silent.pts = frame.pts
        silent.time_base = frame.time_base
        return silent

    def stop(self) -> None:
        super().stop()
        self.source.stop()


# --- sinks -----------------------------------------------------------------


class FrameSink(Protocol):
    """Anything that takes decoded remote audio frames (a callable is enough)."""

    def __call__(self, frame: av.AudioFrame) -> None: ...


def null_sink(frame: av.AudioFrame) -> None:
    """Discards audio; the session still drains the remote track into it."""


class MonoConverter:
    """Decoded frames (Opus: 48 kHz stereo, G.711: 8 kHz mono) as mono int16 at one rate."""

    def __init__(self, sample_rate: int = DEFAULT_RATE) -> None:
        self.sample_rate = sample_rate
        self._resampler = av.AudioResampler(format="s16", layout="mono", rate=sample_rate)

    def __call__(self, frame: av.AudioFrame) -> Pcm:
        parts = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)]
        return np.concatenate(parts).astype(np.int16) if parts else np.zeros(0, np.int16)


@dataclass
class PcmChunk:
    arrival: float  # time.monotonic() when the frame reached the sink
    pcm: Pcm


@dataclass
class PcmCollector:
    """Keeps what was heard as mono PCM chunks with arrival times (tests, diagnostics)."""

    sample_rate: int = DEFAULT_RATE
    chunks: list[PcmChunk] = field(default_factory=list)
    _convert: MonoConverter = field(init=False)

    def __post_init__(self) -> None:
        self._convert = MonoConverter(self.sample_rate)

    def __call__(self, frame: av.AudioFrame) -> None:
        self.chunks.append(PcmChunk(time.monotonic(), self._convert(frame)))

    def since(self, t: float) -> Pcm:
        """Everything that arrived at or after monotonic time ``t``, concatenated."""
        parts = [c.pcm for c in self.chunks if c.arrival >= t]
        return np.concatenate(parts) if parts else np.zeros(0, np.int16)

    def clear(self) -> None:
        self.chunks.clear()


class WavRecorder:
    """Writes what the far end says to a mono 16-bit WAV file (``--record``)."""

    def __init__(self, path: str | Path, sample_rate: int = DEFAULT_RATE) -> None:
        self.path = Path(path)
        self._convert = MonoConverter(sample_rate)
        self._wav = wave.open(str(self.path), "wb")  # noqa: SIM115 - closed in close()
        self._wav.setnchannels(1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(sample_rate)

    def __call__(self, frame: av.AudioFrame) -> None:
        self._wav.writeframes(self._convert(frame).astype("<i2").tobytes())

    def close(self) -> None:
        self._wav.close()


def fan_out(*sinks: FrameSink) -> FrameSink:
    """One sink that feeds several (e.g. the speaker and a recording)."""

    def feed(frame: av.AudioFrame) -> None:
        for sink in sinks:
            sink(frame)

    return feed
