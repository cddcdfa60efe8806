"""Microphone processing: on by default, switchable, and judged by what it does to the audio."""

from __future__ import annotations

import numpy as np

from softphone.media import tones
from softphone.media.audio_io import MicrophoneTrack
from softphone.media.config import MediaConfig, MicProcessingConfig
from softphone.media.devices import NullBackend
from softphone.media.mic_processing import MicProcessor
from tests import speech

RATE = 48000
FRAME = 960
OFF = MicProcessingConfig(noise_suppression=False, auto_gain=False, high_pass=False)


def _run(processor: MicProcessor, pcm: np.ndarray) -> np.ndarray:
    n = len(pcm) // FRAME * FRAME
    return np.concatenate([processor.process(pcm[i : i + FRAME]) for i in range(0, n, FRAME)])


def _noise(seconds: float, dbfs: float, seed: int = 3) -> np.ndarray:
    white = np.random.default_rng(seed).standard_normal(int(seconds * RATE))
    return (white * 32768 * 10 ** (dbfs / 20)).astype(np.int16)


def test_noise_suppression_and_gain_are_on_by_default_and_echo_cancelling_is_not() -> None:
    config = MediaConfig().mic
    assert (config.noise_suppression, config.auto_gain, config.echo_cancellation) == (
        True,
        True,
        False,
    )
    assert MicProcessor(config).active


def test_switched_off_the_microphone_goes_out_untouched() -> None:
    pcm = _noise(1.0, -30)
    processor = MicProcessor(OFF)
    assert not processor.active
    assert np.array_equal(_run(processor, pcm), pcm)


def test_noise_suppression_takes_steady_noise_down_by_10_db() -> None:
    noise = _noise(4.0, -35)
    processor = MicProcessor(MicProcessingConfig(auto_gain=False))
    assert processor.engine == "native"  # livekit's library without livekit.rtc (apm_native)
    out = _run(processor, noise)
    settled = out[RATE:]  # after the suppressor's first second of learning
    assert tones.rms_dbfs(noise) - tones.rms_dbfs(settled) >= 10


def test_quiet_speech_is_raised_by_the_gain_control_without_clipping() -> None:
    quiet = speech.set_level(speech.speech("en"), -40)
    out = _run(MicProcessor(MicProcessingConfig(noise_suppression=False)), quiet)
    assert speech.active_rms_dbfs(out[4 * RATE :]) >= -28  # raised by 12 dB or more
    assert np.count_nonzero(np.abs(out.astype(np.int32)) >= 32767) == 0


def test_loud_speech_with_full_scale_peaks_is_not_clipped() -> None:
    loud = speech.speech("ru").astype(np.float64)
    loud = (loud * 32767 * 0.99 / np.abs(loud).max()).astype(np.int16)  # peaks at 0.99 FS
    out = _run(MicProcessor(MediaConfig().mic), loud)
    assert np.count_nonzero(np.abs(out.astype(np.int32)) >= 32767) == 0
    assert np.abs(out.astype(np.int32)).max() <= 0.9 * 32767 + 1


async def test_the_microphone_track_sends_processed_audio() -> None:
    noise = _noise(3.0, -35)
    position = 0

    def read(n: int) -> np.ndarray:
        nonlocal position
        block = np.resize(noise[position % len(noise) :], n)
        position += n
        return block

    config = MicProcessingConfig(auto_gain=False)
    mic = MicrophoneTrack(NullBackend(source=read), processing=MicProcessor(config))
    frames = [await mic.recv() for _ in range(100)]
    await mic.aclose()
    pcm = np.concatenate([f.to_ndarray().reshape(-1) for f in frames[50:]])
    assert tones.rms_dbfs(noise) - tones.rms_dbfs(pcm) >= 10


def test_echo_cancellation_removes_the_speaker_heard_by_the_microphone() -> None:
    far = speech.speech("en")
    delay = int(0.04 * RATE)
    echo = (np.concatenate([np.zeros(delay), far[:-delay]]) * 0.3).astype(np.int16)
    config = MicProcessingConfig(noise_suppression=False, auto_gain=False, echo_cancellation=True)
    processor = MicProcessor(config)
    assert processor.engine == "native"
    out = []
    for i in range(0, len(far) // FRAME * FRAME, FRAME):
        processor.far_end(far[i : i + FRAME])
        out.append(processor.process(echo[i : i + FRAME]))
    cleaned = np.concatenate(out)[4 * RATE :]
    assert speech.active_rms_dbfs(echo[4 * RATE :]) - tones.rms_dbfs(cleaned) >= 15
