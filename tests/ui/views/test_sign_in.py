"""The sign-in panel: the request it sends and each failure next to its field."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from softphone.core.agent_commands import SignInError, SignInField
from softphone.core.agent_snapshot import SignIn
from softphone.core.phone_events import RegistrationFailed
from softphone.core.sign_in_errors import login_error, mediatel_connect_error, registration_error
from softphone.ui.bridge import AgentBridge
from softphone.ui.controllers.main import MainController
from softphone.ui.views import text
from softphone.ui.views.main_window import MainWindow
from softphone.ui.views.sign_in import SignInDefaults
from tests.fakes import agent_scenes as scenes
from tests.fakes.agent import FakeAgent
from tests.ui.conftest import Desk, turns


def fill(
    desk: Desk, login: str = "olena", password: str = "s3cret", extension: str = "1001"
) -> None:
    panel = desk.window.sign_in
    QTest.keyClicks(panel.login, login)
    QTest.keyClicks(panel.password, password)
    QTest.keyClicks(panel.extension, extension)


def test_signed_out_shows_the_panel_and_the_button_waits_for_the_fields(desk: Desk) -> None:
    panel = desk.window.sign_in
    assert desk.window.pages.currentWidget() is desk.window.sign_in_page
    assert not panel.button.isEnabled()
    assert panel.button.toolTip() == "Type your login."
    fill(desk)
    assert panel.button.isEnabled()


def test_enter_signs_in_with_what_was_typed(desk: Desk) -> None:
    fill(desk)
    panel = desk.window.sign_in
    panel.remember.setChecked(True)

    async def scenario() -> None:
        QTest.keyClick(panel.extension, Qt.Key.Key_Return)
        recorded = await desk.fake.next_command()
        assert recorded.name == "sign_in"
        request = recorded.args[0]
        assert (request.login, request.password, request.extension) == ("olena", "s3cret", "1001")
        assert request.remember is True
        assert request.sip_user is None  # the profile's

    desk.run(scenario())


def test_own_sip_account_is_sent_when_ticked(desk: Desk) -> None:
    fill(desk)
    panel = desk.window.sign_in
    panel.sip_box.setChecked(True)
    QTest.keyClicks(panel.sip_user, "sip1001")
    QTest.keyClicks(panel.sip_password, "pw")

    async def scenario() -> None:
        QTest.mouseClick(panel.button, Qt.MouseButton.LeftButton)
        request = (await desk.fake.next_command()).args[0]
        assert (request.sip_user, request.sip_password) == ("sip1001", "pw")

    desk.run(scenario())


@pytest.mark.parametrize(
    ("field", "widget"),
    [
        (SignInField.LOGIN, "password"),
        (SignInField.EXTENSION, "extension"),
        (SignInField.SERVER, "profile"),
        (SignInField.SIP, "sip_user"),
    ],
)
def test_each_failure_is_shown_next_to_its_field(
    desk: Desk, field: SignInField, widget: str
) -> None:
    fill(desk)
    panel = desk.window.sign_in
    sentence = f"The {field.value} is wrong, says the core."
    desk.fake.fail_sign_in(SignInError(field, sentence))

    async def scenario() -> None:
        panel.submit()
        await desk.fake.next_command()
        await turns()

    desk.run(scenario())
    label = panel.errors[field]
    assert label.isVisible()
    assert label.text() == sentence
    others = [f for f, lbl in panel.errors.items() if f is not field and lbl.isVisible()]
    assert others == []
    assert getattr(panel, widget).hasFocus()


def test_signing_in_disables_the_button_and_says_so(desk: Desk) -> None:
    fill(desk)
    desk.show(dataclasses.replace(scenes.signed_out(), sign_in=SignIn.SIGNING_IN))
    panel = desk.window.sign_in
    assert panel.button.text() == "Signing in…"
    assert not panel.button.isEnabled()


def test_signed_in_switches_to_the_desk(desk: Desk) -> None:
    desk.show(scenes.idle())
    assert desk.window.pages.currentWidget() is desk.window.desk
    assert desk.window.windowTitle() == "Available — Softphone"


def test_profile_and_keyring_fill_the_form(qapp: object, qloop: object, qtbot: Any) -> None:
    fake = FakeAgent()
    bridge = AgentBridge(fake)
    window = MainWindow()
    qtbot.addWidget(window)
    defaults = SignInDefaults(
        login="olena", extension="1001", password_stored=True, profile_name="hes.example.com"
    )
    controller = MainController(bridge, window, sign_in_defaults=defaults)
    bridge.start()
    panel = window.sign_in
    assert (panel.login.text(), panel.extension.text()) == ("olena", "1001")
    assert panel.profile.currentText() == "hes.example.com"
    assert panel.password.placeholderText() == "saved on this computer"
    assert panel.button.isEnabled()  # the stored password is enough
    controller.timer.stop()
    window.allow_close = True


def test_everything_known_signs_in_at_start(qapp: object, qloop: Any, qtbot: Any) -> None:
    fake = FakeAgent()
    bridge = AgentBridge(fake)
    window = MainWindow()
    qtbot.addWidget(window)
    defaults = SignInDefaults(
        login="olena", extension="1001", password_stored=True, sign_in_now=True
    )
    controller = MainController(bridge, window, sign_in_defaults=defaults)
    bridge.start()

    async def scenario() -> None:
        controller.sign_in.start()
        request = (await fake.next_command()).args[0]
        assert (request.login, request.password, request.extension) == ("olena", "", "1001")

    qloop.run_until_complete(asyncio.wait_for(scenario(), 20))
    controller.timer.stop()
    window.allow_close = True


def test_the_form_fits_the_usual_window_in_every_language(qtbot: Any, language: str) -> None:
    """At the default 440 px the whole form shows without a sideways scroll bar."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.present(scenes.signed_out(), scenes.NOW)
    window.resize(440, 720)
    window.show()
    qtbot.waitExposed(window)
    page = window.sign_in_page
    assert window.pages.currentWidget() is page
    qtbot.waitUntil(lambda: not page.verticalScrollBar().isVisible())  # laid out at 720 px
    assert page.widget().minimumSizeHint().width() <= page.viewport().width(), language
    assert not page.horizontalScrollBar().isVisible(), language


