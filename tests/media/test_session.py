"""Two MediaSessions in one process over loopback: what a caller would hear and see."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from aiortc.mediastreams import MediaStreamTrack
from av.frame import Frame

from softphone.media import tones
from softphone.media.config import HoldDirection, MediaConfig
from softphone.media.errors import MediaStateError, SdpError
from softphone.media.session import (
    DtmfReceived,
    MediaConnected,
    MediaEvent,
    MediaFailed,
    MediaSession,
    RemoteHoldChanged,
)
from softphone.media.tracks import PcmCollector, WavRecorder, fan_out, read_wav, tone_source
from tests import audio_checks
from tests.waiting import until

RATE = 48000
TONE_A, TONE_B = 440, 1000  # what A sends, what B sends
BLOCK = RATE // 50


@dataclass
class Side:
    session: MediaSession
    heard: PcmCollector
    events: list[MediaEvent] = field(default_factory=list)

    def digits(self) -> str:
        return "".join(e.digit for e in self.events if isinstance(e, DtmfReceived))

    def holds(self) -> list[bool]:
        return [e.on_hold for e in self.events if isinstance(e, RemoteHoldChanged)]


def make_side(frequency: float, config: MediaConfig | None = None, **kwargs: object) -> Side:
    heard = PcmCollector(RATE)
    events: list[MediaEvent] = []
    session = MediaSession(
        config, source=tone_source(frequency, RATE), sink=heard, on_event=events.append, **kwargs
    )
    return Side(session, heard, events)


async def connect(offerer: Side, answerer: Side) -> None:
    answer = await answerer.session.accept_offer(await offerer.session.create_offer())
    await offerer.session.accept_answer(answer)
    await offerer.session.wait_connected(10)
    await answerer.session.wait_connected(10)


async def renegotiate(offer: str, answerer: Side, offerer: Side) -> None:
    await offerer.session.accept_answer(await answerer.session.accept_offer(offer))


async def listen(side: Side, seconds: float = 0.4) -> np.ndarray:
    """What ``side`` hears over the next ``seconds`` (after 0.15 s settling)."""
    await asyncio.sleep(0.15)
    mark = time.monotonic()
    await asyncio.sleep(seconds)
    return side.heard.since(mark)


def tone_share(pcm: np.ndarray, frequency: float) -> float:
    """Fraction of 20 ms blocks that carry ``frequency``."""
    blocks = [pcm[i : i + BLOCK] for i in range(0, pcm.size - BLOCK + 1, BLOCK)]
    if not blocks:
        return 0.0
    return sum(tones.contains_tone(b, frequency, RATE) for b in blocks) / len(blocks)


async def hears(side: Side, frequency: float) -> bool:
    return await audio_checks.hears(side.heard, frequency, window=0.4)


async def hears_nothing(side: Side) -> bool:
    """No tone: either no frames at all (receiving stopped) or only silence."""
    return await audio_checks.silent(side.heard, window=0.4)


@pytest.fixture
async def pair() -> AsyncIterator[tuple[Side, Side]]:
    a, b = make_side(TONE_A), make_side(TONE_B)
    yield a, b
    await a.session.close()
    await b.session.close()


@pytest.mark.parametrize("a_offers", [True, False], ids=["a-offers", "b-offers"])
async def test_call_carries_each_tone_to_the_other_side(
    pair: tuple[Side, Side], a_offers: bool
) -> None:
    a, b = pair
    await (connect(a, b) if a_offers else connect(b, a))
    assert await hears(b, TONE_A)
    assert await hears(a, TONE_B)
    assert a.session.codec == b.session.codec == "opus/48000"
    assert MediaConnected("opus/48000") in a.events and MediaConnected("opus/48000") in b.events


@pytest.mark.parametrize(
    ("offerer_codecs", "answerer_codecs", "expected"),
    [
        (("opus/48000", "PCMA/8000", "PCMU/8000"), ("PCMA/8000",), "PCMA/8000"),  # forced
        (("PCMU/8000",), ("opus/48000", "PCMA/8000", "PCMU/8000"), "PCMU/8000"),  # G.711 peer
        (("PCMA/8000", "PCMU/8000"), ("opus/48000", "PCMU/8000", "PCMA/8000"), "PCMU/8000"),
    ],
)
async def test_codec_negotiation(
    offerer_codecs: tuple[str, ...], answerer_codecs: tuple[str, ...], expected: str
) -> None:
    a = make_side(TONE_A, MediaConfig(codecs=offerer_codecs))
    b = make_side(TONE_B, MediaConfig(codecs=answerer_codecs))
    try:
        offer = await a.session.create_offer()
        assert "opus" not in offer if "opus/48000" not in offerer_codecs else "opus" in offer
        await connect_with_offer(a, b, offer)
        assert a.session.codec == b.session.codec == expected
        assert await hears(b, TONE_A)
        assert await hears(a, TONE_B)
    finally:
        await a.session.close()
        await b.session.close()


async def connect_with_offer(a: Side, b: Side, offer: str) -> None:
    await a.session.accept_answer(await b.session.accept_offer(offer))
    await a.session.wait_connected(10)


async def test_no_common_codec_is_a_clear_error_and_leaves_the_answerer_usable() -> None:
    a = make_side(TONE_A, MediaConfig(codecs=("opus/48000",)))
    b = make_side(TONE_B, MediaConfig(codecs=("PCMA/8000",)))
    try:
        with pytest.raises(SdpError, match="no common audio codec"):
            await b.session.accept_offer(await a.session.create_offer())
        c = make_side(TONE_A, MediaConfig(codecs=("PCMA/8000",)))
        await connect(c, b)
        assert await hears(b, TONE_A)
        await c.session.close()
    finally:
        await a.session.close()
        await b.session.close()


@pytest.mark.parametrize("holder", ["a", "b"])
async def test_hold_and_unhold_from_either_side(pair: tuple[Side, Side], holder: str) -> None:
    a, b = pair
    await connect(a, b)
    held_by, held = (a, b) if holder == "a" else (b, a)
    assert await hears(held, TONE_A if held_by is a else TONE_B)

    offer = await held_by.session.hold()
    assert "a=sendonly" in offer
    await renegotiate(offer, held, held_by)
    assert held_by.session.on_hold_local and not held_by.session.on_hold_remote
    assert held.session.on_hold_remote and held.holds() == [True]
    assert await hears_nothing(held)  # the holder sends silence
    assert await hears_nothing(held_by)  # and receives nothing

    offer = await held_by.session.unhold()
    assert "a=sendrecv" in offer
    await renegotiate(offer, held, held_by)
    assert not held_by.session.on_hold_local and not held.session.on_hold_remote
    assert held.holds() == [True, False]
    assert await hears(b, TONE_A)
    assert await hears(a, TONE_B)


async def test_inactive_hold_stops_both_directions() -> None:
    a = make_side(TONE_A, MediaConfig(hold_direction=HoldDirection.INACTIVE))
    b = make_side(TONE_B)
    try:
        await connect(a, b)
        offer = await a.session.hold()
        assert "a=inactive" in offer
        await renegotiate(offer, b, a)
        assert b.session.on_hold_remote
        assert await hears_nothing(a) and await hears_nothing(b)
        await renegotiate(await a.session.unhold(), b, a)
        assert await hears(b, TONE_A) and await hears(a, TONE_B)
    finally:
        await a.session.close()
        await b.session.close()


async def test_both_sides_holding_then_releasing(pair: tuple[Side, Side]) -> None:
    a, b = pair
    await connect(a, b)
    await renegotiate(await a.session.hold(), b, a)
    offer = await b.session.hold()
    await renegotiate(offer, a, b)
    assert a.session.on_hold_remote and b.session.on_hold_remote
    await renegotiate(await a.session.unhold(), b, a)
    assert b.session.on_hold_remote is False or b.session.on_hold_local
    await renegotiate(await b.session.unhold(), a, b)
    assert not a.session.on_hold_remote and not b.session.on_hold_remote
    assert await hears(b, TONE_A) and await hears(a, TONE_B)


async def test_mute_sends_silence_without_renegotiation(pair: tuple[Side, Side]) -> None:
    a, b = pair
    await connect(a, b)
    assert await hears(b, TONE_A)
    a.session.mute(True)
    pcm = await listen(b)
    assert pcm.size > 0 and tones.is_silent(pcm)  # frames keep coming, silent
    assert await hears(a, TONE_B)  # the other direction is unaffected
    a.session.mute(False)
    assert await hears(b, TONE_A)


@pytest.mark.parametrize("codecs", [("opus/48000",), ("PCMA/8000",)], ids=["opus", "pcma"])
async def test_rfc4733_digits_arrive_both_ways(codecs: tuple[str, ...]) -> None:
    a = make_side(TONE_A, MediaConfig(codecs=codecs))
    b = make_side(TONE_B, MediaConfig(codecs=codecs))
    try:
        await connect(a, b)
        assert a.session.dtmf_available and b.session.dtmf_available
        assert a.session.send_dtmf("0123456789*#ABCD", duration_ms=60, gap_ms=40)
        assert b.session.send_dtmf("9#1", duration_ms=100)
        await a.session.wait_dtmf_sent(10)
        await b.session.wait_dtmf_sent(10)
        await until(lambda: len(b.digits()) == 16 and len(a.digits()) == 3)
        assert b.digits() == "0123456789*#ABCD"
        assert a.digits() == "9#1"
        assert await hears(b, TONE_A)  # audio resumes after the events
    finally:
        await a.session.close()
        await b.session.close()


async def test_dtmf_unavailable_when_the_peer_has_no_telephone_event() -> None:
    a = make_side(TONE_A)
    b = make_side(TONE_B, MediaConfig(telephone_event=False))
    try:
        offer = await a.session.create_offer()
        answer = await b.session.accept_offer(offer)
        assert "telephone-event" not in answer
        await a.session.accept_answer(answer)
        assert not a.session.dtmf_available
        assert a.session.send_dtmf("1") is False  # the caller falls back to SIP INFO
        assert b.session.send_dtmf("1") is False
        with pytest.raises(ValueError, match="DTMF digit"):
            a.session.send_dtmf("1x")
    finally:
        await a.session.close()
        await b.session.close()


async def test_remote_audio_is_drained_without_a_sink() -> None:
    a = make_side(TONE_A)
    b = MediaSession()  # no source, no sink
    try:
        answer = await b.accept_offer(await a.session.create_offer())
        await a.session.accept_answer(answer)
        await until(lambda: b.first_frame_at is not None)
        await asyncio.sleep(0.5)
        track = b._transceiver.receiver.track
        assert track._queue.qsize() <= 2  # consumed as it arrives, not piling up
        assert await hears_nothing(a)  # b sends silence
    finally:
        await a.session.close()
        await b.close()


async def test_recording_to_wav(tmp_path: Path) -> None:
    path = tmp_path / "heard.wav"
    recorder = WavRecorder(path, 16000)
    heard = PcmCollector(RATE)
    a = make_side(TONE_A)
    b = MediaSession(sink=fan_out(recorder, heard))
    try:
        await a.session.accept_answer(await b.accept_offer(await a.session.create_offer()))
        await until(lambda: sum(c.pcm.size for c in heard.chunks) > RATE)
    finally:
        await a.session.close()
        await b.close()
        recorder.close()
    pcm, rate = read_wav(path)
    assert rate == 16000 and pcm.size >= 16000
    assert tone_share(np.repeat(pcm[-8000:], 3), TONE_A) > 0.8  # back at 48 kHz for the check


async def test_close_releases_tasks_and_decoder_threads() -> None:
    before = {t for t in asyncio.all_tasks()}
    a, b = make_side(TONE_A), make_side(TONE_B)
    await connect(a, b)
    assert await hears(b, TONE_A)
    await a.session.close()
    await b.session.close()
    await a.session.close()  # idempotent
    await until(lambda: not (asyncio.all_tasks() - before - {asyncio.current_task()}))
    await until(lambda: not [t for t in threading.enumerate() if "decoder" in t.name])
    with pytest.raises(MediaStateError):
        await a.session.create_offer()


class CancelIgnoringSource(MediaStreamTrack):
    """A tone whose reads ignore cancellation, as Python 3.11's ``asyncio.wait_for``
    does when its result arrives in the same loop turn as the cancel."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self.tone = tone_source(TONE_A, RATE)
        self.ignored = 0

    async def recv(self) -> Frame:
        while True:
            try:
                return await self.tone.recv()
            except asyncio.CancelledError:
                self.ignored += 1


