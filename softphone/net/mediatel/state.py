"""The agent state as typed, frozen values, built at the boundary.

Every ``data`` event is a full snapshot of the agent (protocol doc, "The
state object"). :func:`parse_state` turns one raw snapshot into an
:class:`AgentState` and is the only place that knows the wire's quirks:

* both spellings (``avaliableCommand``/``availableCommand``,
  ``awaliableCallCodes``/``availableCallCodes``, ``isAvaliable``/``isAvailable``);
* numbers as strings or as numbers;
* "empty" sentinels (``"-1"`` ids, ``"1999-01-01 01:01:01"``, ``[""]``,
  ``null``, ``""``) mapped to ``None`` or an empty tuple;
* unknown fields kept in :attr:`AgentState.extra`, unknown state and status
  strings kept (as ``State.UNKNOWN`` plus the raw text).

Anything else that does not fit (a list where an object belongs, text where a
number belongs, a timestamp out of range...) raises :class:`StateParseError`;
the client then keeps its last good state.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from softphone.net.mediatel.errors import StateParseError


class State(StrEnum):
    """``state`` values named by the protocol doc (and UNKNOWN for the rest)."""

    LOGOUT = "STATE_LOGOUT"
    IDLE = "STATE_IDLE"
    PAUSE = "STATE_PAUSE"
    MAKECALL_REQUEST = "STATE_MAKECALL_REQUEST"
    MAKECALL_FAILED = "STATE_MAKECALL_FAILED"
    CALL_DELIVERED = "STATE_CALL_DELIVERED"
    CALL_ACTIVE = "STATE_CALL_ACTIVE"
    HOLD = "STATE_HOLD"
    HOLD_DIALPAD = "STATE_HOLD_DIALPAD"
    HOLD_MAKECALL_PROGRESS = "STATE_HOLD_MAKECALL_PROGRESS"
    HOLD_MAKECALL_FAILED = "STATE_HOLD_MAKECALL_FAILED"
    CLERICAL = "STATE_CLERICAL"
    MUTE = "STATE_MUTE"
    DIALPAD = "STATE_DIALPAD"
    PAUSE_LIST = "STATE_PAUSE_LIST"
    PREDICTIVE = "STATE_PREDICTIVE"
    CRT_DETAILS = "STATE_CRT_DETAILS"
    UNKNOWN = "UNKNOWN"


class Status(StrEnum):
    """``status`` values named by the protocol doc (and UNKNOWN for the rest)."""

    OFFLINE = "offline"
    AVAILABLE = "available"
    PAUSE = "pause"
    START_DIALING = "start_dialing"
    IN_A_CALL = "in_a_call"
    ON_HOLD = "on_hold"
    CLERICAL = "clerical"
    UNKNOWN = "unknown"


class Command(StrEnum):
    """``CMD_*`` names seen in the available-commands list ("not a full list")."""

    LOGIN = "CMD_LOGIN"
    LOGOUT = "CMD_LOGOUT"
    EXIT = "CMD_EXIT"
    PAUSE = "CMD_PAUSE"
    MAKECALL = "CMD_MAKECALL"
    DIALPAD = "CMD_DIALPAD"
    HOLDCALL = "CMD_HOLDCALL"
    MUTE = "CMD_MUTE"
    ADD_CALL_INFO = "CMD_ADD_CALL_INFO"
    REQ_PAUSE_LIST = "CMD_REQ_PAUSE_LIST"
    REQ_CRT_DETAILS = "CMD_REQ_CRT_DETAILS"
    PREDICTIVE = "CMD_PREDICTIVE"


#: States in which a call (ringing, talking or held) exists on the agent's line.
CALL_STATES = frozenset(
    {
        State.CALL_DELIVERED,
        State.CALL_ACTIVE,
        State.HOLD,
        State.HOLD_DIALPAD,
        State.HOLD_MAKECALL_PROGRESS,
        State.HOLD_MAKECALL_FAILED,
        State.MUTE,
    }
)
HOLD_STATES = frozenset(
    {State.HOLD, State.HOLD_DIALPAD, State.HOLD_MAKECALL_PROGRESS, State.HOLD_MAKECALL_FAILED}
)


@dataclass(frozen=True)
class Pause:
    """One entry of ``pauseList`` (``[id, name]``)."""

    id: int
    name: str


@dataclass(frozen=True)
class CallCode:
    """One call code (``{ID, Name, ActionFlag}``) offered for the call's queue."""

    id: int
    name: str
    action_flag: int = 0


