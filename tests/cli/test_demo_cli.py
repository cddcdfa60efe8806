"""``softphone --demo``: the app signed in to a simulator inside it, and nothing kept.

The non-window half (simulator thread, demo profile, sign-in, training
calls) runs here in-process; the window half runs the real command under
Xvfb until the window shows the agent available; without a display the
command answers in one sentence instead of Qt's plugin dump.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from softphone import cli
from softphone.cli import demo
from softphone.cli.display import XCB_LIBRARIES, display_problem
from softphone.cli.local_agent import demo_config, demo_request, demo_secrets
from softphone.core import agent_factory
from softphone.core.agent_factory import build_session
from softphone.core.agent_snapshot import AgentSnapshot, CallPhase, CallType, SignIn
from softphone.media.devices import AudioSettings
from softphone.net.mediatel import State
from softphone.sim.config import Timings
from softphone.sim.local import SimThread
from softphone.sim.loopback_ice import loopback_ice
from tests.peers.fixtures import unavailable
from tests.peers.subprocess_env import softphone_env
from tests.waiting import until

WAIT = 30.0


async def test_demo_signs_in_to_its_simulator_and_training_calls_come_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored: list[Any] = []
    monkeypatch.setattr(agent_factory, "store_secrets", lambda *a, **k: stored.append(a))
    with loopback_ice():
        sim = SimThread(tmp_path / "records", timings=replace(Timings(), training_interval=1.0))
        try:
            local = sim.start()
            assert local.mediatel_url.startswith("http://127.0.0.1:")
            assert local.sip_url.startswith("ws://127.0.0.1:")
            config = demo_config(local, tmp_path / "data")
            session = build_session(
                config,
                demo_secrets(),
                env={},
                phone_options={"audio": AudioSettings(null=True)},
                keep_secrets=False,
            )
            seen: list[AgentSnapshot] = []
            session.subscribe(seen.append)
            # the demo's form has "remember" ticked (the password is known): still no keyring
            await session.sign_in(replace(demo_request(), remember=True))
            await until(lambda: session.snapshot.state is State.IDLE, timeout=WAIT)
            assert session.snapshot.sign_in is SignIn.SIGNED_IN
            await until(
                lambda: (
                    session.snapshot.call is not None
                    and session.snapshot.call.phase is CallPhase.TALKING
                ),
                timeout=WAIT,
            )
            call = session.snapshot.call
            assert call is not None and call.call_type is CallType.INBOUND
            await session.hangup()
            await until(lambda: session.snapshot.state is State.CLERICAL, timeout=WAIT)
            await session.sign_out()
            await session.aclose()
        finally:
            sim.stop()
    assert stored == [], "the demo wrote the keyring"
    assert config.history_path.is_relative_to(tmp_path), "history outside the throwaway folder"
    assert config.history_path.exists()


def demo_command(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "softphone", "--demo", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def bare_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """No display settings from the test's own environment; HOME is a throwaway."""
    env = softphone_env(loopback_ice=False, HOME=str(tmp_path / "home"), **extra)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_CONFIG_HOME"):
        if name not in extra:
            env.pop(name, None)
    return env


def test_demo_window_reaches_signed_in_under_xvfb(tmp_path: Path) -> None:
    if shutil.which("Xvfb") is None:
        unavailable("Xvfb is not installed (scripts/install-deps.sh)")
    from tests.peers.xvfb import xvfb

    with xvfb() as display:
        env = bare_env(tmp_path, DISPLAY=display, SOFTPHONE_DEMO_EXIT="signed-in")
        result = demo_command(env, "--training", "60")
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "Demo window: Available" in out, out + result.stderr
    assert "signing in as demo (password demo, extension 1001)" in out
    assert "a customer calls in every 60 s" in out
    assert out.count("No sound card was found") <= 1
    assert "Traceback" not in out + result.stderr
    # nothing of the user's: no profile, history or keyring file under HOME
    home = tmp_path / "home"
    assert not home.exists() or not [p for p in home.rglob("*") if p.is_file()]


def test_no_display_is_one_sentence_not_a_qt_dump(tmp_path: Path) -> None:
    result = demo_command(bare_env(tmp_path))
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("softphone --demo: there is no display to open the window on")
    assert "qt.qpa" not in result.stderr and "Traceback" not in result.stderr


def test_missing_qt_libraries_are_named_with_their_packages() -> None:
    missing = {"xcb-cursor", "xkbcommon-x11"}
    problem = display_problem({"DISPLAY": ":0"}, "linux", found=lambda name: name not in missing)
    assert problem is not None
    assert problem.endswith("install them with: sudo apt install libxcb-cursor0 libxkbcommon-x11-0")
    everything = display_problem({"DISPLAY": ":0"}, "linux", found=lambda name: True)
    assert everything is None
    assert len({package for _, package in XCB_LIBRARIES}) == len(XCB_LIBRARIES)


@pytest.mark.parametrize(
    ("env", "platform"),
    [
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux"),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux"),
        ({}, "win32"),
        ({}, "darwin"),
    ],
)
def test_other_platforms_are_left_to_qt(env: dict[str, str], platform: str) -> None:
    assert display_problem(env, platform, found=lambda name: False) is None


def test_training_goes_with_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--training", "30"])
    assert exit_.value.code == 2
    assert "--training goes with --demo" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["--demo", "--training", "1"])
    assert "between 5 and 86400" in capsys.readouterr().err


def test_demo_says_once_that_there_is_no_sound_card(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(demo, "_has_sound", lambda: False)
    ran: list[Any] = []
    monkeypatch.setattr(demo, "_run", lambda folder, training, options, env: ran.append(options))
    cli.main(["--demo"])
    assert capsys.readouterr().out.count("No sound card was found") == 1
    assert ran == [{"audio": AudioSettings(null=True)}]
