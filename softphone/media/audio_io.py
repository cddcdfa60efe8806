"""The microphone as an aiortc track, and the speaker as a sink for the remote audio.

``MicrophoneTrack`` follows aiortc's ``MediaPlayer``: the producer runs on
another thread (here the sound card callback) and hands each block to the
event loop with ``loop.call_soon_threadsafe``; ``recv()`` awaits an asyncio
queue. The card paces the track, so nothing here sleeps. Blocks are
re-cut into 20 ms frames of 48 kHz mono s16 — resampled with
``av.AudioResampler`` when the card runs at another rate — with ``pts``
counting samples, as aiortc's encoders expect.

``SpeakerSink`` is the other way round: decoded remote frames (Opus 48 kHz
stereo, G.711 8 kHz mono, ...) are converted to mono at the card's rate
and pushed into a ``PlayoutBuffer`` at their media time (``heard.FrameFeeder``),
which the card callback drains at its own pace, concealing what is
missing. It is a ``FrameSink`` for ``MediaSession`` (call it with each
frame) and can also consume a track by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import replace

import av
import numpy as np
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from softphone.media.devices import AudioBackend, AudioStream, Pcm
from softphone.media.heard import FrameFeeder
from softphone.media.mic_processing import MicProcessor
from softphone.media.playout import PlayoutBuffer, PlayoutConfig, PlayoutStats
from softphone.media.tracks import pcm_frame
from softphone.tasks import cancel_and_wait

logger = logging.getLogger(__name__)

TRACK_RATE = 48000
FRAME_SAMPLES = 960  # 20 ms at 48 kHz
FRAME_S = FRAME_SAMPLES / TRACK_RATE
STALL_S = 0.5
"""A card that delivers or takes nothing for this long has stopped (a headset
pulled out, a USB hub reset). PortAudio does not always say so: it may just
stop calling back."""

StallHandler = Callable[[bool], None]
"""Called on the event loop with True when a card stalls, False when it is back."""


class MicrophoneTrack(MediaStreamTrack):
    """Live audio from a sound card input (or the null device) as an aiortc audio track.

    The card is opened on the first ``recv()`` (or by ``start()``) and closed
    by ``stop()``/``aclose()``. At most ``max_queue_ms`` of audio waits for
    the sender; older frames are dropped so a stalled consumer cannot build
    up delay.
    """

    kind = "audio"

    def __init__(
        self,
        backend: AudioBackend,
        device: str | None = None,
        *,
        max_queue_ms: int = 100,
        blocksize_ms: float = 20.0,
        processing: MicProcessor | None = None,
    ) -> None:
        super().__init__()
        self.processing = processing
        """Noise suppression, gain, echo cancellation (``mic_processing``), applied per frame."""
        self._backend = backend
        self._device = device
        self._blocksize_ms = blocksize_ms
        self._max_frames = max(1, max_queue_ms // 20)
        self._frames: asyncio.Queue[av.AudioFrame | None] = asyncio.Queue()
        self._stream: AudioStream | None = None
        self._starting: asyncio.Task[None] | None = None
        self._pending = np.zeros(0, dtype=np.int16)
        self._resampler: av.AudioResampler | None = None
        self._pts = 0
        self.dropped_frames = 0
        """Frames thrown away because nobody read them in time."""
        self.on_stall: StallHandler | None = None
        self.stalled = False
        """The card stopped delivering: the call gets silence (RTP keeps flowing,
        so the far end's RTP timeout does not drop the customer)."""
        self._next_silence = 0.0
        self._arrived = asyncio.Event()
        self._delivered = False  # the card has delivered at least one frame

    @property
    def device_name(self) -> str | None:
        """The device actually opened (None before ``start``)."""
        return self._stream.device_name if self._stream else None

    async def start(self) -> None:
        """Open the input device now; raises NoAudioDevice / UnknownAudioDevice."""
        if self._starting is None:
            self._starting = asyncio.ensure_future(self._open())
        await asyncio.shield(self._starting)

    async def _open(self) -> None:
        loop = asyncio.get_running_loop()

        def on_block(block: Pcm) -> None:  # card thread (or the loop, for the null device)
            if loop.is_closed():
                return
            with contextlib.suppress(RuntimeError):  # loop closing under us
                loop.call_soon_threadsafe(self._on_block, block)

        stream = await self._backend.open_input(
            self._device, on_block, blocksize_ms=self._blocksize_ms
        )
        if self.readyState != "live":  # stopped while opening
            await stream.aclose()
            return
        self._stream = stream
        if stream.samplerate != TRACK_RATE:
            self._resampler = av.AudioResampler(format="s16", layout="mono", rate=TRACK_RATE)

    def _on_block(self, block: Pcm) -> None:
        """On the loop: re-cut card blocks into 20 ms frames and queue them."""
        if self.readyState != "live" or self._stream is None:
            return
        if self._resampler is not None:
            block = self._resample(block, self._stream.samplerate)
        pending = np.concatenate([self._pending, block]) if self._pending.size else block
        while pending.size >= FRAME_SAMPLES:
            pcm = pending[:FRAME_SAMPLES]
            if self.processing is not None:
                pcm = self.processing.process(pcm)
            frame = pcm_frame(pcm, TRACK_RATE, self._pts)
            self._pts += FRAME_SAMPLES
            pending = pending[FRAME_SAMPLES:]
            if self._frames.qsize() >= self._max_frames:
                self._frames.get_nowait()
                self.dropped_frames += 1
            self._frames.put_nowait(frame)
            self._arrived.set()
            self._delivered = True
        self._pending = pending.copy()

    def _resample(self, block: Pcm, rate: int) -> Pcm:
        assert self._resampler is not None
        frame = av.AudioFrame.from_ndarray(block.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = rate
        parts = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)]
        return np.concatenate(parts).astype(np.int16) if parts else np.zeros(0, np.int16)

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        await self.start()
        if self._frames.empty() and not self._delivered:
            # Only a card that was delivering can stall: through PulseAudio,
            # PortAudio may take a second or more to start, which is no fault.
            await self._wait_frame()
        elif self._frames.empty():
            wait = STALL_S if not self.stalled else self._next_silence - time.monotonic()
            # asyncio.timeout, not wait_for: Python 3.11's wait_for returns the
            # result when its inner task finishes in the same loop turn as the
            # caller is cancelled, and the cancellation is lost. aiortc's sender
            # would then read on and RTCPeerConnection.close() waited forever
            # for it (the hang of a call that closed just as a frame arrived).
            try:
                async with asyncio.timeout(max(0.0, wait)):
                    await self._wait_frame()
            except TimeoutError:
                return self._silence()
        frame = self._frames.get_nowait()
        if frame is None:
            raise MediaStreamError
        if self.stalled:
            self._set_stalled(False)
        return frame

    async def _wait_frame(self) -> None:
        """Until a frame is queued (an Event, not ``get``: a timeout loses nothing)."""
        self._arrived.clear()
        while self._frames.empty():
            await self._arrived.wait()
            self._arrived.clear()

    def _silence(self) -> av.AudioFrame:
        """A frame of silence in the card's place, paced at 20 ms."""
        now = time.monotonic()
        if not self.stalled:
            self._set_stalled(True)
            self._next_silence = now
        self._next_silence = max(self._next_silence + FRAME_S, now - STALL_S)
        frame = pcm_frame(np.zeros(FRAME_SAMPLES, np.int16), TRACK_RATE, self._pts)
        self._pts += FRAME_SAMPLES
        return frame

    def _set_stalled(self, stalled: bool) -> None:
        self.stalled = stalled
        logger.warning(
            "microphone %s %s", self.device_name, "stalled" if stalled else "delivers again"
        )
        if self.on_stall is not None:
            self.on_stall(stalled)

    def stop(self) -> None:
        """End the track and release the card (closing finishes in the background)."""
        if self.readyState == "live":
            super().stop()
            self._frames.put_nowait(None)
            self._arrived.set()
        if self._stream is not None:
            stream, self._stream = self._stream, None
            with contextlib.suppress(RuntimeError):  # no running loop: interpreter exit
                asyncio.get_running_loop().create_task(stream.aclose())

    async def aclose(self) -> None:
        """``stop()`` and wait until the card is released."""
        stream, self._stream = self._stream, None
        self.stop()
        if self._starting is not None and not self._starting.done():
            with contextlib.suppress(Exception):
                await self._starting
        if stream is not None:
            await stream.aclose()


