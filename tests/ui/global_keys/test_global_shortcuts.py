"""Global shortcuts wired to the window's actions and the settings page (a fake desktop).

The fake backend stands for the desktop (which key another program holds);
the real X11 grabs are tested under Xvfb in ``test_x11_grabs.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from softphone.ui.controllers.global_keys import GlobalShortcuts
from softphone.ui.global_keys.base import HotkeysBase, Outcome, Registration
from softphone.ui.global_keys.chord import Chord
from softphone.ui.settings.global_keys_page import GlobalKeysPage
from softphone.ui.settings.store import UiSettings
from softphone.ui.shortcuts import Shortcut
from tests.fakes import agent_scenes as scenes
from tests.ui.conftest import Desk, turns
from tests.ui.shell_support import scratch_settings, shell_on


class FakeDesktop(HotkeysBase):
    """Grabs succeed unless another program holds the key (``taken``)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.taken = {"Ctrl+Alt+M"}
        self.grabs: dict[str, str] = {}

    @property
    def held(self) -> set[str]:
        return set(self.grabs.values())

    def _grab(self, name: str, chord: Chord, sequence: str) -> Registration:
        if sequence in self.taken:
            return Registration(name, sequence, Outcome.TAKEN, f"{sequence} is taken")
        self.grabs[name] = sequence
        return Registration(name, sequence, Outcome.REGISTERED)

    def _release(self, name: str) -> None:
        self.grabs.pop(name, None)


@pytest.fixture
def settings(tmp_path: Path) -> UiSettings:
    return scratch_settings(tmp_path / "ui.ini")


@pytest.fixture
def desktop() -> FakeDesktop:
    return FakeDesktop()


@pytest.fixture
def keys(desk: Desk, settings: UiSettings, desktop: FakeDesktop) -> GlobalShortcuts:
    return GlobalShortcuts(
        settings,
        desk.window.shortcut_actions(),
        factory=lambda _parent: desktop,
        parent=desk.window,
    )


def open_page(
    qtbot: QtBot, keys: GlobalShortcuts, settings: UiSettings, *, enabled: bool = False
) -> GlobalKeysPage:
    """The settings page as the agent opens it (after the keys were applied, if on)."""
    if enabled:
        settings.set("global_shortcuts/enabled", True)
        keys.apply()
    page = GlobalKeysPage(settings, keys)
    qtbot.addWidget(page)
    page.load()
    return page


def test_off_by_default_nothing_is_grabbed(keys: GlobalShortcuts, desktop: FakeDesktop) -> None:
    assert keys.apply() == {}
    assert desktop.held == set()


def test_on_the_saved_keys_are_grabbed_and_a_taken_one_says_so(
    keys: GlobalShortcuts, settings: UiSettings, desktop: FakeDesktop
) -> None:
    settings.set("global_shortcuts/enabled", True)
    results = keys.apply()
    assert desktop.held == {"Ctrl+Alt+A", "Ctrl+Alt+E", "Ctrl+Alt+H"}
    assert results[Shortcut.MUTE].outcome is Outcome.TAKEN
    settings.set("global_shortcuts/enabled", False)
    keys.apply()
    assert desktop.held == set()  # switched off: every key given back


def test_keys_swapped_between_actions_are_both_held(
    keys: GlobalShortcuts, settings: UiSettings, desktop: FakeDesktop
) -> None:
    settings.set("global_shortcuts/enabled", True)
    keys.apply()
    settings.set("global_shortcuts/answer", "Ctrl+Alt+H")
    settings.set("global_shortcuts/hold", "Ctrl+Alt+A")
    results = keys.apply()
    assert results[Shortcut.ANSWER].outcome is Outcome.REGISTERED
    assert results[Shortcut.HOLD].outcome is Outcome.REGISTERED
    assert desktop.grabs["answer"] == "Ctrl+Alt+H"


