#!/usr/bin/env python3
"""Render the desktop app's main states to PNG files (for the README and reviews).

Runs the real window against the fake session of the UI tests, one scene
after another (signed out, idle, ringing, in a call, on hold, after-call
work with the call-code dialog, paused, reconnecting, the shell's History
tab with a missed call and a number filter, a call cut by a server restart),
on an X server:
its own Xvfb on a free display unless ``--display`` names one.

    python3 scripts/screenshots.py                 # -> docs/screenshots/*.png
    python3 scripts/screenshots.py --out /tmp/shots --lang uk
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHILD_FLAG = "SOFTPHONE_SCREENSHOTS_CHILD"
WINDOW_SIZE = (440, 720)

sys.path.insert(0, str(ROOT))
from tests.peers.xvfb import xvfb  # noqa: E402  (the repository root is on the path now)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--lang", default="en", help="language of the window (en, uk, ru)")
    parser.add_argument("--display", help="an X display to use instead of a new Xvfb")
    parser.add_argument("--only", nargs="*", help="scene names to render (default: all)")
    parser.add_argument(
        "--dark", action="store_true", help="the system's dark colour scheme (names end in -dark)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if os.environ.get(CHILD_FLAG):
        return render(args)
    return relaunch_on_x(Path(__file__), argv, args.display)


def relaunch_on_x(script: Path, argv: list[str] | None, display: str | None = None) -> int:
    """Run ``script`` again as the child, on ``display`` or on a fresh Xvfb."""
    env = dict(os.environ, **{CHILD_FLAG: "1", "QT_QPA_PLATFORM": "xcb"})
    env.pop("WAYLAND_DISPLAY", None)
    command = [sys.executable, str(script.resolve()), *(argv or sys.argv[1:])]
    if display:
        env["DISPLAY"] = display
        return subprocess.run(command, env=env, cwd=ROOT, check=False).returncode
    with xvfb() as fresh:
        env["DISPLAY"] = fresh
        return subprocess.run(command, env=env, cwd=ROOT, check=False).returncode


def render(args: argparse.Namespace) -> int:
    """In the child, on the X server: build the window and grab each scene."""
    sys.path.insert(0, str(ROOT))
    import asyncio

    import qasync
    from PySide6.QtCore import QLocale, QRect, Qt
    from PySide6.QtGui import QColor, QGuiApplication, QPainter
    from PySide6.QtWidgets import QApplication, QWidget

    from softphone.core.agent_commands import SignInField
    from softphone.core.call_end import SENTENCES, CallEnd
    from softphone.core.sign_in_errors import login_error
    from softphone.ui.bridge import AgentBridge
    from softphone.ui.controllers.main import MainController
    from softphone.ui.views import text
    from softphone.ui.views.main_window import MainWindow
    from tests.fakes import agent_scenes as scenes
    from tests.fakes.agent import FakeAgent
    from tests.ui.shell_support import scratch_settings, shell_on

    QLocale.setDefault(QLocale(args.lang))
    qapp = QApplication([sys.argv[0], "-platform", "xcb"])
    qapp.setApplicationName("softphone")
    if args.dark:
        qapp.setStyle("Fusion")
        qapp.setPalette(dark_palette())  # what a dark desktop theme hands the app
    install_translations = _translations(qapp, args.lang)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    suffix = ("" if args.lang == "en" else f".{args.lang}") + ("-dark" if args.dark else "")
    extra = {"sign-in-error", "history", "call-cut"}
    wanted = set(args.only or scenes.SCENES) | (extra if not args.only else set())

    async def shoot() -> list[Path]:
        fake = FakeAgent()
        clock = lambda: scenes.NOW  # noqa: E731
        bridge = AgentBridge(fake)
        window = MainWindow()
        controller = MainController(bridge, window, clock)
        controller.timer.stop()
        bridge.start()
        window.sign_in.set_profiles(["Kyiv contact centre", "Demo (simulator)"])
        # The shell too, as the app has it: the History tab beside Phone in every scene.
        shell = shell_on(bridge, window, scratch_settings(out / ".shots.ini"), window.show)
        window.resize(*WINDOW_SIZE)
        window.move(0, 0)
        window.show()
        written: list[Path] = []

        async def settle() -> None:
            for _ in range(10):
                await asyncio.sleep(0.02)
                qapp.processEvents()

        def grab(name: str, dialog: QWidget | None = None) -> None:
            screen = QGuiApplication.primaryScreen()
            frame = window.frameGeometry()
            pixmap = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
            if dialog is not None:
                # No window manager draws a frame here: give the dialog a shadow
                # and a border so it reads as a window over the main one.
                at = dialog.frameGeometry().topLeft() - frame.topLeft()
                face = dialog.grab()
                painter = QPainter(pixmap)
                painter.setPen(Qt.PenStyle.NoPen)
                for spread, alpha in ((8, 18), (5, 28), (2, 40)):
                    painter.setBrush(QColor(0, 0, 0, alpha))
                    painter.drawRoundedRect(
                        QRect(at, face.size() / face.devicePixelRatio()).adjusted(
                            -spread, -spread + 3, spread, spread + 3
                        ),
                        spread,
                        spread,
                    )
                painter.drawPixmap(at, face)
                painter.setPen(QColor(0, 0, 0, 90))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(
                    QRect(at, face.size() / face.devicePixelRatio()).adjusted(0, 0, -1, -1)
                )
                painter.end()
            path = out / f"{name}{suffix}.png"
            pixmap.save(str(path))
            written.append(path)

        for name, make in scenes.SCENES.items():
            if name not in wanted:
                continue
            fake.publish(make())
            if name == "idle":
                window.dialer.number.setText("0441234567")
            await settle()
            dialog = controller.clerical.dialog
            if name == "after-call-work" and dialog is not None:
                dialog.resize(380, 400)
                geometry = dialog.frameGeometry()
                geometry.moveCenter(window.frameGeometry().center())
                dialog.move(geometry.topLeft())
                await settle()
                grab(name, dialog)
            else:
                grab(name)
            window.dialer.number.clear()
            fake.publish(scenes.idle())  # leave after-call work: the dialog closes
            await settle()
        if "history" in wanted:
            await history_scene(fake, shell, window, settle)
            grab("history")
            window.tabs.setCurrentIndex(0)
        if "call-cut" in wanted:  # the server went away mid-call; back, the window says so
            cut = SENTENCES[CallEnd.MEDIATEL_LOST]
            fake.publish(dataclasses.replace(scenes.idle(), notice=cut))
            await settle()
            grab("call-cut")
        if "sign-in-error" in wanted:
            fake.publish(scenes.signed_out())
            window.sign_in.login.setText("olena")
            window.sign_in.password.setText("secret")
            window.sign_in.extension.setText("1001")
            refused = login_error("Invalid user name or password (code -101)")
            window.sign_in.show_error(SignInField.LOGIN, text.sign_in_message(refused))
            await settle()
            grab("sign-in-error")
        shell.stop()
        (out / ".shots.ini").unlink(missing_ok=True)
        window.allow_close = True
        window.close()
        for widget in qapp.topLevelWidgets():
            if isinstance(widget, QWidget) and widget.isVisible():
                widget.close()
        return written

    del install_translations
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(qapp)) as runner:
        written = runner.run(shoot())
    for path in written:
        print(path)
    return 0


async def history_scene(fake: Any, shell: Any, window: Any, settle: Any) -> None:
    """The shell's History tab: a few calls (one missed, one cut) and a number filter."""
    from softphone.core.agent_snapshot import CallType, Direction
    from softphone.core.call_end import CallEnd
    from softphone.core.call_records import CallRecord
    from tests.fakes import agent_scenes as scenes

    now = scenes.NOW
    fake.records = [
        CallRecord("c4", Direction.INBOUND, CallType.INBOUND, now - 300, "0442227788",
                   "Inbound_Main", "1185574301", end_cause="cancelled", ended_at=now - 290,
                   end_reason=CallEnd.NOT_ANSWERED),
        CallRecord("c3", Direction.OUTBOUND, CallType.MANUAL, now - 1900, "0441234567",
                   "DM_Banks_ManualCalls", "1185574288", answered_at=now - 1890,
                   ended_at=now - 1698, call_code_id=15, call_code_name="Promise to pay",
                   end_cause="hangup", end_reason=CallEnd.CUSTOMER_HUNG_UP),
        CallRecord("c2", Direction.INBOUND, CallType.INBOUND, now - 5400, "0441234500",
                   "Inbound_Main", "1185574270", answered_at=now - 5396, ended_at=now - 5330,
                   end_cause="ended by the platform", end_reason=CallEnd.MEDIATEL_LOST),
        CallRecord("c1", Direction.OUTBOUND, CallType.PREDICTIVE, now - 9000, "0672223344",
                   "DM_MFO_1", "1185574251", answered_at=now - 8990, ended_at=now - 8600,
                   call_code_id=7, call_code_name="Call back later",
                   end_reason=CallEnd.AGENT_HUNG_UP),
    ]  # fmt: skip
    fake.publish(dataclasses.replace(scenes.idle(), missed_calls=1))
    await settle()
    shell.history.number.setText("044")  # the core filters; the fake answers as it would
    fake.records = [r for r in fake.records if r.number and "044" in r.number]
    window.tabs.setCurrentIndex(shell.history_tab)
    await settle()
    await shell.history.reload()
    shell.history.table.selectRow(1)
    await settle()


