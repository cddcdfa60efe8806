"""The playout buffer keeps latency bounded and audio whole against a drifting card.

What it does against a jittery and lossy network: ``test_receive_path.py``.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from softphone.media import tones
from softphone.media.playout import PlayoutBuffer, PlayoutConfig
from softphone.media.playout_sim import NaiveFifo, Scenario, SimClock, simulate, tone_source

RATE = 48000
FRAME = 960


def run(scenario: Scenario, *, tone: float | None = None) -> tuple[PlayoutBuffer, object]:
    clock = SimClock()
    buffer = PlayoutBuffer(PlayoutConfig(sample_rate=RATE), clock=clock)
    source = tone_source(tone, RATE) if tone else None
    result = simulate(buffer, scenario, clock, source=source, keep_output=tone is not None)
    return buffer, result


@pytest.mark.parametrize("drift_ppm", [-1000, -100, 0, 100, 1000])
def test_five_minutes_of_drift_stay_within_40_ms_without_glitches(drift_ppm: float) -> None:
    buffer, result = run(Scenario(drift_ppm=drift_ppm, duration_s=300, jitter_ms=2))
    stats = buffer.stats()
    assert stats.max_latency_ms <= 40.0
    # no creeping latency: the last minute sounds like the first
    assert abs(result.mean_latency_over(240, 300) - result.mean_latency_over(0, 60)) < 5.0
    assert stats.underruns == 0
    assert stats.dropped == 0
    # drift was absorbed by stretching/squeezing about drift x duration samples, not more
    corrected = stats.inserted + stats.removed
    assert corrected <= abs(drift_ppm) / 1e6 * RATE * 300 * 1.5 + 2 * RATE / 100


def test_naive_fifo_reference_does_grow_under_the_same_drift() -> None:
    """The scenario is a real test: a FIFO without correction gains ~0.3 s in 5 min."""
    result = simulate(NaiveFifo(FRAME), Scenario(drift_ppm=-1000, duration_s=300, jitter_ms=2))
    assert result.mean_latency_over(240, 300) - result.mean_latency_over(0, 60) > 200


@pytest.mark.parametrize("drift_ppm", [-1000, 1000])
def test_network_stalls_cost_a_concealment_each_and_the_delay_comes_back(drift_ppm: float) -> None:
    scenario = Scenario(
        drift_ppm=drift_ppm, duration_s=120, jitter_ms=2, stall_ms=60, stall_every_s=5
    )
    buffer, result = run(scenario)
    stats = buffer.stats()
    stalls = 120 // 5
    # a stall's backlog is played, not thrown away: the delay grows, then shrinks back
    assert stats.dropped == 0 and stats.late == 0
    assert stats.max_latency_ms <= 60 + 40.0
    # (the delay covers the stalls once learnt; it does not creep up)
    assert result.mean_latency_over(100, 120) < result.mean_latency_over(0, 20) + 5.0
    assert stats.underruns <= stalls  # one concealment per stall at most
    assert stats.concealed <= stalls * RATE * 0.07


def test_stretched_tone_keeps_its_pitch_and_has_no_clicks() -> None:
    _, result = run(Scenario(drift_ppm=1000, duration_s=30, jitter_ms=2), tone=440)
    played = result.output[RATE:]  # after the first second
    assert abs(tones.dominant_frequency(played[: RATE * 2], RATE) - 440) < 2
    # a 440 Hz sine at amplitude 8000 moves at most ~461 per sample; a drop,
    # a repeat or a gap would show as a much larger jump
    assert int(np.max(np.abs(np.diff(played.astype(np.int32))))) < 600


def test_first_audio_plays_after_only_the_target_slack() -> None:
    buffer = PlayoutBuffer(PlayoutConfig(target_ms=10))
    assert not buffer.pull(240).any()  # nothing yet: silence, not an underrun
    buffer.push(np.full(FRAME, 1000, dtype=np.int16))
    out = np.concatenate([buffer.pull(240) for _ in range(2)])
    assert not out[:480].any() and buffer.stats().underruns == 0
    assert (buffer.pull(240) == 1000).all()


def test_underrun_is_concealed_then_fades_to_silence_and_is_counted_once() -> None:
    buffer = PlayoutBuffer(PlayoutConfig(target_ms=0))
    buffer.push(np.full(FRAME, 10000, dtype=np.int16))
    buffer.pull(FRAME - 100)
    out = np.concatenate([buffer.pull(480) for _ in range(8)])  # 80 ms, 78 of them missing
    assert (out[:100] == 10000).all()
    assert (out[100:580] > 9000).all()  # the first 10 ms go on at full level
    assert 0 < out[1540] < out[1060] < 10000  # then fade ...
    assert not out[100 + 2880 :].any()  # ... to silence by 60 ms
    stats = buffer.stats()
    assert stats.underruns == 1
    assert stats.concealed == 8 * 480 - 100


def test_burst_beyond_the_cap_drops_oldest_audio() -> None:
    buffer = PlayoutBuffer(PlayoutConfig(max_ms=40, target_ms=0, max_target_ms=20))
    for value in range(1, 4):  # 60 ms at once into a 40 ms buffer
        buffer.push(np.full(FRAME, value, dtype=np.int16))
    assert buffer.fill == 1920
    assert buffer.stats().dropped == FRAME
    assert (buffer.pull(FRAME) == 2).all()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.booleans(), st.integers(min_value=0, max_value=4000)),
        min_size=1,
        max_size=60,
    )
)
def test_any_sequence_of_pushes_and_pulls_respects_the_cap(ops: list[tuple[bool, int]]) -> None:
    buffer = PlayoutBuffer()
    cap = buffer.config.samples(buffer.config.max_ms)
    for is_push, size in ops:
        if is_push:
            buffer.push(np.ones(size, dtype=np.int16))
        else:
            assert buffer.pull(size).size == size
        assert 0 <= buffer.fill <= cap


def test_push_and_pull_from_two_threads_stay_consistent() -> None:
    buffer = PlayoutBuffer()
    cap = buffer.config.samples(buffer.config.max_ms)
    stop = threading.Event()
    errors: list[BaseException] = []

    def card() -> None:
        try:
            while not stop.is_set():
                assert buffer.pull(240).size == 240
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    thread = threading.Thread(target=card)
    thread.start()
    try:
        for _ in range(3000):
            buffer.push(np.ones(FRAME, dtype=np.int16))
            assert buffer.fill <= cap
    finally:
        stop.set()
        thread.join()
    assert not errors
    stats = buffer.stats()
    assert stats.pushed == 3000 * FRAME


def test_reset_forgets_audio_and_counters() -> None:
    buffer = PlayoutBuffer()
    buffer.push(np.ones(FRAME, dtype=np.int16))
    buffer.pull(100)
    buffer.reset()
    assert buffer.fill == 0 and buffer.stats().pushed == 0
    assert not buffer.pull(240).any()


@pytest.mark.parametrize(
    "kwargs",
    [{"sample_rate": 0}, {"target_ms": 250}, {"window_s": 0}, {"quantile": 0.2}],
)
def test_bad_configuration_is_refused_with_a_reason(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must"):
        PlayoutConfig(**kwargs)  # type: ignore[arg-type]