def test_a_press_goes_through_the_window_action_only_when_the_snapshot_allows(
    desk: Desk, keys: GlobalShortcuts, settings: UiSettings, desktop: FakeDesktop
) -> None:
    settings.set("global_shortcuts/enabled", True)
    keys.apply()
    desk.show(scenes.idle())
    desktop.pressed.emit("answer")  # nothing rings: the action is disabled
    desk.show(scenes.ringing())
    desktop.pressed.emit("answer")
    assert desk.run(desk.fake.next_command()).name == "answer"
    desk.run(turns())
    assert desk.fake._commands().empty()  # the press while idle did nothing


def test_page_shows_the_conflict_next_to_the_key_and_checks_edits(
    qtbot: QtBot, keys: GlobalShortcuts, settings: UiSettings, desktop: FakeDesktop
) -> None:
    page = open_page(qtbot, keys, settings, enabled=True)
    assert page.enabled.isChecked()
    assert page.status[Shortcut.MUTE].text() == "Ctrl+Alt+M is taken"
    assert page.status[Shortcut.ANSWER].text() == ""
    page.editors[Shortcut.MUTE].setKeySequence(QKeySequence("Ctrl+Alt+U"))
    page.editors[Shortcut.MUTE].editingFinished.emit()
    assert page.status[Shortcut.MUTE].text() == ""  # free: no sentence
    page.editors[Shortcut.HOLD].setKeySequence(QKeySequence("Ctrl+Alt+A"))
    page.editors[Shortcut.HOLD].editingFinished.emit()
    assert "another action" in page.status[Shortcut.HOLD].text()
    assert desktop.held == {"Ctrl+Alt+A", "Ctrl+Alt+E", "Ctrl+Alt+H"}  # checks grab nothing
    page.save()
    assert settings.get("global_shortcuts/mute") == "Ctrl+Alt+U"


def test_page_follows_the_desktop_answering_later(
    qtbot: QtBot, keys: GlobalShortcuts, settings: UiSettings, desktop: FakeDesktop
) -> None:
    """A portal answers after the page is open: the sentence appears next to the key."""
    page = open_page(qtbot, keys, settings, enabled=True)
    assert page.status[Shortcut.ANSWER].text() == ""
    desktop._registrations["answer"] = Registration(
        "answer", "Ctrl+Alt+A", Outcome.UNAVAILABLE, "The desktop did not assign this key."
    )
    desktop.changed.emit()
    assert page.status[Shortcut.ANSWER].text() == "The desktop did not assign this key."


def test_page_off_by_default_with_the_editors_disabled(
    qtbot: QtBot, keys: GlobalShortcuts, settings: UiSettings
) -> None:
    page = open_page(qtbot, keys, settings)
    assert not page.enabled.isChecked()
    assert not page.editors[Shortcut.ANSWER].isEnabled()
    page.enabled.setChecked(True)
    assert page.editors[Shortcut.ANSWER].isEnabled()


def test_saving_settings_applies_the_keys_at_once_and_reports_a_taken_key(
    desk: Desk, settings: UiSettings, desktop: FakeDesktop
) -> None:
    shell = shell_on(desk.bridge, desk.window, settings)
    shell.global_keys._factory = lambda _parent: desktop
    dialog = shell.open_settings()
    page = dialog.show_page(GlobalKeysPage)
    assert isinstance(page, GlobalKeysPage)
    page.enabled.setChecked(True)
    dialog.accept()
    assert desktop.held == {"Ctrl+Alt+A", "Ctrl+Alt+E", "Ctrl+Alt+H"}
    assert "Ctrl+Alt+M is taken" in desk.window.message_banner.label.text()
    shell.stop()
    assert desktop.held == set()


def test_a_display_without_global_shortcuts_says_so_on_the_page(
    qtbot: QtBot, desk: Desk, settings: UiSettings
) -> None:
    """The tests' offscreen platform is such a display: the real factory's sentence."""
    keys = GlobalShortcuts(settings, {}, parent=desk.window)
    page = GlobalKeysPage(settings, keys)
    qtbot.addWidget(page)
    settings.set("global_shortcuts/enabled", True)
    page.load()
    assert "not available on this display (offscreen)" in page.unavailable.text()
    assert not page.enabled.isEnabled() and not page.enabled.isChecked()
    assert keys.apply()[Shortcut.ANSWER].outcome is Outcome.UNAVAILABLE
