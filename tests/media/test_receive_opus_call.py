"""Real in-process Opus calls losing packets: libopus makes the lost frames, in place.

One packet in ten that reaches B is lost before the reorder stage sees it,
as on a lossy network; the reorder stage gives it up and the Opus decoder
makes it (libopus's PLC, or FEC when A sends it) before it decodes the next
packet. Checked by content: the decoded stream has no holes, the made
frames carry A's tone, what B would hear (the ``--record`` recorder) has no
silent stretch, and the call's quality counts the PLC as concealed. Before
libopus was used, lost frames were holes in the decoded stream. With no
libopus found, calls keep working on PyAV's decoder and the playout
buffer's concealment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from softphone.media import opus_native, tones
from softphone.media.config import MediaConfig, OpusConfig
from softphone.media.heard import HeardRecorder
from softphone.media.opus_receive import Source, source_of
from softphone.media.session import MediaSession
from softphone.media.tracks import PcmSourceTrack, fan_out, read_wav
from tests import speech
from tests.media.test_receive_path import rms_per_10ms
from tests.media.test_session import TONE_A, make_side
from tests.waiting import until

RATE = 48000
FRAME = 960
TONE_RMS = 0.3 * 32767 / np.sqrt(2)
DROP_EVERY = 10


@dataclass
class DecodedFrames:
    """B's decoded frames: (timestamp, samples, source) in the order they came."""

    frames: list[tuple[int, np.ndarray, Any]] = field(default_factory=list)

    def __call__(self, frame: av.AudioFrame) -> None:
        assert frame.pts is not None
        self.frames.append((frame.pts, frame.to_ndarray().reshape(-1), source_of(frame.opaque)))

    def holes(self, after: int) -> list[tuple[int, int]]:
        """(start, length) of stretches no frame covered, from timestamp ``after`` on."""
        out, expected = [], None
        for pts, pcm, _ in self.frames:
            if pts >= after and expected is not None and pts > expected:
                out.append((expected, pts - expected))
            expected = pts + pcm.size if expected is None else max(expected, pts + pcm.size)
        return out

    def made(self, source: Source) -> list[np.ndarray]:
        return [pcm for _, pcm, made in self.frames if made is source]


def speech_source(pcm: np.ndarray) -> PcmSourceTrack:
    position = 0

    def read(n: int) -> np.ndarray | None:
        nonlocal position
        block = pcm[position : position + n]
        position += n
        return block if block.size else None

    return PcmSourceTrack(read, RATE)


async def lossy_call(
    tmp_path: Path, opus: OpusConfig | None = None, speech_pcm: np.ndarray | None = None
) -> tuple[DecodedFrames, HeardRecorder, Any, int]:
    """A sends the tone (or ``speech_pcm``) for 3 s (or the speech's length) of B's playout."""
    config = MediaConfig(
        codecs=("opus/48000",),
        telephone_event=False,
        quality_period_s=0.5,
        opus=opus or OpusConfig(),
    )
    recorder = HeardRecorder(tmp_path / "heard.wav")
    decoded = DecodedFrames()
    if speech_pcm is None:
        a, seconds = make_side(TONE_A, config).session, 3.0
    else:
        a, seconds = MediaSession(config, source=speech_source(speech_pcm)), speech_pcm.size / RATE
    b = MediaSession(config, sink=fan_out(recorder, decoded), playout=recorder.stats)
    dropped = 0
    try:
        answer = await b.accept_offer(await a.create_offer())
        receive = b._media.receive if b._media is not None else None
        assert receive is not None and receive.reorder is not None
        push = receive.reorder.push
        arrived = 0

        def lossy_push(packet: Any, arrival_ms: int) -> list[Any]:
            nonlocal arrived, dropped
            arrived += 1
            if arrived > 25 and arrived % DROP_EVERY == 0:  # lost before the reorder stage
                dropped += 1
                return []
            return push(packet, arrival_ms)

        receive.reorder.push = lossy_push  # type: ignore[method-assign]
        await a.accept_answer(answer)
        await until(lambda: recorder.stats().pulled >= seconds * RATE, timeout=30)
        quality = await b.quality()
    finally:
        await a.close()
        await b.close()
        await recorder.close()
    return decoded, recorder, quality, dropped


