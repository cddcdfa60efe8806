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

import math

import aiortc.codecs
import aiortc.rtcrtpreceiver
import aiortc.rtcrtpsender
import aiortc.rtp
import numpy as np
from aiortc.codecs.base import Decoder, Encoder
from aiortc.codecs.opus import OpusDecoder, OpusEncoder
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from av import AudioFrame, AudioResampler

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
        self.resampler = AudioResampler(
            format="s16", layout="mono", rate=48000, frame_size=960
        )


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
