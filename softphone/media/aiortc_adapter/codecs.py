"""Cheaper per-frame work for aiortc, and the one door into its codec table.

A callee's CPU during a call is what an agent's PC pays all day, and
``bench/answer_latency.py`` holds us to half of Chromium's. Two things in
aiortc cost more than a phone call needs:

* the RFC 6465 audio level of every outgoing frame is a Python loop over
  each sample (~80 µs a frame, 50 frames a second); the numpy version below
  gives the identical integer in a few µs;
* Opus is encoded as 96 kbit/s *stereo* (with a stereo resampling step) for
  what is one voice; we encode mono with the settings of ``OpusConfig``
  (56 kbit/s VoIP by default, chosen by ``bench/opus_settings.py``: the
  32 kbit/s Chromium uses cost 0.3–0.4 PESQ points). RFC 7587 lets a sender send mono in an
  ``opus/48000/2`` stream at any time; every decoder plays it. Likewise we
  decode to mono: a phone plays one voice, and every sink converts to mono
  anyway;
* lost Opus packets: PyAV decodes what arrives and nothing else. Our Opus
  decoder goes to libopus itself (``opus_native``, the copy in PyAV's wheel)
  when it loads, and makes the frames the receive tap marked as lost before
  it decodes the packet after them: from that packet's in-band FEC, else
  libopus's PLC (``opus_receive``). Costs ~+20 µs a frame over PyAV's
  decode (``bench/opus_loss.py``); without the library, PyAV decodes as before.

aiortc looks ``compute_audio_level_dbov``, ``get_encoder`` and
``get_decoder`` up on its modules at each use, so replacing the module
attributes (``install_codecs``) is enough.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Iterator

import aiortc.codecs
import aiortc.rtcrtpreceiver
import aiortc.rtcrtpsender
import aiortc.rtp
import numpy as np
from aiortc.codecs.base import Decoder, Encoder
from aiortc.codecs.opus import SAMPLE_RATE, TIME_BASE, OpusDecoder, OpusEncoder
from aiortc.jitterbuffer import JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from av import AudioFrame, AudioResampler
from av.frame import Frame

from softphone.media.aiortc_adapter.support import (
    AUDIO_LEVEL,
    CODEC_TABLE,
    VOICE_CODECS,
    process_support,
)
from softphone.media.config import OpusConfig
from softphone.media.opus_native import libopus, native_decoder
from softphone.media.opus_receive import OpusStreamDecoder, Piece, Source

_MAX_SAMPLE = 32767
_MIN_LEVEL = -127
_original_level = getattr(aiortc.rtp, "compute_audio_level_dbov", None)
_stock_get_decoder = aiortc.codecs.get_decoder
_stock_get_encoder = aiortc.codecs.get_encoder


def compute_audio_level_dbov(frame: AudioFrame) -> int:
    """Same result as aiortc's: over the bytes of plane 0, per frame sample."""
    samples = np.frombuffer(bytes(frame.planes[0]), dtype=np.int16).astype(np.int64)
    energy = int(np.dot(samples, samples))
    rms = math.sqrt(energy / (frame.samples * _MAX_SAMPLE * _MAX_SAMPLE))
    db = min(max(20 * math.log10(rms), _MIN_LEVEL), 0) if rms > 0 else _MIN_LEVEL
    return round(db)


def original_compute_audio_level_dbov(frame: AudioFrame) -> int:
    """aiortc's own audio level (tests compare ours with it)."""
    assert _original_level is not None
    result: int = _original_level(frame)
    return result


_opus_config = OpusConfig()


def configure_opus(config: OpusConfig) -> None:
    """The Opus settings for encoders made from now on (process-wide, as aiortc's lookup is)."""
    global _opus_config
    _opus_config = config


class VoiceOpusEncoder(OpusEncoder):
    """aiortc's Opus encoder, set up for one voice: mono, with ``OpusConfig``'s options."""

    def __init__(self, config: OpusConfig | None = None) -> None:
        super().__init__()
        self.config = config or _opus_config
        self.codec.layout = "mono"
        self.codec.bit_rate = self.config.bitrate
        self.codec.options = self.config.encoder_options()
        self.resampler = AudioResampler(format="s16", layout="mono", rate=48000, frame_size=960)


