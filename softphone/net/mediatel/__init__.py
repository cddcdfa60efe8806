"""Mediatel agent protocol: typed state, commands, events and the async client.

Import from here; the submodules are an implementation detail::

    from softphone.net.mediatel import MediatelClient, MediatelConfig, AgentState, State
"""

from softphone.net.mediatel.client import Credentials, EventStream, MediatelClient, MediatelConfig
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

__all__ = [
    "GATES",
    "AgentState",
    "AgentUnavailable",
    "CallCode",
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
