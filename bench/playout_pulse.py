"""Speaker -> sound server -> microphone round trip through a PulseAudio null sink.

Starts a private PulseAudio (tests/peers/pulseaudio.py), opens our
``SpeakerSink`` and ``MicrophoneTrack`` on its ``pulse`` device, and N
times pushes a 100 ms tone burst into the speaker, timing how long until
the microphone track delivers a frame holding it. The figure includes our
playout buffer, PortAudio/ALSA, PulseAudio's own buffering and the
microphone's 20 ms framing. Then it plays a tone for ``--seconds`` after a
warm-up and prints the playout buffer's counters.

    python3 bench/playout_pulse.py [--trials 20] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from softphone.media import tones
from softphone.media.audio_io import MicrophoneTrack, SpeakerSink
from softphone.media.devices import PortAudioBackend
from softphone.media.tracks import pcm_frame, tone_source
from tests.peers.pulseaudio import PulseAudio

RATE = 48000
WARMUP_S = 5.0


async def round_trips(trials: int) -> list[float]:
    backend = PortAudioBackend()
    speaker, mic = SpeakerSink(backend, "pulse"), MicrophoneTrack(backend, "pulse")
    await speaker.start()
    await mic.start()
    burst = tones.sine(880, 0.1, RATE, 0.3)
    results = []
    try:
        for _ in range(trials):
            for _ in range(15):  # 300 ms of quiet, and drain what was queued
                await mic.recv()
            sent = time.monotonic()
            for k in range(5):
                speaker(pcm_frame(burst[k * 960 : (k + 1) * 960], RATE, k * 960))
            while True:
                frame = await mic.recv()
                if not tones.is_silent(frame.to_ndarray(), -40):
                    results.append(1000 * (time.monotonic() - sent))
                    break
    finally:
        await speaker.stop()
        await mic.aclose()
    return results


async def steady(seconds: float) -> None:
    speaker = SpeakerSink(PortAudioBackend(), "pulse")
    await speaker.start()
    speaker.add_track(tone_source(440.0, RATE))
    # PortAudio -> ALSA pulse plugin -> PulseAudio takes 2-4 s before it starts
    # consuming a new output stream (a raw sounddevice stream does the same);
    # the cap drops that backlog. Count only the steady state after it.
    await asyncio.sleep(WARMUP_S)
    print(f"warm-up ({WARMUP_S:g} s): {speaker.stats()}")
    speaker.buffer.reset()
    await asyncio.sleep(seconds)
    await speaker.stop()
    s = speaker.stats()
    print(
        f"{seconds:g} s of tone: playout max {s.max_latency_ms:.1f} ms, mean"
        f" {s.mean_latency_ms:.1f} ms, underruns {s.underruns}, dropped {s.dropped},"
        f" stretched +{s.inserted}/-{s.removed} samples"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    server = PulseAudio()
    try:
        server.start()
        with server.activated():
            trips = asyncio.run(round_trips(args.trials))
            quantiles = statistics.quantiles(trips, n=10)
            print(
                f"speaker->pulse->microphone, {len(trips)} bursts: median"
                f" {statistics.median(trips):.0f} ms, p90 {quantiles[-1]:.0f} ms,"
                f" min {min(trips):.0f} ms, max {max(trips):.0f} ms"
            )
            asyncio.run(steady(args.seconds))
    finally:
        server.close()


if __name__ == "__main__":
    main()
