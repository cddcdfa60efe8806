"""One agent per user, found through a user-only file that says where the token is."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from softphone.core import cti_discovery as discovery
from softphone.core.cti_discovery import (
    AlreadyRunning,
    DiscoveryError,
    InstanceLock,
    TokenSource,
    api_token,
    read_discovery,
)


@pytest.fixture(autouse=True)
def no_keyring_no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(discovery.TOKEN_ENV, raising=False)
    monkeypatch.setattr(discovery, "_keyring_get", lambda login: None)
    monkeypatch.setattr(discovery, "_keyring_set", lambda login, token: False)


def test_second_instance_is_refused_and_told_where_the_first_is(tmp_path: Path) -> None:
    first = InstanceLock(tmp_path).acquire()
    first.publish(8765, TokenSource("env", discovery.TOKEN_ENV))
    with pytest.raises(
        AlreadyRunning, match=r"already running \(pid \d+, ws://127.0.0.1:8765/cti\)"
    ):
        InstanceLock(tmp_path).acquire()
    first.release()
    assert read_discovery(tmp_path) is None  # the file goes with the agent
    InstanceLock(tmp_path).acquire().release()


def test_discovery_file_is_private_and_holds_no_token(tmp_path: Path) -> None:
    lock = InstanceLock(tmp_path / "run").acquire()
    _, source = api_token("flag-token", lock.directory)
    lock.publish(4321, source)
    try:
        text = (lock.directory / discovery.DISCOVERY_FILE).read_text()
        assert "flag-token" not in text
        assert json.loads(text)["token_from"] == {"file": str(lock.directory / "api-token")}
        for path in (lock.directory / discovery.DISCOVERY_FILE, lock.directory / "api-token"):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(lock.directory.stat().st_mode) == 0o700
        found = read_discovery(lock.directory)
        assert found is not None and (found.port, found.token()) == (4321, "flag-token")
    finally:
        lock.release()


def test_token_sources_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(discovery.TOKEN_ENV, "from-env")
    assert api_token("from-env", tmp_path) == ("from-env", TokenSource("env", discovery.TOKEN_ENV))
    monkeypatch.delenv(discovery.TOKEN_ENV)
    kept: dict[str | None, str] = {}
    monkeypatch.setattr(
        discovery, "_keyring_set", lambda login, token: kept.update({login: token}) or True
    )
    monkeypatch.setattr(discovery, "_keyring_get", kept.get)
    token, source = api_token(None, tmp_path, login="mt_agent1")
    assert source == TokenSource("keyring", "mt_agent1") and kept == {"mt_agent1": token}
    assert len(token) >= 32 and source.read() == token
    assert api_token(token, tmp_path, login="mt_agent1") == (token, source)
    # a token only the flag knows goes to the private file
    assert api_token("flag", tmp_path, login="mt_agent1")[1].kind == "file"


def test_no_keyring_means_a_random_token_in_the_private_file(tmp_path: Path) -> None:
    token, source = api_token(None, tmp_path)
    assert source.kind == "file" and source.read() == token
    assert api_token(None, tmp_path)[0] != token  # a new one every run


def test_damaged_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / discovery.DISCOVERY_FILE).write_text('{"pid": 1}')
    with pytest.raises(DiscoveryError, match="damaged"):
        read_discovery(tmp_path)
