"""Mediatel snapshots for unit tests, built from the parser like the real ones."""

from __future__ import annotations

from typing import Any

from softphone.net.mediatel import AgentState, State, parse_state
from softphone.sim.tables import COMMANDS_IN, STATUS_OF

PAUSES = [["1", "Technical Break"], ["2", "Talk with Supervisor"], ["3", "Technical Error"]]
CODES = [{"ID": "4", "Name": "Promise", "ActionFlag": "0"}, {"ID": "15", "Name": "Refusal"}]


def agent_state(state: State = State.IDLE, **fields: Any) -> AgentState:
    raw: dict[str, Any] = {
        "state": state.value,
        "status": STATUS_OF.get(state, "unknown"),
        "availableCommand": [c.value for c in COMMANDS_IN.get(state, ())],
        "pauseList": PAUSES,
        "queues": ["DM_Banks_ManualCalls", "Inbound_Main"],
        "agentName": "Demo Agent",
        "agentExt": "1001",
    }
    raw.update(fields)
    return parse_state(raw)
