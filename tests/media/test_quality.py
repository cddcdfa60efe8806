"""Call quality figures from aiortc's RTCP statistics."""

from __future__ import annotations

import datetime

from aiortc.stats import (
    RTCInboundRtpStreamStats,
    RTCOutboundRtpStreamStats,
    RTCRemoteInboundRtpStreamStats,
)

from softphone.media.quality import quality_from_stats

NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def common(kind: str) -> dict[str, object]:
    return {
        "timestamp": NOW,
        "type": kind,
        "id": kind,
        "ssrc": 1,
        "kind": "audio",
        "transportId": "t",
    }


def test_loss_jitter_and_round_trip_in_the_units_people_read() -> None:
    stats = [
        RTCOutboundRtpStreamStats(
            **common("outbound-rtp"), packetsSent=500, bytesSent=1, trackId="x"
        ),
        RTCInboundRtpStreamStats(
            **common("inbound-rtp"), packetsReceived=490, packetsLost=10, jitter=160
        ),
        RTCRemoteInboundRtpStreamStats(
            **common("remote-inbound-rtp"),
            packetsReceived=495,
            packetsLost=5,
            jitter=8,
            roundTripTime=0.0425,
            fractionLost=0,
        ),
    ]
    q = quality_from_stats(stats, codec="PCMA/8000", clock_rate=8000, late_packets=3)
    assert (q.packets_sent, q.packets_received, q.packets_lost) == (500, 490, 10)
    assert q.loss_percent == 2.0  # 10 of the 500 the far end sent
    assert q.jitter_ms == 20.0  # 160 timestamp units at 8 kHz
    assert q.far_end_loss_percent == 1.0 and q.round_trip_ms == 42.5
    assert q.late_packets == 3
    assert q.as_dict()["codec"] == "PCMA/8000"


def test_before_any_rtcp_the_far_end_figures_are_unknown() -> None:
    q = quality_from_stats([], codec=None, clock_rate=0)
    assert (q.packets_received, q.loss_percent, q.jitter_ms) == (0, 0.0, 0.0)
    assert q.far_end_loss_percent is None and q.round_trip_ms is None
