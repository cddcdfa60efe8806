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

The APM works on 10 ms blocks at 48 kHz; a 20 ms frame is two of them. If
the library cannot be loaded the microphone goes out unprocessed, with one
warning (the call must not fail for it).
"""

from __future__ import annotations

import functools
import logging
import math
from typing import Any

import av
import numpy as np
import numpy.typing as npt

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


def _load_apm(config: MicProcessingConfig) -> Any | None:
    if not (config.noise_suppression or config.echo_cancellation or config.high_pass):
        return None
    try:
        from livekit import rtc
    except Exception as exc:  # missing wheel, a broken native library
        logger.warning("microphone processing is off: livekit cannot be loaded (%s)", exc)
        return None
    apm = rtc.AudioProcessingModule(
        echo_cancellation=config.echo_cancellation,
        noise_suppression=config.noise_suppression,
        high_pass_filter=config.high_pass,
        auto_gain_control=False,
    )
    if config.echo_cancellation:
        apm.set_stream_delay_ms(ECHO_DELAY_MS)
    return apm


class MicProcessor:
    """One call's microphone processing: ``process`` each captured 48 kHz mono frame.

    ``far_end`` takes what the speaker plays, for the echo canceller; a
    ``FarEndTap`` makes a speaker-side ``FrameSink`` of it.
    """

    def __init__(self, config: MicProcessingConfig) -> None:
        self.config = config
        self._apm = _load_apm(config)
        self._frame_type: Any = None
        if self._apm is not None:
            from livekit import rtc

            self._frame_type = rtc.AudioFrame
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
            if self._apm is not None:
                block = self._run(self._apm.process_stream, block)
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
            self._run(self._apm.process_reverse_stream, pending[i : i + BLOCK])
        self._far_pending = pending[usable:].copy()

    def _run(self, step: Any, block: Pcm) -> Pcm:
        frame = self._frame_type(bytearray(block.tobytes()), RATE, 1, BLOCK)
        step(frame)
        return np.frombuffer(frame.data, dtype=np.int16)


class FarEndTap:
    """A speaker-side ``FrameSink``: hands what is played to ``MicProcessor.far_end``."""

    def __init__(self, processor: MicProcessor) -> None:
        self._processor = processor
        self._convert = MonoConverter(RATE)

    def __call__(self, frame: av.AudioFrame) -> None:
        self._processor.far_end(self._convert(frame))
