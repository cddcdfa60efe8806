"""Every sentence the core writes for the agent reads in the window's language.

The core (Qt-free) keeps each sentence's template and values (``core/sentences.py``);
the UI translates the templates it knows (``text.CORE_SENTENCES``). These tests keep
the two lists equal, fail when the core hands a bare English sentence to the UI, and
show each place such a sentence reaches a widget in Ukrainian.
"""

from __future__ import annotations

import ast
import dataclasses
import string
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication

from softphone.core import sentences as S
from softphone.core.agent_commands import AgentCommand, CommandFailed, CommandRefused
from softphone.core.agent_snapshot import PauseView
from softphone.core.phone_events import AudioDeviceStalled, RegistrationFailed
from softphone.core.sentences import Sentence, said
from softphone.core.sign_in_errors import registration_error
from softphone.ui import aio
from softphone.ui.i18n import install_translators
from softphone.ui.incoming_popup import IncomingCallPopup
from softphone.ui.tray import Tray
from softphone.ui.views import text
from softphone.ui.views.sign_in import SignInPanel
from tests.fakes import agent_scenes as scenes
from tests.ui.conftest import Desk
from tests.ui.shell_support import ringing, signed_in

CORE = Path(__file__).resolve().parents[3] / "softphone" / "core"

_CARRIERS = {"_note": 0, "PhoneError": 0, "PhoneCommandError": 0, "CommandRefused": 1}
"""Calls whose argument (by position) is a sentence the agent reads."""


def _names(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def _filled(template: str) -> Sentence:
    return Sentence(template, **{name: "X" for name in _names(template)})


@pytest.fixture
def uk(qapp: QApplication) -> Iterator[None]:
    before = QLocale()
    translators = install_translators(qapp, "uk")
    try:
        yield
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
        QLocale.setDefault(before)


# -- the table and the core agree -------------------------------------------------------


def test_the_translation_table_is_the_cores_templates() -> None:
    """None stale, none missing: a new template in the core fails here until listed."""
    assert sorted(text.CORE_SENTENCES) == sorted(S.TEMPLATES)
    assert len(set(S.TEMPLATES)) == len(S.TEMPLATES)


def test_every_core_sentence_reads_in_the_windows_language(language: str) -> None:
    for template in S.TEMPLATES:
        english = _filled(template)
        shown = text.core_sentence(english)
        assert (shown == english) is (language == "en"), (language, template, shown)
    assert text.core_sentence("the server's own words") == "the server's own words"


def bare_sentences(path: Path) -> list[str]:
    """Places in ``path`` where an English literal goes to the agent without a template."""
    tree = ast.parse(path.read_text("utf-8"))
    found: list[str] = []
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}

    def bare(node: ast.expr | None) -> bool:
        return isinstance(node, ast.JoinedStr) or (
            isinstance(node, ast.Constant) and isinstance(node.value, str)
        )

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            index = _CARRIERS.get(name)
            if name == "CommandFailed":
                index = 1
            if index is not None and len(node.args) > index and bare(node.args[index]):
                found.append(f"{path.name}:{node.lineno} {name}")
        elif isinstance(node, ast.Assign) and bare(node.value):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr == "_notice":
                    found.append(f"{path.name}:{node.lineno} _notice")
        elif isinstance(node, ast.FunctionDef) and node.name == "command_availability":
            found += [
                f"{path.name}:{inner.lineno} command_availability"
                for inner in ast.walk(node)
                if isinstance(inner, ast.expr) and bare(inner) and id(inner) not in docstrings
            ]
    return found


def test_no_core_sentence_reaches_the_ui_without_a_template() -> None:
    offences = [o for path in sorted(CORE.rglob("*.py")) for o in bare_sentences(path)]
    assert offences == []


def test_the_scan_catches_a_bare_sentence(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(self, exc):\n"
        "    self._note(f'moved to {exc}')\n"
        "    self._notice = 'lost'\n"
        "    raise CommandRefused(C.DIAL, 'not now')\n"
        "    self._note(Sentence(S.SIP_MOVED, url=exc))\n"
    )
    assert sorted(o.split()[1] for o in bare_sentences(sample)) == [
        "CommandRefused",
        "_note",
        "_notice",
    ]


def test_a_sentence_survives_being_raised() -> None:
    error = CommandRefused(AgentCommand.DIAL, Sentence(S.NUMBER_EMPTY))
    assert isinstance(said(error), Sentence) and str(error) == "the number is empty"


# -- each path to a widget, in Ukrainian ------------------------------------------------


