"""Microphone track and speaker sink on the null device: format, content, a whole call."""

from __future__ import annotations

import asyncio
import fractions
from collections.abc import Callable

import av
import numpy as np
import pytest
from aiortc.mediastreams import MediaStreamError

from softphone.media import tones
from softphone.media.audio_io import MicrophoneTrack, SpeakerSink
from softphone.media.devices import NullBackend
from softphone.media.session import MediaSession
from softphone.media.tracks import tone_source
from tests.media.played import Played
from tests.media.unpluggable import Unpluggable
from tests.waiting import until

RATE = 48000


@pytest.mark.parametrize("card_rate", [48000, 44100, 16000])
async def test_microphone_gives_20ms_48k_mono_frames_of_what_the_card_records(
    card_rate: int,
) -> None:
    source = tones.ToneGenerator((440.0,), card_rate, 0.3)
    mic = MicrophoneTrack(NullBackend(samplerate=card_rate, source=source.read))
    frames = [await mic.recv() for _ in range(25)]
    await mic.aclose()
    assert {(f.format.name, f.layout.name, f.sample_rate, f.samples) for f in frames} == {
        ("s16", "mono", 48000, 960)
    }
    assert [f.pts for f in frames] == [960 * i for i in range(25)]
    assert all(f.time_base == fractions.Fraction(1, RATE) for f in frames)
    pcm = np.concatenate([f.to_ndarray().reshape(-1) for f in frames[5:]])
    assert abs(tones.dominant_frequency(pcm, RATE) - 440) < 2


async def test_stopped_microphone_ends_the_track_and_releases_the_device() -> None:
    mic = MicrophoneTrack(NullBackend())
    await mic.recv()
    await mic.aclose()
    assert mic.readyState == "ended" and mic.device_name is None
    with pytest.raises(MediaStreamError):
        await mic.recv()


class HandFedCard:
    """An input card that records one block whenever the test says so."""

    samplerate = RATE
    device_name = "hand-fed"

    def __init__(self) -> None:
        self.record: Callable[[np.ndarray], None] = lambda _block: None

    async def open_input(
        self, device: str | None, callback: Callable[[np.ndarray], None], **_kw: float
    ) -> HandFedCard:
        self.record = callback
        return self

    async def aclose(self) -> None:
        pass


@pytest.mark.parametrize("turns", range(6))
async def test_a_cancelled_read_ends_even_when_a_frame_arrives_at_that_moment(turns: int) -> None:
    """aiortc stops a call's sender by cancelling its read of the microphone and
    waiting, without a limit, for it to end: a read that returned the frame
    instead would keep the sender going and the call would never close. The
    cancel lands ``turns`` loop turns after the card delivers (the window was one turn)."""
    card = HandFedCard()
    mic = MicrophoneTrack(card)  # type: ignore[arg-type]
    block = np.zeros(960, np.int16)
    await mic.start()
    card.record(block)
    await mic.recv()  # the card delivers: from now on a read waits with a stall limit
    reading = asyncio.ensure_future(mic.recv())
    for _ in range(3):
        await asyncio.sleep(0)  # the read is waiting for the card
    loop = asyncio.get_running_loop()
    accepted: list[bool] = []

    def cancel_after(turns: int) -> None:
        if turns:
            loop.call_soon(cancel_after, turns - 1)
        else:
            accepted.append(reading.cancel())

    card.record(block)
    cancel_after(turns)
    await asyncio.wait([reading])
    await mic.aclose()
    if accepted == [True]:
        assert reading.cancelled(), "the read was cancelled but went on and returned a frame"
    else:
        assert isinstance(reading.result(), av.AudioFrame)  # it had finished: nothing to cancel


async def test_unread_microphone_keeps_at_most_100ms_waiting() -> None:
    mic = MicrophoneTrack(NullBackend(), max_queue_ms=100)
    await mic.start()
    await until(lambda: mic.dropped_frames >= 15)  # nobody reads
    first = await mic.recv()
    await mic.aclose()
    assert mic.dropped_frames >= 15
    assert first.pts >= 960 * 15  # stale audio was dropped, not sent late


@pytest.mark.parametrize(
    ("track_rate", "card_rate"), [(48000, 48000), (8000, 48000), (48000, 44100)]
)
async def test_speaker_plays_remote_audio_at_the_cards_rate(
    track_rate: int, card_rate: int
) -> None:
    tap = Played()
    speaker = SpeakerSink(NullBackend(samplerate=card_rate, tap=tap))
    await speaker.start()
    speaker.add_track(tone_source(1000.0, track_rate))
    await tap.until(lambda: tap.samples >= round(0.3 * card_rate))  # playout settles
    mark = tap.mark()
    await tap.until(lambda: tap.samples_since(mark) >= round(0.5 * card_rate))
    await speaker.stop()
    played = tap.since(mark)
    assert abs(tones.dominant_frequency(played, card_rate) - 1000) < 3
    stats = speaker.stats()
    assert stats.sample_rate == card_rate
    # the delay follows how late frames come (an event-loop stall under load
    # grows it for a while); nothing is thrown away for it
    assert stats.dropped == 0


