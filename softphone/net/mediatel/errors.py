"""Errors of the Mediatel client, split by who is to blame.

``StateParseError`` is the server's fault (a snapshot we cannot read);
``CommandNotAvailable`` / ``InvalidArgument`` are the caller's (a command the
current state does not allow, or a bad argument); ``MediatelConnectionError``
is the network's. All derive from ``MediatelError`` so a UI can catch one type.
"""

from __future__ import annotations

from collections.abc import Iterable


class MediatelError(Exception):
    """Base class of everything this package raises on purpose."""


class StateParseError(MediatelError, ValueError):
    """A ``data`` snapshot from the server cannot be turned into an AgentState."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field


class MediatelConnectionError(MediatelError, ConnectionError):
    """The Socket.IO connection could not be made or is not up."""


class CommandNotAvailable(MediatelError):
    """The current agent state does not allow this command.

    Raised instead of sending, so a command is never silently dropped by the
    server: the caller learns at once why nothing happened.
    """

    def __init__(
        self,
        command: str,
        reason: str,
        *,
        state: str | None = None,
        available: Iterable[str] = (),
    ) -> None:
        self.command = command
        self.reason = reason
        self.state = state
        self.available = tuple(sorted(available))
        where = f" in {state}" if state else ""
        super().__init__(f"{command} is not available{where}: {reason}")


class InvalidArgument(MediatelError, ValueError):
    """A command argument the server would not understand (unknown pause, empty number...)."""
