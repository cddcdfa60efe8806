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
_RENAMED = {"call_trace_id": "callTraceID"}


def camel(name: str) -> str:
    renamed = _RENAMED.get(name)
    if renamed is not None:
        return renamed
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


# Converting a snapshot runs on the path that answers a call (the session
# publishes synchronously), so the per-class field names are computed once,
# and frozen parts a new snapshot shares with the last one (links, pauses,
# auto-answer rules) are converted once: memoised by identity, the object
# itself kept alive in the memo so its id cannot be reused meanwhile.
_FIELDS: dict[type, tuple[tuple[str, str], ...] | None] = {}
_MEMO: dict[int, tuple[object, Any]] = {}
_MEMO_MAX = 512


def _fields_of(cls: type) -> tuple[tuple[str, str], ...] | None:
    """(attribute, JSON name) of a dataclass's fields; None for other classes."""
    try:
        return _FIELDS[cls]
    except KeyError:
        pass
    names = None
    if dataclasses.is_dataclass(cls):
        names = tuple((f.name, camel(f.name)) for f in dataclasses.fields(cls))
    _FIELDS[cls] = names
    return names


def to_json_value(value: Any) -> Any:
    """A JSON-ready copy of ``value`` (dataclasses, enums, mappings, sequences)."""
    cls = type(value)
    if value is None or cls is str or cls is int or cls is bool:
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if cls is float:
        return value if math.isfinite(value) else None
    names = _fields_of(cls)
    if names is not None:
        frozen = cls.__dataclass_params__.frozen
        if frozen:
            hit = _MEMO.get(id(value))
            if hit is not None and hit[0] is value:
                return hit[1]
        result = {key: to_json_value(getattr(value, name)) for name, key in names}
        if frozen:
            if len(_MEMO) >= _MEMO_MAX:
                _MEMO.clear()
            _MEMO[id(value)] = (value, result)
        return result
    if isinstance(value, Mapping):
        return {str(to_json_value(k)): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json_value(v) for v in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return to_json_value(float(value))
    return str(value)


def snapshot_json(snapshot: AgentSnapshot) -> dict[str, Any]:
    """The snapshot as an ``onState`` event (``seq`` left out: it moves with every
    snapshot, and the server sends only snapshots that changed something shown)."""
    body = dict(to_json_value(snapshot))
    body.pop("seq", None)
    return {"event": STATE_EVENT, **body}


def record_json(record: CallRecord) -> dict[str, Any]:
    body: dict[str, Any] = dict(to_json_value(record))
    body["durationS"] = record.duration_s
    body["missed"] = record.missed
    return body


def dumps(message: Mapping[str, Any]) -> str:
    """Compact JSON; anything a session put in an event that JSON lacks becomes text."""
    return json.dumps(
        message, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str
    )
