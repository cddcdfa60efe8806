"""Ringback and ringtone: the right tones in the right cadence, and silence at once on stop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from softphone.media import tones
from softphone.media.devices import NullBackend
from softphone.media.ring import RINGBACK, RINGTONE, Cadence, RingFile, RingPlayer, render
from softphone.media.tracks import write_wav
from tests.media.played import Played

RATE = 48000


class ReleasableNull(NullBackend):
    """The null device, counting the streams opened and closed on it."""

    def __init__(self, tap: Played) -> None:
        super().__init__(tap=tap)
        self.opened = self.closed = 0

    async def open_output(self, device: str | None, callback: Any, **kwargs: Any) -> Any:
        stream = await super().open_output(device, callback, **kwargs)
        self.opened += 1
        close = stream.aclose

        async def aclose() -> None:
            await close()
            self.closed += 1

        stream.aclose = aclose  # type: ignore[method-assign]
        return stream


def blocks_of(pcm: np.ndarray, seconds: float) -> list[np.ndarray]:
    size = round(seconds * RATE)
    return [pcm[i : i + size] for i in range(0, pcm.size - size + 1, size)]


def test_ringback_is_425_hz_one_second_on_four_off() -> None:
    cycle = render(RINGBACK, RATE)
    assert cycle.size == 5 * RATE
    on, off = cycle[:RATE], cycle[RATE:]
    assert abs(tones.dominant_frequency(on, RATE) - 425) < 1
    assert tones.is_silent(off)
    assert abs(int(on[0])) < 200 and abs(int(on[-1])) < 200  # faded edges: no click


def test_ringtone_is_two_bursts_then_a_pause() -> None:
    cycle = render(RINGTONE, RATE)
    assert cycle.size == 3 * RATE
    loud = [not tones.is_silent(b) for b in blocks_of(cycle, 0.1)]
    assert loud == [True] * 4 + [False] * 2 + [True] * 4 + [False] * 20
    first = cycle[: round(0.4 * RATE)]
    assert tones.tone_ratio(first, 660, RATE) + tones.tone_ratio(first, 880, RATE) > 0.9


def test_ring_file_is_decoded_resampled_and_followed_by_its_pause(tmp_path: Path) -> None:
    path = tmp_path / "ring.wav"
    write_wav(path, tones.sine(1000, 0.3, 16000), 16000)
    cycle = render(RingFile(path, pause_s=0.5), RATE)
    assert abs(cycle.size - 0.8 * RATE) < 50
    assert abs(tones.dominant_frequency(cycle[: round(0.3 * RATE)], RATE) - 1000) < 2
    assert tones.is_silent(cycle[round(0.32 * RATE) :])


def test_unreadable_ring_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "ring.wav"
    path.write_text("not audio")
    with pytest.raises(ValueError, match=r"ring\.wav: not a readable sound file"):
        render(RingFile(path), RATE)


def test_cadence_without_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one segment"):
        Cadence(())


async def test_ringback_plays_on_the_ring_device_and_stops_at_once() -> None:
    played = Played()
    device = ReleasableNull(played)
    ring = RingPlayer(device, "laptop speaker")
    await ring.start(RINGBACK)
    assert ring.playing and ring.sound is RINGBACK
    await played.until(lambda: played.samples >= round(1.3 * RATE))
    await ring.stop()
    assert not ring.playing
    heard = played.since(0)
    assert abs(tones.dominant_frequency(heard[RATE // 10 : RATE * 9 // 10], RATE) - 425) < 1
    assert tones.is_silent(heard[round(1.05 * RATE) :])
    assert device.opened == device.closed == 1  # the device was released


async def test_switching_sound_restarts_the_cycle_on_the_same_device() -> None:
    played = Played()
    device = ReleasableNull(played)
    ring = RingPlayer(device)
    await ring.start(RINGTONE)
    await played.until(lambda: played.samples >= round(0.2 * RATE))
    mark = played.mark()
    await ring.start(RINGBACK)  # e.g. an outgoing call started while the phone rang
    await played.until(lambda: played.samples_since(mark) >= round(0.5 * RATE))
    await ring.stop()
    after = played.since(mark + 2)
    assert abs(tones.dominant_frequency(after, RATE) - 425) < 2
    assert device.opened == device.closed == 1  # one device throughout


class NamedNull(ReleasableNull):
    """Also remembers which device each stream was opened on."""

    def __init__(self, tap: Played) -> None:
        super().__init__(tap)
        self.devices: list[str | None] = []

    async def open_output(self, device: str | None, callback: Any, **kwargs: Any) -> Any:
        self.devices.append(device)
        return await super().open_output(device, callback, **kwargs)


def peak(pcm: np.ndarray) -> int:
    return int(np.abs(pcm.astype(np.int32)).max())


async def test_the_ring_volume_changes_while_it_rings() -> None:
    played = Played()
    ring = RingPlayer(NullBackend(tap=played))
    await ring.start(RINGTONE, volume=0.8)
    await played.until(lambda: played.samples >= round(0.3 * RATE))  # inside the first burst
    loud = peak(played.since(0)[round(0.05 * RATE) :])
    ring.set_volume(0.2)
    mark = played.mark()
    await played.until(lambda: played.samples_since(mark) >= round(0.05 * RATE))
    quiet = peak(played.since(mark + 2))  # the block asked for before the change may be loud
    await ring.stop()
    assert loud > 0 and abs(quiet / loud - 0.25) < 0.03, (loud, quiet)


async def test_a_new_ring_device_takes_over_what_rings_now() -> None:
    played = Played()
    device = NamedNull(played)
    ring = RingPlayer(device, "laptop speaker")
    await ring.set_device("USB speaker")  # silent: nothing opened yet
    assert device.devices == []
    await ring.start(RINGTONE)
    await played.until(lambda: played.samples >= round(0.1 * RATE))
    await ring.set_device("Jabra")
    mark = played.mark()
    await played.until(lambda: played.samples_since(mark) >= round(0.3 * RATE))
    assert ring.sound is RINGTONE and device.devices == ["USB speaker", "Jabra"]
    assert device.closed == 1  # the old device was released
    assert abs(tones.dominant_frequency(played.since(mark)[: round(0.3 * RATE)], RATE) - 660) < 30
    await ring.stop()
    assert device.opened == device.closed == 2