class SpeakerSink:
    """Plays remote audio on an output device through a playout buffer.

    Use it as ``MediaSession(sink=speaker)`` (it is called with each decoded
    frame) or let it pull a track itself with ``add_track``. ``start()``
    opens the card; frames arriving before that are kept by the buffer
    (up to its cap).
    """

    def __init__(
        self,
        backend: AudioBackend,
        device: str | None = None,
        *,
        playout: PlayoutConfig | None = None,
        blocksize_ms: float = 5.0,
    ) -> None:
        self._backend = backend
        self._device = device
        self._blocksize_ms = blocksize_ms
        self._playout = playout
        self.buffer = PlayoutBuffer(playout)
        self._feed = FrameFeeder()
        self._stream: AudioStream | None = None
        self._consumer: asyncio.Task[None] | None = None
        self.on_stall: StallHandler | None = None
        self.stalled = False
        """The card stopped taking audio: the agent hears nothing."""
        self._last_pull = time.monotonic()
        self._pulled = False  # only a card that was playing can stall (see the microphone)
        self._cue: tuple[Pcm, int] | None = None  # (sound, samples played), mixed on top

    @property
    def device_name(self) -> str | None:
        return self._stream.device_name if self._stream else None

    def _pull(self, block: Pcm) -> None:
        """The card's callback (its thread): fill ``block`` from the buffer."""
        self._last_pull = time.monotonic()
        self._pulled = True
        self.buffer.pull_into(block)
        cue = self._cue
        if cue is not None:
            sound, done = cue
            part = sound[done : done + len(block)]
            mixed = block[: len(part)].astype(np.int32) + part
            block[: len(part)] = np.clip(mixed, -32768, 32767)
            self._cue = (sound, done + len(part)) if done + len(part) < len(sound) else None

    def cue(self, make: Callable[[int], Pcm]) -> None:
        """Mix a short local sound over what plays next (``make(rate)`` builds it at the card's
        rate); the far end never hears it. The card's thread picks it up with its next block."""
        self._cue = (make(self.buffer.config.sample_rate), 0)

    async def start(self) -> None:
        """Open the output device; raises NoAudioDevice / UnknownAudioDevice."""
        if self._stream is not None:
            return
        self._last_pull = time.monotonic()
        stream = await self._backend.open_output(
            self._device, self._pull, blocksize_ms=self._blocksize_ms
        )
        if stream.samplerate != self.buffer.config.sample_rate:
            # The card runs at its own rate: the buffer follows it, and frames
            # are converted to that rate on the way in.
            config = self._playout or PlayoutConfig()
            self.buffer = PlayoutBuffer(replace(config, sample_rate=stream.samplerate))
        self._feed = FrameFeeder()
        self._stream = stream

    def __call__(self, frame: av.AudioFrame) -> None:
        """Queue one decoded remote frame for playing (called on the event loop)."""
        self._feed(self.buffer, frame)
        if self._stream is not None and self._pulled:
            stalled = time.monotonic() - self._last_pull > STALL_S
            if stalled != self.stalled:
                self.stalled = stalled
                logger.warning(
                    "speaker %s %s", self.device_name, "stalled" if stalled else "plays again"
                )
                if self.on_stall is not None:
                    self.on_stall(stalled)

    def add_track(self, track: MediaStreamTrack) -> None:
        """Consume ``track`` until it ends (replacing any track consumed before)."""
        if self._consumer is not None:
            self._consumer.cancel()
        self._consumer = asyncio.ensure_future(self._consume(track))

    async def _consume(self, track: MediaStreamTrack) -> None:
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            if isinstance(frame, av.AudioFrame):
                self(frame)

    def stats(self) -> PlayoutStats:
        return self.buffer.stats()

    async def stop(self) -> None:
        """Stop consuming and release the card."""
        await cancel_and_wait(self._consumer)
        self._consumer = None
        if self._stream is not None:
            stream, self._stream = self._stream, None
            await stream.aclose()
