"""Every sentence the core writes for the agent reads in the window's language.

The core (Qt-free) keeps each sentence's template and values (``core/sentences.py``);
the UI translates the templates it knows (``text.CORE_SENTENCES``). These tests keep
the two lists equal, fail when the core hands a bare English sentence to the UI, and
show each place such a sentence reaches a widget in Ukrainian.
"""

from __future__ import annotations

import ast
import asyncio
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
from softphone.core.agent_snapshot import LinkHealth, LinkState, PauseView
from softphone.core.audio_check import DeviceChoice
from softphone.core.phone_events import AudioDeviceStalled, RegistrationFailed
from softphone.core.phone_registration import RegistrationStatus, failure_reason
from softphone.core.phone_reinvite import ack_sentence, problem_sentence, undone_sentence
from softphone.core.sentences import Sentence, said
from softphone.core.sign_in_errors import registration_error
from softphone.media.devices import (
    AudioDevice,
    Direction,
    NoAudioDevice,
    NullBackend,
    choose_device,
)
from softphone.media.offer_answer import Problem, Shortfall
from softphone.net.sip_ws import TransportState, TransportStateChanged
from softphone.sip import events as sip
from softphone.ui import aio
from softphone.ui.i18n import install_translators
from softphone.ui.incoming_popup import IncomingCallPopup
from softphone.ui.settings.audio_page import AudioPage
from softphone.ui.tray import Tray
from softphone.ui.views import text
from softphone.ui.views.sign_in import SignInPanel
from tests.fakes import agent_scenes as scenes
from tests.ui.conftest import Desk
from tests.ui.shell_support import ringing, scratch_settings, signed_in

PACKAGE = Path(__file__).resolve().parents[3] / "softphone"
CORE = PACKAGE / "core"
SCANNED = (*sorted(CORE.rglob("*.py")), PACKAGE / "media" / "devices.py")
"""The core, and the media module whose errors an agent reads (sound devices)."""

_CARRIERS = {
    "_note": 0,
    "PhoneError": 0,
    "PhoneCommandError": 0,
    "CommandRefused": 1,
    "CommandFailed": 1,
    "RegistrationFailed": 0,
    "AudioDeviceError": 0,
    "NoAudioDevice": 0,
    "UnknownAudioDevice": 0,
}
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


def _assignments(scope: ast.AST) -> dict[str, list[ast.expr]]:
    """What each local name of a function is assigned (a module's names are not followed)."""
    assigned: dict[str, list[ast.expr]] = {}
    if not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
        return assigned
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign):
            targets = [t for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and node.value is not None:
            targets = [node.target] if isinstance(node.target, ast.Name) else []
        else:
            continue
        for target in targets:
            assert isinstance(target, ast.Name) and node.value is not None
            assigned.setdefault(target.id, []).append(node.value)
    return assigned


def _bare(node: ast.expr | None, assigned: dict[str, list[ast.expr]], seen: set[str]) -> bool:
    """English made here: a literal, an f-string, ``str()``/``.format()``, a sum or a choice
    with one in it, a media ``Problem``'s ``.text``, or a local name assigned one of these."""
    match node:
        case ast.JoinedStr() | ast.Constant(value=str()):
            return True
        case ast.BoolOp(values=values):
            return any(_bare(value, assigned, seen) for value in values)
        case ast.IfExp(body=body, orelse=orelse):
            return _bare(body, assigned, seen) or _bare(orelse, assigned, seen)
        case ast.BinOp(left=left, right=right):
            return _bare(left, assigned, seen) or _bare(right, assigned, seen)
        case ast.Call(func=ast.Name(id="str")) | ast.Call(func=ast.Attribute(attr="format")):
            return True
        case ast.Attribute(attr="text"):
            return True
        case ast.Name(id=name) if name not in seen:
            return any(_bare(value, assigned, seen | {name}) for value in assigned.get(name, []))
    return False


def bare_sentences(path: Path) -> list[str]:
    """Places in ``path`` where English goes to the agent without a template."""
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    scopes = [
        tree,
        *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)),
    ]
    for scope in scopes:
        assigned = _assignments(scope)

        def bare(node: ast.expr | None, assigned: dict[str, list[ast.expr]] = assigned) -> bool:
            return _bare(node, assigned, set())

        for node in ast.walk(scope):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                index = _CARRIERS.get(name)
                if index is not None and len(node.args) > index and bare(node.args[index]):
                    found.add(f"{path.name}:{node.lineno} {name}")
            elif isinstance(node, ast.Assign) and bare(node.value):
                for target in node.targets:
                    if isinstance(target, ast.Attribute) and target.attr == "_notice":
                        found.add(f"{path.name}:{node.lineno} _notice")
            elif isinstance(node, ast.FunctionDef) and node.name == "command_availability":
                found.update(
                    f"{path.name}:{inner.lineno} command_availability"
                    for inner in ast.walk(node)
                    if isinstance(inner, ast.expr) and bare(inner) and id(inner) not in docstrings
                )
    return sorted(found, key=lambda place: int(place.split(":")[1].split()[0]))


