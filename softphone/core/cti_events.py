"""CTI events: what a CRM learns about the agent and its calls.

The names follow the Webitel/Creatio CTI provider (seed 004) that
integrators already know, plus three of our own for the agent's state, the
SIP registration and the call code. Every event carries the call's id and
fields so that a CRM which missed earlier events still has the whole call.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


class CtiEventName(enum.StrEnum):
    NEW_CALL = "onNewCall"
    ACCEPT_CALL = "onAcceptCall"
    BRIDGE_CALL = "onBridgeCall"  # Mediatel connected the customer (STATE_CALL_ACTIVE)
    UUID_CALL = "onUuidCall"  # the callTraceID became known or changed
    HOLD_CALL = "onHoldCall"
    UNHOLD_CALL = "onUnholdCall"
    DTMF_CALL = "onDtmfCall"
    HANGUP_CALL = "onHangupCall"
    AGENT_STATE_CHANGE = "onAgentStateChange"
    REGISTRATION_CHANGE = "onRegistrationChange"
    CALL_CODE_SET = "onCallCodeSet"


@dataclass(frozen=True, slots=True)
class CtiEvent:
    name: CtiEventName
    time: float
    """Epoch seconds."""
    call_id: str | None = None
    data: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    """JSON-ready fields: the call's (number, queue, callTraceID...) or the agent's."""

    def to_json(self) -> dict[str, Any]:
        """The wire form of the integration API: ``{"event": ..., "time": ..., ...}``."""
        return {"event": str(self.name), "time": self.time, "callId": self.call_id, **self.data}
