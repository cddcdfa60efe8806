"""What the microphone's audio goes through before it is sent: noise suppression, gain, echo.

Agents sit in loud rooms; the browser tab we replace cleans its microphone
with WebRTC's audio processing, and the customer notices when a phone does
not. The library is livekit's ``rtc.AudioProcessingModule`` (WebRTC's APM:
noise suppression, high-pass filter, AEC3 echo cancellation, gain control),
chosen because it is the only candidate with wheels for Windows, macOS and
Linux that offers echo cancellation too: ``webrtc-noise-gain`` has NS and
AGC only and no Windows wheel for Python 3.11, ``pyrnnoise`` (RNNoise, NS
only) has no wheel for x86-64 macOS or a manylinux_2_17 Linux.

Automatic gain is our own (``GainControl``), not the APM's: the APM's gain
controller clipped 6–12 samples per 12 s of speech here (Chromium's clips
10–30 a call), and a clipped sample is a click in the customer's ear. Ours
raises the speech level slowly towards ``TARGET_DBFS`` and caps each 10 ms
block's gain so its peak stays below full scale.

The APM works on 10 ms blocks at 48 kHz; a 20 ms frame is two of them. It is
driven straight through livekit's native library (``apm_native``: no
protobuf, ~14 MiB less in a call); if that cannot be loaded or answers
outside the protocol it knows, ``livekit.rtc`` drives the same library, with
one warning; if that fails too the microphone goes out unprocessed, with one
more (the call must not fail for it).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import threading
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import av
import numpy as np
import numpy.typing as npt

from softphone.media.apm_native import NativeApm
from softphone.media.config import MicProcessingConfig
from softphone.media.tones import Pcm
from softphone.media.tracks import MonoConverter

logger = logging.getLogger(__name__)

RATE = 48000
BLOCK = RATE // 100  # the APM's 10 ms
TARGET_DBFS = -22.0
"""Active speech level we aim for: a little above the −26 dBFS of a typical
headset, as Chromium's AGC lifts it (by 3–5 dB)."""
ECHO_DELAY_MS = 60
"""A first guess of speaker-to-microphone delay for AEC3 (it finds the real one itself)."""


class GainControl:
    """Slow automatic gain with a peak cap: never clips a sample that was not clipped.

    The speech level is tracked on blocks well above the noise floor only,
    so pauses and background noise do not pump the gain up. Gain rises at
    ``RISE_DB_S`` and falls at ``FALL_DB_S``, ramped within each block so
    there are no steps; a block whose peak would pass ``CEILING`` gets less.
    """

    MAX_GAIN_DB = 24.0
    MIN_GAIN_DB = -6.0
    RISE_DB_S = 6.0
    FALL_DB_S = 30.0
    CEILING = 0.9 * 32767

    def __init__(self, target_dbfs: float = TARGET_DBFS) -> None:
        self.target_dbfs = target_dbfs
        self.gain_db = 0.0
        self._level_dbfs: float | None = None
        self._floor_dbfs = -60.0
        self._gain = 1.0

    def process(self, block: Pcm) -> Pcm:
        x = block.astype(np.float32)
        energy = float(np.dot(x, x))
        dbfs = 10 * math.log10(energy / (len(x) * 32768.0**2)) if energy > 0 else -140.0
        # noise floor: follows quiet blocks at once, rises only slowly
        self._floor_dbfs += (dbfs - self._floor_dbfs) * (0.05 if dbfs > self._floor_dbfs else 1.0)
        if dbfs > max(-55.0, self._floor_dbfs + 12.0):  # speech
            level = self._level_dbfs
            self._level_dbfs = level = dbfs if level is None else level * 0.95 + dbfs * 0.05
            wanted = min(self.MAX_GAIN_DB, max(self.MIN_GAIN_DB, self.target_dbfs - level))
            seconds = len(x) / RATE
            if wanted > self.gain_db:
                self.gain_db = min(wanted, self.gain_db + self.RISE_DB_S * seconds)
            else:
                self.gain_db = max(wanted, self.gain_db - self.FALL_DB_S * seconds)
        target = 10 ** (self.gain_db / 20)
        start = self._gain
        peak = max(float(x.max()), -float(x.min()))
        if peak * max(target, start) > self.CEILING:
            target = min(target, self.CEILING / peak)
            start = min(start, target)
        self._gain = target
        if start == target:
            x *= target
        else:
            x *= start + (target - start) * _ramp(len(x))
        return np.rint(x, out=x).astype(np.int16)


@functools.cache
def _ramp(n: int) -> npt.NDArray[np.float32]:
    return np.arange(n, dtype=np.float32) / np.float32(n)


class Apm(Protocol):
    """WebRTC's audio processing module for one call, whichever way it is driven."""

    def process_stream(self, block: Pcm) -> Pcm: ...
    def process_reverse_stream(self, block: Pcm) -> None: ...
    def set_stream_delay_ms(self, delay_ms: int) -> None: ...
    def close(self) -> None: ...


