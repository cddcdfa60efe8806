"""Real PortAudio on ALSA's null device: open/close, choice by name, hot-plug, no devices.

ALSA's ``null`` PCM opens like a card but runs unpaced, so these tests only
check that streams open, deliver the right format and close — never timing
(that is what the PulseAudio tests are for). Each test runs in a fresh
Python process: ALSA reads ``ALSA_CONFIG_PATH`` (a file in a temp dir; the
real ~/.asoundrc is never touched) and PortAudio its device list at start.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

NULL_ASOUNDRC = """\
pcm.!default { type plug slave.pcm "nullpcm" }
pcm.nullpcm { type null }
"""


@pytest.fixture
def alsa_null(tmp_path: Path) -> Path:
    pytest.importorskip("sounddevice", reason="sounddevice/PortAudio not installed")
    path = tmp_path / "asound.conf"
    path.write_text(NULL_ASOUNDRC)
    return path


@pytest.fixture
def alsa_empty(tmp_path: Path) -> Path:
    pytest.importorskip("sounddevice", reason="sounddevice/PortAudio not installed")
    # An empty ALSA configuration makes alsa-lib abort(); one PCM on a card
    # that does not exist gives PortAudio nothing it can open: no devices.
    path = tmp_path / "nodevices.conf"
    path.write_text("pcm.nothing { type hw card 31 }\n")
    return path


def run(script: str, alsa_config: Path, **extra_env: str) -> Any:
    """Run ``script`` (printing one JSON value last) in a process seeing only ``alsa_config``."""
    env = {
        **os.environ,
        "ALSA_CONFIG_PATH": str(alsa_config),
        "PYTHONPATH": str(ROOT),
        **extra_env,
    }
    for key in ("PULSE_SERVER", "PULSE_SINK", "PULSE_SOURCE"):
        env.pop(key, None)
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_null_pcm_is_listed_and_chosen_by_name(alsa_null: Path) -> None:
    out = run(
        """
        import json
        from softphone.media.devices import Direction, choose_device, list_devices
        listed = list_devices()
        chosen = choose_device(listed, "NULLPCM", Direction.OUTPUT)
        print(json.dumps({"names": [d.name for d in listed], "chosen": chosen.name,
                          "api": chosen.host_api}))
        """,
        alsa_null,
    )
    assert "nullpcm" in out["names"] and "default" in out["names"]
    assert out["chosen"] == "nullpcm" and out["api"] == "ALSA"


def test_microphone_speaker_and_ring_open_and_close_on_the_null_pcm(alsa_null: Path) -> None:
    out = run(
        """
        import asyncio, json
        from softphone.media.audio_io import MicrophoneTrack, SpeakerSink
        from softphone.media.devices import PortAudioBackend
        from softphone.media.ring import RINGBACK, RingPlayer

        async def main():
            backend = PortAudioBackend()
            mic = MicrophoneTrack(backend, "nullpcm")
            frames = [await mic.recv() for _ in range(3)]
            speaker = SpeakerSink(backend, "null")
            await speaker.start()
            ring = RingPlayer(backend, "default")
            await ring.start(RINGBACK)
            result = {
                "mic": mic.device_name, "speaker": speaker.device_name,
                "formats": sorted({(f.format.name, f.layout.name, f.sample_rate, f.samples)
                                   for f in frames}),
                "pts": [f.pts for f in frames], "time_base": str(frames[0].time_base),
                "ringing": ring.playing,
            }
            await mic.aclose()
            await speaker.stop()
            await ring.stop()
            # everything released: the same devices open again
            again = MicrophoneTrack(backend, "nullpcm")
            await again.start()
            await again.aclose()
            result["ringing_after_stop"] = ring.playing
            return result

        print(json.dumps(asyncio.run(main())))
        """,
        alsa_null,
    )
    assert out["mic"] == "nullpcm" and out["speaker"] == "nullpcm"
    assert out["formats"] == [["s16", "mono", 48000, 960]]
    # pts counts samples. The null PCM has no clock and delivers as fast as it
    # is read, so the 100 ms queue cap drops the oldest frames — before the
    # first recv() and, on a loaded machine, between recv()s too: the pts go
    # up in whole frames, not always one frame at a time.
    pts = out["pts"]
    assert all(p % 960 == 0 for p in pts) and pts == sorted(set(pts))
    assert out["time_base"] == "1/48000"
    assert out["ringing"] is True and out["ringing_after_stop"] is False


def test_unknown_device_name_gives_the_list_not_a_traceback(alsa_null: Path) -> None:
    out = run(
        """
        import asyncio, json
        from softphone.media.audio_io import SpeakerSink
        from softphone.media.devices import PortAudioBackend, UnknownAudioDevice

        async def main():
            try:
                await SpeakerSink(PortAudioBackend(), "Jabra").start()
            except UnknownAudioDevice as exc:
                return str(exc)

        print(json.dumps(asyncio.run(main())))
        """,
        alsa_null,
    )
    assert out == 'No speaker matches "Jabra". The output devices are: "nullpcm"; "default".'


def test_no_devices_then_a_device_plugged_in_is_found_without_restart(
    alsa_empty: Path, alsa_null: Path
) -> None:
    out = run(
        f"""
        import asyncio, json, os
        from softphone.media.audio_io import MicrophoneTrack
        from softphone.media.devices import NoAudioDevice, PortAudioBackend, list_devices

        async def main():
            backend = PortAudioBackend()
            before = [d.name for d in list_devices()]
            try:
                await MicrophoneTrack(backend).start()
                error = None
            except NoAudioDevice as exc:
                error = str(exc)
            os.environ["ALSA_CONFIG_PATH"] = {str(alsa_null)!r}  # "plug in" the null card
            mic = MicrophoneTrack(backend)
            await mic.start()
            name = mic.device_name
            await mic.aclose()
            return {{"before": before, "error": error, "after": name}}

        print(json.dumps(asyncio.run(main())))
        """,
        alsa_empty,
    )
    assert out["before"] == []
    assert out["error"] == (
        "No microphone was found: this computer has no sound input device"
        " (plug in a headset, or run with the null audio device)."
    )
    assert out["after"] == "default"
