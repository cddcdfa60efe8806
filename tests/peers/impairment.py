"""A user-space UDP relay that impairs RTP: loss, bursty loss, jitter, a delay step.

This kernel has no netem (see ../shared/design/test-peers.md), so a
network that drops and delays packets is a relay in the media path. It sits
between two endpoints that each believe the other is at the relay's port
(``rewrite_candidates`` puts that port into the SDP each side receives):
a datagram from one endpoint is sent on to the other. Only RTP in the
``impaired`` direction is touched; STUN, DTLS and RTCP pass at once, so
ICE and the handshake behave as on a clean network.

Decisions are drawn per RTP packet from a generator seeded with ``seed``,
in packet order: two receivers of the same stream (the phone, Chromium)
see the same pattern of losses and delays.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass

Address = tuple[str, int]


@dataclass(frozen=True)
class Impairment:
    """What the network does to RTP in one direction.

    ``loss`` is the share of packets lost at random. ``burst`` > 1 makes the
    loss bursty (Gilbert–Elliott: every packet in the bad state is lost,
    bursts last ``burst`` packets on average, the long-run share is
    ``loss``). ``jitter_ms``: each packet is held a uniform 0..jitter_ms
    (so they can overtake each other, as on Wi-Fi). ``step_ms`` added to
    every packet from ``step_at_s`` seconds after the first one on.
    """

    loss: float = 0.0
    burst: float = 1.0
    jitter_ms: float = 0.0
    step_ms: float = 0.0
    step_at_s: float = 0.0
    seed: int = 1

    @property
    def clean(self) -> bool:
        return not (self.loss or self.jitter_ms or self.step_ms)


class _Pattern:
    """The per-packet decisions: (lost, extra delay in seconds)."""

    def __init__(self, impairment: Impairment) -> None:
        self.impairment = impairment
        self._rng = random.Random(impairment.seed)
        self._bad = False
        self._first: float | None = None
        i = impairment
        self._leave_bad = 1.0 / i.burst if i.burst > 1 else 1.0
        self._enter_bad = i.loss * self._leave_bad / (1 - i.loss) if i.loss < 1 else 1.0

    def next(self, now: float) -> tuple[bool, float]:
        i = self.impairment
        draw_loss, draw_delay = self._rng.random(), self._rng.random()
        if i.burst > 1:
            self._bad = draw_loss < (1 - self._leave_bad if self._bad else self._enter_bad)
            lost = self._bad
        else:
            lost = draw_loss < i.loss
        if self._first is None:
            self._first = now
        delay = draw_delay * i.jitter_ms / 1000
        if i.step_ms and now - self._first >= i.step_at_s:
            delay += i.step_ms / 1000
        return lost, delay


def is_rtp(data: bytes) -> bool:
    """RTP, not RTCP (RFC 5761 payload types 72–76 are RTCP), STUN or DTLS (RFC 7983)."""
    return len(data) >= 12 and 128 <= data[0] <= 191 and not 72 <= data[1] & 0x7F <= 76


class ImpairmentRelay(asyncio.DatagramProtocol):
    """One UDP port standing in for both endpoints; impairs RTP from ``a`` to ``b``."""

    def __init__(self, impairment: Impairment) -> None:
        self.impairment = impairment
        self._pattern = _Pattern(impairment)
        self.a: Address | None = None
        self.b: Address | None = None
        self.port = 0
        self.forwarded = 0
        self.rtp_in = 0
        """RTP packets that came in on the impaired direction."""
        self.dropped = 0
        self._transport: asyncio.DatagramTransport | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> int:
        loop = asyncio.get_running_loop()
        self._loop = loop
        transport, _ = await loop.create_datagram_endpoint(
            lambda: self, local_addr=("127.0.0.1", 0)
        )
        self._transport = transport
        self.port = transport.get_extra_info("sockname")[1]
        return self.port

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    def datagram_received(self, data: bytes, addr: Address) -> None:  # type: ignore[override]
        if addr == self.a and self.b is not None:
            if is_rtp(data) and not self.impairment.clean:
                self._impaired(data, self.b)
            else:
                self._send(data, self.b)
        elif addr == self.b and self.a is not None:
            self._send(data, self.a)

    def _impaired(self, data: bytes, to: Address) -> None:
        self.rtp_in += 1
        lost, delay = self._pattern.next(time.monotonic())
        if lost:
            self.dropped += 1
        elif delay <= 0 or self._loop is None:
            self._send(data, to)
        else:
            self._loop.call_later(delay, self._send, data, to)

    def _send(self, data: bytes, to: Address) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self.forwarded += 1
            self._transport.sendto(data, to)


_CANDIDATE = re.compile(
    r"^a=candidate:\S+ (?P<c>\d+) (?:udp|UDP) \d+ (?P<ip>\S+) (?P<port>\d+) typ host"
)


def rewrite_candidates(sdp: str, relay_port: int) -> tuple[str, Address]:
    """``sdp`` with its one loopback UDP host candidate moved to the relay; and where it was.

    Every other candidate is dropped, so the far end can reach this side
    only through the relay.
    """
    lines = sdp.splitlines()
    kept: list[str] = []
    found: Address | None = None
    for line in lines:
        match = _CANDIDATE.match(line)
        if line.startswith("a=candidate:"):
            if match and found is None and match["ip"] == "127.0.0.1" and match["c"] == "1":
                found = (match["ip"], int(match["port"]))
                kept.append(line.replace(f" {match['port']} typ host", f" {relay_port} typ host"))
            continue
        if line.startswith("m=audio ") and found is None:
            parts = line.split(" ")
            parts[1] = str(relay_port)
            line = " ".join(parts)
        kept.append(line)
    if found is None:
        raise ValueError("no 127.0.0.1 UDP host candidate in the SDP (is loopback_ice on?)")
    return "\r\n".join(kept) + "\r\n", found
