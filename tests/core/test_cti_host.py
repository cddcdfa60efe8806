"""The integration API as a front end hosts it: lock, token, listen, discovery file."""

from __future__ import annotations

from pathlib import Path

import pytest

from softphone.core import cti_discovery as discovery
from softphone.core.cti_client import CtiClient
from softphone.core.cti_discovery import AlreadyRunning, read_discovery
from softphone.core.cti_host import integration_api
from tests.fakes.agent import signed_in_agent


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
