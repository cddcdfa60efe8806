"""What an agent's client may ask the simulator, read off the wire into typed commands.

Every Socket.IO ``data`` event carries ``{"type": ..., ...}``; :func:`read_command`
turns one into an :data:`AgentCommand` or says why it cannot (then the client
gets its unchanged state back). Reading is kept apart from the model so the
model sees only well-formed commands and the wire's looseness (ids as text
or numbers, as the example client sends them) is handled once, here.

A new command is a dataclass here (its wire ``kind`` and the CMD_* it
``needs``), a reader in ``_READERS`` and a handler in
:class:`softphone.sim.agent_model.AgentModel`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from softphone.net.mediatel.state import Command


@dataclass(frozen=True)
class Login:
    kind: ClassVar[str] = "login"
    #: the CMD_* that must be offered for it (None: gated by state alone)
    needs: ClassVar[Command | None] = Command.LOGIN

    user: str
    password: str = ""
    extension: str = ""


@dataclass(frozen=True)
class Logout:
    kind: ClassVar[str] = "logout"
    needs: ClassVar[Command | None] = Command.LOGOUT


@dataclass(frozen=True)
class Exit:
    kind: ClassVar[str] = "exit"
    needs: ClassVar[Command | None] = Command.EXIT


@dataclass(frozen=True)
class MakeCall:
    kind: ClassVar[str] = "makeCall"
    needs: ClassVar[Command | None] = Command.MAKECALL

    number: str
    queue: str


@dataclass(frozen=True)
class CloseCall:
    kind: ClassVar[str] = "closeCall"
    needs: ClassVar[Command | None] = None


@dataclass(frozen=True)
class SetPause:
    """``pause`` with an id from the pause list; id 0 ends (or withdraws) a pause."""

    kind: ClassVar[str] = "pause"
    needs: ClassVar[Command | None] = Command.PAUSE

    pause_id: int


@dataclass(frozen=True)
class TogglePredictive:
    kind: ClassVar[str] = "predictive"
    needs: ClassVar[Command | None] = Command.PREDICTIVE


@dataclass(frozen=True)
class HoldCall:
    kind: ClassVar[str] = "holdCall"
    needs: ClassVar[Command | None] = Command.HOLDCALL


@dataclass(frozen=True)
class RetrieveCall:
    kind: ClassVar[str] = "retrieveCall"
    needs: ClassVar[Command | None] = Command.HOLDCALL


@dataclass(frozen=True)
class ToggleMute:
    kind: ClassVar[str] = "muteCall"
    needs: ClassVar[Command | None] = Command.MUTE


@dataclass(frozen=True)
class SetCallCode:
    """``resolutionSet``: the call code that ends the wrap-up."""

    kind: ClassVar[str] = "resolutionSet"
    needs: ClassVar[Command | None] = None

    code_id: int


AgentCommand = (
    Login
    | Logout
    | Exit
    | MakeCall
    | CloseCall
    | SetPause
    | TogglePredictive
    | HoldCall
    | RetrieveCall
    | ToggleMute
    | SetCallCode
)


class BadCommand(ValueError):
    """A ``data`` payload that is not a usable command; the message says why (for the log)."""


def command_type(args: tuple[Any, ...]) -> str:
    """The documented ``type`` of a ``data`` event's arguments, else :class:`BadCommand`."""
    payload = args[0] if len(args) == 1 else None
    kind = payload.get("type") if isinstance(payload, dict) else None
    if not isinstance(kind, str) or kind not in NEEDS:
        raise BadCommand(f"malformed command: {args!r:.200}")
    return kind


def read_command(payload: Mapping[str, Any]) -> AgentCommand:
    """The typed command of a payload whose ``type`` :func:`command_type` accepted."""
    kind = str(payload["type"])
    reader = _READERS[kind]
    command = reader(payload)
    if command is None:
        raise BadCommand(f"{kind} with unusable fields")
    return command


def _login(p: Mapping[str, Any]) -> Login | None:
    user, password, extension = (p.get(k) for k in ("user", "password", "extension"))
    if isinstance(user, str) and isinstance(password, str) and isinstance(extension, str):
        return Login(user, password, extension)
    return None


def _make_call(p: Mapping[str, Any]) -> MakeCall | None:
    number, queue = p.get("phoneNumber"), p.get("queueName")
    if isinstance(number, str) and isinstance(queue, str):
        return MakeCall(number, queue)
    return None


def _pause(p: Mapping[str, Any]) -> SetPause | None:
    pause_id = as_int(p.get("id"))
    return SetPause(pause_id) if pause_id is not None else None


def _call_code(p: Mapping[str, Any]) -> SetCallCode | None:
    code_id = as_int(p.get("id"))
    return SetCallCode(code_id) if code_id is not None else None


#: command type -> how to read its fields (None: unusable fields)
_READERS: dict[str, Callable[[Mapping[str, Any]], AgentCommand | None]] = {
    Login.kind: _login,
    Logout.kind: lambda p: Logout(),
    Exit.kind: lambda p: Exit(),
    MakeCall.kind: _make_call,
    CloseCall.kind: lambda p: CloseCall(),
    SetPause.kind: _pause,
    TogglePredictive.kind: lambda p: TogglePredictive(),
    HoldCall.kind: lambda p: HoldCall(),
    RetrieveCall.kind: lambda p: RetrieveCall(),
    ToggleMute.kind: lambda p: ToggleMute(),
    SetCallCode.kind: _call_code,
}

#: command type -> the CMD_* that must be offered for it (None: gated by state alone)
NEEDS: dict[str, Command | None] = {
    cls.kind: cls.needs
    for cls in (
        Login,
        Logout,
        Exit,
        MakeCall,
        CloseCall,
        SetPause,
        TogglePredictive,
        HoldCall,
        RetrieveCall,
        ToggleMute,
        SetCallCode,
    )
}


def as_int(value: object) -> int | None:
    """An id the example client sends as a number or as its text; never a bool."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,9}", value.strip()):
        return int(value)
    return None
