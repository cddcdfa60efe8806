"""One received Opus stream through libopus: lost frames are made by the decoder, in order.

The reorder stage in front of the decoder releases packets in sequence
order and knows how many it gave up just before each one (``lost_before``).
``OpusStreamDecoder`` turns that into audio *before* it decodes the packet
that follows the gap, so the playout buffer gets a continuous signal and
the decoder's state runs through the loss as libopus expects:

* the frame just before the packet comes from the packet's LBRR data when
  the far end sends in-band FEC (``decode_fec``): a lower-rate copy of the
  real audio, not a guess;
* the rest of the gap is libopus's PLC, placed at the timestamps the lost
  packets had (from where the previous packet ended to where this one
  starts).

A gap whose timestamps are far longer than the packets lost (the far end's
DTX, telephone events in place of audio) is filled only for the packets
lost, from where the audio stopped; gaps longer than ``MAX_FILL_S`` are an
outage, not a loss: nothing is made, the playout buffer deals with it as
before. A packet libopus refuses is concealed like a lost one.

Each piece says where it came from (``Source``; on a frame, ``source_of``),
so the playout buffer can count PLC as concealed audio
(``CallQuality.concealed_ms``) and FEC as recovered.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from softphone.media.opus_native import NativeOpusDecoder, OpusError

logger = logging.getLogger(__name__)

Pcm = npt.NDArray[np.int16]

MAX_FILL_S = 0.2
"""Longest stretch made up for lost packets; a longer gap is an outage (the playout
buffer's ``starve_ms`` is the same 200 ms)."""
_DEFAULT_FRAME_S = 0.02


class Source(StrEnum):
    """Where a piece of decoded audio came from."""

    DECODED = "decoded"
    FEC = "fec"  # the lost frame's LBRR copy in the next packet
    PLC = "plc"  # libopus's concealment


@dataclass(frozen=True)
class Piece:
    pcm: Pcm
    """Mono (or interleaved) int16 at the decoder's rate."""
    timestamp: int
    """RTP timestamp (the decoder's rate) of the first sample."""
    source: Source


def source_of(opaque: object) -> Source:
    """Where a decoded ``AudioFrame`` came from, given its ``opaque``.

    The Opus decoder puts the ``Piece`` itself on the frames it made for lost
    packets, a distinct object per frame: PyAV (18.1) keys ``opaque`` by the
    object's ``id`` and forgets it when *any* frame holding that object is
    freed, so one shared marker (an enum member) is lost from every other frame.
    """
    return opaque.source if isinstance(opaque, Piece) else Source.DECODED


@dataclass
class OpusStreamStats:
    """Samples per channel made by each source (for tests and the benchmark)."""

    decoded: int = 0
    fec: int = 0
    plc: int = 0
    fills: int = 0
    """Gaps filled."""
    errors: int = 0
    """Packets libopus refused (concealed instead)."""


@dataclass
class OpusStreamDecoder:
    """Decodes one stream's packets in order, filling the gaps the reorder stage reported."""

    decoder: NativeOpusDecoder
    stats: OpusStreamStats = field(default_factory=OpusStreamStats)
    _next: int | None = field(default=None, init=False)
    _frame: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self._frame = round(_DEFAULT_FRAME_S * self.decoder.rate)

    def decode(self, packet: bytes, timestamp: int, lost_before: int = 0) -> list[Piece]:
        """Pieces to play, in time order, ending with ``packet``'s own audio."""
        pieces = []
        if lost_before > 0:
            try:
                pieces = self._fill(packet, timestamp, lost_before)
            except OpusError as exc:
                logger.debug("libopus could not fill a gap (%s)", exc)
        try:
            pcm = self.decoder.decode(packet)
            source = Source.DECODED
            self.stats.decoded += self._per_channel(pcm)
        except OpusError as exc:
            logger.debug("libopus refused a packet (%s): concealed", exc)
            self.stats.errors += 1
            pcm = self.decoder.conceal(self._frame)
            source = Source.PLC
            self.stats.plc += self._per_channel(pcm)
        pieces.append(Piece(pcm, timestamp, source))
        self._frame = self._per_channel(pcm) or self._frame
        self._next = timestamp + self._frame
        return pieces

    def _per_channel(self, pcm: Pcm) -> int:
        return pcm.size // self.decoder.channels

    def _fill(self, packet: bytes, timestamp: int, lost: int) -> list[Piece]:
        if self._next is None:
            return []  # nothing decoded yet: no state to conceal from
        missing = timestamp - self._next
        step = self.decoder.step
        fill = min(missing, lost * self._frame) // step * step
        if fill <= 0 or fill > round(MAX_FILL_S * self.decoder.rate):
            return []
        self.stats.fills += 1
        pieces = []
        fec = 0
        if fill == missing and self.decoder.has_lbrr(packet):
            fec = min(self.decoder.samples_in(packet), fill)
        if fill > fec:
            plc = self.decoder.conceal(fill - fec)
            self.stats.plc += self._per_channel(plc)
            pieces.append(Piece(plc, self._next, Source.PLC))
        if fec:
            recovered = self.decoder.recover(packet, fec)
            self.stats.fec += self._per_channel(recovered)
            pieces.append(Piece(recovered, timestamp - fec, Source.FEC))
        return pieces
