"""``softphone --demo``: the real app, signed in to a simulator started inside it.

A newcomer, an IT admin or an integrator tries the app in one command, with
no account and no server: Mediatel and its SIP registrar run in this
process on 127.0.0.1 (free ports, in a thread of their own so the window's
loop carries only the agent), the demo agent (demo/demo, extension 1001)
signs in by itself, and from there it is the app an agent uses: dial,
hear the simulated customer, hold, hang up, pick a call code, pause, take
inbound and predictive calls. ``--training N`` has a customer call in every
N seconds.

Nothing it does is kept: history and recordings go to a temporary folder
removed at exit, the passwords stay in memory (the keyring is never
written), the user's profile is not read.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from softphone.cli.display import display_problem

if TYPE_CHECKING:
    from softphone.core.agent_api import AgentApi

EXIT_ENV = "SOFTPHONE_DEMO_EXIT"
"""``signed-in``: quit once the window shows the agent available (tests, smoke checks)."""
NO_SOUND = (
    "No sound card was found: the demo runs with a silent null device "
    "(calls work, but you will not hear the customer)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The demo takes the top-level flags (``--training``)."""


def run(args: argparse.Namespace) -> int:
    problem = display_problem(os.environ)
    if problem is not None:
        print(f"softphone --demo: {problem}.", file=sys.stderr)
        return 2
    phone_options: dict[str, Any] = {}
    if not _has_sound():
        print(NO_SOUND, flush=True)
        from softphone.media.devices import AudioSettings

        phone_options["audio"] = AudioSettings(null=True)
    with tempfile.TemporaryDirectory(prefix="softphone-demo-") as folder:
        return _run(Path(folder), args.training, phone_options, os.environ)


def _has_sound() -> bool:
    from softphone.media.devices import AudioDeviceError, list_devices

    try:
        devices = list_devices()
    except AudioDeviceError:
        return False
    return any(d.input_channels for d in devices) and any(d.output_channels for d in devices)


def _run(
    folder: Path, training: float | None, phone_options: dict[str, Any], env: Mapping[str, str]
) -> int:
    from softphone.cli.local_agent import demo_config, demo_secrets
    from softphone.core.agent_factory import build_session
    from softphone.sim.config import DEMO_AGENT, Timings
    from softphone.sim.local import SimThread
    from softphone.sim.loopback_ice import loopback_ice
    from softphone.ui.app import run_app
    from softphone.ui.views.sign_in import SignInDefaults

    with loopback_ice():
        sim = SimThread(folder / "records", timings=replace(Timings(), training_interval=training))
        try:
            try:
                local = sim.start()
            except OSError as exc:
                print(f"softphone --demo: the simulator cannot start: {exc}", file=sys.stderr)
                return 1
            config = demo_config(local, folder / "data")
            print(
                f"Demo: signing in as {DEMO_AGENT.login} (password {DEMO_AGENT.password}, "
                f"extension {DEMO_AGENT.extension}) to the simulator at {local.mediatel_url}; "
                "dial any number of 3 or more digits.",
                flush=True,
            )
            if training is not None:
                print(f"Training: a customer calls in every {training:g} s.", flush=True)

            def make_session() -> AgentApi:
                session = build_session(
                    config,
                    demo_secrets(),
                    env={},
                    phone_options=phone_options,
                    keep_secrets=False,
                )
                if env.get(EXIT_ENV) == "signed-in":
                    session.subscribe(_quit_when_signed_in())
                return session

            defaults = SignInDefaults(
                login=DEMO_AGENT.login,
                extension=DEMO_AGENT.extension,
                password_stored=True,
                sip_user=config.sip_user,
                profile_name="Demo (simulator on this computer)",
                sign_in_now=True,
            )
            return run_app(
                make_session,
                sign_in_defaults=defaults,
                log_dir=folder / "logs",
                single_instance=False,
            )
        finally:
            sim.stop()


def _quit_when_signed_in() -> Callable[[Any], None]:
    """Once signed in and available: say what the window shows, then quit as the menu does."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from softphone.core.agent_snapshot import SignIn, State
    from softphone.ui.views.main_window import MainWindow

    done = False

    def quit_window() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow):
                badge = widget.status.badge.text()
                print(f"Demo window: {badge}", flush=True)
                widget.quit_requested.emit()

    def check(snapshot: Any) -> None:
        nonlocal done
        if done or snapshot.sign_in is not SignIn.SIGNED_IN or snapshot.state is not State.IDLE:
            return
        done = True
        QTimer.singleShot(500, quit_window)  # after the window has drawn the snapshot

    return check
