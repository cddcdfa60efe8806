"""The send tap: our changes to the RTP packets aiortc sends, before SRTP.

aiortc keeps its sequence counter in a local variable of the send loop, so
the only way to change what goes out without re-implementing that loop is
to rewrite the plain-text packets on their way into the DTLS transport
(``RTCDtlsTransport._send_rtp``, which also carries RTCP). Two rewrites
happen there, in this order:

* ``TalkspurtMarker``: aiortc sets the RTP marker bit on the last packet of
  every encoded frame — for audio, every packet. RFC 3551 §4.1 marks only
  the first packet of a talkspurt, and a PBX jitter buffer that re-anchors
  its clock on every marked packet (Asterisk does) then plays out by
  arrival instead of by timestamp. We mark the first packet of the stream,
  and the first after ``arm()`` (the session arms it on unmute, unhold and
  when sending resumes after a renegotiation).
* an optional ``rewriter`` (the RFC 4733 DTMF sender), which replaces audio
  packets by event packets while a digit plays and marks each event's first
  packet itself.
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Awaitable, Callable
from typing import Any

from aiortc.rtp import is_rtcp

logger = logging.getLogger(__name__)

_MARKER = 0x80


class TalkspurtMarker:
    """Marks our stream's first packet after each ``arm()``; clears the marker on the rest."""

    def __init__(self, ssrc: int) -> None:
        self._ssrc = struct.pack("!I", ssrc)
        self._armed = True  # the first packet of the stream starts a talkspurt
        self.marked = 0
        self.packets = 0

    def arm(self) -> None:
        """The next packet we send starts a talkspurt."""
        self._armed = True

    def rewrite(self, data: bytes) -> bytes:
        if len(data) < 12 or data[0] >> 6 != 2 or is_rtcp(data) or data[8:12] != self._ssrc:
            return data
        self.packets += 1
        mark, self._armed = self._armed, False
        if mark:
            self.marked += 1
        if bool(data[1] & _MARKER) == mark:
            return data
        header = bytearray(data[:2])
        header[1] = (header[1] & ~_MARKER) | (_MARKER if mark else 0)
        return bytes(header) + data[2:]


class SendPath:
    """Wraps one DTLS transport's ``_send_rtp`` with the marker and the optional rewriter."""

    def __init__(self, transport: Any, ssrc: int) -> None:
        self.ssrc = ssrc
        self.marker = TalkspurtMarker(ssrc)
        self.rewriter: Callable[[bytes], bytes] | None = None
        self._transport = transport
        self._original: Callable[[bytes], Awaitable[None]] = transport._send_rtp
        transport._send_rtp = self._send_rtp

    async def _send_rtp(self, data: bytes) -> None:
        data = self.marker.rewrite(data)
        if self.rewriter is not None:
            try:
                data = self.rewriter(data)
            except ValueError as exc:  # a malformed packet of ours: send it as it is
                logger.warning("cannot rewrite an outgoing RTP packet: %s", exc)
        await self._original(data)