async def test_a_call_closes_even_when_its_audio_source_ignores_cancellation() -> None:
    """aiortc's close cancels the task reading our source and waits for it
    without a limit: a source that reads on must not keep the call open."""
    source = CancelIgnoringSource()
    a = Side(MediaSession(source=source), PcmCollector(RATE))
    b = make_side(TONE_B)
    try:
        await connect(a, b)
        assert await hears(b, TONE_A)
        async with asyncio.timeout(10):
            await a.session.close()
        assert source.ignored >= 1  # the cancel did land in the source
    finally:
        await a.session.close()
        await b.session.close()


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "not sdp at all",
        "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 96\r\n"
        "a=rtpmap:96 opus/48000/2\r\n",  # no ICE, no fingerprint
        "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=video 9 RTP/AVP 96\r\n",
    ],
)
async def test_malformed_offers_raise_sdp_error(garbage: str) -> None:
    session = MediaSession()
    try:
        with pytest.raises(SdpError):
            await session.accept_offer(garbage)
    finally:
        await session.close()


async def test_misuse_raises_state_errors() -> None:
    session = MediaSession()
    try:
        with pytest.raises(MediaStateError):
            await session.accept_answer("v=0\r\n")
        with pytest.raises(MediaStateError):
            await session.hold()
        await session.create_offer()
        with pytest.raises(MediaStateError):
            await session.create_offer()  # an offer is already outstanding
    finally:
        await session.close()