def _every_sign_in_failure() -> list[SignInError]:
    url, sip = "https://mediatel.example.com", "wss://pbx.example.com/ws"
    failures = [
        mediatel_connect_error(url, detail)
        for detail in ("HTTP 403", "HTTP 401", "tls: bad certificate", "Bad Mediatel URL", "x")
    ]
    failures.append(login_error("Invalid user name or password (code -101)"))
    failures.append(registration_error(sip, None))
    failures += [
        registration_error(sip, RegistrationFailed(reason, code))
        for reason, code in (
            ("Unauthorized", 401),
            ("HTTP 403", None),
            ("ssl handshake failure", None),
            ("the server refused the connection (not running?)", None),
            ("Server Internal Error", 500),
        )
    ]
    return failures


def test_every_sign_in_failure_is_offered_to_translators() -> None:
    """The UI's template list is exactly what the core says (none stale, none missing)."""
    assert sorted({f.template or "" for f in _every_sign_in_failure()}) == sorted(
        text.SIGN_IN_SENTENCES
    )


def test_a_sign_in_failure_reads_in_the_windows_language(language: str) -> None:
    failures = {f.template: f for f in _every_sign_in_failure()}
    login = failures["Mediatel refused the login: {message}."]
    sip = failures["Cannot reach the SIP server at {url}: {reason}."]
    expected = {
        "en": (
            "Mediatel refused the login: Invalid user name or password (code -101).",
            "Cannot reach the SIP server at wss://pbx.example.com/ws: "
            "the server refused the connection (not running?).",
        ),
        "uk": (
            "Mediatel не прийняв вхід: Invalid user name or password (code -101).",
            "Не вдається з’єднатися з SIP-сервером wss://pbx.example.com/ws: "
            "сервер відхилив з’єднання (не запущений?).",
        ),
        "ru": (
            "Mediatel не принял вход: Invalid user name or password (code -101).",
            "Не удаётся соединиться с SIP-сервером wss://pbx.example.com/ws: "
            "сервер отклонил соединение (не запущен?).",
        ),
    }[language]
    assert (text.sign_in_message(login), text.sign_in_message(sip)) == expected
    other = SignInError(SignInField.PROFILE, "Cannot fetch the profile: 404")
    assert text.sign_in_message(other) == "Cannot fetch the profile: 404"  # as written