class RtcApm:
    """The same APM through ``livekit.rtc`` (protobuf and ~150 modules): the fallback."""

    def __init__(
        self, *, echo_cancellation: bool, noise_suppression: bool, high_pass: bool
    ) -> None:
        from livekit import rtc

        self._frame_type: Any = rtc.AudioFrame
        self._apm: Any = rtc.AudioProcessingModule(
            echo_cancellation=echo_cancellation,
            noise_suppression=noise_suppression,
            high_pass_filter=high_pass,
            auto_gain_control=False,
        )

    def process_stream(self, block: Pcm) -> Pcm:
        return self._run(self._apm.process_stream, block)

    def process_reverse_stream(self, block: Pcm) -> None:
        self._run(self._apm.process_reverse_stream, block)

    def set_stream_delay_ms(self, delay_ms: int) -> None:
        self._apm.set_stream_delay_ms(delay_ms)

    def close(self) -> None:
        """Nothing to do: livekit.rtc drops its handle when the module is collected."""

    def _run(self, step: Callable[[Any], None], block: Pcm) -> Pcm:
        frame = self._frame_type(bytearray(block.tobytes()), RATE, 1, BLOCK)
        step(frame)
        return np.frombuffer(frame.data, dtype=np.int16)


APM_ENGINES: tuple[tuple[str, Callable[..., Apm]], ...] = (
    ("native", NativeApm),
    ("livekit.rtc", RtcApm),
)
"""The ways to drive the APM, tried in order until one works."""


class MicProcessor:
    """One call's microphone processing: ``process`` each captured 48 kHz mono frame.

    ``far_end`` takes what the speaker plays, for the echo canceller; a
    ``FarEndTap`` makes a speaker-side ``FrameSink`` of it. ``engine`` names
    the APM in use (``APM_ENGINES``), None without one.
    """

    def __init__(self, config: MicProcessingConfig) -> None:
        self.config = config
        wanted = config.noise_suppression or config.echo_cancellation or config.high_pass
        self._engines: Iterator[tuple[str, Callable[..., Apm]]] = iter(
            APM_ENGINES if wanted else ()
        )
        self._apm: Apm | None = None
        self.engine: str | None = None
        self._switching = threading.Lock()  # the speaker's side may fail at the same time
        self._open_next(None, None)
        self._gain = GainControl() if config.auto_gain else None
        self._far_pending = np.zeros(0, dtype=np.int16)

    @property
    def active(self) -> bool:
        return self._apm is not None or self._gain is not None

    def process(self, pcm: Pcm) -> Pcm:
        """``pcm`` (48 kHz mono, a whole number of 10 ms blocks) after processing."""
        if not self.active or len(pcm) % BLOCK:
            return pcm
        out = np.empty_like(pcm)
        for i in range(0, len(pcm), BLOCK):
            block = pcm[i : i + BLOCK]
            apm = self._apm
            if apm is not None:
                block = self._capture(apm, block)
            if self._gain is not None:
                block = self._gain.process(block)
            out[i : i + BLOCK] = block
        return out

    def far_end(self, pcm: Pcm) -> None:
        """What the speaker plays now (48 kHz mono), for the echo canceller."""
        if self._apm is None or not self.config.echo_cancellation:
            return
        pending = np.concatenate([self._far_pending, pcm])
        usable = len(pending) // BLOCK * BLOCK
        for i in range(0, usable, BLOCK):
            apm = self._apm
            if apm is None:
                break
            try:
                apm.process_reverse_stream(pending[i : i + BLOCK])
            except Exception as exc:
                self._open_next(apm, exc)
        self._far_pending = pending[usable:].copy()

    def close(self) -> None:
        """The call is over: free the APM now rather than when this is collected."""
        with self._switching:
            self._engines = iter(())
            apm, self._apm, self.engine = self._apm, None, None
        if apm is not None:
            apm.close()

    def _capture(self, apm: Apm, block: Pcm) -> Pcm:
        try:
            return apm.process_stream(block)
        except Exception as exc:  # the call goes on, this block unprocessed
            self._open_next(apm, exc)
            return block

    def _open_next(self, failing: Apm | None, failure: Exception | None) -> None:
        """Open the next APM engine after ``failing`` failed (one warning for each that does)."""
        with self._switching:
            if failing is self._apm:  # else the other side has switched already
                self._switch(failure)

    def _switch(self, failure: Exception | None) -> None:
        failed, apm = self.engine, self._apm
        self._apm = self.engine = None
        if apm is not None:
            with contextlib.suppress(Exception):
                apm.close()
        for name, engine in self._engines:
            if failure is not None:
                logger.warning(
                    "microphone processing: %s failed (%s); using %s", failed, failure, name
                )
            try:
                opened = engine(
                    echo_cancellation=self.config.echo_cancellation,
                    noise_suppression=self.config.noise_suppression,
                    high_pass=self.config.high_pass,
                )
                if self.config.echo_cancellation:
                    opened.set_stream_delay_ms(ECHO_DELAY_MS)
            except Exception as exc:  # missing wheel, a broken native library
                failed, failure = name, exc
                continue
            self._apm, self.engine = opened, name
            return
        if failure is not None:
            logger.warning("microphone processing is off: %s failed (%s)", failed, failure)


class FarEndTap:
    """A speaker-side ``FrameSink``: hands what is played to ``MicProcessor.far_end``."""

    def __init__(self, processor: MicProcessor) -> None:
        self._processor = processor
        self._convert = MonoConverter(RATE)

    def __call__(self, frame: av.AudioFrame) -> None:
        self._processor.far_end(self._convert(frame))
