"""Mediatel agent protocol: typed state, commands, events and the async client.

Import from here; the submodules are an implementation detail::

    from softphone.net.mediatel import MediatelClient, MediatelConfig, AgentState, State

The client (and with it python-socketio and aiohttp, about a second of
imports) loads on first use: the desktop window and the tray need only the
typed state to draw themselves, and an agent waits for the window.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from softphone.net.mediatel.commands import GATES, CommandType, Gate
from softphone.net.mediatel.errors import (
    CommandNotAvailable,
    InvalidArgument,
    MediatelConnectionError,
    MediatelError,
    StateParseError,
)
from softphone.net.mediatel.events import (
    AgentUnavailable,
    CallCodeDropped,
    CallCodeResent,
    CallCodeSettled,
    CallFailed,
    Connected,
    Disconnected,
    LoginFailed,
    MediatelEvent,
    ProtocolError,
    Reconnecting,
    RemoteConnect,
    StateChanged,
)
from softphone.net.mediatel.pending import PendingCallCode, PendingCallCodeStore
from softphone.net.mediatel.state import (
    AgentState,
    CallCode,
    Command,
    Pause,
    State,
    Status,
    crm_navigate_url,
    parse_state,
)

if TYPE_CHECKING:
    from softphone.net.mediatel.client import (
        Credentials,
        EventStream,
        MediatelClient,
        MediatelConfig,
    )

_LAZY = {
    name: "softphone.net.mediatel.client"
    for name in ("Credentials", "EventStream", "MediatelClient", "MediatelConfig")
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "GATES",
    "AgentState",
    "AgentUnavailable",
    "CallCode",
    "CallCodeDropped",
    "CallCodeResent",
    "CallCodeSettled",
    "CallFailed",
    "Command",
    "CommandNotAvailable",
    "CommandType",
    "Connected",
    "Credentials",
    "Disconnected",
    "EventStream",
    "Gate",
    "InvalidArgument",
    "LoginFailed",
    "MediatelClient",
    "MediatelConfig",
    "MediatelConnectionError",
    "MediatelError",
    "MediatelEvent",
    "Pause",
    "PendingCallCode",
    "PendingCallCodeStore",
    "ProtocolError",
    "Reconnecting",
    "RemoteConnect",
    "State",
    "StateChanged",
    "StateParseError",
    "Status",
    "crm_navigate_url",
    "parse_state",
]
