"""An estimated MOS for a call from its loss and delay: the E-model, ITU-T G.107 (simplified).

Why: an agent (and the call history) needs one figure that says "this call
sounded bad", and a supervisor needs it to mean the same as the figures
network vendors quote. The E-model is the standard planning model behind
them: a transmission rating R from 0 to 100, less an impairment for delay
(Id) and one for the codec and its packet loss (Ie,eff), mapped onto the
1–4.5 MOS scale.

Simplified as is usual for VoIP monitoring (as RFC 3611's VoIP metrics
reports do): every parameter not measured by a phone keeps its G.107
default, so Ro − Is = 93.2; of the delay impairment only Idd (absolute
delay) is computed — with the default echo loss the talker-echo terms are
small for a four-wire VoIP path; the advantage factor A is 0.

Ie and Bpl per codec are from ITU-T G.113 Appendix I where it lists them
(G.711: Ie 0, Bpl 4.3 without concealment, 25.1 with the Appendix I
concealment). Opus is not in G.113's narrowband table; its values here
are an estimate for narrowband-equivalent rating (an Opus call rates at
least as well as G.711 with concealment), marked as such.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

R_DEFAULT = 93.2
"""Ro − Is with every G.107 parameter at its default: the best narrowband R."""


@dataclass(frozen=True)
class CodecImpairment:
    """A codec's equipment impairment ``ie`` and packet-loss robustness ``bpl`` (G.113)."""

    ie: float
    bpl: float


G711_PLC = CodecImpairment(ie=0.0, bpl=25.1)
"""G.711 with G.711 Appendix I concealment (G.113 Appendix I)."""
G711_NO_PLC = CodecImpairment(ie=0.0, bpl=4.3)
"""G.711 playing lost packets as silence (G.113 Appendix I)."""
OPUS = CodecImpairment(ie=0.0, bpl=25.1)
"""Estimate, not from G.113: Opus with its own concealment, no worse than G.711 with PLC."""

_CODECS = {"PCMA": G711_PLC, "PCMU": G711_PLC, "opus": OPUS}


def codec_impairment(codec: str | None) -> CodecImpairment:
    """The values for a codec named like ``"PCMA/8000"``; G.711 with PLC when unknown."""
    name = (codec or "").split("/")[0]
    for key, value in _CODECS.items():
        if key.lower() == name.lower():
            return value
    return G711_PLC


def delay_impairment(one_way_ms: float) -> float:
    """Idd of G.107 §7.3.4: nothing up to 100 ms of absolute delay, then growing."""
    if one_way_ms <= 100.0:
        return 0.0
    x = math.log10(one_way_ms / 100.0) / math.log10(2.0)
    return float(25.0 * ((1 + x**6) ** (1 / 6) - 3 * (1 + (x / 3) ** 6) ** (1 / 6) + 2))


def effective_equipment_impairment(
    codec: CodecImpairment, loss_percent: float, burst_ratio: float = 1.0
) -> float:
    """Ie,eff of G.107 §7.6: the codec's impairment grown by random (or bursty) loss."""
    ppl = max(0.0, loss_percent)
    return codec.ie + (95.0 - codec.ie) * ppl / (ppl / burst_ratio + codec.bpl)


def r_factor(
    loss_percent: float,
    one_way_ms: float,
    codec: CodecImpairment = G711_PLC,
    burst_ratio: float = 1.0,
) -> float:
    """R = Ro − Is − Id − Ie,eff + A with the defaults above."""
    return (
        R_DEFAULT
        - delay_impairment(one_way_ms)
        - effective_equipment_impairment(codec, loss_percent, burst_ratio)
    )


def mos_from_r(r: float) -> float:
    """G.107 Annex B: the estimated conversational MOS for a rating R."""
    if r <= 0:
        return 1.0
    if r >= 100:
        return 4.5
    return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6


def estimate_mos(
    loss_percent: float, one_way_ms: float, codec: str | None, burst_ratio: float = 1.0
) -> float:
    """The MOS a call with this loss (after concealment counts it) and delay rates, 2 decimals."""
    r = r_factor(loss_percent, one_way_ms, codec_impairment(codec), burst_ratio)
    return round(mos_from_r(r), 2)
