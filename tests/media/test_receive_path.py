"""The receive path against a jittery, lossy network, heard by content.

Each test replays a tone, sent in 20 ms frames, through the playout buffer
with the network of ``playout_sim`` (jitter, loss, a network that calms
down), and checks what the sound card played: no silent 10 ms where a
packet was lost, no audio thrown away at 40 ms of jitter, no click where
the delay was moved. The buffer before the adaptive one fails all of them
(holes, 64–85 underruns a call, a 40 ms cap).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import numpy.typing as npt

from softphone.media import tones
from softphone.media.playout import PlayoutBuffer, PlayoutConfig
from softphone.media.playout_sim import Scenario, SimClock, SimResult, simulate, tone_source

RATE = 48000
FRAME = 960
TONE = 440.0
TONE_RMS = 8000 / np.sqrt(2)
MAX_STEP = 600
"""A 440 Hz sine at amplitude 8000 moves at most ~461 per sample; a click jumps further."""


def run(scenario: Scenario) -> tuple[PlayoutBuffer, SimResult]:
    clock = SimClock()
    buffer = PlayoutBuffer(PlayoutConfig(sample_rate=RATE), clock=clock)
    result = simulate(buffer, scenario, clock, source=tone_source(TONE, RATE), keep_output=True)
    return buffer, result


def rms_per_10ms(pcm: npt.NDArray[np.int16]) -> npt.NDArray[np.float64]:
    blocks = pcm[: pcm.size // 480 * 480].astype(np.float64).reshape(-1, 480)
    return np.asarray(np.sqrt((blocks**2).mean(axis=1)))


def max_step(pcm: npt.NDArray[np.int16]) -> int:
    return int(np.max(np.abs(np.diff(pcm.astype(np.int32)))))


def test_lost_packets_are_concealed_not_silent_holes() -> None:
    buffer, result = run(Scenario(duration_s=30, jitter_ms=2, loss_percent=5, seed=3))
    stats = buffer.stats()
    heard = result.output[RATE // 10 :]
    levels = rms_per_10ms(heard)
    assert levels.min() > 0.35 * TONE_RMS  # every 10 ms has the tone, none is a hole
    assert stats.lost >= 0.03 * 30 * RATE  # the scenario really lost ~5 % of the audio
    assert abs(tones.dominant_frequency(heard, RATE) - TONE) < 2
    assert max_step(heard) < 2 * MAX_STEP  # concealment starts and ends without a click
    assert stats.concealed == stats.lost  # nothing concealed but the lost audio
    assert stats.mean_latency_ms < 25  # and the delay did not grow for it


def test_40_ms_of_jitter_plays_continuously_without_discarding() -> None:
    buffer, result = run(Scenario(duration_s=60, jitter_ms=40, seed=5))
    stats = buffer.stats()
    heard = result.output[RATE:]
    assert stats.dropped == 0 and stats.late == 0
    assert stats.underruns <= 3  # only while the buffer learns the jitter
    assert rms_per_10ms(heard[2 * RATE :]).min() > 0.9 * TONE_RMS  # after learning: continuous
    assert stats.concealed_ms < 100
    assert 40 <= stats.target_ms <= 60  # room for the jitter, not more
    assert stats.max_latency_ms < 80


def test_delay_shrinks_back_once_the_jitter_stops() -> None:
    buffer, result = run(Scenario(duration_s=60, jitter_ms=40, calm_after_s=25, seed=7))
    stats = buffer.stats()
    jittery = result.mean_latency_over(10, 25)
    calm = result.mean_latency_over(50, 60)
    assert jittery > 25
    assert calm < 25  # back near a clean network's 20 ms
    assert stats.target_ms <= 15
    assert stats.removed > 0 and stats.dropped == 0


CLICK_SCENARIO = Scenario(duration_s=40, jitter_ms=40, calm_after_s=20, drift_ppm=1000, seed=11)
"""The card runs fast (periods put in) and the jitter stops half-way (periods taken out)."""


def test_time_scale_changes_do_not_click() -> None:
    # the delay grows (expand) and shrinks (accelerate) in this run
    _, result = run(CLICK_SCENARIO)
    heard = result.output[RATE // 10 :]
    assert max_step(heard) < MAX_STEP
    assert abs(tones.dominant_frequency(heard[RATE * 25 : RATE * 27], RATE) - TONE) < 2


def test_time_scale_changes_happened_in_the_click_test() -> None:
    """The click test is a real test: both directions of time-scaling ran in it."""
    buffer, _ = run(CLICK_SCENARIO)
    stats = buffer.stats()
    assert stats.inserted > 0 and stats.removed > 0


def test_late_frames_are_counted_and_never_played_out_of_order() -> None:
    clock = SimClock()
    buffer = PlayoutBuffer(PlayoutConfig(target_ms=10), clock=clock)

    def frame(k: int) -> npt.NDArray[np.int16]:
        return np.full(FRAME, 1000 * (k + 1), dtype=np.int16)

    buffer.push(frame(0), timestamp=0)
    buffer.push(frame(2), timestamp=2 * FRAME)  # frame 1 is missing: lost (or late)
    played = [buffer.pull(240) for _ in range(12)]  # 60 ms: frame 1's time has passed
    buffer.push(frame(1), timestamp=FRAME)  # arrives after its time: late
    buffer.push(frame(3), timestamp=3 * FRAME)
    played += [buffer.pull(240) for _ in range(8)]
    out = np.concatenate(played)
    stats = buffer.stats()
    assert stats.late == 1
    assert not (out == 2000).any()  # the late frame was not played
    # what was played of real frames is in order: 1000s, then 3000s, then 4000s
    real = out[np.isin(out, [1000, 3000, 4000])]
    assert (np.diff(real.astype(np.int32)) >= 0).all()
    assert (real == 4000).any()


def test_a_frame_held_up_behind_a_later_one_is_still_played_in_its_place() -> None:
    """Reordering within the delay: the buffer sorts by timestamp."""
    clock = SimClock()
    buffer = PlayoutBuffer(PlayoutConfig(target_ms=30), clock=clock)
    played = []

    def pull_for(ms: int) -> None:
        for _ in range(ms // 5):
            played.append(buffer.pull(240))
            clock.now += 0.005

    buffer.push(np.full(FRAME, 1000, dtype=np.int16), timestamp=0)
    pull_for(20)
    buffer.push(np.full(FRAME, 3000, dtype=np.int16), timestamp=2 * FRAME)
    buffer.push(np.full(FRAME, 2000, dtype=np.int16), timestamp=FRAME)
    pull_for(80)
    out = np.concatenate(played)
    real = out[np.isin(out, [1000, 2000, 3000])]
    assert (np.diff(real.astype(np.int32)) >= 0).all()  # in order: 1000s, 2000s, 3000s
    assert (real == 2000).sum() >= FRAME - 240 and (real == 3000).sum() >= FRAME - 240
    stats = buffer.stats()
    assert stats.late == 0 and stats.lost == 0  # nothing was given up


def test_a_frame_later_than_the_one_after_it_still_plays_if_it_comes_in_its_own_time() -> None:
    """G.711 arrives in arrival order: a frame reordered behind the next one by more
    than the delay is waited for through its own 20 ms (concealed meanwhile), not
    given up the moment the next one is there."""
    clock = SimClock()
    buffer = PlayoutBuffer(PlayoutConfig(target_ms=10), clock=clock)
    played = []

    def pull_until(t: float) -> None:
        while clock.now < t - 1e-9:
            played.append(buffer.pull(240))
            clock.now += 0.005

    buffer.push(np.full(FRAME, 1000, dtype=np.int16), timestamp=0)
    pull_until(0.025)
    buffer.push(np.full(FRAME, 3000, dtype=np.int16), timestamp=2 * FRAME)  # overtook frame 1
    pull_until(0.035)  # frame 1's time has begun: concealed
    buffer.push(np.full(FRAME, 2000, dtype=np.int16), timestamp=FRAME)
    pull_until(0.120)
    out = np.concatenate(played)
    stats = buffer.stats()
    assert stats.late == 0 and stats.lost == 0  # nothing was given up ...
    assert (out == 2000).sum() >= FRAME  # ... the late frame played whole,
    starts = [int(np.argmax(out == value)) for value in (1000, 2000, 3000)]
    assert starts[0] < starts[1] < starts[2]  # in order,
    assert (out == 3000).sum() >= FRAME - 240  # and so did the one after it


def test_a_lost_frame_costs_its_own_length_of_concealment_and_no_delay() -> None:
    clock = SimClock()
    buffer = PlayoutBuffer(PlayoutConfig(target_ms=10), clock=clock)
    played = []
    for k in range(12):
        if k != 5:
            buffer.push(np.full(FRAME, 1000 * (k + 1), dtype=np.int16), timestamp=k * FRAME)
        for _ in range(4):
            played.append(buffer.pull(240))
            clock.now += 0.005
    out = np.concatenate(played)
    stats = buffer.stats()
    assert stats.lost == FRAME and stats.concealed == FRAME and stats.underruns == 0
    # the frames after it play where they would have: the delay did not grow
    assert int(np.argmax(out == 8000)) - int(np.argmax(out == 5000)) == 3 * FRAME


def test_clean_network_keeps_the_delay_low() -> None:
    buffer, result = run(Scenario(duration_s=20, jitter_ms=2))
    stats = buffer.stats()
    assert stats.concealed == 0 and stats.underruns == 0
    assert result.mean_latency_over(2, 20) <= 20.5  # 10 ms slack + half a frame
    assert stats.target_ms <= 10


def test_after_a_pause_the_stream_resumes_with_the_delay_it_had_learnt() -> None:
    """A far end with silence suppression: each talkspurt must not start from scratch."""
    clock = SimClock()
    buffer = PlayoutBuffer(PlayoutConfig(sample_rate=RATE), clock=clock)
    result = simulate(
        buffer,
        Scenario(duration_s=20, jitter_ms=40, seed=13),
        clock,
        source=tone_source(TONE, RATE),
    )
    learnt = buffer.stats().target_ms
    assert learnt >= 40 and result.underruns <= 3
    # 1 s of silence from the far end, then the stream goes on (same timing)
    for _ in range(200):
        buffer.pull(240)
        clock.now += 0.005
    assert buffer.stats().target_ms == learnt
    start = round(clock.now * RATE) // FRAME * FRAME
    buffer.push(np.full(FRAME, 1000, dtype=np.int16), timestamp=start)
    assert buffer.fill >= 0.8 * learnt * RATE / 1000  # primed to the learnt delay, not 10 ms


def _vowel(seconds: float, rate: int) -> npt.NDArray[np.float64]:
    """A steady voiced sound: 140 Hz and its harmonics up to 2.8 kHz (G.711's band)."""
    n = np.arange(round(seconds * rate)) / rate
    return np.asarray(sum(1500 * np.sin(2 * np.pi * 140 * k * n + k) / k for k in range(1, 21)))


def test_reordered_and_lost_g711_frames_play_as_the_original_with_the_loss_concealed() -> None:
    """G.711 frames reach the buffer as they arrive: swapped pairs, one lost (20 ms at 8 kHz).

    What the card plays is the original — the reordered frames undamaged —
    and in the lost frame's slot a concealment that follows the original's
    waveform. (FFmpeg's streaming resampler, fed out of order, garbled every
    swapped frame.)
    """
    import av

    from softphone.media.heard import FrameFeeder

    source = np.round(_vowel(1.2, 8000)).astype(np.int16)
    frames = source.size // 160
    arrivals = {k: k * 0.02 + 0.001 for k in range(frames)}
    for k in range(4, frames - 1, 6):  # frame k arrives after frame k + 1
        arrivals[k] = arrivals[k + 1] + 0.002
    lost = 31
    del arrivals[lost]
    clock = SimClock()
    buffer = PlayoutBuffer(PlayoutConfig(sample_rate=RATE, target_ms=30), clock=clock)
    feed = FrameFeeder()
    order = sorted(arrivals, key=arrivals.__getitem__)
    played = []
    for step in range(frames * 4 + 40):
        clock.now = step * 0.005
        while order and arrivals[order[0]] <= clock.now:
            k = order.pop(0)
            frame = av.AudioFrame.from_ndarray(
                source[k * 160 : (k + 1) * 160].reshape(1, -1), format="s16", layout="mono"
            )
            frame.sample_rate, frame.pts = 8000, k * 160
            frame.time_base = Fraction(1, 8000)
            feed(buffer, frame)
        played.append(buffer.pull(240))
    out = np.concatenate(played).astype(np.float64)
    original = _vowel(1.2, RATE)  # the same sound, computed at the card's rate
    lag = int(np.argmax(np.correlate(out[: 2 * RATE // 5], original[: RATE // 5], "valid")))
    expected = np.zeros(out.size)
    expected[lag : lag + original.size] = original[: out.size - lag]
    stats = buffer.stats()
    assert stats.late == 0 and stats.lost >= 900
    slot = slice(lag + lost * FRAME, lag + (lost + 1) * FRAME)
    outside = np.ones(out.size, dtype=bool)
    outside[: lag + RATE // 10] = False  # the start
    outside[lag + (lost - 1) * FRAME : lag + (lost + 2) * FRAME] = False
    outside[lag + frames * FRAME - RATE // 10 :] = False  # the end
    error = out[outside] - expected[outside]
    assert np.sqrt(np.mean(error**2)) < 0.05 * np.sqrt(np.mean(expected[outside] ** 2))
    concealed, missing = out[slot], expected[slot]
    first_half = slice(0, FRAME // 2)
    correlation = np.corrcoef(concealed[first_half], missing[first_half])[0, 1]
    assert correlation > 0.8  # the voice goes on as it was, not a hole or a buzz
    assert 0.5 < np.sqrt(np.mean(concealed**2)) / np.sqrt(np.mean(missing**2)) < 1.2
