"""The desktop app serves the headless agent's integration API while it runs.

A CRM talks to ``ws://127.0.0.1:PORT/cti?token=…`` whichever front end the
agent uses; the window shows before the session is built, and a port that
is taken is a sentence on the window, not a crash.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from softphone.core import cti_discovery as discovery
from softphone.core.agent_snapshot import AgentSnapshot
from softphone.core.cti_client import CtiClient, CtiClientError
from softphone.core.cti_discovery import read_discovery
from softphone.core.cti_host import ApiSettings
from softphone.ui.app import SoftphoneApp
from softphone.ui.deferred_session import DeferredSession
from softphone.ui.settings.pages import IntegrationPage
from softphone.ui.settings.store import UiSettings
from tests.fakes import agent_scenes as scenes
from tests.fakes.agent import FakeAgent
from tests.ui.shell_support import scratch_settings

TOKEN = "crm-token-for-tests"


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(discovery.TOKEN_ENV, raising=False)
    monkeypatch.setattr(discovery, "_keyring_get", lambda login: None)
    monkeypatch.setattr(discovery, "_keyring_set", lambda login, token: False)


@pytest.fixture
def make_app(
    qapp: QApplication, qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> Iterator[Callable[..., SoftphoneApp]]:
    made: list[SoftphoneApp] = []

    def make(session: Any, api: ApiSettings, settings: UiSettings | None = None) -> SoftphoneApp:
        app = SoftphoneApp(
            session,
            qapp,
            clock=lambda: scenes.NOW,
            quit_timeout=0.5,
            api=api,
            settings=settings or scratch_settings(tmp_path / "softphone.ini"),
        )
        made.append(app)
        return app

    yield make
    for app in made:
        app.window.allow_close = True
        app.window.close()
        app.controller.timer.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def run(loop: asyncio.AbstractEventLoop, coro: Any) -> Any:
    return loop.run_until_complete(asyncio.wait_for(coro, 30))


def test_a_crm_reads_the_state_and_dials_through_the_running_app(
    make_app: Callable[..., SoftphoneApp], qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    fake = FakeAgent(scenes.idle())
    window_shown_first: list[bool] = []
    app: SoftphoneApp

    def build() -> FakeAgent:
        window_shown_first.append(app.window.isVisible())
        return fake

    api = ApiSettings(port=0, token=TOKEN, login="olena", directory=tmp_path)
    app = make_app(DeferredSession(build), api)

    async def crm() -> tuple[dict[str, Any], dict[str, Any]]:
        running = asyncio.ensure_future(app.run())
        await app.api_settled.wait()
        assert app.api_server is not None
        found = read_discovery(tmp_path)  # where `softphone dial` finds an agent
        assert found is not None and found.port == app.api_server.port
        client = await CtiClient.connect(app.api_server.port, TOKEN)
        try:
            state = await client.request("getState")
            dialled = await client.request("makeCall", number="0661234567")
        finally:
            await client.aclose()
        port = app.api_server.port
        app.request_quit()
        assert await running == 0
        with pytest.raises(CtiClientError):  # the API ends with the app
            await CtiClient.connect(port, TOKEN, timeout=2.0)
        assert read_discovery(tmp_path) is None
        return state, dialled

    state, dialled = run(qloop, crm())
    assert window_shown_first == [True]
    assert state["ok"] and state["result"]["login"] == "olena"
    assert dialled["ok"], dialled
    assert [(c.name, c.args) for c in fake.calls if c.name == "dial"] == [
        ("dial", ("0661234567", None))
    ]


def test_a_taken_port_is_a_sentence_and_the_app_still_works(
    make_app: Callable[..., SoftphoneApp], qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    fake = FakeAgent(scenes.idle())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        api = ApiSettings(port=port, token=TOKEN, login="olena", directory=tmp_path)
        app = make_app(fake, api)

        async def scenario() -> str:
            running = asyncio.ensure_future(app.run())
            await app.api_settled.wait()
            banner = app.window.message_banner.label.text()
            app.window.dialer.number.setText("0501")
            app.window.dialer.call.click()
            while (command := await fake.next_command()).name != "dial":
                pass
            assert command.args == ("0501", None)
            app.request_quit()
            assert await running == 0
            return banner

        banner = run(qloop, scenario())
    assert app.api_server is None
    assert "integration API" in banner and str(port) in banner
    assert "Traceback" not in banner


def test_a_session_that_cannot_be_built_is_a_sentence(
    make_app: Callable[..., SoftphoneApp], qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    def broken() -> AgentSnapshot:
        raise OSError("no sound system")

    app = make_app(DeferredSession(broken), ApiSettings(port=0, directory=tmp_path))

    async def scenario() -> str:
        running = asyncio.ensure_future(app.run())
        await app.api_settled.wait()
        text = app.window.message_banner.label.text()
        app.request_quit()
        assert await running == 0
        return text

    assert "no sound system" in run(qloop, scenario())
    assert app.api_server is None


def test_a_new_port_saved_in_settings_moves_the_running_api(
    make_app: Callable[..., SoftphoneApp], qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    app = make_app(FakeAgent(scenes.idle()), ApiSettings(port=0, token=TOKEN, directory=tmp_path))
    new_port = free_port()

    async def scenario() -> tuple[str | None, str]:
        running = asyncio.ensure_future(app.run())
        await app.api_settled.wait()
        assert app.api_server is not None
        old_port = app.api_server.port
        crm = await CtiClient.connect(old_port, TOKEN)
        dialog = app.shell.open_settings()
        page = dialog.show_page(IntegrationPage)
        assert isinstance(page, IntegrationPage)
        page.port.setValue(new_port)
        dialog.accept()
        assert app.live.pending is not None
        await app.live.pending
        await crm.wait_closed()
        told = crm.close_reason
        await crm.aclose()
        moved = await CtiClient.connect(new_port, TOKEN)  # the CRM finds it on the new port
        state = await moved.request("getState")
        await moved.aclose()
        assert state["ok"]
        found = read_discovery(tmp_path)
        assert found is not None and found.port == new_port
        with pytest.raises(CtiClientError, match="cannot reach"):  # the old port refuses
            await CtiClient.connect(old_port, TOKEN, timeout=2.0)
        taken = socket.socket()
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with taken:
            dialog = app.shell.open_settings()
            page = dialog.show_page(IntegrationPage)
            assert isinstance(page, IntegrationPage)
            page.port.setValue(taken.getsockname()[1])
            dialog.accept()
            assert app.live.pending is not None
            await app.live.pending
        banner = app.window.message_banner.label.text()
        still = await CtiClient.connect(new_port, TOKEN)  # the old server keeps running
        assert (await still.request("getState"))["ok"]
        await still.aclose()
        app.request_quit()
        assert await running == 0
        return told, banner

    told, banner = run(qloop, scenario())
    assert told == f"the integration API moved to port {new_port}"
    assert f"stays on port {new_port}" in banner and "Traceback" not in banner


def test_a_regenerated_token_makes_the_crm_sign_in_again(
    make_app: Callable[..., SoftphoneApp], qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    settings = scratch_settings(tmp_path / "softphone.ini")
    token = settings.token()  # what the app was started with, from the keyring
    api = ApiSettings(port=0, token=token, directory=tmp_path)
    app = make_app(FakeAgent(scenes.idle()), api, settings)

    async def scenario() -> str:
        running = asyncio.ensure_future(app.run())
        await app.api_settled.wait()
        assert app.api_server is not None
        port = app.api_server.port
        crm = await CtiClient.connect(port, token)
        dialog = app.shell.open_settings()
        page = dialog.show_page(IntegrationPage)
        assert isinstance(page, IntegrationPage)
        page.regenerate.click()  # at once, without OK: the old token stops working now
        new = page.token.text()
        assert new != token and settings.token() == new
        assert app.live.pending is not None
        await app.live.pending
        await crm.wait_closed()
        reason = crm.close_reason or ""
        await crm.aclose()
        with pytest.raises(CtiClientError, match="401"):
            await CtiClient.connect(port, token)
        again = await CtiClient.connect(port, new)
        assert (await again.request("getState"))["ok"]
        await again.aclose()
        dialog.reject()
        app.request_quit()
        assert await running == 0
        return reason

    assert "token changed" in run(qloop, scenario())
