"""The integration API's commands: what a CRM may send, checked, mapped to ``AgentApi``.

A command is a JSON object ``{"command": NAME, "id": ANY, ...arguments}``.
Everything a client sends is checked here before the session sees it, and
every way it can be wrong is a ``BadRequest`` whose text names the mistake —
a CRM developer reads these in the browser console, so they must say what
to fix. Unknown arguments are refused rather than ignored: a misspelt
``queue`` silently dropped would dial through the wrong queue.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from softphone.core.agent_api import AgentApi
from softphone.core.call_records import HistoryQuery
from softphone.core.cti_json import record_json, snapshot_json

MAX_NUMBER_CHARS = 64
MAX_HISTORY = 1000
_DTMF = re.compile(r"[0-9*#A-Da-d]{1,32}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class BadRequest(ValueError):
    """The message is not a valid command; ``str()`` says what is wrong.

    ``id`` is the request's own id when one could be read, so that even an
    error reply can be matched to its request.
    """

    def __init__(self, message: str, id: Any = None) -> None:
        super().__init__(message)
        self.id = id


Args = Mapping[str, Any]
Handler = Callable[[AgentApi, Args], Awaitable[Any]]


@dataclass(frozen=True)
class Arg:
    name: str
    kind: str  # "text" | "int" | "number" | "digits"
    required: bool = False


@dataclass(frozen=True)
class CommandSpec:
    args: tuple[Arg, ...]
    run: Handler


def _text(command: str, arg: Arg, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"{command}: {arg.name!r} must be a non-empty string")
    if len(value) > MAX_NUMBER_CHARS or _CONTROL.search(value):
        raise BadRequest(
            f"{command}: {arg.name!r} must be at most {MAX_NUMBER_CHARS} printable characters"
        )
    return value.strip()


def _int(command: str, arg: Arg, value: Any) -> int:
    # Mediatel spells ids both as numbers and as strings; accept both, nothing else.
    if isinstance(value, bool):
        raise BadRequest(f"{command}: {arg.name!r} must be an integer id")
    if isinstance(value, int):
        result = value
    elif isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,18}", value.strip()):
        result = int(value)
    else:
        raise BadRequest(f"{command}: {arg.name!r} must be an integer id")
    if abs(result) >= 2**63:
        raise BadRequest(f"{command}: {arg.name!r} is out of range")
    return result


def _number(command: str, arg: Arg, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadRequest(f"{command}: {arg.name!r} must be a number (epoch seconds)")
    if not -1e12 < value < 1e12:
        raise BadRequest(f"{command}: {arg.name!r} is out of range")
    return float(value)


def _digits(command: str, arg: Arg, value: Any) -> str:
    if not isinstance(value, str) or not _DTMF.fullmatch(value):
        raise BadRequest(f"{command}: {arg.name!r} must be 1 to 32 of 0-9 * # A-D")
    return value


_CHECKS: dict[str, Callable[[str, Arg, Any], Any]] = {
    "text": _text,
    "int": _int,
    "number": _number,
    "digits": _digits,
}


async def _make_call(api: AgentApi, args: Args) -> None:
    await api.dial(args["number"], args.get("queue"))


async def _dtmf(api: AgentApi, args: Args) -> None:
    await api.dtmf(args["digits"])


async def _pause(api: AgentApi, args: Args) -> None:
    await api.pause(args["pauseId"])


async def _set_call_code(api: AgentApi, args: Args) -> None:
    await api.set_call_code(args["codeId"])


async def _get_state(api: AgentApi, args: Args) -> dict[str, Any]:
    return snapshot_json(api.snapshot)


async def _get_history(api: AgentApi, args: Args) -> list[dict[str, Any]]:
    query = HistoryQuery(
        since=args.get("since"),
        until=args.get("until"),
        number=args.get("number"),
        call_code_id=args.get("callCodeId"),
        limit=args.get("limit", 50),
    )
    if not 1 <= query.limit <= MAX_HISTORY:
        raise BadRequest(f"getHistory: 'limit' must be 1 to {MAX_HISTORY}")
    return [record_json(r) for r in await api.history(query)]


def _simple(method: str) -> Handler:
    async def run(api: AgentApi, args: Args) -> None:
        await getattr(api, method)()

    return run


COMMANDS: dict[str, CommandSpec] = {
    "makeCall": CommandSpec(
        (Arg("number", "text", required=True), Arg("queue", "text")), _make_call
    ),
    "answer": CommandSpec((), _simple("answer")),
    "reject": CommandSpec((), _simple("reject")),
    "hangup": CommandSpec((), _simple("hangup")),
    "hold": CommandSpec((), _simple("hold")),
    "unhold": CommandSpec((), _simple("unhold")),
    "mute": CommandSpec((), _simple("mute")),
    "unmute": CommandSpec((), _simple("unmute")),
    "dtmf": CommandSpec((Arg("digits", "digits", required=True),), _dtmf),
    "pause": CommandSpec((Arg("pauseId", "int", required=True),), _pause),
    "resume": CommandSpec((), _simple("resume")),
    "setCallCode": CommandSpec((Arg("codeId", "int", required=True),), _set_call_code),
    "getState": CommandSpec((), _get_state),
    "getHistory": CommandSpec(
        (
            Arg("since", "number"),
            Arg("until", "number"),
            Arg("number", "text"),
            Arg("callCodeId", "int"),
            Arg("limit", "int"),
        ),
        _get_history,
    ),
}


@dataclass(frozen=True)
class Request:
    command: str
    args: Mapping[str, Any]
    id: Any = None


def loose_id(text: str) -> Any:
    """The ``id`` of a message that may be no valid command (to echo in an error)."""
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return message.get("id") if isinstance(message, dict) else None


def parse_message(text: str) -> Request:
    """The request in one text frame; raises ``BadRequest`` carrying the id it found."""
    try:
        message = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadRequest(f"not valid JSON: {exc}") from None
    try:
        return parse_request(message)
    except BadRequest as exc:
        exc.id = message.get("id") if isinstance(message, dict) else None
        raise


def parse_request(message: Any) -> Request:
    if not isinstance(message, dict):
        raise BadRequest('a command must be a JSON object like {"command": "getState"}')
    name = message.get("command")
    if not isinstance(name, str):
        raise BadRequest('missing "command": a JSON object like {"command": "getState"}')
    spec = COMMANDS.get(name)
    if spec is None:
        known = ", ".join(COMMANDS)
        raise BadRequest(f"unknown command {name[:40]!r}; known: {known}")
    allowed = {a.name for a in spec.args}
    for key in message:
        if key not in allowed and key not in ("command", "id"):
            raise BadRequest(f"{name}: unknown argument {str(key)[:40]!r}")
    args: dict[str, Any] = {}
    for arg in spec.args:
        if arg.name in message and message[arg.name] is not None:
            args[arg.name] = _CHECKS[arg.kind](name, arg, message[arg.name])
        elif arg.required:
            raise BadRequest(f"{name}: {arg.name!r} is required")
    return Request(name, args, message.get("id"))


async def run_request(api: AgentApi, request: Request) -> Any:
    """Run a checked request; the session's own refusals propagate (``AgentError``)."""
    return await COMMANDS[request.command].run(api, request.args)
