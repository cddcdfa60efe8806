"""The agent snapshot as JSON: what the integration API's ``getState`` and the headless
agent print, so every consumer gets the same shape.

Keys are camelCase like the CTI events' (``callTraceID`` stays as Mediatel
spells it); enums become their values, mappings objects, tuples lists. A
command map becomes ``{"dial": null, "hold": "the customer is not connected"}``:
null means allowed, text says why not.

One conversion serves both: it lives in ``cti_json`` (where the integration
API also needs it for its ``onState`` event and call records); these names
stay for the session's callers.
"""

from __future__ import annotations

from typing import Any

from softphone.core.agent_snapshot import AgentSnapshot
from softphone.core.cti_json import camel as camel
from softphone.core.cti_json import to_json_value as to_json


def snapshot_to_json(snapshot: AgentSnapshot) -> dict[str, Any]:
    data: dict[str, Any] = dict(to_json(snapshot))
    return data
