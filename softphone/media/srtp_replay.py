"""SRTP packet indices and replay windows, as libsrtp keeps them (RFC 3711 §3.3.1-3.3.2).

RTP carries only a 16-bit sequence number; the 48-bit packet index adds a
rollover counter (ROC) that each end keeps and that enters the
keystream and the tag. The receiver guesses it from the highest index seen
(Appendix A). libsrtp's guess differs from the RFC's in two places that
matter for interoperating with it: below index 2^15 it never guesses
ROC - 1, and the sender runs the same guess and window on its own
packets (``Session.protect`` of a sequence number far behind is refused).
These mirror libsrtp's ``rdbx.c`` and ``rdb.c`` so that our verdicts are its
verdicts; tests/media/test_srtp_libsrtp.py compares them.
"""

from __future__ import annotations

from enum import Enum

SEQ_MEDIAN = 1 << 15
SEQ_SPACE = 1 << 16
RTCP_WINDOW = 128
"""libsrtp's SRTCP replay window, fixed (``rdb_bits_in_bitmask``)."""
SRTCP_INDEX_MAX = 0x7FFFFFFF


class Replay(Enum):
    """Why a packet index is refused."""

    REPEATED = "replay check failed (bad index)"
    TOO_OLD = "replay check failed (index too old)"


class RtpWindow:
    """The highest RTP packet index seen and which of the ``size`` before it were seen."""

    __slots__ = ("_full", "_seen", "index", "size")

    def __init__(self, size: int) -> None:
        self.size = (size + 31) & ~31  # libsrtp's bit vector rounds up to 32-bit words
        self.index = 0
        self._seen = 0  # bit k: index - k was seen
        self._full = (1 << self.size) - 1

    def estimate(self, seq: int) -> tuple[int, int]:
        """The packet index of ``seq`` and its distance from the highest index so far."""
        index = self.index
        if index <= SEQ_MEDIAN:  # libsrtp: early on, ROC is 0 (never -1)
            return seq, seq - index
        roc, local = index >> 16, index & 0xFFFF
        if local < SEQ_MEDIAN:
            if seq - local > SEQ_MEDIAN:
                return (((roc - 1) & 0xFFFFFFFF) << 16) | seq, seq - local - SEQ_SPACE
        elif local - SEQ_MEDIAN > seq:
            return (((roc + 1) & 0xFFFFFFFF) << 16) | seq, seq - local + SEQ_SPACE
        return (roc << 16) | seq, seq - local

    def check(self, delta: int) -> Replay | None:
        """Whether the index ``delta`` away from the highest may be accepted."""
        if delta > 0:
            return None
        if -delta >= self.size:
            return Replay.TOO_OLD
        if (self._seen >> -delta) & 1:
            return Replay.REPEATED
        return None

    def add(self, delta: int) -> None:
        """Record the index ``delta`` away from the highest (checked first)."""
        if delta > 0:
            self.index += delta & 0xFFFF  # libsrtp advances by a 16-bit delta
            self._seen = ((self._seen << delta) | 1) & self._full
        else:
            self._seen |= 1 << -delta


class RtcpWindow:
    """The SRTCP indices seen: a 128-index window starting at ``start`` (libsrtp's ``rdb``)."""

    __slots__ = ("_seen", "start")

    def __init__(self) -> None:
        self.start = 0
        self._seen = 0  # bit k: start + k was seen

    def check(self, index: int) -> Replay | None:
        if index >= self.start + RTCP_WINDOW:
            return None
        if index < self.start:
            return Replay.TOO_OLD
        if (self._seen >> (index - self.start)) & 1:
            return Replay.REPEATED
        return None

    def add(self, index: int) -> None:
        delta = index - self.start
        if delta < RTCP_WINDOW:
            self._seen |= 1 << delta
            return
        shift = delta - (RTCP_WINDOW - 1)
        self._seen = (self._seen >> shift) | (1 << (RTCP_WINDOW - 1))
        self.start += shift

    def next_to_send(self) -> int | None:
        """The sender's next SRTCP index (libsrtp counts in ``start``: the first is 1)."""
        if self.start >= SRTCP_INDEX_MAX:
            return None
        self.start += 1
        return self.start
