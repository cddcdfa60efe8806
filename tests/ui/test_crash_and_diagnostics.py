"""Errors reach the agent as a sentence (never a traceback); diagnostics hold no secret."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import zipfile
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from softphone.core.agent_commands import AgentCommand, CommandRefused
from softphone.logs import setup_logging
from softphone.ui.crash import ExceptHook
from softphone.ui.diagnostics import export_diagnostics, human_message, scrub_settings

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.U2lnbmVkQnlNZWRpYXRlbA"


def _raise(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:
        return caught


def test_core_errors_are_shown_in_their_own_words() -> None:
    exc = CommandRefused(AgentCommand.HOLD, "There is no call to hold.")
    assert human_message(exc) == "Not now: There is no call to hold."


def test_a_bug_is_a_sentence_not_a_traceback() -> None:
    message = human_message(KeyError("snapshot"))
    assert message is not None
    assert "Traceback" not in message and "snapshot" not in message
    assert "log" in message


def test_cancellation_is_not_an_error() -> None:
    assert human_message(asyncio.CancelledError()) is None


def test_hook_logs_and_opens_one_dialog_with_copyable_details(qtbot: QtBot) -> None:
    hook = ExceptHook()
    exc = _raise(ValueError(f"bad reply with token={JWT}"))
    hook(type(exc), exc, exc.__traceback__)
    dialog = hook.dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    assert "Traceback" not in dialog.message.text()
    assert not dialog.details.isVisible()
    dialog.copy_details.click()
    copied = QGuiApplication.clipboard().text()
    assert "ValueError" in copied and "Traceback" in copied
    assert JWT not in copied  # details are redacted too
    # a second error joins the open dialog instead of stacking another one
    second = _raise(TimeoutError())
    hook(type(second), second, second.__traceback__)
    assert hook.dialog is dialog
    assert "took too long" in dialog.message.text()


def test_hook_ignores_a_cancelled_slot(qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    hook = ExceptHook()
    exc = _raise(asyncio.CancelledError())
    with caplog.at_level(logging.INFO):
        hook(type(exc), exc, exc.__traceback__)
    assert hook.dialog is None


def test_hook_installs_and_uninstalls(qapp: object) -> None:
    before = sys.excepthook
    hook = ExceptHook()
    hook.install()
    assert sys.excepthook is hook
    hook.uninstall()
    assert sys.excepthook is before


@pytest.fixture
def logs(tmp_path: Path):  # type: ignore[no-untyped-def]
    root = logging.getLogger()
    handlers = list(root.handlers)
    directory = tmp_path / "logs"
    setup_logging(directory)
    yield directory
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
        handler.close()


def test_export_holds_logs_versions_devices_settings_and_no_secret(
    tmp_path: Path, logs: Path
) -> None:
    log = logging.getLogger("softphone.test")
    log.info("signed in as ann, password=hunter2-secret")
    log.info("Cookie: VouchCookie=cookie-value-123")
    log.info("jwt %s", JWT)
    for handler in logging.getLogger().handlers:
        handler.flush()
    # an old log line written before a masking rule existed
    (logs / "softphone.log.1").write_text(f"legacy sip_password=legacy-pw {JWT}\n")
    settings = {
        "audio/microphone": "Jabra",
        "integration/token": "api-token-xyz",
        "profile/password": "hunter2-secret",
        "profile/url": "wss://ann:url-pass@pbx.example.com/ws",
    }
    path = export_diagnostics(
        tmp_path / "diag.zip", settings=settings, devices=["Jabra (ALSA)"], log_dir=logs
    )
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        content = "\n".join(archive.read(name).decode() for name in names)
        exported = json.loads(archive.read("settings.json"))
    assert {"logs/softphone.log", "logs/softphone.log.1", "versions.json", "devices.txt"} <= names
    for secret in (
        "hunter2-secret",
        "cookie-value-123",
        JWT,
        "api-token-xyz",
        "legacy-pw",
        "url-pass",
    ):
        assert secret not in content, secret
    assert exported["audio/microphone"] == "Jabra"
    assert "signed in as ann" in content
    assert "Jabra (ALSA)" in content
    assert "PySide6-Essentials" in content


def test_scrub_masks_nested_secret_keys() -> None:
    clean = scrub_settings({"profile": {"sip_password": "x", "name": "Main"}})
    assert clean == {"profile": {"sip_password": "***", "name": "Main"}}
