"""Client -> server commands: their exact payloads and what gates them.

Every command is event ``data`` with a ``type`` (protocol doc, "Client ->
server"). The payload builders here are the single source of the wire shape;
the gate table says which ``CMD_*`` in the state's available-commands list
(and/or which states) allow each command. The doc names no ``CMD_*`` for
closing a call or setting a call code, so those are gated by state; see
docs/mediatel-decisions.md for every choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from softphone.net.mediatel.errors import CommandNotAvailable
from softphone.net.mediatel.state import CALL_STATES, HOLD_STATES, AgentState, Command, State

EVENT = "data"


class CommandType(StrEnum):
    """The ``type`` field of each documented client command."""

    LOGIN = "login"
    LOGOUT = "logout"
    MAKE_CALL = "makeCall"
    CLOSE_CALL = "closeCall"
    PAUSE = "pause"
    PREDICTIVE = "predictive"
    HOLD = "holdCall"
    RETRIEVE = "retrieveCall"
    MUTE = "muteCall"
    EXIT = "exit"
    RESOLUTION_SET = "resolutionSet"


@dataclass(frozen=True)
class Gate:
    """Allowed when ``command`` (if set) is listed and the state is in ``states`` (if set)."""

    command: Command | None
    states: frozenset[State] | None = None

    def check(self, name: str, state: AgentState) -> None:
        if self.command is not None and self.command not in state.available_commands:
            raise CommandNotAvailable(
                name,
                f"the server does not offer {self.command}",
                state=state.state_name,
                available=state.available_commands,
            )
        if self.states is not None and state.state not in self.states:
            allowed = ", ".join(sorted(self.states))
            raise CommandNotAvailable(
                name,
                f"only in {allowed}",
                state=state.state_name,
                available=state.available_commands,
            )


#: Which CMD_* / states allow each command. ``pause`` with id 0 (resume) has
#: its own rule in the client: CMD_PAUSE and a pause in force or requested.
GATES: dict[CommandType, Gate] = {
    CommandType.LOGIN: Gate(Command.LOGIN),
    CommandType.LOGOUT: Gate(Command.LOGOUT),
    CommandType.MAKE_CALL: Gate(Command.MAKECALL),
    CommandType.CLOSE_CALL: Gate(None, frozenset(CALL_STATES)),
    CommandType.PAUSE: Gate(Command.PAUSE),
    CommandType.PREDICTIVE: Gate(Command.PREDICTIVE),
    CommandType.HOLD: Gate(Command.HOLDCALL, frozenset({State.CALL_ACTIVE, State.MUTE})),
    CommandType.RETRIEVE: Gate(Command.HOLDCALL, frozenset(HOLD_STATES)),
    CommandType.MUTE: Gate(Command.MUTE),
    CommandType.EXIT: Gate(Command.EXIT),
    CommandType.RESOLUTION_SET: Gate(None, frozenset({State.CLERICAL})),
}


def login(user: str, password: str, extension: str) -> dict[str, Any]:
    return {"type": "login", "user": user, "password": password, "extension": extension}


def logout() -> dict[str, Any]:
    return {"type": "logout"}


def make_call(phone_number: str, queue_name: str) -> dict[str, Any]:
    return {"type": "makeCall", "phoneNumber": phone_number, "queueName": queue_name}


def close_call() -> dict[str, Any]:
    return {"type": "closeCall"}


def pause(pause_id: int | str) -> dict[str, Any]:
    """``id`` as the example client sends it: the pauseList's own text, or number 0 to end."""
    return {"type": "pause", "id": pause_id}


def predictive() -> dict[str, Any]:
    return {"type": "predictive"}


def hold() -> dict[str, Any]:
    return {"type": "holdCall"}


def retrieve() -> dict[str, Any]:
    return {"type": "retrieveCall"}


def mute() -> dict[str, Any]:
    return {"type": "muteCall"}


def exit_agent() -> dict[str, Any]:
    return {"type": "exit"}


def resolution_set(code_id: int) -> dict[str, Any]:
    """``id`` as a number, the way the README calls ``setResult(15)``."""
    return {"type": "resolutionSet", "id": code_id}
