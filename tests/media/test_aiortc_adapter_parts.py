"""The adapter's parts on their own: the numpy level equals aiortc's, the voice
codecs carry a tone, the inline stand-ins decode and run at once, the marker
rewrite, the receive tap letting G.711 through at once. (On a real call, with
the installed aiortc: test_aiortc_adapter.py.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from softphone.media.aiortc_adapter import codecs, inline
from softphone.media.aiortc_adapter.receive import ReceivePath
from softphone.media.aiortc_adapter.send import TalkspurtMarker
from softphone.media.jitter import ReorderBuffer
from softphone.media.tracks import pcm_frame


def test_audio_level_matches_aiortc_on_varied_frames() -> None:
    rng = np.random.default_rng(7)
    frames = [np.zeros(960, np.int16)]
    frames += [np.full(960, 32767, np.int16), np.full(960, -32768, np.int16)]
    for level in (1, 3, 30, 300, 3000, 30000):
        frames.append(rng.integers(-level, level + 1, 960).astype(np.int16))
    for pcm in frames:
        for rate, n in ((48000, 960), (8000, 160)):
            frame = pcm_frame(pcm[:n], rate, 0)
            fast = codecs.compute_audio_level_dbov(frame)
            assert fast == codecs.original_compute_audio_level_dbov(frame)


def test_install_replaces_the_function_aiortc_calls() -> None:
    import aiortc.rtp

    codecs.install_codecs()
    assert aiortc.rtp.compute_audio_level_dbov is codecs.compute_audio_level_dbov


def test_voice_opus_encoder_sends_mono_packets_that_decode_to_the_tone() -> None:
    from aiortc.jitterbuffer import JitterFrame

    from softphone.media import tones
    from softphone.media.tracks import pcm_frame

    encoder = codecs.VoiceOpusEncoder()
    decoder = codecs.VoiceOpusDecoder()
    decoded = []
    sizes = []
    for i in range(50):
        frame = pcm_frame(tones.sine(1000, 0.02, 48000, 0.3), 48000, i * 960)
        payloads, timestamp = encoder.encode(frame)
        for payload in payloads:
            sizes.append(len(payload))
            # TOC byte: the 's' bit (0x04) says stereo; a voice goes out mono.
            assert payload[0] & 0x04 == 0
            for out in decoder.decode(JitterFrame(payload, timestamp)):
                assert out.layout.name == "mono"
                decoded.append(out.to_ndarray().reshape(-1))
    # ~56 kbit/s: 140 bytes per 20 ms frame, give or take the encoder's choices
    assert 60 <= sum(sizes) / len(sizes) <= 220
    pcm = np.concatenate(decoded[10:]).astype(np.int16)
    assert tones.contains_tone(pcm, 1000, 48000)


# -- codec work on the event loop ---------------------------------------------------


class _Receiver:
    """What the inline decoder writes to: aiortc's error flag and the track's queue."""

    def __init__(self) -> None:
        import asyncio
        import threading

        self.error = threading.Event()
        self.queue: asyncio.Queue[object] = asyncio.Queue()

    def decoder_queue(self, get_decoder: Any = codecs.get_decoder) -> inline.InlineDecoderQueue:
        return inline.InlineDecoderQueue(self.error, lambda: self.queue, get_decoder)


def _opus() -> object:
    from aiortc.rtcrtpparameters import RTCRtpCodecParameters

    return RTCRtpCodecParameters(
        mimeType="audio/opus", clockRate=48000, channels=2, payloadType=111
    )


async def test_inline_decoder_hands_frames_to_the_track_at_once() -> None:
    from aiortc.jitterbuffer import JitterFrame

    from softphone.media import tones

    encoder = codecs.VoiceOpusEncoder()
    receiver = _Receiver()
    queue = receiver.decoder_queue()
    for i in range(20):
        frame = pcm_frame(tones.sine(1000, 0.02, 48000, 0.3), 48000, i * 960)
        payloads, timestamp = encoder.encode(frame)
        queue.put((_opus(), JitterFrame(payloads[0], timestamp)))
        # decoded synchronously: the frame is there before anything awaits
        assert receiver.queue.qsize() == i + 1
    frames = [receiver.queue.get_nowait() for _ in range(20)]
    pcm = np.concatenate([f.to_ndarray().reshape(-1) for f in frames[5:]])  # type: ignore[attr-defined]
    assert tones.contains_tone(pcm.astype(np.int16), 1000, 48000)


async def test_inline_decoder_flags_a_corrupt_frame_and_keeps_going() -> None:
    from aiortc.jitterbuffer import JitterFrame

    receiver = _Receiver()
    # PyAV's decoder raises on it (libopus's own conceals it: test_opus_receive.py)
    queue = receiver.decoder_queue(lambda codec: codecs.VoiceOpusDecoder(native=False))
    # An Opus TOC byte announcing a code-3 packet with 63 frames, then nothing.
    queue.put((_opus(), JitterFrame(b"\xff\xff", 0)))
    assert receiver.error.is_set()
    assert receiver.queue.qsize() == 0


def test_inline_decoder_releases_aiortc_thread_only_at_stop() -> None:
    import threading

    queue = _Receiver().decoder_queue()
    thread = threading.Thread(target=queue.get)
    thread.start()
    thread.join(0.1)
    assert thread.is_alive()  # aiortc's thread waits: no work goes to it
    queue.put(None)  # what aiortc's receiver does on stop
    thread.join(5)
    assert not thread.is_alive()


async def test_inline_executor_runs_at_once_and_passes_errors_back() -> None:
    import asyncio

    import pytest

    loop = inline.InlineExecutorLoop(asyncio.get_running_loop())
    calls: list[str] = []
    future = loop.run_in_executor(None, lambda x: calls.append(x) or x * 2, "ab")
    assert future.done() and calls == ["ab"]  # ran before anything awaited
    assert await future == "abab"
    failing = loop.run_in_executor(None, lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        await failing
    assert loop.call_soon.__self__ is asyncio.get_running_loop()  # everything else is the loop's


def _rtp(marker: bool, ssrc: int = 0x01020304, pt: int = 111) -> bytes:
    import struct

    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, 1, 2, ssrc) + b"opus"


def test_marker_is_kept_only_on_the_first_packet_after_each_arm() -> None:
    marker = TalkspurtMarker(0x01020304)
    sent = [marker.rewrite(_rtp(True))[1] >> 7 for _ in range(5)]  # aiortc marks them all
    marker.arm()
    sent += [marker.rewrite(_rtp(False))[1] >> 7 for _ in range(3)]
    assert sent == [1, 0, 0, 0, 0, 1, 0, 0]
    assert marker.marked == 2 and marker.packets == 8


def test_marker_leaves_rtcp_and_other_streams_alone() -> None:
    marker = TalkspurtMarker(0x01020304)
    other = _rtp(True, ssrc=0x0A0B0C0D)
    rtcp = bytes([0x80, 200]) + bytes(26)  # a sender report
    assert marker.rewrite(other) == other and marker.rewrite(rtcp) == rtcp
    assert marker.packets == 0
    assert marker.rewrite(_rtp(False))[1] >> 7 == 1  # still armed for our first packet


def test_stock_codecs_puts_aiortc_own_codecs_back_for_a_while() -> None:
    """The benchmarks' stock reference: aiortc's encoder inside, ours again after."""
    import aiortc.rtcrtpsender
    from aiortc.codecs.opus import OpusEncoder

    codecs.install_codecs()
    with codecs.stock_codecs():
        stock = aiortc.rtcrtpsender.get_encoder(_opus())  # type: ignore[attr-defined]
        assert type(stock) is OpusEncoder
    ours = aiortc.rtcrtpsender.get_encoder(_opus())  # type: ignore[attr-defined]
    assert isinstance(ours, codecs.VoiceOpusEncoder)


@dataclass
class _Packet:
    sequence_number: int
    payload_type: int
    timestamp: int = 0
    ssrc: int = 1
    payload: bytes = b""


class _TappedReceiver:
    _enabled = True


def _receive_path(direct: frozenset[int] | None = None) -> tuple[ReceivePath, list[int]]:
    handed: list[int] = []

    async def original(packet: _Packet, arrival_time_ms: int) -> None:
        handed.append(packet.sequence_number)

    path = ReceivePath(_TappedReceiver(), ReorderBuffer(), original, event_payload_types={101})
    if direct is not None:
        path.direct_payload_types = direct
    return path, handed


async def test_a_lost_g711_packet_does_not_hold_the_next_one_back() -> None:
    """G.711 (PT 8) goes on at once, in arrival order; Opus (PT 111) waits for the gap."""
    for payload_type, after_4 in ((8, [1, 2, 4]), (111, [1, 2])):
        path, handed = _receive_path()
        for seq in (1, 2, 4):  # 3 lost
            await path.handle(_Packet(seq, payload_type), arrival_time_ms=20 * seq)
        assert handed == after_4, payload_type
    path, handed = _receive_path()
    for seq in (1, 3, 2):  # reordered: handed on as they come, the playout buffer sorts them
        await path.handle(_Packet(seq, 0), arrival_time_ms=20 * seq)
    assert handed == [1, 3, 2]
    path, handed = _receive_path(direct=frozenset())  # JitterConfig(reorder_memoryless=True)
    for seq in (1, 2, 4):
        await path.handle(_Packet(seq, 8), arrival_time_ms=20 * seq)
    assert handed == [1, 2]


async def test_events_between_g711_packets_go_on_at_once_and_opus_after_g711_keeps_order() -> None:
    path, handed = _receive_path()
    events: list[int] = []
    path.on_event_packet = lambda ssrc, timestamp, payload: events.append(timestamp)
    await path.handle(_Packet(1, 8), arrival_time_ms=0)
    await path.handle(_Packet(3, 101, timestamp=480), arrival_time_ms=40)  # 2 lost
    assert events == [480] and handed == [1]
    # The far end switches to Opus: the reorder stage picks up where G.711 left off.
    await path.handle(_Packet(4, 111), arrival_time_ms=60)
    await path.handle(_Packet(6, 111), arrival_time_ms=100)
    assert handed == [1, 4]
    await path.handle(_Packet(5, 111), arrival_time_ms=101)
    assert handed == [1, 4, 5, 6]
