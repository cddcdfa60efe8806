"""The call-quality bar: the phone's RTCP figures as a level and a MOS estimate.

The MOS is the ITU-T G.107 E-model reduced to what we measure (one-way delay
from the round trip, loss, jitter folded into delay) for G.711 — an estimate
to tell a good line from a bad one, not a measurement.
"""

from __future__ import annotations

from softphone.core.agent_snapshot import CallQualityView, QualityLevel
from softphone.core.phone_events import CallQuality


def estimate_mos(loss_percent: float, jitter_ms: float, round_trip_ms: float | None) -> float:
    delay = (round_trip_ms or 0.0) / 2 + 2 * jitter_ms + 10.0
    r = 93.2 - (0.024 * delay + (0.11 * (delay - 177.3) if delay > 177.3 else 0.0))
    r -= 95.0 * loss_percent / (loss_percent + 4.3)  # G.711 with packet-loss concealment
    r = max(0.0, min(100.0, r))
    return round(1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r), 2)


def quality_view(quality: CallQuality) -> CallQualityView:
    loss = max(quality.loss_percent, quality.far_end_loss_percent or 0.0)
    mos = estimate_mos(loss, quality.jitter_ms, quality.round_trip_ms)
    if quality.packets_received == 0:
        level = QualityLevel.UNKNOWN
    elif mos >= 4.0:
        level = QualityLevel.GOOD
    elif mos >= 3.4:
        level = QualityLevel.FAIR
    else:
        level = QualityLevel.POOR
    return CallQualityView(
        level, round(loss, 2), round(quality.jitter_ms, 1), quality.round_trip_ms, mos
    )


def quality_summary(quality: CallQuality | None) -> str | None:
    """One line for the call history ("loss 0.4 %, jitter 3 ms, MOS 4.3")."""
    if quality is None:
        return None
    view = quality_view(quality)
    rtt = f", RTT {view.round_trip_ms:.0f} ms" if view.round_trip_ms is not None else ""
    codec = f"{quality.codec}: " if quality.codec else ""
    return f"{codec}loss {view.loss_percent} %, jitter {view.jitter_ms} ms{rtt}, MOS {view.mos}"