def dark_palette() -> object:
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    roles = QPalette.ColorRole
    for role, colour in {
        roles.Window: "#2b2d30",
        roles.WindowText: "#e6e6e6",
        roles.Base: "#1e1f22",
        roles.AlternateBase: "#26282b",
        roles.ToolTipBase: "#3c3f41",
        roles.ToolTipText: "#e6e6e6",
        roles.Text: "#e6e6e6",
        roles.Button: "#3a3d41",
        roles.ButtonText: "#e6e6e6",
        roles.BrightText: "#ffffff",
        roles.Highlight: "#2f65ca",
        roles.HighlightedText: "#ffffff",
        roles.Link: "#6ea8fe",
        roles.Mid: "#4a4d52",
        roles.Dark: "#1a1b1e",
        roles.Light: "#505357",
        roles.PlaceholderText: "#8c8f94",
    }.items():
        palette.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(disabled, role, QColor("#7a7d82"))
    return palette


def _translations(qapp: object, lang: str) -> object:
    """Load the app's translation for ``lang`` when the build has one."""
    try:
        from softphone.ui import i18n  # added with the translations
    except ImportError:
        return None
    return i18n.install_translators(qapp, lang)  # type: ignore[arg-type]


if __name__ == "__main__":
    raise SystemExit(main())