@dataclass(frozen=True)
class AgentState:
    """One snapshot of the agent as Mediatel sees it. Empty values are None."""

    state: State
    state_name: str
    status: Status
    status_name: str
    available_commands: frozenset[str] = frozenset()
    call_codes: tuple[CallCode, ...] = ()
    pause_list: tuple[Pause, ...] = ()
    queues: tuple[str, ...] = ()
    agent_id: int | None = None
    agent_ext: str | None = None
    agent_name: str | None = None
    ani: str | None = None
    dnis: str | None = None
    call_trace_id: str | None = None
    call_customer_id: str | None = None
    call_type: int | None = None
    call_start_time: datetime | None = None
    call_wait_duration: int | None = None
    call_error_id: int | None = None
    call_error_text: str | None = None
    call_history: tuple[Mapping[str, Any], ...] = ()
    crm_connect_target: str | None = None
    crm_connect_type: int | None = None
    host: str | None = None
    hold_queue: str | None = None
    is_available: bool | None = None
    last_call_time: datetime | None = None
    login_attempt: int | None = None
    login_error_id: int | None = None
    login_error_text: str | None = None
    max_call_duration: int | None = None
    mcc: str | None = None
    multiple_call_code_allow: bool = False
    mute: bool = False
    pause_acknowledge: bool = False
    pause_id: int | None = None
    predictive: bool = False
    queue_id: int | None = None
    queue_name: str | None = None
    server_time: datetime | None = None
    time: datetime | None = None
    web_server: str | None = None
    #: Fields this parser does not know, as received (for diagnostics only).
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def logged_in(self) -> bool:
        return self.state not in (State.LOGOUT, State.UNKNOWN)

    @property
    def in_call(self) -> bool:
        return self.state in CALL_STATES

    @property
    def on_hold(self) -> bool:
        return self.state in HOLD_STATES

    @property
    def pause(self) -> Pause | None:
        """The pause the agent is in (by ``pauseId``), if it is in the list."""
        if self.pause_id is None:
            return None
        return next((p for p in self.pause_list if p.id == self.pause_id), None)

    def can(self, command: str) -> bool:
        return command in self.available_commands

    def call_code(self, code_id: int) -> CallCode | None:
        return next((c for c in self.call_codes if c.id == code_id), None)

    @property
    def crm_navigate_url(self) -> str | None:
        """The URL inside a ``javascript:window.external.CRMNavigate(...)`` webServer value."""
        return crm_navigate_url(self.web_server)

    @property
    def login_error(self) -> str | None:
        return _readable_error("Login refused", self.login_error_id, self.login_error_text)

    @property
    def call_error(self) -> str | None:
        return _readable_error("Call failed", self.call_error_id, self.call_error_text)


# ---------------------------------------------------------------------------
# parsing

EMPTY_TIME = "1999-01-01 01:01:01"
_MAX_ID_DIGITS = 40
_MAX_EPOCH_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z
_CRM_URL = re.compile(r"""["'](https?://[^"']+)["']""")


def crm_navigate_url(web_server: str | None) -> str | None:
    """Extract the http(s) URL from a CRMNavigate javascript string (or a bare URL)."""
    if not web_server:
        return None
    if web_server.startswith(("http://", "https://")):
        return web_server
    match = _CRM_URL.search(web_server)
    return match.group(1) if match else None


def _readable_error(prefix: str, error_id: int | None, text: str | None) -> str | None:
    if error_id is None and not text:
        return None
    if text and error_id is not None:
        return f"{text} (code {error_id})"
    if text:
        return text
    return f"{prefix} (code {error_id})"


