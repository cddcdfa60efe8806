"""How ``softphone dial`` (or any local program) finds the running agent.

One agent runs per user: it holds an OS file lock (released by the kernel
even if the agent is killed) and, once its integration API listens, writes
``agent.json`` — its pid, port, and *where* its API token is, never the
token itself — into the user's runtime directory, readable by the user
only. A token that lives nowhere else (given by flag, or generated for this
run) goes into a user-only ``api-token`` file beside it, the way X11 and
Jupyter keep their per-session secrets.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import platformdirs

from softphone.core.secrets import Secrets, load_secrets, store_secrets

RUNTIME_ENV = "SOFTPHONE_RUNTIME_DIR"
TOKEN_ENV = "SOFTPHONE_API_TOKEN"
DISCOVERY_FILE = "agent.json"
LOCK_FILE = "agent.lock"
TOKEN_FILE = "api-token"


class DiscoveryError(Exception):
    """No agent to talk to, or another one in the way; ``str()`` is for the user."""


class AlreadyRunning(DiscoveryError):
    pass


def runtime_dir() -> Path:
    override = os.environ.get(RUNTIME_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_runtime_dir("softphone", appauthor=False))


def _private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _write_private(path: Path, text: str) -> None:
    """Write atomically, readable by the user only (never briefly world-readable)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def _keyring_get(login: str | None) -> str | None:
    """The API token the keyring holds for ``login`` (secrets.py names the entry)."""
    return load_secrets(login, {}).api_token


def _keyring_set(login: str | None, token: str) -> bool:
    return store_secrets(login, Secrets(api_token=token)) and _keyring_get(login) == token


@dataclass(frozen=True)
class TokenSource:
    """Where the API token can be read: ``env`` (a variable), ``keyring`` (the
    agent's login) or ``file`` (a path)."""

    kind: str
    where: str = ""

    def read(self) -> str | None:
        if self.kind == "env":
            return os.environ.get(self.where) or None
        if self.kind == "keyring":
            return _keyring_get(self.where or None)
        if self.kind == "file":
            with contextlib.suppress(OSError):
                return Path(self.where).read_text(encoding="utf-8").strip() or None
        return None

    def to_json(self) -> dict[str, Any]:
        return {self.kind: self.where}

    @classmethod
    def from_json(cls, data: Any) -> TokenSource:
        if isinstance(data, dict) and len(data) == 1:
            ((kind, where),) = data.items()
            if kind in ("env", "file", "keyring") and isinstance(where, str):
                return cls(kind, where)
        raise DiscoveryError("the agent's discovery file is damaged (token_from)")


def api_token(
    given: str | None, directory: Path | None = None, *, login: str | None = None
) -> tuple[str, TokenSource]:
    """The agent's API token and where a local client will find it.

    ``given`` is the token the settings chose (flag, keyring or environment);
    None makes a new random one, kept in the keyring under ``login`` or — on
    a machine without a keyring — in the user-only runtime file.
    """
    if given is not None and given == os.environ.get(TOKEN_ENV):
        return given, TokenSource("env", TOKEN_ENV)
    if given is not None and given == _keyring_get(login):
        return given, TokenSource("keyring", login or "")
    if given is None:
        given = secrets.token_urlsafe(32)
        if _keyring_set(login, given):
            return given, TokenSource("keyring", login or "")
    path = _private_dir(directory or runtime_dir()) / TOKEN_FILE
    _write_private(path, given)
    return given, TokenSource("file", str(path))


@dataclass(frozen=True)
class Discovery:
    pid: int
    port: int
    token_from: TokenSource

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/cti"

    def token(self) -> str:
        token = os.environ.get(TOKEN_ENV) or self.token_from.read()
        if not token:
            raise DiscoveryError(
                f"cannot read the agent's API token ({self.token_from.to_json()}); "
                f"set {TOKEN_ENV} to the token the agent was started with"
            )
        return token


def _lock(f: IO[bytes]) -> bool:
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


class InstanceLock:
    """Held for the agent's whole life; ``publish()`` once its API listens."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = _private_dir(directory or runtime_dir())
        self._file: IO[bytes] | None = None

    def acquire(self) -> InstanceLock:
        f = open(self.directory / LOCK_FILE, "a+b")  # noqa: SIM115 - held until release()
        if not _lock(f):
            f.close()
            running = read_discovery(self.directory)
            where = f" (pid {running.pid}, {running.url})" if running else ""
            raise AlreadyRunning(f"another softphone agent is already running{where}")
        self._file = f
        return self

    def publish(self, port: int, token_from: TokenSource) -> None:
        body = {"pid": os.getpid(), "port": port, "token_from": token_from.to_json()}
        _write_private(self.directory / DISCOVERY_FILE, json.dumps(body) + "\n")

    def release(self) -> None:
        if self._file is None:
            return
        with contextlib.suppress(OSError):
            (self.directory / DISCOVERY_FILE).unlink()
        self._file.close()  # closing drops the lock
        self._file = None


def read_discovery(directory: Path | None = None) -> Discovery | None:
    """The running agent as its discovery file says, or None when there is none."""
    path = (directory or runtime_dir()) / DISCOVERY_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise DiscoveryError(f"cannot read {path}: {exc}") from None
    try:
        return Discovery(
            int(data["pid"]), int(data["port"]), TokenSource.from_json(data["token_from"])
        )
    except (KeyError, TypeError, ValueError):
        raise DiscoveryError(f"the agent's discovery file {path} is damaged") from None
