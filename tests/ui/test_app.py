"""The application: quitting signs out within a bound, closing keeps it running."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QDialog

from softphone.ui.app import SoftphoneApp
from softphone.ui.dialogs import run_dialog
from tests.fakes import agent_scenes as scenes
from tests.fakes.agent import FakeAgent


@pytest.fixture
def app(qapp: QApplication, qloop: asyncio.AbstractEventLoop) -> Iterator[SoftphoneApp]:
    fake = FakeAgent(scenes.idle())
    made = SoftphoneApp(fake, qapp, clock=lambda: scenes.NOW, quit_timeout=0.3)
    yield made
    made.window.allow_close = True
    made.window.close()
    made.controller.timer.stop()


def run(loop: asyncio.AbstractEventLoop, coro: Any) -> Any:
    return loop.run_until_complete(asyncio.wait_for(coro, 20))


def test_quit_signs_out_and_returns(app: SoftphoneApp, qloop: asyncio.AbstractEventLoop) -> None:
    fake = app.session
    assert isinstance(fake, FakeAgent)

    async def scenario() -> int:
        running = asyncio.ensure_future(app.run())
        await asyncio.sleep(0)
        assert app.window.isVisible()
        app.window.quit_action.trigger()
        return await running

    assert run(qloop, scenario()) == 0
    assert [c.name for c in fake.calls if c.name != "set_audio"] == ["sign_out"]  # ring at start
    assert not app.window.isVisible()


def test_quit_never_waits_longer_than_its_bound(
    app: SoftphoneApp, qloop: asyncio.AbstractEventLoop
) -> None:
    """A server that never answers the log-out must not keep the app open."""
    fake = app.session
    assert isinstance(fake, FakeAgent)

    async def scenario() -> float:
        fake.gates["sign_out"] = asyncio.Event()  # never set
        running = asyncio.ensure_future(app.run())
        await asyncio.sleep(0)
        started = time.monotonic()
        app.request_quit()
        await running
        return time.monotonic() - started

    elapsed = run(qloop, scenario())
    assert elapsed < 3.0  # quit_timeout 0.3 s + draining, with room for a loaded machine
    assert [c.name for c in fake.calls if c.name != "set_audio"] == ["sign_out"]  # ring at start


def test_closing_the_window_minimises_when_there_is_no_tray(
    app: SoftphoneApp, qloop: asyncio.AbstractEventLoop
) -> None:
    async def scenario() -> None:
        app.start()
        app.window.close()
        await asyncio.sleep(0)

    run(qloop, scenario())
    assert app.window.isVisible()  # still there (minimised), the app keeps running
    assert app.window.isMinimized()
    assert not app.finished.is_set()
    assert not QApplication.quitOnLastWindowClosed()


def test_uncaught_error_in_a_slot_is_shown_as_a_sentence(
    app: SoftphoneApp, qloop: asyncio.AbstractEventLoop
) -> None:
    app.start()
    try:
        raise KeyError("no-such-queue")
    except KeyError:
        app.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    # a bug opens the crash dialog: the sentence, and the details only on request
    dialog = app.crash.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.message.text() == "Something went wrong (KeyError); the details are in the log."
    assert "Traceback" not in dialog.message.text()
    assert not dialog.details.isVisible()
    dialog.close()


def test_a_refusal_from_the_core_is_shown_on_the_banner(
    app: SoftphoneApp, qloop: asyncio.AbstractEventLoop
) -> None:
    from softphone.core.agent_commands import AgentCommand, CommandRefused

    app.start()
    try:
        raise CommandRefused(AgentCommand.HOLD, "There is no call to hold.")
    except CommandRefused:
        app.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    assert app.window.message_banner.label.text() == "Not now: There is no call to hold."
    assert app.crash.dialog is None


def test_a_dialog_is_awaited_without_blocking_the_loop(qapp: QApplication, qloop: Any) -> None:
    dialog = QDialog()
    ticks: list[int] = []

    async def ticker() -> None:
        for n in range(3):
            ticks.append(n)
            await asyncio.sleep(0)
        dialog.accept()

    async def scenario() -> int:
        waiting = asyncio.ensure_future(run_dialog(dialog))
        await ticker()
        return await waiting

    assert run(qloop, scenario()) == QDialog.DialogCode.Accepted
    assert ticks == [0, 1, 2]  # the loop kept running while the dialog was open


def test_cancelling_the_wait_closes_the_dialog(qapp: QApplication, qloop: Any) -> None:
    dialog = QDialog()

    async def scenario() -> None:
        waiting = asyncio.ensure_future(run_dialog(dialog))
        await asyncio.sleep(0)
        assert dialog.isVisible()
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting

    run(qloop, scenario())
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