def _text(value: object, name: str) -> str | None:
    """A string field; numbers become text, "" and null become None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise StateParseError(f"expected text, got {value!r}", name)
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        raise StateParseError(f"expected text, got {type(value).__name__}", name)
    return value or None


def _int(value: object, name: str, *, empty: tuple[int, ...] = (-1,)) -> int | None:
    """An integer sent as a number or as a string; sentinels become None."""
    if value is None:
        return None
    if isinstance(value, bool):
        number = int(value)
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        stripped = value.strip()
        if not stripped:
            return None
        if len(stripped) > _MAX_ID_DIGITS or not re.fullmatch(r"[+-]?\d+", stripped):
            raise StateParseError(f"expected a number, got {value[:40]!r}", name)
        number = int(stripped)
    else:
        raise StateParseError(f"expected a number, got {type(value).__name__}", name)
    if abs(number) >= 10**_MAX_ID_DIGITS:
        raise StateParseError("number out of range", name)
    return None if number in empty else number


def _ident(value: object, name: str) -> str | None:
    """An opaque identifier (callTraceID...): kept as text, "-1"/""/0-less sentinels -> None."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = _text(value, name)
    if text is None or text.strip() in ("-1", ""):
        return None
    return text


def _flag(value: object, name: str) -> bool:
    number = _int(value, name, empty=())
    return bool(number)


def _bool(value: object, name: str) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return _flag(value, name)


def _wall_time(value: object, name: str) -> datetime | None:
    """``"YYYY-MM-DD HH:MM:SS"`` (server local time, kept naive)."""
    text = _text(value, name)
    if text is None or text == EMPTY_TIME:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError as exc:
        raise StateParseError(f"expected 'YYYY-MM-DD HH:MM:SS', got {text[:40]!r}", name) from exc


def _epoch_ms(value: object, name: str) -> datetime | None:
    """Milliseconds since the epoch (``serverTime``, ``time``); 0/null -> None."""
    number = _int(value, name, empty=(0, -1))
    if number is None:
        return None
    if not 0 < number <= _MAX_EPOCH_MS:
        raise StateParseError(f"timestamp out of range: {number}", name)
    return datetime.fromtimestamp(number / 1000, tz=UTC)


def _list(value: object, name: str) -> list[object]:
    """A JSON list field; absent (null) reads as empty."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise StateParseError(f"expected a list, got {type(value).__name__}", name)
    return value


def _commands(value: object, name: str) -> frozenset[str]:
    out = set()
    for item in _list(value, name):
        if not isinstance(item, str):
            raise StateParseError(f"expected command names, got {type(item).__name__}", name)
        if item:
            out.add(item)
    return frozenset(out)


def _queues(value: object, name: str) -> tuple[str, ...]:
    out = []
    for item in _list(value, name):
        text = _text(item, name)
        if text is not None:
            out.append(text)
    return tuple(out)


def _pause_list(value: object, name: str) -> tuple[Pause, ...]:
    out = []
    for item in _list(value, name):
        if item in ("", None, []):
            continue
        if not isinstance(item, list) or len(item) < 2:
            raise StateParseError(f"expected [id, name] pairs, got {str(item)[:40]!r}", name)
        pause_id = _int(item[0], name, empty=())
        if pause_id is None:
            raise StateParseError("pause without an id", name)
        out.append(Pause(pause_id, _text(item[1], name) or ""))
    return tuple(out)


def _call_codes(value: object, name: str) -> tuple[CallCode, ...]:
    out = []
    for item in _list(value, name):
        if item in ("", None):
            continue
        if not isinstance(item, dict):
            got = str(item)[:40]
            raise StateParseError(f"expected {{ID, Name, ActionFlag}}, got {got!r}", name)
        code_id = _int(item.get("ID"), name, empty=())
        if code_id is None:
            raise StateParseError("call code without an ID", name)
        out.append(
            CallCode(
                code_id,
                _text(item.get("Name"), name) or "",
                _int(item.get("ActionFlag"), name, empty=()) or 0,
            )
        )
    return tuple(out)


def _history(value: object, name: str) -> tuple[Mapping[str, Any], ...]:
    out = []
    for item in _list(value, name):
        if not isinstance(item, dict):
            raise StateParseError(f"expected objects, got {type(item).__name__}", name)
        out.append(MappingProxyType(dict(item)))
    return tuple(out)


def _scalar_text(value: object, name: str) -> str | None:
    """A field whose type the doc does not give: any scalar as text."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list | dict):
        raise StateParseError(f"expected a scalar, got {type(value).__name__}", name)
    return _text(value, name)