async def test_a_lossy_opus_call_gets_libopus_plc_with_no_holes(tmp_path: Path) -> None:
    decoded, recorder, quality, dropped = await lossy_call(tmp_path)
    assert dropped >= 10
    first = decoded.frames[0][0]
    holes = decoded.holes(after=first)
    assert holes == [], holes  # before: one 20 ms hole per lost packet
    made = decoded.made(Source.PLC)
    # every lost packet but possibly the last (the call ended before its successor)
    assert dropped - 1 <= len(made) <= dropped, (len(made), dropped)
    for pcm in made:  # the tone goes on through each lost frame
        assert tones.contains_tone(pcm, TONE_A, RATE)
        assert np.sqrt(np.mean(pcm.astype(np.float64) ** 2)) > 0.5 * TONE_RMS
    pcm, _ = read_wav(recorder.path)
    levels = rms_per_10ms(pcm[RATE:])  # after the first second
    # Holes would silence 10 % of it; a stall of a very busy machine may silence a little.
    assert np.mean(levels < 0.2 * TONE_RMS) < 0.04, np.flatnonzero(levels < 0.2 * TONE_RMS)
    stats = recorder.stats()
    plc_samples = sum(p.size for p in made)
    assert stats.lost >= plc_samples * 0.9 and stats.concealed >= stats.lost, (stats, plc_samples)
    assert quality.concealed_ms >= 1000 * plc_samples / RATE * 0.8, (quality, plc_samples)
    assert quality.mos < 4.3, quality


async def test_sender_fec_is_decoded_in_place_of_lost_frames(tmp_path: Path) -> None:
    """Speech, as LBRR is spent on voice: the recovered frames are the speech that was lost."""
    reference = speech.speech("en")[: 4 * RATE]
    decoded, recorder, _, dropped = await lossy_call(
        tmp_path, OpusConfig(fec=True, packet_loss_percent=10), reference
    )
    first = decoded.frames[0][0]
    assert decoded.holes(after=first) == []
    timeline = np.zeros(decoded.frames[-1][0] - first + FRAME, dtype=np.int16)
    for pts, pcm, _ in decoded.frames:
        timeline[pts - first : pts - first + pcm.size] = pcm
    _, lag = speech.align(reference, timeline)
    similar = []
    for pts, pcm, made in decoded.frames:
        start = pts - first - lag
        original = reference[start : start + FRAME]
        if made is Source.FEC and original.size == FRAME and np.std(original) > 300:
            similar.append(correlation(original, pcm))
    assert len(similar) >= 5, (similar, dropped)
    assert np.median(similar) > 0.8  # measured ~0.95; libopus's PLC of the same frames ~0.45
    # FEC is recovered audio, not invented: only the PLC counts as lost and concealed
    plc = sum(p.size for p in decoded.made(Source.PLC))
    assert recorder.stats().lost <= plc + FRAME


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    x, y = a.astype(np.float64), b.astype(np.float64)
    return float(np.dot(x, y) / (np.sqrt(np.dot(x, x) * np.dot(y, y)) + 1e-9))


async def test_without_libopus_a_lossy_opus_call_still_plays_concealed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(opus_native, "candidates", lambda: [])
    opus_native.libopus.cache_clear()
    try:
        decoded, recorder, quality, dropped = await lossy_call(tmp_path)
    finally:
        opus_native.libopus.cache_clear()
    assert dropped >= 10
    assert not decoded.made(Source.PLC) and not decoded.made(Source.FEC)
    assert len(decoded.holes(after=decoded.frames[0][0])) >= dropped - 2  # PyAV: holes ...
    pcm, _ = read_wav(recorder.path)
    levels = rms_per_10ms(pcm[RATE:])
    assert np.mean(levels < 0.2 * TONE_RMS) < 0.02  # ... that the playout buffer conceals
    assert recorder.stats().concealed > 0 and quality.concealed_ms > 0
