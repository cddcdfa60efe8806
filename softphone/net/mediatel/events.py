"""Typed events the Mediatel client emits (one stream, see ``MediatelClient.events``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from softphone.net.mediatel.state import AgentState


@dataclass(frozen=True)
class Connected:
    """The Socket.IO connection is up (``reconnected`` after an automatic reconnect)."""

    reconnected: bool = False


@dataclass(frozen=True)
class Disconnected:
    """The connection dropped (or was closed by us: ``final``)."""

    reason: str
    final: bool = False


@dataclass(frozen=True)
class Reconnecting:
    """The connection is down and the client tries again by itself in ``retry_in`` seconds.

    Sent once per attempt, so the agent sees why and when the next one is
    (the client runs its own backoff: python-socketio's hides both).
    """

    retry_in: float | None = None
    reason: str = "the connection dropped"


@dataclass(frozen=True)
class StateChanged:
    """A new ``data`` snapshot arrived (``old`` is None for the first one)."""

    old: AgentState | None
    new: AgentState


@dataclass(frozen=True)
class AgentUnavailable:
    """``agentUnavailable``: "no agents available right now". Payload kept as received."""

    payload: Any = None


@dataclass(frozen=True)
class RemoteConnect:
    """``remoteConnect {host, port}``; meaning undocumented, reported as is."""

    host: str | None
    port: int | None


@dataclass(frozen=True)
class LoginFailed:
    """The server refused a login (``loginErrorID``/``loginErrorText``)."""

    error_id: int | None
    text: str | None
    message: str
    automatic: bool = False  # True when it was our own re-login after a reconnect


@dataclass(frozen=True)
class CallFailed:
    """A call error (``callErrorID``/``callErrorText``), e.g. -223 "No Answer from agent".

    ``force_pause`` is True when the same snapshot put the agent on pause
    (the extension did not answer, so Mediatel parked the agent).
    """

    error_id: int | None
    text: str | None
    message: str
    force_pause: bool = False


@dataclass(frozen=True)
class CallCodeSettled:
    """A stored call code is no longer pending: the server left clerical for that call."""

    call_trace_id: str
    code_id: int


@dataclass(frozen=True)
class CallCodeDropped:
    """A call code chosen while Mediatel was unreachable could not be sent: when the
    connection came back, the server no longer had that call in after-call work
    (it restarted, or ended the wrap-up by itself)."""

    call_trace_id: str
    code_id: int


@dataclass(frozen=True)
class CallCodeResent:
    """A stored call code was sent again (after a reconnect or an app restart)."""

    call_trace_id: str
    code_id: int


@dataclass(frozen=True)
class ProtocolError:
    """The server sent something we could not use; the last good state stays."""

    message: str
    event: str = "data"


MediatelEvent = (
    Connected
    | Disconnected
    | Reconnecting
    | StateChanged
    | AgentUnavailable
    | RemoteConnect
    | LoginFailed
    | CallFailed
    | CallCodeSettled
    | CallCodeDropped
    | CallCodeResent
    | ProtocolError
)
