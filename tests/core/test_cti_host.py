"""The integration API as a front end hosts it: lock, token, listen, discovery file;
moved to another port and re-keyed while it runs (the desktop app's settings)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from softphone.core import cti_discovery as discovery
from softphone.core.cti_client import CtiClient, CtiClientError
from softphone.core.cti_discovery import AlreadyRunning, read_discovery
from softphone.core.cti_host import ApiSettings, IntegrationApi, integration_api
from tests.fakes.working_agent import signed_in_agent


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(discovery.TOKEN_ENV, raising=False)
    monkeypatch.setattr(discovery, "_keyring_get", lambda login: None)
    monkeypatch.setattr(discovery, "_keyring_set", lambda login, token: False)


async def test_a_local_client_finds_the_agent_and_only_one_runs(tmp_path: Path) -> None:
    agent = await signed_in_agent(login="demo")
    async with integration_api(
        agent, port=0, token=None, login="demo", directory=tmp_path
    ) as server:
        found = read_discovery(tmp_path)
        assert found is not None and found.port == server.port
        client = await CtiClient.connect(found.port, found.token())
        try:
            assert (await client.request("getState"))["result"]["login"] == "demo"
        finally:
            await client.aclose()
        with pytest.raises(AlreadyRunning):
            async with integration_api(agent, port=0, token="x", login="demo", directory=tmp_path):
                pass
        assert read_discovery(tmp_path) is not None  # the refused one left it alone
    assert read_discovery(tmp_path) is None


async def test_a_taken_port_is_a_sentence_and_releases_the_lock(tmp_path: Path) -> None:
    agent = await signed_in_agent()
    async with integration_api(
        agent, port=0, token="t", login=None, directory=tmp_path / "a"
    ) as first:
        with pytest.raises(OSError, match=f"cannot listen on 127.0.0.1:{first.port}"):
            async with integration_api(
                agent, port=first.port, token="t", login=None, directory=tmp_path / "b"
            ):
                pass
    async with integration_api(agent, port=0, token="t", login=None, directory=tmp_path / "b"):
        pass


async def test_the_api_moves_to_a_new_port_and_tells_its_clients(tmp_path: Path) -> None:
    agent = await signed_in_agent(login="demo")
    host = IntegrationApi(agent, ApiSettings(port=0, token="t1", login="demo", directory=tmp_path))
    server = await host.start()
    try:
        old_port = server.port
        client = await CtiClient.connect(old_port, "t1")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            new_port = probe.getsockname()[1]
        await host.move(new_port)
        await client.wait_closed()
        assert client.close_reason == f"the integration API moved to port {new_port}"
        await client.aclose()
        found = read_discovery(tmp_path)
        assert found is not None and found.port == new_port  # `softphone dial` follows it
        moved = await CtiClient.connect(new_port, "t1")
        assert (await moved.request("getState"))["ok"]
        await moved.aclose()
        with pytest.raises(CtiClientError, match="cannot reach"):
            await CtiClient.connect(old_port, "t1", timeout=2.0)
    finally:
        await host.aclose()
    assert read_discovery(tmp_path) is None


async def test_a_taken_port_leaves_the_api_where_it_was(tmp_path: Path) -> None:
    agent = await signed_in_agent()
    host = IntegrationApi(agent, ApiSettings(port=0, token="t", directory=tmp_path))
    server = await host.start()
    try:
        client = await CtiClient.connect(server.port, "t")
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            busy = taken.getsockname()[1]
            with pytest.raises(OSError, match=f"port {busy} cannot be used.*stays on port"):
                await host.move(busy)
        assert (await client.request("getState"))["ok"]  # the old port still serves it
        assert await host.move(server.port) is server  # where it is already: nothing to do
        assert not client.closed
        await client.aclose()
        found = read_discovery(tmp_path)
        assert found is not None and found.port == server.port
    finally:
        await host.aclose()


async def test_a_new_token_makes_clients_sign_in_again(tmp_path: Path) -> None:
    agent = await signed_in_agent()
    host = IntegrationApi(agent, ApiSettings(port=0, token="old", directory=tmp_path))
    server = await host.start()
    try:
        client = await CtiClient.connect(server.port, "old")
        await host.set_token("new")
        await client.wait_closed()
        assert client.close_reason is not None and "token changed" in client.close_reason
        await client.aclose()
        with pytest.raises(CtiClientError, match="401"):
            await CtiClient.connect(server.port, "old")
        again = await CtiClient.connect(server.port, "new")
        assert (await again.request("getState"))["ok"]
        await again.aclose()
        found = read_discovery(tmp_path)
        assert found is not None and found.token() == "new"  # where a local client reads it
    finally:
        await host.aclose()