#: Wire name -> (attribute, converter). Legacy spellings map to the same attribute.
_FIELDS: dict[str, tuple[str, Any]] = {
    "agentExt": ("agent_ext", _text),
    "agentId": ("agent_id", _int),
    "agentName": ("agent_name", _text),
    "ani": ("ani", _text),
    "availableCommand": ("available_commands", _commands),
    "avaliableCommand": ("available_commands", _commands),
    "availableCallCodes": ("call_codes", _call_codes),
    "awaliableCallCodes": ("call_codes", _call_codes),
    "callCustomerID": ("call_customer_id", _ident),
    "callErrorID": ("call_error_id", lambda v, n: _int(v, n, empty=(0, -1))),
    "callErrorText": ("call_error_text", _text),
    "callHistory": ("call_history", _history),
    "callStartTime": ("call_start_time", _wall_time),
    "callTraceID": ("call_trace_id", _ident),
    "callType": ("call_type", _int),
    "callWaitDuration": ("call_wait_duration", lambda v, n: _int(v, n, empty=())),
    "crmConnectTarget": ("crm_connect_target", _text),
    "crmConnectType": ("crm_connect_type", _int),
    "dnis": ("dnis", _text),
    "holdQueue": ("hold_queue", _scalar_text),
    "host": ("host", _text),
    "isAvailable": ("is_available", _bool),
    "isAvaliable": ("is_available", _bool),
    "lastCallTime": ("last_call_time", _epoch_ms),
    "loginAttempt": ("login_attempt", lambda v, n: _int(v, n, empty=())),
    "loginErrorID": ("login_error_id", lambda v, n: _int(v, n, empty=(0, -1))),
    "loginErrorText": ("login_error_text", _text),
    "maxCallDuration": ("max_call_duration", lambda v, n: _int(v, n, empty=(0, -1))),
    "mcc": ("mcc", _scalar_text),
    "multipleCallCodeAllow": ("multiple_call_code_allow", _flag),
    "mute": ("mute", _flag),
    "pauseAcknowledge": ("pause_acknowledge", _flag),
    "pauseId": ("pause_id", lambda v, n: _int(v, n, empty=(0, -1))),
    "pauseList": ("pause_list", _pause_list),
    "predictiveStatus": ("predictive", _flag),
    "queueId": ("queue_id", _int),
    "queueName": ("queue_name", _text),
    "queues": ("queues", _queues),
    "serverTime": ("server_time", _epoch_ms),
    "time": ("time", _epoch_ms),
    "webServer": ("web_server", _text),
}

#: Every wire field name this parser understands (both spellings).
KNOWN_FIELDS = frozenset(_FIELDS) | {"state", "status"}


def parse_state(data: object) -> AgentState:
    """Build an AgentState from one raw ``data`` payload, or raise StateParseError."""
    if not isinstance(data, dict):
        raise StateParseError(f"snapshot must be an object, got {type(data).__name__}")
    raw_state = data.get("state")
    if not isinstance(raw_state, str) or not raw_state:
        raise StateParseError("missing or not text", "state")
    raw_status = data.get("status")
    if raw_status is not None and not isinstance(raw_status, str):
        raise StateParseError("not text", "status")
    raw_status = raw_status or ""
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str):  # JSON keys are always text; be safe anyway
            continue
        spec = _FIELDS.get(key)
        if spec is None:
            if key not in ("state", "status"):
                extra[key] = value
            continue
        attribute, convert = spec
        converted = convert(value, key)
        # With both spellings present, a non-empty value wins over an empty one.
        if attribute in values and not converted:
            continue
        values[attribute] = converted
    try:
        state = State(raw_state)
    except ValueError:
        state = State.UNKNOWN
    try:
        status = Status(raw_status)
    except ValueError:
        status = Status.UNKNOWN
    return AgentState(
        state=state,
        state_name=raw_state,
        status=status,
        status_name=raw_status,
        extra=MappingProxyType(extra),
        **values,
    )
