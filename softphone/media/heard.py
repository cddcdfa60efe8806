"""Decoded frames into a playout buffer at their media time, and a recording of what it plays.

``FrameFeeder`` turns each decoded frame's RTP timestamp (aiortc's decoders
put it in ``pts``, in the codec's clock) into the playout buffer's media
time — unwrapped past 2^32, at the buffer's rate — so the buffer can tell a
lost packet from a late one and put a reordered one in its place. Mono
16-bit frames (G.711, G.722, our mono Opus) are converted to the buffer's
rate one frame at a time by ``resample.FrameResampler``, which carries no
state from one frame to the next: G.711 packets reach it in arrival order,
not sequence order (``aiortc_adapter.receive``). Anything else (stock
aiortc's stereo Opus) goes through FFmpeg's streaming resampler. A frame the
Opus decoder concealed itself (libopus's PLC) is pushed as concealed.

``HeardRecorder`` is the headless phone's ``--record``: the audio the agent
would hear, not the frames as they arrived. It runs its own playout buffer
(the speaker's algorithm: delay, concealment, time-scaling) pulled in 10 ms
blocks on the monotonic clock, as a sound card would pull, and writes what
it plays to a mono 16-bit WAV file — holes, concealment and delay included.
"""

from __future__ import annotations

import asyncio
import time
import wave
from fractions import Fraction
from pathlib import Path

import av

from softphone.media.opus_receive import Source, source_of
from softphone.media.playout import PlayoutBuffer, PlayoutConfig, PlayoutStats
from softphone.media.resample import FrameResampler
from softphone.media.tracks import DEFAULT_RATE, MonoConverter
from softphone.tasks import cancel_and_wait

_RTP_WRAP = 1 << 32
RECORD_BLOCK_S = 0.010
"""The recorder's pull block: like a sound card's, small enough to add little delay."""


class FrameFeeder:
    """Pushes decoded frames into a playout buffer, each at its media time."""

    def __init__(self) -> None:
        self._convert: MonoConverter | None = None
        self._resample: FrameResampler | None = None
        self._last: int | None = None
        self._unwrapped = 0
        self._next = 0  # media time after the last frame (for frames without one)

    def __call__(self, buffer: PlayoutBuffer, frame: av.AudioFrame) -> None:
        rate = buffer.config.sample_rate
        concealed = source_of(frame.opaque) is Source.PLC  # Opus: libopus's PLC
        if frame.format.name == "s16" and frame.layout.nb_channels == 1:
            self._push_mono(buffer, frame, rate, concealed)
            return
        if self._convert is None or self._convert.sample_rate != rate:
            self._convert = MonoConverter(rate)
        buffer.push(self._convert(frame), self._timestamp(frame, rate), concealed=concealed)

    def _push_mono(
        self, buffer: PlayoutBuffer, frame: av.AudioFrame, rate: int, concealed: bool
    ) -> None:
        source = frame.sample_rate
        resample = self._resample
        if resample is None or (resample.in_rate, resample.out_rate) != (source, rate):
            resample = self._resample = FrameResampler(source, rate)
        timestamp = self._timestamp(frame, source)
        if timestamp is None:
            timestamp = self._next
        samples = frame.to_ndarray().reshape(-1)
        self._next = timestamp + samples.size
        pcm, at = resample.convert(samples, timestamp)
        buffer.push(pcm, at, concealed=concealed)

    def _timestamp(self, frame: av.AudioFrame, rate: int) -> int | None:
        pts, time_base = frame.pts, frame.time_base
        if pts is None or time_base is None:
            return None
        if self._last is None:
            self._unwrapped = pts
        else:
            # Modulo 2**32: aiortc's receiver takes a packet older than the last
            # for an RTP wrap and adds 2**32 to it and every pts after it.
            step = (pts - self._last) % _RTP_WRAP
            self._unwrapped += step - _RTP_WRAP if step >= _RTP_WRAP // 2 else step
        self._last = pts
        return round(self._unwrapped * Fraction(time_base) * rate)


class HeardRecorder:
    """Writes what the agent would hear to a WAV file (a ``FrameSink``; ``close`` when done)."""

    def __init__(
        self,
        path: str | Path,
        sample_rate: int = DEFAULT_RATE,
        playout: PlayoutConfig | None = None,
    ) -> None:
        self.path = Path(path)
        config = playout or PlayoutConfig(sample_rate=sample_rate)
        self.buffer = PlayoutBuffer(config)
        self._feed = FrameFeeder()
        self._wav = wave.open(str(self.path), "wb")  # noqa: SIM115 - closed in close()
        self._wav.setnchannels(1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(config.sample_rate)
        self._block = round(RECORD_BLOCK_S * config.sample_rate)
        self._pacer: asyncio.Task[None] | None = None
        self._started = 0.0
        self._written = 0
        self._closed = False

    def __call__(self, frame: av.AudioFrame) -> None:
        if self._closed:
            return
        self._feed(self.buffer, frame)
        if self._pacer is None:
            self._started = time.monotonic()
            self._pacer = asyncio.get_running_loop().create_task(self._pace())

    async def _pace(self) -> None:
        """Pull what a card would have pulled by now, every block."""
        while True:
            self._catch_up()
            await asyncio.sleep(RECORD_BLOCK_S)

    def _catch_up(self) -> None:
        rate = self.buffer.config.sample_rate
        due = int((time.monotonic() - self._started) * rate) - self._written
        while due >= self._block:
            self._wav.writeframes(self.buffer.pull(self._block).astype("<i2").tobytes())
            self._written += self._block
            due -= self._block

    def stats(self) -> PlayoutStats:
        return self.buffer.stats()

    async def close(self) -> None:
        """Stop pulling and finish the file (what is still held was never heard)."""
        if self._closed:
            return
        self._closed = True
        if self._pacer is not None:
            await cancel_and_wait(self._pacer)
            self._catch_up()
        self._wav.close()
