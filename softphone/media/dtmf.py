"""RFC 4733 telephone-event: DTMF digits as RTP events, both directions.

aiortc neither negotiates ``telephone-event`` nor sends it, and its receiver
drops payload types it cannot decode. This module fills those gaps without
forking aiortc:

* ``register_telephone_event`` adds ``telephone-event/48000`` and ``/8000``
  to aiortc's codec table so they appear in offers and answers (the clock
  rate must match the audio codec's: /48000 goes with Opus, /8000 with G.711).
* ``Rfc4733Sender`` is the rewriter on the plain-text side of the RTP send
  path (``aiortc_adapter.send``) and, while a digit is playing, rewrites our outgoing audio
  packets into event packets. The events therefore use the audio stream's
  own SSRC, sequence numbers and timestamp clock, exactly as RFC 4733
  section 2.1 asks and as Chrome does (it also replaces audio during an
  event). aiortc keeps its sequence counter in a local variable of the send
  loop, so rewriting its packets is the only way to stay in that sequence
  space without re-implementing the loop.
* ``DtmfDetector`` turns received event packets into digits, once per event
  (an event is identified by its RTP timestamp; continuation and the three
  redundant end packets repeat it).
"""

from __future__ import annotations

import collections
import logging
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.rtp import is_rtcp

from softphone.media.aiortc_adapter import add_audio_codecs
from softphone.sip.dtmf_info import DTMF_ALPHABET

logger = logging.getLogger(__name__)

TELEPHONE_EVENT = "telephone-event"
_TE_PAYLOAD_TYPES = {48000: 110, 8000: 126}  # the numbers Chrome offers
# Both mean events 0-15 (RFC 4733 section 2.4.1: no fmtp defaults to 0-15). They
# differ only because aiortc's codec-preference filter matches entries by MIME
# type and parameters, not clock rate: identical parameters would make it pick
# the same telephone-event entry twice and drop the other.
_TE_PARAMETERS: dict[int, dict[str, str | int | None]] = {48000: {}, 8000: {"0-15": None}}
EVENT_DIGITS = DTMF_ALPHABET  # RFC 4733 section 3.2: events 0-15
DEFAULT_VOLUME = 10  # -10 dBm0, what Chrome and most phones send
END_PACKETS = 3  # RFC 4733 section 2.5.1.4: the end packet is sent three times
MIN_DURATION_MS = 40
MAX_DURATION_MS = 1000  # keeps the 16-bit duration field valid at 48 kHz (1.36 s)
MIN_GAP_MS = 30


def register_telephone_event() -> bool:
    """Make aiortc offer and accept telephone-event (idempotent, process-wide).

    It only adds rows to aiortc's codec table: sessions that do not want
    DTMF leave them out with codec preferences. False when that table is
    out of reach (the phone then sends DTMF as SIP INFO).
    """
    return add_audio_codecs(
        RTCRtpCodecParameters(
            mimeType=f"audio/{TELEPHONE_EVENT}",
            clockRate=rate,
            channels=1,
            payloadType=payload_type,
            parameters=_TE_PARAMETERS[rate],
        )
        for rate, payload_type in _TE_PAYLOAD_TYPES.items()
    )


def is_telephone_event(codec: Any) -> bool:
    """True for a telephone-event codec entry (aiortc parameters or capability)."""
    return str(codec.mimeType).lower() == f"audio/{TELEPHONE_EVENT}"


@dataclass(frozen=True)
class DtmfEvent:
    """One RFC 4733 event payload (section 2.3)."""

    event: int
    end: bool
    volume: int
    duration: int

    def pack(self) -> bytes:
        return struct.pack(
            "!BBH", self.event, (0x80 if self.end else 0) | (self.volume & 0x3F), self.duration
        )

    @classmethod
    def parse(cls, payload: bytes) -> DtmfEvent:
        """ValueError for a payload shorter than the 4-byte event block."""
        if len(payload) < 4:
            raise ValueError(f"telephone-event payload has {len(payload)} bytes, needs 4")
        event, flags, duration = struct.unpack("!BBH", payload[:4])
        return cls(event=event, end=bool(flags & 0x80), volume=flags & 0x3F, duration=duration)

    @property
    def digit(self) -> str | None:
        return EVENT_DIGITS[self.event] if self.event < len(EVENT_DIGITS) else None


def digit_event(digit: str) -> int:
    """Event code of a DTMF key; ValueError for anything else."""
    index = EVENT_DIGITS.find(digit.upper()) if len(digit) == 1 else -1
    if index < 0:
        raise ValueError(f"not a DTMF digit: {digit!r} (expected one of {EVENT_DIGITS})")
    return index


def validate_digits(digits: str) -> str:
    """Upper-cased digits; ValueError naming the first bad one. ',' is a 2-s pause."""
    for digit in digits:
        if digit != ",":
            digit_event(digit)
    return digits.upper()


# --- sending ---------------------------------------------------------------


@dataclass
class _Pending:
    event: int | None  # None: a pause (',')
    duration_ms: int
    gap_ms: int


def _header_length(data: bytes) -> int:
    """Length of the RTP fixed header, CSRCs and header extension (RFC 3550 5.1/5.3.1)."""
    csrc_count = data[0] & 0x0F
    length = 12 + 4 * csrc_count
    if data[0] & 0x10:
        if len(data) < length + 4:
            raise ValueError("truncated RTP header extension")
        (words,) = struct.unpack_from("!H", data, length + 2)
        length += 4 + 4 * words
    if len(data) < length:
        raise ValueError("truncated RTP header")
    return length


