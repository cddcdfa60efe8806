"""A low-latency receive path for aiortc's audio receiver.

Why: aiortc's audio ``JitterBuffer(capacity=16, prefetch=4)`` releases a
packet only once four later ones have arrived, so every call carries a
fixed 80 ms of extra delay from its first frame to its last. Worse, a lost
packet blocks it until the buffer overflows (16 packets, 320 ms) and it
then keeps that depth for the rest of the call. Real jitter absorption
belongs next to the sound card anyway (the playout buffer paces reading at
the device clock); the network side only has to put packets back in order.

What: ``ReorderBuffer`` hands every in-order packet on at once; after a gap
it waits until ``window`` later packets (or ``max_wait_ms``) have arrived,
then gives the missing one up. A packet arriving after it was given up
widens the window (up to ``max_window``); a long run without such late
packets narrows it again. Nothing waits when the network behaves.

It is attached to aiortc's receiver by ``softphone.media.aiortc_adapter``
(``receive.py``), which also swaps aiortc's jitter buffer for a pass-through.
Only codecs whose decoder carries state from frame to frame (Opus, G.722)
wait here; G.711 goes on as it arrives (``passed``), since its frames can
be decoded and placed by timestamp in any order (``JitterConfig``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_SEQ_MOD = 1 << 16
_RESET_DISTANCE = 1000  # a jump this large is a new stream (restart, SSRC reuse), not reordering
_NARROW_AFTER = 500  # in-order packets (10 s at 20 ms) without a late one before narrowing


def _seq_diff(a: int, b: int) -> int:
    """Signed distance a - b between 16-bit sequence numbers."""
    d = (a - b) % _SEQ_MOD
    return d - _SEQ_MOD if d >= _SEQ_MOD // 2 else d


def packets_missing(previous: int, current: int) -> int:
    """Sequence numbers skipped between two packets released one after the other
    (0 when none, or when the jump is a new stream rather than a loss)."""
    skipped = _seq_diff(current, previous) - 1
    return skipped if 0 < skipped < _RESET_DISTANCE else 0


@dataclass
class ReorderStats:
    released: int = 0
    lost: int = 0  # sequence numbers given up
    late: int = 0  # packets that arrived after being given up (dropped)
    duplicates: int = 0
    resets: int = 0


@dataclass
class ReorderBuffer:
    """Puts packets back in sequence order with as little waiting as possible.

    ``push`` takes anything with ``sequence_number`` and returns the packets
    now ready, in order. Pure logic: the arrival time is passed in.
    """

    window: int = 1
    max_window: int = 4
    max_wait_ms: int = 60
    min_window: int = field(init=False)
    stats: ReorderStats = field(default_factory=ReorderStats)
    _next: int | None = field(default=None, init=False)
    _held: dict[int, tuple[Any, int]] = field(default_factory=dict, init=False)
    _in_order_run: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        if not 0 <= self.window <= self.max_window:
            raise ValueError(f"need 0 <= window ({self.window}) <= max_window ({self.max_window})")
        self.min_window = self.window

    @property
    def depth(self) -> int:
        """Packets currently held back waiting for a gap to fill."""
        return len(self._held)

    def push(self, packet: Any, arrival_ms: int) -> list[Any]:
        seq: int = packet.sequence_number
        if self._next is None:
            self._next = seq
        distance = _seq_diff(seq, self._next)
        if abs(distance) > _RESET_DISTANCE:
            ready = self._flush()
            self.stats.resets += 1
            self._next = seq
            distance = 0
        else:
            ready = []
        if distance < 0:
            self.stats.late += 1
            if self.window < self.max_window:
                self.window += 1
            self._in_order_run = 0
            return ready
        if seq in self._held:
            self.stats.duplicates += 1
            return ready
        self._held[seq] = (packet, arrival_ms)
        ready.extend(self._release())
        if self._held and (
            len(self._held) > self.window
            or arrival_ms - min(t for _, t in self._held.values()) >= self.max_wait_ms
        ):
            self._skip_gap()
            ready.extend(self._release())
        return ready

    def passed(self, packet: Any) -> None:
        """``packet`` went on without waiting (a memoryless codec): expect the one after it.

        Only while nothing is held; keeps the sequence in step for a later
        packet that does come through here (the codec changed mid-call).
        """
        seq: int = packet.sequence_number
        if self._next is None or _seq_diff(seq, self._next) >= 0:
            self._next = (seq + 1) % _SEQ_MOD
        self.stats.released += 1

    def _release(self) -> list[Any]:
        ready = []
        assert self._next is not None
        while self._next in self._held:
            ready.append(self._held.pop(self._next)[0])
            self._next = (self._next + 1) % _SEQ_MOD
            self.stats.released += 1
            self._in_order_run += 1
            if self._in_order_run >= _NARROW_AFTER and self.window > self.min_window:
                self.window -= 1
                self._in_order_run = 0
        return ready

    def _skip_gap(self) -> None:
        assert self._next is not None
        base = self._next
        first = min(self._held, key=lambda s: _seq_diff(s, base))
        self.stats.lost += _seq_diff(first, base)
        self._next = first

    def _flush(self) -> list[Any]:
        if self._next is None:
            return []
        base = self._next
        ordered = sorted(self._held, key=lambda s: _seq_diff(s, base))
        ready = [self._held.pop(s)[0] for s in ordered]
        self.stats.released += len(ready)
        return ready
