"""Global shortcuts on a real X server, run by ``test_x11_grabs.py`` in a pytest of its own.

Not collected by the suite (the name is not ``test_*``): the parent starts
Xvfb and runs this file with ``SOFTPHONE_TEST_QT_PLATFORM=xcb``, so the
window is a real xcb window, another program (``xmessage``, standing for
the CRM) has the keyboard focus, and keys are typed with ``xdotool``
(XTEST), as a keyboard would.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from softphone.ui.global_keys.base import Outcome
from softphone.ui.global_keys.x11 import XcbHotkeys
from softphone.ui.settings.global_keys_page import GlobalKeysPage
from softphone.ui.shortcuts import Shortcut
from tests.fakes import agent_scenes as scenes
from tests.ui.conftest import Desk, turns
from tests.ui.shell_support import scratch_settings, shell_on

pytestmark = pytest.mark.skipif(
    os.environ.get("SOFTPHONE_TEST_QT_PLATFORM") != "xcb", reason="run by test_x11_grabs.py"
)


def xdotool(*args: str) -> str:
    return subprocess.run(
        ["xdotool", *args], check=True, capture_output=True, text=True, timeout=20
    ).stdout.strip()


def setxkbmap(*args: str) -> None:
    subprocess.run(["setxkbmap", *args], check=True, capture_output=True, timeout=20)


@pytest.fixture
def crm() -> Iterator[str]:
    """Another program's window with the keyboard focus; its X window id."""
    process = subprocess.Popen(["xmessage", "-title", "crm-window", "The CRM has the focus"])
    try:
        window = xdotool("search", "--sync", "--name", "^crm-window$").split()[0]
        xdotool("windowfocus", "--sync", window)
        yield window
    finally:
        process.terminate()
        process.wait(5)


@pytest.fixture
def other_program() -> Iterator[XcbHotkeys]:
    """Another X client that holds Ctrl+Alt+M before the softphone starts."""
    holder = XcbHotkeys()
    assert holder.register("theirs", "Ctrl+Alt+M").outcome is Outcome.REGISTERED
    yield holder
    holder.close()


def test_keys_reach_the_app_while_another_program_has_the_focus(
    desk: Desk, qtbot: QtBot, tmp_path: Path, crm: str, other_program: XcbHotkeys
) -> None:
    assert QGuiApplication.platformName() == "xcb"
    settings = scratch_settings(tmp_path / "ui.ini")
    settings.set("global_shortcuts/enabled", True)
    shell = shell_on(desk.bridge, desk.window, settings)
    held = shell.global_keys.registrations()
    assert held[Shortcut.ANSWER].outcome is Outcome.REGISTERED
    assert held[Shortcut.MUTE].outcome is Outcome.TAKEN  # the other program has it
    dialog = shell.open_settings()
    page = dialog.show_page(GlobalKeysPage)
    assert isinstance(page, GlobalKeysPage)
    assert "Ctrl+Alt+M is taken by another program" in page.status[Shortcut.MUTE].text()
    assert page.status[Shortcut.ANSWER].text() == ""
    dialog.reject()

    second = XcbHotkeys()  # a second X client asking for the app's key is told it is taken
    assert second.register("again", "Ctrl+Alt+A").outcome is Outcome.TAKEN
    second.close()

    xdotool("windowfocus", "--sync", crm)
    assert xdotool("getwindowfocus") == crm
    desk.show(scenes.ringing())
    xdotool("key", "ctrl+alt+a")
    assert desk.run(desk.fake.next_command()).name == "answer"

    desk.show(scenes.in_call())
    xdotool("key", "Num_Lock")  # NumLock on: the same key still works
    xdotool("key", "ctrl+alt+h")
    assert desk.run(desk.fake.next_command()).name == "hold"
    xdotool("key", "Num_Lock")

    desk.show(scenes.idle())  # nothing to hang up: the press arrives, the action stays off
    backend = shell.global_keys.backend()
    with qtbot.waitSignal(backend.pressed, timeout=10000) as pressed:
        xdotool("key", "ctrl+alt+e")
    assert pressed.args == ["hangup"]
    desk.run(turns())
    assert desk.fake._commands().empty()
    assert xdotool("getwindowfocus") == crm  # the CRM kept the keyboard throughout

    # A new keyboard map moves the grab: in Dvorak, E is on another key.
    desk.show(scenes.in_call())
    with qtbot.waitSignal(backend.changed, timeout=10000):
        setxkbmap("-layout", "us", "-variant", "dvorak")
    xdotool("key", "ctrl+alt+e")
    assert desk.run(desk.fake.next_command()).name == "hangup"
    # Ukrainian first: the Latin A is in the second group, on the key labelled Ф.
    with qtbot.waitSignal(backend.changed, timeout=10000):
        setxkbmap("-layout", "ua,us")
    desk.show(scenes.ringing())
    xdotool("key", "ctrl+alt+Cyrillic_ef")
    assert desk.run(desk.fake.next_command()).name == "answer"
    with qtbot.waitSignal(backend.changed, timeout=10000):
        setxkbmap("-layout", "us")

    settings.set("global_shortcuts/enabled", False)  # switched off: the keys are free at once
    shell.apply_shortcuts()
    after = XcbHotkeys()
    assert after.register("now", "Ctrl+Alt+A").outcome is Outcome.REGISTERED
    after.close()
    settings.set("global_shortcuts/enabled", True)  # and on again
    shell.apply_shortcuts()
    desk.show(scenes.ringing())
    xdotool("key", "ctrl+alt+a")
    assert desk.run(desk.fake.next_command()).name == "answer"

    shell.stop()  # quitting gives the keys back too
    after = XcbHotkeys()
    assert after.register("now", "Ctrl+Alt+A").outcome is Outcome.REGISTERED
    after.close()
