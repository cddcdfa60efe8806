"""``softphone devices``: the names support staff pass to --mic/--speaker."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.peers.pulseaudio import PulseAudio
from tests.peers.subprocess_env import softphone_env


def devices(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "softphone", "devices", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=softphone_env(loopback_ice=False, **env),
    )


@pytest.mark.peers
def test_lists_the_sound_server_devices_by_name(pulseaudio: PulseAudio) -> None:
    listed = devices("--json", **pulseaudio.env)
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    pulse = next(r for r in rows if r["name"] == "pulse")
    assert pulse["input_channels"] > 0 and pulse["output_channels"] > 0
    table = devices(**pulseaudio.env)
    assert table.returncode == 0
    assert "pulse" in table.stdout and "--mic" in table.stdout
    assert "Traceback" not in table.stdout + table.stderr


def test_a_machine_without_sound_devices_is_told_plainly() -> None:
    # CI machines (and this project's) have no sound card and, outside the
    # pulseaudio fixture, no sound server: an agent's PC without a headset.
    out = devices()
    assert "Traceback" not in out.stdout + out.stderr
    if out.returncode == 0 and "No sound devices" not in out.stdout:
        pytest.skip("this machine has sound devices; the empty case cannot be shown")
    assert out.returncode == 0 and "No sound devices were found" in out.stdout
