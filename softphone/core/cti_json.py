"""The agent's snapshot and call records in the integration API's JSON form.

One generic conversion (dataclass fields in camelCase, enums as their wire
values, mappings as objects, tuples as arrays) instead of a hand-written
copy of every field, so a field the session adds later reaches the CRM
without a second edit here. Only the names integrators already know are
spelled their way (``callTraceID`` as in Mediatel and seed 003).
"""

from __future__ import annotations

import dataclasses
import enum
import json
import math
from collections.abc import Mapping
from typing import Any

from softphone.core.agent_snapshot import AgentSnapshot
from softphone.core.call_records import CallRecord

#: The event that carries the agent's whole state (sent first to every client).
STATE_EVENT = "onState"

# snake_case field -> the name integrators know, where camelCase would differ.
_RENAMED = {"call_trace_id": "callTraceID", "recording_url": "recordingURL"}


def camel(name: str) -> str:
    renamed = _RENAMED.get(name)
    if renamed is not None:
        return renamed
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def to_json_value(value: Any) -> Any:
    """A JSON-ready copy of ``value`` (dataclasses, enums, mappings, sequences)."""
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            camel(f.name): to_json_value(getattr(value, f.name)) for f in dataclasses.fields(value)
        }
    if isinstance(value, Mapping):
        return {str(to_json_value(k)): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json_value(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def snapshot_json(snapshot: AgentSnapshot) -> dict[str, Any]:
    """The snapshot as an ``onState`` event (``seq`` left out: see ``state_changed``)."""
    body = to_json_value(snapshot)
    body.pop("seq", None)
    return {"event": STATE_EVENT, **body}


def record_json(record: CallRecord) -> dict[str, Any]:
    body: dict[str, Any] = to_json_value(record)
    body["durationS"] = record.duration_s
    body["missed"] = record.missed
    return body


def dumps(message: Mapping[str, Any]) -> str:
    """Compact JSON; anything a session put in an event that JSON lacks becomes text."""
    return json.dumps(
        message, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str
    )
