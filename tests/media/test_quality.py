"""Call quality figures from aiortc's RTCP statistics."""

from __future__ import annotations

import datetime

import pytest
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


def test_what_the_agent_heard_counts_concealment_and_the_playout_delay() -> None:
    from softphone.media.playout import PlayoutStats

    playout = PlayoutStats(
        sample_rate=48000,
        fill=0,
        max_fill=4800,
        mean_fill=1920.0,  # 40 ms
        pushed=0,
        pulled=48000 * 10,
        underruns=2,
        concealed=48000 * 10 * 3 // 100,  # 3 % of 10 s
        lost=0,
        late=4,
        dropped=0,
        inserted=0,
        removed=0,
        target=1920,
    )
    clean = quality_from_stats([], codec="PCMA/8000", clock_rate=8000)
    heard = quality_from_stats([], codec="PCMA/8000", clock_rate=8000, playout=playout)
    assert clean.mos == pytest.approx(4.41, abs=0.01) and clean.concealed_ms == 0
    assert heard.concealed_ms == 300.0 and heard.late_packets == 4
    assert heard.playout_delay_ms == 40.0
    assert 3.5 < heard.mos < clean.mos  # 3 % concealed: R ≈ 83
    assert heard.as_dict()["mos"] == heard.mos
