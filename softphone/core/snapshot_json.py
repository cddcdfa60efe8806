"""The agent snapshot as JSON: what the integration API's ``getState`` and the headless
agent print, so every consumer gets the same shape.

Keys are camelCase like the CTI events' (``callTraceID`` stays as Mediatel
spells it); enums become their values, mappings objects, tuples lists. A
command map becomes ``{"dial": null, "hold": "the customer is not connected"}``:
null means allowed, text says why not.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from typing import Any

from softphone.core.agent_snapshot import AgentSnapshot

_SPECIAL = {"call_trace_id": "callTraceID"}


def camel(name: str) -> str:
    if name in _SPECIAL:
        return _SPECIAL[name]
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def to_json(value: Any) -> Any:
    """Any snapshot part as JSON-ready data."""
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {camel(f.name): to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(to_json(k)): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        return [to_json(v) for v in value]
    return value


def snapshot_to_json(snapshot: AgentSnapshot) -> dict[str, Any]:
    data: dict[str, Any] = to_json(snapshot)
    return data
