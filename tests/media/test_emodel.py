"""The E-model (ITU-T G.107) against values known from the recommendation and G.113."""

from __future__ import annotations

import pytest

from softphone.media.emodel import (
    G711_NO_PLC,
    G711_PLC,
    delay_impairment,
    effective_equipment_impairment,
    estimate_mos,
    mos_from_r,
    r_factor,
)


def test_g711_without_loss_and_with_little_delay_rates_93_and_mos_4_4() -> None:
    r = r_factor(0.0, 20.0, G711_PLC)
    assert r == pytest.approx(93.2)
    assert mos_from_r(r) == pytest.approx(4.41, abs=0.01)
    assert estimate_mos(0.0, 20.0, "PCMA/8000") == pytest.approx(4.41, abs=0.01)


@pytest.mark.parametrize(
    ("r", "mos"), [(0, 1.0), (50, 2.58), (60, 3.1), (70, 3.6), (80, 4.03), (90, 4.34), (100, 4.5)]
)
def test_r_to_mos_follows_g107_annex_b(r: float, mos: float) -> None:
    assert mos_from_r(r) == pytest.approx(mos, abs=0.01)


@pytest.mark.parametrize(("delay_ms", "idd"), [(50, 0.0), (100, 0.0), (200, 3.04), (400, 24.07)])
def test_absolute_delay_costs_nothing_up_to_100_ms_then_grows(delay_ms: float, idd: float) -> None:
    assert delay_impairment(delay_ms) == pytest.approx(idd, abs=0.01)


def test_loss_hurts_far_less_with_concealment() -> None:
    # G.113 App. I: Bpl 25.1 with G.711 App. I PLC, 4.3 without; Ppl 2 % random
    assert effective_equipment_impairment(G711_PLC, 2.0) == pytest.approx(7.01, abs=0.01)
    assert effective_equipment_impairment(G711_NO_PLC, 2.0) == pytest.approx(30.16, abs=0.01)
    assert estimate_mos(5.0, 20.0, "PCMA/8000") < estimate_mos(1.0, 20.0, "PCMA/8000")


def test_bursty_loss_rates_worse_than_random() -> None:
    assert r_factor(5.0, 20.0, G711_PLC, burst_ratio=2.0) < r_factor(5.0, 20.0, G711_PLC)
