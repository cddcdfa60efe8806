"""Sources play at real speed with the right content; sinks keep what they hear."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from aiortc.mediastreams import MediaStreamError

from softphone.media import tones
from softphone.media.tracks import (
    MonoConverter,
    MuteableTrack,
    PcmCollector,
    pcm_frame,
    read_wav,
    silence_source,
    tone_source,
    wav_source,
    write_wav,
)


async def test_tone_source_frames_carry_the_tone() -> None:
    track = tone_source(440, 48000)
    frames = [await track.recv() for _ in range(5)]
    pcm = np.concatenate([f.to_ndarray().reshape(-1) for f in frames])
    assert all(f.samples == 960 and f.sample_rate == 48000 for f in frames)
    assert [f.pts for f in frames] == [0, 960, 1920, 2880, 3840]
    assert abs(tones.dominant_frequency(pcm, 48000) - 440) < 1


async def test_silence_source_is_silent() -> None:
    frame = await silence_source().recv()
    assert not np.any(frame.to_ndarray())


async def test_wav_playback_then_silence(tmp_path: Path) -> None:
    path = tmp_path / "prompt.wav"
    write_wav(path, tones.sine(1000, 0.05, 8000), 8000)
    track = wav_source(path)
    pcm = np.concatenate([(await track.recv()).to_ndarray().reshape(-1) for _ in range(4)])
    assert pcm.size == 4 * 160
    assert tones.contains_tone(pcm[:400], 1000, 8000)
    assert tones.is_silent(pcm[400:])
    assert track.finished


def test_stereo_wav_is_mixed_to_mono(tmp_path: Path) -> None:
    import wave

    path = tmp_path / "stereo.wav"
    left = tones.sine(440, 0.1, 16000)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(np.column_stack([left, left]).astype("<i2").tobytes())
    pcm, rate = read_wav(path)
    assert rate == 16000 and np.array_equal(pcm, left)


@pytest.mark.parametrize("content", [b"", b"RIFF....WAVEjunk", b"not a wav file at all"])
def test_bad_wav_files_raise_value_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=r"bad\.wav"):
        read_wav(path)


async def test_muteable_track_sends_silence_and_keeps_reading_the_source() -> None:
    source = tone_source(440)
    track = MuteableTrack(source)
    assert np.any((await track.recv()).to_ndarray())
    track.muted = True
    muted = await track.recv()
    assert muted.samples == 960 and muted.pts == 960 and not np.any(muted.to_ndarray())
    track.muted = False
    assert (await track.recv()).pts == 1920  # the source advanced while muted
    track.stop()
    with pytest.raises(MediaStreamError):
        await source.recv()


def test_collector_converts_any_decoded_layout_to_mono() -> None:
    collector = PcmCollector(48000)
    gen = tones.ToneGenerator((440,), 8000)
    for i in range(10):
        collector(pcm_frame(gen.read(160), 8000, i * 160))
    pcm = collector.since(0)
    assert 9 * 960 <= pcm.size <= 10 * 960  # the resampler holds back a few samples
    assert abs(tones.dominant_frequency(pcm[960:], 48000) - 440) < 2
    assert MonoConverter(8000)(pcm_frame(tones.silence(0.02, 48000), 48000, 0)).dtype == np.int16