def test_no_core_sentence_reaches_the_ui_without_a_template() -> None:
    offences = [o for path in SCANNED for o in bare_sentences(path)]
    assert offences == []


def test_the_scan_catches_a_bare_sentence(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(self, exc, problem, error):\n"
        "    self._note(f'moved to {exc}')\n"
        "    self._notice = 'lost'\n"
        "    raise CommandRefused(C.DIAL, 'not now')\n"
        "    self._note(Sentence(S.SIP_MOVED, url=exc))\n"
        "    message = f'hold failed ({problem.text})'\n"
        "    self._emit(ev.PhoneError(message, None))\n"
        "    self._emit(ev.PhoneError(problem.text, None))\n"
        "    self._emit(ev.RegistrationFailed(error or 'cannot connect', None))\n"
        "    raise NoAudioDevice('No ' + str(exc))\n"
        "    self._emit(ev.PhoneError(said(exc), None))\n"
        "    self._emit(ev.PhoneError(undone_sentence(True, problem), None))\n"
    )
    assert [o.split()[1] for o in bare_sentences(sample)] == [
        "_note",
        "_notice",
        "CommandRefused",
        "PhoneError",
        "PhoneError",
        "RegistrationFailed",
        "NoAudioDevice",
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


# -- the phone's offer/answer problems (hold, unhold, re-INVITE, the ACK), in Ukrainian -------


def _notice(desk: Desk, notice: str) -> str:
    desk.show(dataclasses.replace(scenes.in_call(), notice=notice))
    return desk.window.notice.text()


def test_a_refused_hold_keeps_the_far_ends_words(desk: Desk, uk: None) -> None:
    problem = Problem(Shortfall.REFUSED, fatal=False, detail="488 Not Acceptable Here")
    notice = undone_sentence(True, problem)
    assert notice == "hold failed (488 Not Acceptable Here)"
    shown = _notice(desk, notice)
    assert shown == "не вдалося поставити на утримання (488 Not Acceptable Here)", shown


def test_an_unhold_that_could_not_be_undone(desk: Desk, uk: None) -> None:
    problem = Problem(
        Shortfall.UNUSABLE_ANSWER, fatal=False, restored=False, detail="unusable SDP: no m= line"
    )
    notice = undone_sentence(False, problem)
    assert notice == (
        "unhold failed (unusable answer from the far end: unusable SDP: no m= line); "
        "audio may be affected"
    )
    assert _notice(desk, notice) == (
        "не вдалося зняти з утримання (непридатна відповідь іншої сторони: unusable SDP: "
        "no m= line); звук може бути порушено"
    )


def test_a_re_invite_answered_without_sdp(desk: Desk, uk: None) -> None:
    notice = undone_sentence(None, Problem(Shortfall.NO_ANSWER, fatal=False))
    assert notice == "re-INVITE failed (the far end answered without SDP)"
    assert _notice(desk, notice) == "повторний INVITE не вдався (інша сторона відповіла без SDP)"


def test_an_unusable_first_answer_ends_the_call(desk: Desk, uk: None) -> None:
    notice = problem_sentence(Problem(Shortfall.UNUSABLE_ANSWER, fatal=True, detail="no codec"))
    assert notice == "unusable answer from the far end: no codec"
    assert _notice(desk, notice) == "непридатна відповідь іншої сторони: no codec"


def test_an_ack_without_the_answer(desk: Desk, uk: None) -> None:
    fatal = ack_sentence(Problem(Shortfall.NO_ANSWER_IN_ACK, fatal=True))
    assert _notice(desk, fatal) == "в ACK немає відповіді на нашу SDP-пропозицію"
    kept = ack_sentence(Problem(Shortfall.UNUSABLE_ANSWER_IN_ACK, fatal=False, detail="bad"))
    assert (
        kept
        == "unusable answer to our SDP offer in the ACK: bad; the call keeps its previous audio"
    )
    assert _notice(desk, kept) == (
        "непридатна відповідь на нашу SDP-пропозицію в ACK: bad; дзвінок зберігає попередній звук"
    )


# -- the SIP registration's failures (the link's reason), in Ukrainian -------------------------


def _sip_link(desk: Desk, state: LinkState, reason: str) -> str:
    health = LinkHealth(state, since=scenes.NOW - 5, reason=reason)
    desk.show(dataclasses.replace(scenes.idle(), sip=health))
    return desk.window.status.sip.toolTip()


def test_a_refused_sip_password_in_the_link_tooltip(desk: Desk, uk: None) -> None:
    reason = failure_reason(sip.RegistrationFailed(403, "Forbidden", will_retry=False))
    tip = _sip_link(desk, LinkState.FAILED, reason)
    assert tip.endswith(
        "\nавтентифікація не вдалася (403 Forbidden): перевірте користувача й пароль"
    )
    banner = desk.window.reconnect_banner.label.text()
    assert "автентифікація не вдалася (403 Forbidden)" in banner, banner


def test_a_sip_server_out_of_reach_in_the_link_tooltip(desk: Desk, uk: None) -> None:
    down = TransportStateChanged(TransportState.DISCONNECTED, "wss://pbx.example.com/ws")
    failed = RegistrationStatus().on_event(down)[-1]
    assert isinstance(failed, RegistrationFailed) and failed.reason == "cannot connect"
    tip = _sip_link(desk, LinkState.RECONNECTING, failed.reason)
    assert tip.endswith("\nне вдається під’єднатися"), tip


# -- the sound devices' failures, in Ukrainian --------------------------------------------


def _device_error(devices: tuple[AudioDevice, ...], name: str | None) -> NoAudioDevice:
    with pytest.raises(NoAudioDevice) as caught:
        choose_device(devices, name, Direction.OUTPUT)
    return caught.value


def test_no_speaker_in_the_status_bar(desk: Desk, uk: None) -> None:
    error = _device_error((), None)
    notice = Sentence(S.NO_AUDIO_DEVICE, detail=said(error))  # as the phone says it
    assert notice.startswith("no audio device: No speaker was found")
    assert _notice(desk, notice) == (
        "немає звукового пристрою: Динамік не знайдено: на цьому комп’ютері немає звукового "
        "пристрою виведення (під’єднайте гарнітуру або запустіть із нульовим звуковим "
        "пристроєм)."
    )


def test_a_device_check_on_the_settings_page(
    qtbot: object, qloop: asyncio.AbstractEventLoop, tmp_path: Path, uk: None
) -> None:
    laptop = AudioDevice(0, "Laptop speaker", "ALSA", 0, 2, 48000.0, is_default_output=True)
    error = _device_error((laptop,), "Jabra")

    class Unplugged(NullBackend):
        async def open_output(self, device, callback, *, blocksize_ms=5.0):  # type: ignore[no-untyped-def]
            raise error

    tasks: list[asyncio.Task[object]] = []
    page = AudioPage(
        scratch_settings(tmp_path / "softphone.ini"),
        devices=DeviceChoice(inputs=(), outputs=("Laptop speaker",)),
        backend=Unplugged(),
        run=lambda c: tasks.append(qloop.create_task(c)),
    )
    page.test_speaker.click()
    qloop.run_until_complete(asyncio.gather(*tasks))
    shown = page.result.text()
    assert shown == 'Жоден динамік не відповідає «Jabra». Пристрої виведення: "Laptop speaker".'
    page.deleteLater()
