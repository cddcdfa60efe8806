"""The shell wired to the window and a fake session: tray, popup, history, second launch."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import pytest

from softphone.core.agent_snapshot import CallType, Direction
from softphone.core.call_records import CallRecord
from softphone.ui import shortcuts
from softphone.ui.controllers.shell import ShellController
from softphone.ui.settings.audio_page import AudioPage
from softphone.ui.settings.pages import AutoAnswerPage, GeneralPage
from softphone.ui.single_instance import Request
from tests.fakes import agent_scenes as scenes
from tests.ui.conftest import Desk
from tests.ui.shell_support import scratch_settings, shell_on


@pytest.fixture
def shell(desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ShellController:
    monkeypatch.setattr(shortcuts, "KEYS", dict(shortcuts.KEYS))  # the test may change keys
    shown: list[bool] = []
    settings = scratch_settings(tmp_path / "ui.ini")
    controller = shell_on(desk.bridge, desk.window, settings, lambda: shown.append(True))
    controller.shown = shown  # type: ignore[attr-defined]
    return controller


def test_tray_menu_pause_reaches_the_session(desk: Desk, shell: ShellController) -> None:
    desk.show(scenes.idle())
    shell.tray.menu.aboutToShow.emit()
    pauses = next(a for a in shell.tray.menu.actions() if a.text() == "Pause").menu()
    next(a for a in pauses.actions() if a.text() == "Lunch").trigger()
    command = desk.run(desk.fake.next_command())
    assert (command.name, command.args) == ("pause", (2,))


def test_popup_answers_through_the_session_and_closes(desk: Desk, shell: ShellController) -> None:
    desk.show(scenes.ringing())
    assert shell.popup.isVisible()
    shell.popup.answer_button.click()
    assert desk.run(desk.fake.next_command()).name == "answer"
    desk.show(scenes.in_call())
    assert not shell.popup.isVisible()


def test_clicking_the_popup_brings_the_window(desk: Desk, shell: ShellController) -> None:
    desk.show(scenes.ringing())
    shell.popup.activated.emit()
    assert shell.shown == [True]  # type: ignore[attr-defined]


def test_second_launch_fills_the_number(desk: Desk, shell: ShellController) -> None:
    desk.show(scenes.idle())
    shell.handle_request(Request("dial", "0441234567"))
    assert desk.window.dialer.number.text() == "0441234567"
    assert shell.shown == [True]  # type: ignore[attr-defined]


def test_missed_calls_on_tab_and_tray_until_history_is_seen(
    desk: Desk, shell: ShellController
) -> None:
    desk.fake.records = [
        CallRecord("m", Direction.INBOUND, CallType.INBOUND, scenes.NOW - 60, number="0501112233")
    ]
    desk.show(dataclasses.replace(scenes.idle(), missed_calls=2))
    tabs = desk.window.tabs
    assert tabs.tabText(shell.history_tab) == "History (2)"
    assert "Missed calls: 2" in shell.tray.tooltip
    tabs.setCurrentIndex(shell.history_tab)
    assert tabs.tabText(shell.history_tab) == "History"
    assert "Missed" not in shell.tray.tooltip
    assert desk.run(desk.fake.next_command()).name == "history"
    desk.settle()
    assert shell.history.model.rowCount() == 1
    # redial from the history puts the number in the dial field
    shell.history.table.selectRow(0)
    shell.history.redial.click()
    assert desk.window.dialer.number.text() == "0501112233"


def test_settings_open_without_blocking_and_show_server_rules(
    desk: Desk, shell: ShellController
) -> None:
    snap = scenes.idle()
    desk.show(
        dataclasses.replace(
            snap, auto_answer=dataclasses.replace(snap.auto_answer, from_server=True, delay_ms=900)
        )
    )
    dialog = shell.open_settings()
    assert dialog.isVisible()  # open(), not exec(): the loop runs on
    auto = dialog.show_page(AutoAnswerPage)
    assert isinstance(auto, AutoAnswerPage) and not auto.delay.isEnabled()
    assert auto.delay.value() == 900
    assert isinstance(dialog.show_page(AudioPage), AudioPage)
    dialog.reject()


def test_export_diagnostics_from_the_menu(
    desk: Desk, shell: ShellController, tmp_path: Path
) -> None:
    shell.settings.set("audio/microphone", "Jabra")
    shell.settings.token()  # a token exists in the keyring
    path = shell.export_diagnostics(tmp_path / "diag.zip")
    assert path is not None
    with zipfile.ZipFile(path) as archive:
        settings = archive.read("settings.json").decode()
    assert "Jabra" in settings
    assert shell.settings.token() not in settings
    assert "Diagnostics saved" in desk.window.statusBar().currentMessage()


def test_shortcuts_from_settings_reach_the_window(desk: Desk, shell: ShellController) -> None:
    assert desk.window.answer_action.shortcut().toString() == "Ctrl+Return"
    dialog = shell.open_settings()
    general = dialog.show_page(GeneralPage)
    assert isinstance(general, GeneralPage)
    general.shortcuts["shortcuts/answer"].setKeySequence("Ctrl+Shift+A")
    dialog.accept()
    assert desk.window.answer_action.shortcut().toString() == "Ctrl+Shift+A"
    assert shortcuts.key_text(shortcuts.Shortcut.ANSWER) == "Ctrl+Shift+A"