@pytest.mark.parametrize("card_rate", [48000, 44100])
async def test_a_cue_is_heard_over_the_call_once_and_only_then(card_rate: int) -> None:
    """The auto-answer beep: mixed over the customer (who stays audible), then gone."""
    tap = Played()
    speaker = SpeakerSink(NullBackend(samplerate=card_rate, tap=tap))
    await speaker.start()
    speaker.add_track(tone_source(440.0, RATE))
    await tap.until(lambda: tap.samples >= round(0.3 * card_rate))
    mark = tap.mark()
    speaker.cue(tones.answer_cue)
    await tap.until(lambda: tap.samples_since(mark) >= round(0.6 * card_rate))
    await speaker.stop()
    played = tap.since(mark)
    cue = played[: round(0.25 * card_rate)]  # two 70 ms beeps and the gap, from the next block
    after = played[round(0.3 * card_rate) :]
    # the beep is soft (−20 dBFS, under the customer's −10): a share of the energy, not most
    assert tones.tone_ratio(cue, 1400, card_rate) > 0.03, "no beep"
    assert tones.tone_ratio(cue, 440, card_rate) > 0.6, "the beep covered the customer"
    assert tones.tone_ratio(after, 1400, card_rate) < 0.001, "the beep did not stop"
    assert tones.contains_tone(after, 440, card_rate)


async def test_speaker_accepts_opus_style_stereo_frames_as_a_session_sink() -> None:
    tap = Played()
    speaker = SpeakerSink(NullBackend(tap=tap))
    stereo = np.repeat(tones.sine(700, 0.02, RATE, 0.3), 2).reshape(1, -1)
    for i in range(2):
        frame = av.AudioFrame.from_ndarray(stereo, format="s16", layout="stereo")
        frame.sample_rate, frame.pts = RATE, 960 * i
        speaker(frame)
    assert speaker.buffer.fill >= 2 * 960


async def test_a_call_through_aiortc_with_microphone_and_speaker_on_the_null_device() -> None:
    """Ten seconds of call, no sound card: A's 'microphone' tone reaches B's speaker."""
    mic_source = tones.ToneGenerator((440.0,), RATE, 0.3)
    a_mic = MicrophoneTrack(NullBackend(source=mic_source.read))
    tap = Played()
    b_speaker = SpeakerSink(NullBackend(tap=tap))
    await b_speaker.start()
    a = MediaSession(source=a_mic)
    b = MediaSession(source=MicrophoneTrack(NullBackend()), sink=b_speaker)
    try:
        await a.accept_answer(await b.accept_offer(await a.create_offer()))
        await a.wait_connected(10)
        await b.wait_connected(10)
        await tap.until(lambda: not tones.is_silent(tap.blocks[-1]))  # A's voice arrived
        mark = tap.mark()
        await tap.until(lambda: tap.samples_since(mark) >= 10 * RATE, timeout=30)
        heard = tap.since(mark)
    finally:
        await a.close()
        await b.close()
        await b_speaker.stop()
        await a_mic.aclose()
    seconds = [heard[i : i + RATE] for i in range(0, heard.size - RATE + 1, RATE)]
    assert len(seconds) >= 9
    # Each second is the tone: dominant 440 Hz (drift correction may shift the
    # pitch by up to 0.2 %; a gap from a loop stall on a busy machine does not
    # move the peak) and clearly audible.
    peaks = [round(tones.dominant_frequency(sec, RATE), 1) for sec in seconds]
    assert all(abs(p - 440) < 3 for p in peaks), peaks
    assert all(tones.rms_dbfs(sec) > -25 for sec in seconds)
    # a stalled event loop is a late network to the playout buffer: it waits
    # (conceals, grows the delay) rather than throwing audio away
    assert b_speaker.stats().dropped == 0


async def test_a_pulled_microphone_sends_silence_and_says_so_until_it_is_back() -> None:
    """RTP must keep flowing (a PBX drops a call whose RTP stops: the customer
    would be cut off), the agent must learn why they are not heard, and the
    microphone must come back by itself."""
    source = tones.ToneGenerator((440.0,), RATE, 0.3)
    card = Unpluggable(source=source.read)
    mic = MicrophoneTrack(card)  # type: ignore[arg-type]
    changes: list[bool] = []
    mic.on_stall = changes.append
    try:
        before = [await mic.recv() for _ in range(10)]
        assert tones.contains_tone(_pcm(before[2:]), 440, RATE)
        card.plugged = False
        loop = asyncio.get_running_loop()
        end = loop.time() + 1.5
        during = []
        while loop.time() < end:
            during.append(await mic.recv())
        assert changes == [True] and mic.stalled
        assert len(during) >= 25, "the call's audio stopped flowing"
        assert tones.is_silent(_pcm(during[-10:]))
        pts = [f.pts for f in before + during]
        assert pts == sorted(pts) and len(set(pts)) == len(pts)  # one timeline, no repeats
        card.plugged = True
        after = [await mic.recv() for _ in range(15)]
        assert changes == [True, False] and not mic.stalled
        assert tones.contains_tone(_pcm(after[5:]), 440, RATE)
    finally:
        await mic.aclose()


async def test_a_pulled_speaker_is_reported_and_its_return_too() -> None:
    card = Unpluggable()
    speaker = SpeakerSink(card)  # type: ignore[arg-type]
    changes: list[bool] = []
    speaker.on_stall = changes.append
    await speaker.start()
    remote = tone_source(1000.0)
    try:

        async def play(seconds: float) -> None:
            loop = asyncio.get_running_loop()
            end = loop.time() + seconds
            while loop.time() < end:
                speaker(await remote.recv())

        await play(0.5)
        assert changes == []
        card.plugged = False
        await play(1.0)
        assert changes == [True] and speaker.stalled
        card.plugged = True
        await play(0.5)
        assert changes == [True, False]
    finally:
        await speaker.stop()
        remote.stop()


def _pcm(frames: list[av.AudioFrame]) -> np.ndarray:
    return np.concatenate([f.to_ndarray().reshape(-1) for f in frames]).astype(np.int16)