class VoiceOpusDecoder(OpusDecoder):
    """aiortc's Opus decoder with mono output (one voice), through libopus itself when it loads.

    With libopus (``opus_native``), packets are decoded by it and the frames
    the reorder stage gave up are made before the next packet's — FEC from
    that packet's LBRR data, else libopus's PLC (``opus_receive``) — each
    an ``AudioFrame`` at its own timestamp, marked in ``opaque``
    (``opus_receive.source_of``). Without it (``native=False`` or no library), PyAV decodes
    as before and lost frames stay holes for the playout buffer to conceal.
    """

    def __init__(self, native: bool = True) -> None:
        super().__init__()
        self.codec.layout = "mono"
        decoder = native_decoder(SAMPLE_RATE, 1) if native else None
        self.stream = OpusStreamDecoder(decoder) if decoder is not None else None

    def decode(self, encoded_frame: JitterFrame) -> list[Frame]:
        if self.stream is None:
            return super().decode(encoded_frame)
        lost = getattr(encoded_frame, "lost_before", 0)
        pieces = self.stream.decode(encoded_frame.data, encoded_frame.timestamp, lost)
        return [_audio_frame(piece) for piece in pieces]


def _audio_frame(piece: Piece) -> AudioFrame:
    frame = AudioFrame(format="s16", layout="mono", samples=piece.pcm.size)
    frame.planes[0].update(piece.pcm.tobytes())
    frame.sample_rate = SAMPLE_RATE
    frame.pts = piece.timestamp
    frame.time_base = TIME_BASE
    if piece.source is not Source.DECODED:
        frame.opaque = piece  # one object per frame: see ``opus_receive.source_of``
    return frame


def get_decoder(codec: RTCRtpCodecParameters) -> Decoder:
    """Our decoder for ``codec``: mono Opus when the installed aiortc allows it."""
    if codec.mimeType.lower() == "audio/opus" and process_support().has(VOICE_CODECS):
        return VoiceOpusDecoder()
    decoder: Decoder = _stock_get_decoder(codec)
    return decoder


def get_encoder(codec: RTCRtpCodecParameters) -> Encoder:
    if codec.mimeType.lower() == "audio/opus" and process_support().has(VOICE_CODECS):
        return VoiceOpusEncoder()
    encoder: Encoder = _stock_get_encoder(codec)
    return encoder


@contextlib.contextmanager
def stock_codecs() -> Iterator[None]:
    """While active, aiortc's own level and codecs are in place (benchmarks' reference).

    Process-wide: only for a benchmark that runs one stock call at a time.
    """
    names = (
        (aiortc.rtp, "compute_audio_level_dbov", _original_level),
        (aiortc.rtcrtpsender, "get_encoder", _stock_get_encoder),
        (aiortc.rtcrtpreceiver, "get_decoder", _stock_get_decoder),
    )
    saved = [(module, name, getattr(module, name, None)) for module, name, _ in names]
    for module, name, stock in names:
        if stock is not None and hasattr(module, name):
            setattr(module, name, stock)
    try:
        yield
    finally:
        for module, name, value in saved:
            if value is not None:
                setattr(module, name, value)


def install_codecs() -> None:
    """Swap in the cheaper level and codecs (idempotent; each only where aiortc still fits)."""
    support = process_support()
    if support.has(AUDIO_LEVEL):
        aiortc.rtp.compute_audio_level_dbov = compute_audio_level_dbov
    if support.has(VOICE_CODECS):
        aiortc.rtcrtpsender.get_encoder = get_encoder  # type: ignore[attr-defined]
        aiortc.rtcrtpreceiver.get_decoder = get_decoder  # type: ignore[attr-defined]
        if libopus() is not None:
            ask_for_opus_fec()


def ask_for_opus_fec() -> bool:
    """Put ``useinbandfec=1`` on our Opus in every SDP (RFC 7587 §6.1): we decode FEC.

    A far end such as Chromium turns its encoder's in-band FEC on only for a
    receiver that says so; without libopus (no FEC decoding) we do not ask,
    as the far end would spend bits we throw away. False when the codec
    table has moved (nothing changed).
    """
    if not process_support().has(CODEC_TABLE):
        return False
    for row in aiortc.codecs.CODECS["audio"]:
        if row.mimeType.lower() == "audio/opus":
            row.parameters["useinbandfec"] = 1
    return True


def add_audio_codecs(rows: Iterable[RTCRtpCodecParameters]) -> bool:
    """Add payload formats to aiortc's codec table (idempotent, process-wide).

    aiortc builds every SDP from the module-level ``CODECS`` table, so this
    is the one place it can learn a new payload format. Rows equal to one
    already there are skipped. False when the table has moved (nothing added).
    """
    if not process_support().has(CODEC_TABLE):
        return False
    audio: list[RTCRtpCodecParameters] = aiortc.codecs.CODECS["audio"]
    for row in rows:
        if not any(_same_format(row, c) for c in audio):
            audio.append(row)
    return True


def _same_format(a: RTCRtpCodecParameters, b: RTCRtpCodecParameters) -> bool:
    return a.mimeType.lower() == b.mimeType.lower() and a.clockRate == b.clockRate