async def test_default_config_never_falls_back_to_a_public_stun_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aiortc.rtcicetransport import RTCIceGatherer

    def no_default() -> list[object]:
        raise AssertionError("aiortc's default (public Google) STUN server was requested")

    monkeypatch.setattr(RTCIceGatherer, "getDefaultIceServers", staticmethod(no_default))
    session = MediaSession()
    try:
        offer = await session.create_offer()
        assert "typ host" in offer and "typ srflx" not in offer
    finally:
        await session.close()


async def test_codec_work_stays_on_the_event_loop_thread(
    pair: tuple[Side, Side], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Encoding and decoding 20 ms of voice is cheaper than handing it to a
    thread and back; a callee's CPU all day depends on it staying inline."""
    from softphone.media.aiortc_adapter import codecs as adapter_codecs

    threads: set[str] = set()
    for cls in (adapter_codecs.VoiceOpusEncoder, adapter_codecs.VoiceOpusDecoder):
        for name in ("encode", "decode"):
            original = getattr(cls, name, None)
            if original is None:
                continue

            def spy(self: object, *args: object, _original: object = original) -> object:
                threads.add(threading.current_thread().name)
                return _original(self, *args)  # type: ignore[operator]

            monkeypatch.setattr(cls, name, spy)
    a, b = pair
    await connect(a, b)
    assert await hears(b, TONE_A) and await hears(a, TONE_B)
    assert threads == {threading.current_thread().name}


async def test_hold_during_an_open_offer_is_refused_before_changing_anything(
    pair: tuple[Side, Side],
) -> None:
    a, b = pair
    await connect(a, b)
    offer = await a.session.hold()  # A's re-INVITE is out, not yet answered
    with pytest.raises(MediaStateError, match="in progress"):
        await a.session.unhold()
    assert a.session.on_hold_local  # the refused unhold changed nothing
    await a.session.accept_answer(await b.session.accept_offer(offer))
    await a.session.accept_answer(await b.session.accept_offer(await a.session.unhold()))
    assert await hears(b, TONE_A)


@pytest.mark.parametrize("a_offered_first", [True, False], ids=["a-offered", "b-offered"])
async def test_rollback_after_a_refused_hold_restores_the_call(a_offered_first: bool) -> None:
    """The far end refuses A's hold (a 488): A goes back to the session as
    agreed — both hear each other — and can hold again later."""
    a, b = make_side(TONE_A), make_side(TONE_B)
    try:
        await (connect(a, b) if a_offered_first else connect(b, a))
        await a.session.hold()  # refused: B never sees it
        await a.session.rollback()
        assert not a.session.on_hold_local and not a.session.muted
        assert await hears(b, TONE_A), "B does not hear A after the rollback"
        assert await hears(a, TONE_B), "A does not hear B after the rollback"
        await renegotiate(await a.session.hold(), b, a)  # a later hold works
        assert await hears_nothing(b) and b.holds() == [True]
        with pytest.raises(MediaStateError):
            await a.session.rollback()  # nothing to roll back now
    finally:
        await a.session.close()
        await b.session.close()


async def test_far_end_closing_its_media_is_reported() -> None:
    """A far end whose call is over closes DTLS; if its BYE never reaches us
    (an unroutable BYE after a server restart), this is how we learn of it."""
    a, b = make_side(TONE_A), make_side(TONE_B)
    try:
        await connect(a, b)
        await a.session.close()
        await until(lambda: any(isinstance(e, MediaFailed) for e in b.events))
        assert not [e for e in a.events if isinstance(e, MediaFailed)]  # we closed: no alarm
    finally:
        await a.session.close()
        await b.session.close()
