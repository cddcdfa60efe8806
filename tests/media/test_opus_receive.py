"""libopus's own decoder: found in PyAV's wheel; its PLC continues the signal, its FEC recovers it.

Judged by content against a loss-free decode of the same packets: the
frames the decoder makes for lost packets are compared with what those
packets held. The packets come from the phone's own encoder
(``VoiceOpusEncoder`` with ``OpusConfig``), so the sender's FEC setting is
the one a call uses.
"""

from __future__ import annotations

import re
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
import pytest
from aiortc.jitterbuffer import JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

from softphone.media import opus_native, tones
from softphone.media.aiortc_adapter import codecs
from softphone.media.config import MediaConfig, OpusConfig
from softphone.media.opus_native import NativeOpusDecoder, native_decoder
from softphone.media.opus_receive import OpusStreamDecoder, Source, source_of
from softphone.media.tracks import pcm_frame
from tests import speech

RATE = 48000
FRAME = 960
LOST_EVERY = 7
OPUS = RTCRtpCodecParameters(mimeType="audio/opus", clockRate=48000, channels=2, payloadType=111)


def encode(pcm: npt.NDArray[np.int16], config: OpusConfig) -> list[tuple[bytes, int]]:
    encoder = codecs.VoiceOpusEncoder(config)
    packets = []
    for i in range(0, len(pcm) // FRAME * FRAME, FRAME):
        payloads, timestamp = encoder.encode(pcm_frame(pcm[i : i + FRAME], RATE, i))
        packets += [(p, timestamp) for p in payloads]
    return packets


def stream(fec_allowed: bool = True) -> OpusStreamDecoder:
    decoder = native_decoder()
    assert decoder is not None
    if not fec_allowed:  # the same decoder, as if no packet carried LBRR: PLC only
        decoder.has_lbrr = lambda packet: False  # type: ignore[method-assign]
    return OpusStreamDecoder(decoder)


def play(
    packets: list[tuple[bytes, int]], decoder: OpusStreamDecoder, lost: set[int]
) -> tuple[npt.NDArray[np.int16], dict[int, Source]]:
    """The decoded timeline (lost packets filled by the decoder) and each frame's source."""
    out = np.zeros(packets[-1][1] + 5760, dtype=np.int16)
    sources: dict[int, Source] = {}
    missing = 0
    for k, (payload, timestamp) in enumerate(packets):
        if k in lost:
            missing += 1
            continue
        for piece in decoder.decode(payload, timestamp, missing):
            out[piece.timestamp : piece.timestamp + piece.pcm.size] = piece.pcm
            for t in range(piece.timestamp, piece.timestamp + piece.pcm.size, FRAME):
                sources[t] = piece.source
        missing = 0
    return out, sources


def correlation(a: npt.NDArray[np.int16], b: npt.NDArray[np.int16]) -> float:
    x, y = a.astype(np.float64), b.astype(np.float64)
    return float(np.dot(x, y) / (np.sqrt(np.dot(x, x) * np.dot(y, y)) + 1e-9))


def test_libopus_comes_from_pyavs_wheel_and_has_what_fec_needs() -> None:
    lib = opus_native.libopus()
    assert lib is not None
    assert Path(lib.path).resolve().parent.name in {"av.libs", ".dylibs"}  # PyAV's own copy
    major, minor = (int(x) for x in lib.version.split()[1].split(".")[:2])
    assert (major, minor) >= (1, 5)  # opus_packet_has_lbrr


def test_fec_recovers_lost_speech_closer_to_the_original_than_plc() -> None:
    pcm = speech.speech("en")
    packets = encode(pcm, OpusConfig(fec=True, packet_loss_percent=10))
    clean, _ = play(packets, stream(), set())
    lost = set(range(3, len(packets), LOST_EVERY))
    fec_out, fec_sources = play(packets, recovering := stream(), lost)
    plc_out, plc_sources = play(packets, stream(fec_allowed=False), lost)
    assert recovering.stats.fec > 0
    voiced = [
        packets[k][1]
        for k in lost
        if np.std(clean[packets[k][1] : packets[k][1] + FRAME]) > 300
        and fec_sources.get(packets[k][1]) is Source.FEC
    ]
    assert len(voiced) >= 20
    assert all(plc_sources[t] is Source.PLC for t in voiced)
    by_fec = [correlation(clean[t : t + FRAME], fec_out[t : t + FRAME]) for t in voiced]
    by_plc = [correlation(clean[t : t + FRAME], plc_out[t : t + FRAME]) for t in voiced]
    # measured: FEC 0.99, PLC 0.45 (median)
    assert np.median(by_fec) > 0.9
    assert np.median(by_fec) > np.median(by_plc) + 0.2


def test_plc_continues_a_tone_at_the_lost_packets_timestamps() -> None:
    pcm = tones.sine(440, 2.0, RATE, 0.3)
    packets = encode(pcm, OpusConfig())
    lost = set(range(10, len(packets), 10))
    out, sources = play(packets, stream(), lost)
    tone_rms = 0.3 * 32767 / np.sqrt(2)
    for k in sorted(lost):
        t = packets[k][1]
        frame = out[t : t + FRAME]
        assert sources[t] is Source.PLC
        assert tones.contains_tone(frame, 440, RATE), k
        assert np.sqrt(np.mean(frame.astype(np.float64) ** 2)) > 0.5 * tone_rms, k


def test_two_lost_packets_in_a_row_are_both_made_in_order() -> None:
    packets = encode(tones.sine(440, 1.0, RATE, 0.3), OpusConfig(fec=True, packet_loss_percent=10))
    decoder = stream()
    for payload, timestamp in packets[:10]:
        decoder.decode(payload, timestamp)
    pieces = decoder.decode(*packets[12], lost_before=2)
    assert [p.timestamp for p in pieces][-1] == packets[12][1]
    starts = [p.timestamp for p in pieces]
    ends = [p.timestamp + p.pcm.size for p in pieces]
    assert starts[0] == packets[10][1] and starts[1:] == ends[:-1]  # contiguous, no overlap
    assert sum(p.pcm.size for p in pieces[:-1]) == 2 * FRAME


def test_no_fill_without_loss_or_for_an_outage() -> None:
    packets = encode(tones.sine(440, 1.0, RATE, 0.3), OpusConfig())
    decoder = stream()
    for payload, timestamp in packets[:5]:
        decoder.decode(payload, timestamp)
    # a timestamp jump with no sequence gap (the far end's DTX): nothing is made
    assert len(decoder.decode(packets[5][0], packets[5][1] + 10 * FRAME)) == 1
    # 30 packets lost (600 ms): an outage for the playout buffer, not concealment
    assert len(decoder.decode(packets[6][0], packets[6][1] + 40 * FRAME, lost_before=30)) == 1
    assert decoder.stats.fills == 0


def test_a_packet_libopus_refuses_is_concealed_not_raised() -> None:
    decoder = stream()
    for payload, timestamp in encode(tones.sine(440, 0.2, RATE, 0.3), OpusConfig()):
        decoder.decode(payload, timestamp)
    # an Opus TOC byte announcing a code-3 packet with 63 frames, then nothing
    pieces = decoder.decode(b"\xff\xff", 20 * FRAME)
    assert [p.source for p in pieces] == [Source.PLC] and pieces[0].pcm.size == FRAME
    assert decoder.stats.errors == 1


def test_the_voice_decoder_gives_frames_at_their_timestamps_marked_by_source() -> None:
    from softphone.media.aiortc_adapter.receive import LossMarkedFrame

    packets = encode(tones.sine(440, 0.5, RATE, 0.3), OpusConfig())
    decoder = codecs.get_decoder(OPUS)
    assert isinstance(decoder, codecs.VoiceOpusDecoder) and decoder.stream is not None
    for payload, timestamp in packets[:10]:
        decoder.decode(JitterFrame(payload, timestamp))
    frames = decoder.decode(LossMarkedFrame(packets[11][0], packets[11][1], lost_before=1))
    assert [source_of(f.opaque) for f in frames] == [Source.PLC, Source.DECODED]
    assert [f.pts for f in frames] == [packets[10][1], packets[11][1]]
    for frame in frames:
        assert isinstance(frame, av.AudioFrame)
        assert frame.layout.name == "mono" and frame.sample_rate == RATE
        assert frame.samples == FRAME


def test_without_libopus_the_decoder_falls_back_to_pyav(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No library found (a build without it, a renamed file): PyAV decodes, nothing breaks."""
    monkeypatch.setattr(opus_native, "candidates", lambda: ["/nonexistent/libopus.so.0"])
    opus_native.libopus.cache_clear()
    try:
        assert opus_native.libopus() is None and native_decoder() is None
        decoder = codecs.get_decoder(OPUS)
        assert isinstance(decoder, codecs.VoiceOpusDecoder) and decoder.stream is None
        out = []
        for payload, _ in encode(tones.sine(440, 0.5, RATE, 0.3), OpusConfig()):
            out += [f.to_ndarray().reshape(-1) for f in decoder.decode(JitterFrame(payload, 0))]
        assert tones.contains_tone(np.concatenate(out[5:]), 440, RATE)
    finally:
        opus_native.libopus.cache_clear()


def test_a_closed_decoder_refuses_work_instead_of_crashing() -> None:
    decoder = native_decoder()
    assert isinstance(decoder, NativeOpusDecoder)
    decoder.close()
    decoder.close()  # twice is fine
    with pytest.raises(opus_native.OpusError):
        decoder.conceal(FRAME)


async def test_our_sdp_asks_the_far_end_for_in_band_fec() -> None:
    """RFC 7587: a far end (Chromium) sends FEC only to a receiver whose fmtp says it uses it."""
    from softphone.media.session import MediaSession

    offerer, answerer = MediaSession(MediaConfig()), MediaSession(MediaConfig())
    try:
        offer = await offerer.create_offer()
        answer = await answerer.accept_offer(offer)
    finally:
        await offerer.close()
        await answerer.close()
    for sdp in (offer, answer):
        opus = re.search(r"a=rtpmap:(\d+) opus/48000/2", sdp)
        assert opus is not None
        assert re.search(rf"a=fmtp:{opus[1]} [^\r\n]*useinbandfec=1", sdp), sdp