def test_status_bar_notice_call_code_dropped(desk: Desk, uk: None) -> None:
    notice = Sentence(S.CALL_CODE_DROPPED, code="“Callback requested”", trace="7781")
    desk.show(dataclasses.replace(scenes.idle(), notice=notice))
    assert desk.window.notice.text() == (
        "Код дзвінка “Callback requested” не надіслано: коли Mediatel повернувся, дзвінка "
        "7781 уже не було в обробці після дзвінка. Код збережено в історії дзвінків."
    )


def test_status_bar_notice_audio_device(desk: Desk, uk: None) -> None:
    stalled = AudioDeviceStalled("call-1", "microphone", stalled=True)
    desk.show(dataclasses.replace(scenes.in_call(), notice=stalled.message))
    assert desk.window.notice.text() == "мікрофон перестав працювати (від’єднано?): клієнт чує тишу"
    no_device = Sentence(S.NO_AUDIO_DEVICE, detail="PortAudio: -9996")
    desk.show(dataclasses.replace(scenes.idle(), notice=no_device))
    assert desk.window.notice.text() == "немає звукового пристрою: PortAudio: -9996"


def test_pause_banner_watchdog_reason(desk: Desk, uk: None) -> None:
    cause = Sentence(S.WATCHDOG_CAUSE, seconds="30")
    pause = PauseView(
        5, "Technical", by_watchdog=True, reason=Sentence(S.PAUSED_AUTOMATICALLY, cause=cause)
    )
    desk.show(dataclasses.replace(scenes.paused(), pause=pause, status_name="Technical"))
    shown = desk.window.pause_banner.label.text()
    assert "Причина: Автоматична пауза: номер не зареєстрований уже 30 с." in shown, shown


def test_command_tooltip_and_not_now_banner(desk: Desk, uk: None) -> None:
    snapshot = scenes.in_call()
    commands = dict(snapshot.commands)
    commands[AgentCommand.HOLD] = Sentence(S.NO_HOLD_NOW)
    desk.show(dataclasses.replace(snapshot, commands=MappingProxyType(commands)))
    hold = desk.window.call_panel.hold
    assert hold.toolTip() == "Недоступно: платформа зараз не дозволяє утримання", hold.toolTip()
    desk.controller.desk.send(AgentCommand.HOLD)
    shown = desk.window.message_banner.label.text()
    assert shown == "Не зараз: платформа зараз не дозволяє утримання", shown


def test_refused_and_failed_commands_in_the_message_banner(uk: None) -> None:
    refused = CommandRefused(AgentCommand.HOLD, Sentence(S.HOLD_NEEDS_CALL))
    assert aio.sentence(refused) == "Не зараз: для утримання потрібен з’єднаний дзвінок"
    failed = CommandFailed(AgentCommand.DIAL, Sentence(S.MEDIATEL_DID_NOT_TAKE, error="-5"))
    assert aio.sentence(failed).endswith(": Mediatel не прийняв: -5"), aio.sentence(failed)


def test_tray_menu_tooltip(qapp: QApplication, uk: None) -> None:
    tray = Tray(available=False)
    snapshot = signed_in()
    commands = dict(snapshot.commands)
    commands[AgentCommand.RESUME] = Sentence(S.NOT_ON_PAUSE)
    tray.set_snapshot(dataclasses.replace(snapshot, commands=MappingProxyType(commands)))
    tray.menu.aboutToShow.emit()
    tips = {action.toolTip() for action in tray.menu.actions()}
    assert "ви не на паузі" in tips, tips


def test_incoming_popup_tooltip(qtbot: object, uk: None) -> None:
    popup = IncomingCallPopup()
    snapshot = ringing()
    commands = dict(snapshot.commands)
    commands[AgentCommand.ANSWER] = Sentence(S.MEDIATEL_RECONNECTING)
    popup.set_snapshot(dataclasses.replace(snapshot, commands=MappingProxyType(commands)))
    assert popup.answer_button.toolTip() == "Mediatel не під’єднано; перепідключення"


def test_sign_in_page_general_error(qtbot: object, uk: None) -> None:
    page = SignInPanel()
    error = registration_error("wss://pbx.example.com/ws", RegistrationFailed("Busy", 486))
    page.present(scenes.signed_out(said(error)))
    shown = page.general_error.text()
    assert shown == "SIP-сервер відхилив реєстрацію (486 Busy).", shown


def test_link_reason_in_the_banner_and_the_tooltip(desk: Desk, uk: None) -> None:
    snapshot = scenes.reconnecting()
    reason = Sentence(S.DISCONNECTED, reason="io server disconnect")
    desk.show(
        dataclasses.replace(
            snapshot, mediatel=dataclasses.replace(snapshot.mediatel, reason=reason)
        )
    )
    shown = desk.window.reconnect_banner.label.text()
    assert "з’єднання розірвано: io server disconnect" in shown, shown
    tip = desk.window.status.mediatel.toolTip()
    assert tip.endswith("\nз’єднання розірвано: io server disconnect"), tip