class Rfc4733Sender:
    """Plays queued digits by rewriting the audio stream's packets into events.

    ``rewrite`` goes on the call's send path (``Attachment.set_send_rewriter``);
    it touches only RTP packets with our SSRC and the audio payload type, and
    passes everything else (RTCP, other streams) through untouched.
    """

    def __init__(
        self, ssrc: int, audio_payload_type: int, event_payload_type: int, clock_rate: int
    ) -> None:
        self.ssrc = ssrc
        self.audio_payload_type = audio_payload_type
        self.event_payload_type = event_payload_type
        self.clock_rate = clock_rate
        self._queue: collections.deque[_Pending] = collections.deque()
        self._current: _Pending | None = None
        self._event_ts = 0
        self._sent_end = 0
        self._final_duration = 0
        self._resume_at: int | None = None  # audio timestamp before which no event starts
        self._last_ts: int | None = None
        self._frame = clock_rate // 50  # samples per packet; refined from the stream

    # -- queue ---------------------------------------------------------------

    def insert(self, digits: str, duration_ms: int = 100, gap_ms: int = 70) -> None:
        """Queue digits; ',' pauses 2 s (as in WebRTC's insertDTMF)."""
        digits = validate_digits(digits)
        duration_ms = min(max(duration_ms, MIN_DURATION_MS), MAX_DURATION_MS)
        gap_ms = max(gap_ms, MIN_GAP_MS)
        for digit in digits:
            if digit == ",":
                self._queue.append(_Pending(None, 2000, 0))
            else:
                self._queue.append(_Pending(digit_event(digit), duration_ms, gap_ms))

    @property
    def busy(self) -> bool:
        """True while digits are queued or playing (including the trailing gap)."""
        return bool(self._queue) or self._current is not None

    def clear(self) -> None:
        """Drop queued digits; a digit already playing finishes with its end packets."""
        self._queue.clear()

    # -- the rewriting itself (pure, tested directly) --------------------------------

    def rewrite(self, data: bytes) -> bytes:
        """The packet to send in place of ``data`` (``data`` itself when no event plays)."""
        if len(data) < 12 or is_rtcp(data) or data[0] >> 6 != 2:
            return data
        payload_type = data[1] & 0x7F
        ssrc = struct.unpack_from("!I", data, 8)[0]
        if ssrc != self.ssrc or payload_type != self.audio_payload_type:
            return data
        timestamp = struct.unpack_from("!I", data, 4)[0]
        if self._last_ts is not None:
            step = (timestamp - self._last_ts) & 0xFFFFFFFF
            if 0 < step <= self.clock_rate // 10:
                self._frame = step
        self._last_ts = timestamp

        if self._current is None:
            if self._resume_at is not None and _ts_before(timestamp, self._resume_at):
                return data
            self._resume_at = None
            if not self._queue:
                return data
            self._current = self._queue.popleft()
            self._event_ts = timestamp
            self._sent_end = 0
            if self._current.event is None:  # a pause: keep sending audio
                self._resume_at = _ts_add(timestamp, self._ms(self._current.duration_ms))
                self._current = None
                return data
            first = True
        else:
            first = False

        current = self._current
        assert current.event is not None
        elapsed = ((timestamp - self._event_ts) & 0xFFFFFFFF) + self._frame
        target = self._ms(current.duration_ms)
        if self._sent_end == 0 and elapsed < target:
            event = DtmfEvent(current.event, False, DEFAULT_VOLUME, min(elapsed, 0xFFFF))
        else:
            if self._sent_end == 0:
                self._final_duration = min(elapsed, 0xFFFF)
            event = DtmfEvent(current.event, True, DEFAULT_VOLUME, self._final_duration)
            self._sent_end += 1
            if self._sent_end >= END_PACKETS:
                self._current = None
                self._resume_at = _ts_add(timestamp, self._frame + self._ms(current.gap_ms))
        header = bytearray(data[: _header_length(data)])
        header[0] &= ~0x20  # no padding: the new payload is exactly 4 bytes
        header[1] = (0x80 if first else 0) | self.event_payload_type
        struct.pack_into("!I", header, 4, self._event_ts)
        return bytes(header) + event.pack()

    def _ms(self, ms: int) -> int:
        return ms * self.clock_rate // 1000


def _ts_add(timestamp: int, delta: int) -> int:
    return (timestamp + delta) & 0xFFFFFFFF


def _ts_before(a: int, b: int) -> bool:
    """RTP timestamp ``a`` is earlier than ``b`` (modulo 2**32)."""
    return a != b and ((b - a) & 0xFFFFFFFF) < 0x80000000


# --- receiving -------------------------------------------------------------


@dataclass(frozen=True)
class ReceivedDigit:
    digit: str
    ssrc: int
    timestamp: int


class DtmfDetector:
    """Reports each received event once, at its first packet.

    Reporting at the start (not at the end packet) gives the lowest delay; an
    event whose first packets were lost is reported at whichever packet of it
    arrives first, end packets included.
    """

    def __init__(self, on_digit: Callable[[ReceivedDigit], None]) -> None:
        self._on_digit = on_digit
        self._seen: collections.deque[tuple[int, int]] = collections.deque(maxlen=16)

    def handle(self, ssrc: int, timestamp: int, payload: bytes) -> None:
        try:
            event = DtmfEvent.parse(payload)
        except ValueError as exc:
            logger.debug("ignoring telephone-event packet: %s", exc)
            return
        key = (ssrc, timestamp)
        if key in self._seen:
            return
        self._seen.append(key)
        if event.digit is not None:
            self._on_digit(ReceivedDigit(event.digit, ssrc, timestamp))
