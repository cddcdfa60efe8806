"""``softphone --self-test``: what an admin sees on a new PC (and CI on a built bundle).

Run as the admin runs it, in a child process: the whole agent core against
the simulator started inside it, with the audio checked by content both
ways; the keyring is a real Secret Service in a private D-Bus session.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.peers.fixtures import unavailable
from tests.peers.keyring_session import in_keyring_session, keyring_home, missing_tools
from tests.peers.subprocess_env import softphone_env

SELF_TEST = [sys.executable, "-m", "softphone", "--self-test"]
CALL_STEPS = ("sign-in:", "call:", "audio: the agent hears", "hang-up:", "audio: the customer")


def self_test(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    missing = missing_tools()
    if missing:
        unavailable(f"{', '.join(missing)} not installed (scripts/install-deps.sh)")
    return subprocess.run(
        in_keyring_session(SELF_TEST),
        capture_output=True,
        text=True,
        timeout=180,
        env=softphone_env(loopback_ice=False, **keyring_home(tmp_path), **env),
    )


def check_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line[:2] in ("✓ ", "✗ ", "! ")]


def test_self_test_passes_on_this_machine(tmp_path: Path) -> None:
    result = self_test(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = check_lines(result.stdout)
    assert not [line for line in lines if line.startswith("✗")], result.stdout
    steps = ("microphone processing: WebRTC", "keyring: stores", "integration API: port")
    for step in (*steps, *CALL_STEPS, "call code:"):
        assert any(step in line for line in lines), f"no line for {step!r}:\n{result.stdout}"
    assert result.stdout.rstrip().endswith("All checks passed.")
    assert "Traceback" not in result.stdout + result.stderr
    # the store the app uses, named: the Secret Service, spoken to without keyring
    assert "✓ keyring: stores, reads and deletes passwords (Secret Service (direct))" in lines
    # nothing of the user's: no profile, history or keyring file appeared in HOME but the
    # throwaway keyring the test gave it
    home = tmp_path / "home"
    made = {p.relative_to(home).parts[:3] for p in home.rglob("*") if p.is_file()}
    assert made <= {(".local", "share", "keyrings")}, made


def test_a_failing_step_is_one_readable_line_and_exit_1(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = self_test(
            tmp_path,
            SOFTPHONE_API_PORT=str(port),
            PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        )
    assert result.returncode == 1, result.stdout + result.stderr
    failed = [line for line in check_lines(result.stdout) if line.startswith("✗")]
    assert len(failed) == 2, result.stdout
    assert failed[0].startswith("✗ keyring: cannot store a password (no system keyring")
    assert failed[1].startswith(f"✗ integration API: port {port} on 127.0.0.1 is taken")
    assert all(len(line) < 300 for line in failed)
    assert "2 of" in result.stdout and "checks failed" in result.stdout
    # the other steps still ran and passed
    assert all(any(step in line for line in check_lines(result.stdout)) for step in CALL_STEPS)
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("value", ["70000"])
def test_a_bad_api_port_setting_is_named(tmp_path: Path, value: str) -> None:
    result = self_test(tmp_path, SOFTPHONE_API_PORT=value)
    assert result.returncode == 1
    [failed] = [line for line in check_lines(result.stdout) if line.startswith("✗")]
    assert "integration API: the profile is not usable (api_port:" in failed
    assert "Traceback" not in result.stdout + result.stderr
