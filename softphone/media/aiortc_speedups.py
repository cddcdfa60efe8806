"""Cheaper ways for aiortc to do per-frame work, swapped in by ``install()``.

A callee's CPU during a call is what an agent's PC pays all day, and
``bench/answer_latency.py`` holds us to half of Chromium's. Two things in
aiortc cost more than a phone call needs:

* the RFC 6465 audio level of every outgoing frame is a Python loop over
  each sample (~80 µs a frame, 50 frames a second); the numpy version below
  gives the identical integer in a few µs;
* Opus is encoded as 96 kbit/s *stereo* (with a stereo resampling step) for
  what is one voice; we encode mono at 32 kbit/s with the VoIP profile, as
  Chromium does for a call. RFC 7587 lets a sender send mono in an
  ``opus/48000/2`` stream at any time; every decoder plays it. Likewise we
  decode to mono: a phone plays one voice, and every sink converts to mono
  anyway.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
from collections.abc import Callable
from typing import Any

import aiortc.codecs
import aiortc.rtcrtpreceiver
import aiortc.rtcrtpsender
import aiortc.rtp
import numpy as np
from aiortc.codecs.base import Decoder, Encoder
from aiortc.codecs.opus import OpusDecoder, OpusEncoder
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from av import AudioFrame, AudioResampler, FFmpegError

logger = logging.getLogger(__name__)

VOICE_OPUS_BITRATE = 32000

_MAX_SAMPLE = 32767
_MIN_LEVEL = -127
_original = aiortc.rtp.compute_audio_level_dbov


def compute_audio_level_dbov(frame: AudioFrame) -> int:
    """Same result as aiortc's: over the bytes of plane 0, per frame sample."""
    samples = np.frombuffer(bytes(frame.planes[0]), dtype=np.int16).astype(np.int64)
    energy = int(np.dot(samples, samples))
    rms = math.sqrt(energy / (frame.samples * _MAX_SAMPLE * _MAX_SAMPLE))
    db = min(max(20 * math.log10(rms), _MIN_LEVEL), 0) if rms > 0 else _MIN_LEVEL
    return round(db)


class VoiceOpusEncoder(OpusEncoder):
    """aiortc's Opus encoder, set up for one voice: mono, 32 kbit/s, VoIP."""

    def __init__(self) -> None:
        super().__init__()
        self.codec.layout = "mono"
        self.codec.bit_rate = VOICE_OPUS_BITRATE
        self.resampler = AudioResampler(format="s16", layout="mono", rate=48000, frame_size=960)


class VoiceOpusDecoder(OpusDecoder):
    """aiortc's Opus decoder with mono output (one voice)."""

    def __init__(self) -> None:
        super().__init__()
        self.codec.layout = "mono"


def get_decoder(codec: RTCRtpCodecParameters) -> Decoder:
    if codec.mimeType.lower() == "audio/opus":
        return VoiceOpusDecoder()
    decoder: Decoder = aiortc.codecs.get_decoder(codec)
    return decoder


def get_encoder(codec: RTCRtpCodecParameters) -> Encoder:
    if codec.mimeType.lower() == "audio/opus":
        return VoiceOpusEncoder()
    encoder: Encoder = aiortc.codecs.get_encoder(codec)
    return encoder


def install() -> None:
    """Use the cheaper versions (idempotent). aiortc looks both names up on
    its modules each time, so replacing the module attributes is enough."""
    aiortc.rtp.compute_audio_level_dbov = compute_audio_level_dbov
    aiortc.rtcrtpsender.get_encoder = get_encoder  # type: ignore[attr-defined]
    aiortc.rtcrtpreceiver.get_decoder = get_decoder  # type: ignore[attr-defined]


def original_compute_audio_level_dbov(frame: AudioFrame) -> int:
    result: int = _original(frame)
    return result


# -- codec work on the event loop ---------------------------------------------------
#
# aiortc encodes each outgoing frame in the default executor and decodes each
# incoming one in a thread of its own, handing results back through
# ``call_soon_threadsafe``. For 20 ms of Opus or G.711 (tens of µs of C) that
# costs more than the codec: four thread switches and two extra event-loop
# wake-ups every 20 ms, which is most of a callee's CPU in a call. Video
# would need the threads; a phone has none, so both hops are taken out.

_SENDER_LOOP = "_RTCRtpSender__loop"
_DECODER_QUEUE = "_RTCRtpReceiver__decoder_queue"
_DECODER_ERROR = "_RTCRtpReceiver__decoder_error"


class InlineExecutorLoop:
    """The sender's view of the event loop, where ``run_in_executor`` runs the
    call at once and returns a finished future (awaiting it does not yield)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def run_in_executor(self, executor: Any, func: Callable[..., Any], *args: Any) -> Any:
        future = self._loop.create_future()
        try:
            future.set_result(func(*args))
        except Exception as exc:  # handed to the awaiting sender, as the executor would
            future.set_exception(exc)
        return future

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loop, name)


class InlineDecoderQueue:
    """Stands in for the receiver's decoder queue: ``put`` decodes on the
    caller's thread (the event loop) and hands frames straight to the
    track. aiortc's decoder thread still starts, blocks in ``get`` and only
    wakes at the end to tell the track that it has ended, as before."""

    def __init__(self, receiver: Any) -> None:
        self._receiver = receiver
        self._closed = threading.Event()
        self._decoder: Decoder | None = None
        self._codec_name: str | None = None

    def put(self, task: tuple[RTCRtpCodecParameters, Any] | None) -> None:
        if task is None:
            self._closed.set()
            return
        codec, encoded_frame = task
        if self._decoder is None or codec.name != self._codec_name:
            self._decoder = get_decoder(codec)
            self._codec_name = codec.name
        try:
            frames = self._decoder.decode(encoded_frame)
        except FFmpegError as exc:
            # as aiortc does: keep the decoder's state, flag the error
            logger.warning("failed to decode a %s frame: %s", codec.name, exc)
            getattr(self._receiver, _DECODER_ERROR).set()
            return
        queue: asyncio.Queue[Any] = self._receiver._track._queue
        for frame in frames:
            queue.put_nowait(frame)

    def get(self) -> None:
        """aiortc's decoder thread: nothing to do until the receiver stops."""
        self._closed.wait()


def inline_codec_work(sender: Any, receiver: Any) -> bool:
    """Encode and decode on the event loop for this sender and receiver.

    Must run before either starts (right after the transceiver exists). If
    aiortc's private attributes have moved, leaves both on aiortc's threads
    and says so; returns whether the change was made.
    """
    if not (hasattr(sender, _SENDER_LOOP) and hasattr(receiver, _DECODER_QUEUE)):
        logger.warning("aiortc's sender or receiver has changed; codecs stay on threads")
        return False
    setattr(sender, _SENDER_LOOP, InlineExecutorLoop(getattr(sender, _SENDER_LOOP)))
    setattr(receiver, _DECODER_QUEUE, InlineDecoderQueue(receiver))
    return True
