"""How a call sounds, in the figures a support engineer asks for.

"The customer broke up" is the most common complaint an IT admin hears from
a contact center. Loss, jitter and round-trip time of each call, both as we
received it and as the far end reports receiving ours (RTCP), tell a bad
network from a bad headset. They come from aiortc's RTCP statistics
(``getStats``) plus our own receive path's figures: packets that arrived
too late to play and audio concealed by the playout buffer. ``mos`` rates
it all on one scale (the E-model, ``emodel.py``), for a quality indicator
and the call history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from softphone.media.emodel import estimate_mos
from softphone.media.playout import PlayoutStats

PACKETIZATION_MS = 20.0
"""The sender's frame: audio waits this long before it is sent (part of the one-way delay)."""


@dataclass(frozen=True, slots=True)
class CallQuality:
    codec: str | None
    packets_sent: int
    packets_received: int
    packets_lost: int
    """Packets the far end sent that never reached us (RTP sequence gaps)."""
    loss_percent: float
    jitter_ms: float
    """Interarrival jitter of what we receive (RFC 3550 §6.4.1)."""
    late_packets: int
    """Packets that did arrive, but after we had to play on without them."""
    far_end_loss_percent: float | None
    """Of what we sent, as the far end's RTCP reports; None before its first report."""
    round_trip_ms: float | None
    """From RTCP; None before the far end's first report on our stream."""
    concealed_ms: float = 0.0
    """Audio the playout buffer invented for what was lost or late (what the agent heard)."""
    playout_delay_ms: float = 0.0
    """Mean delay of the playout buffer (our share of the one-way delay)."""
    mos: float = 4.41
    """Estimated MOS (E-model, G.107) from the concealed share and the one-way delay."""

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


def quality_from_stats(
    stats: Iterable[Any],
    *,
    codec: str | None,
    clock_rate: int,
    late_packets: int = 0,
    playout: PlayoutStats | None = None,
) -> CallQuality:
    """Read aiortc's stats objects (of one audio call) into a ``CallQuality``.

    aiortc reports jitter in RTP timestamp units, so ``clock_rate`` (the
    codec's) turns it into milliseconds. With the call's ``playout`` buffer
    statistics, late packets, concealment and delay are what the agent heard:
    the MOS then counts concealed audio as lost; without, the network's loss.
    """
    sent = received = lost = 0
    jitter_units = 0
    far_loss: float | None = None
    rtt: float | None = None
    for item in stats:
        kind = getattr(item, "type", None)
        if kind == "outbound-rtp":
            sent += int(item.packetsSent)
        elif kind == "inbound-rtp":
            received += int(item.packetsReceived)
            lost += max(0, int(item.packetsLost))
            jitter_units = max(jitter_units, int(item.jitter))
        elif kind == "remote-inbound-rtp":
            total = int(item.packetsReceived) + max(0, int(item.packetsLost))
            far_loss = 100.0 * max(0, int(item.packetsLost)) / total if total else 0.0
            if item.roundTripTime is not None:
                rtt = float(item.roundTripTime) * 1000.0
    expected = received + lost
    loss_percent = 100.0 * lost / expected if expected else 0.0
    concealed_ms = delay_ms = 0.0
    if playout is not None:
        late_packets += playout.late  # given up by the reorder buffer + too late to play
        concealed_ms = playout.concealed_ms
        delay_ms = playout.mean_latency_ms
        if playout.pulled:
            loss_percent = max(loss_percent, 100.0 * playout.concealed / playout.pulled)
    one_way = (rtt or 0.0) / 2 + delay_ms + PACKETIZATION_MS
    return CallQuality(
        codec=codec,
        packets_sent=sent,
        packets_received=received,
        packets_lost=lost,
        loss_percent=round(100.0 * lost / expected, 2) if expected else 0.0,
        jitter_ms=round(1000.0 * jitter_units / clock_rate, 2) if clock_rate else 0.0,
        late_packets=late_packets,
        far_end_loss_percent=None if far_loss is None else round(far_loss, 2),
        round_trip_ms=None if rtt is None else round(rtt, 2),
        concealed_ms=round(concealed_ms, 1),
        playout_delay_ms=round(delay_ms, 1),
        mos=estimate_mos(loss_percent, one_way, codec),
    )
