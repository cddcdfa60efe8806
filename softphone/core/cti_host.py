"""Serving the integration API for an agent, the one way every front end does it.

The desktop app and ``softphone agent --headless`` both need the same four
steps in the same order — take the per-user instance lock, settle the API
token and where a local client finds it, listen, publish the discovery file
— and the reverse on the way out, even when something fails in between.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from softphone.core.agent_api import AgentApi

if TYPE_CHECKING:
    from softphone.core.cti_server import CtiServer


@dataclass(frozen=True)
class ApiSettings:
    """Where and how the integration API listens, as the profile, keyring and flags say."""

    port: int
    token: str | None = None
    """None: make one (``cti_discovery.api_token``)."""
    login: str | None = None
    origins: tuple[str, ...] = ()
    directory: Path | None = None
    """The lock and discovery folder; None: the user's runtime folder."""


@contextlib.asynccontextmanager
async def integration_api(
    api: AgentApi,
    *,
    port: int,
    token: str | None,
    login: str | None,
    origins: tuple[str, ...] = (),
    directory: Path | None = None,
) -> AsyncIterator[CtiServer]:
    """Serve ``api`` on 127.0.0.1:``port`` while the block runs.

    Raises ``AlreadyRunning`` when another agent of this user holds the lock
    and ``OSError`` (with a sentence) when the port cannot be bound. ``token``
    None: a new random one (kept in the keyring, or a user-only file).
    """
    # Imported here: the desktop app's first window must not wait for aiohttp.
    from softphone.core.cti_discovery import InstanceLock, api_token
    from softphone.core.cti_server import CtiServer, CtiServerConfig

    lock = InstanceLock(directory).acquire()
    try:
        value, source = api_token(token, lock.directory, login=login)
        server = CtiServer(api, CtiServerConfig(token=value, port=port, allowed_origins=origins))
        await server.start()
        try:
            lock.publish(server.port, source)
            yield server
        finally:
            await server.aclose()
    finally:
        lock.release()
