"""The numpy audio level equals aiortc's own, frame for frame."""

from __future__ import annotations

import numpy as np

from softphone.media import aiortc_speedups
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
            fast = aiortc_speedups.compute_audio_level_dbov(frame)
            assert fast == aiortc_speedups.original_compute_audio_level_dbov(frame)


def test_install_replaces_the_function_aiortc_calls() -> None:
    import aiortc.rtp

    aiortc_speedups.install()
    assert aiortc.rtp.compute_audio_level_dbov is aiortc_speedups.compute_audio_level_dbov


def test_voice_opus_encoder_sends_mono_packets_that_decode_to_the_tone() -> None:
    from aiortc.jitterbuffer import JitterFrame

    from softphone.media import tones
    from softphone.media.tracks import pcm_frame

    encoder = aiortc_speedups.VoiceOpusEncoder()
    decoder = aiortc_speedups.VoiceOpusDecoder()
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
    # ~32 kbit/s: 80 bytes per 20 ms frame, give or take the encoder's choices
    assert 40 <= sum(sizes) / len(sizes) <= 120
    pcm = np.concatenate(decoded[10:]).astype(np.int16)
    assert tones.contains_tone(pcm, 1000, 48000)
