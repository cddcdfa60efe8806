"""Snapshots and Qt set-up shared by the shell tests (tray, popup, settings...).

Importing this module first puts Qt on the offscreen platform, so the tests
run without a display whichever conftest is in force.
"""

from __future__ import annotations

import os
from dataclasses import replace
from types import MappingProxyType

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from softphone.core.agent_commands import AgentCommand
from softphone.core.agent_snapshot import (
    AgentSnapshot,
    AutoAnswerView,
    CallPhase,
    CallType,
    CallView,
    Direction,
    LinkHealth,
    LinkState,
    Pause,
    PauseView,
    SignIn,
    State,
    Status,
)

PAUSES = (Pause(1, "Lunch"), Pause(2, "Meeting"), Pause(3, "Training"))
UP = LinkHealth(LinkState.UP, since=1_700_000_000.0)


def signed_in(**changes: object) -> AgentSnapshot:
    """An available agent with everything connected; ``changes`` override fields."""
    allowed = dict.fromkeys(AgentCommand)
    allowed[AgentCommand.RESUME] = "You are not in a pause."
    base = AgentSnapshot(
        seq=1,
        sign_in=SignIn.SIGNED_IN,
        login="ann",
        agent_name="Ann Smith",
        extension="1001",
        state=State.IDLE,
        status=Status.AVAILABLE,
        status_name="available",
        state_since=1_700_000_000.0,
        mediatel=UP,
        sip=UP,
        pauses=PAUSES,
        queues=("Sales", "Support"),
        commands=MappingProxyType(allowed),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def paused(pause_id: int = 1) -> AgentSnapshot:
    pause = next(p for p in PAUSES if p.id == pause_id)
    allowed = dict.fromkeys(AgentCommand)
    allowed[AgentCommand.PAUSE] = None
    return signed_in(
        state=State.PAUSE,
        status=Status.PAUSE,
        status_name="pause",
        pause=PauseView(pause.id, pause.name),
        commands=MappingProxyType(allowed),
    )


def ringing(
    *,
    number: str = "+380441234567",
    queue: str = "Sales",
    call_type: CallType = CallType.INBOUND,
    auto_answer_at: float | None = None,
    auto_answer: bool = False,
) -> AgentSnapshot:
    call = CallView(
        id="c1",
        direction=Direction.INBOUND,
        call_type=call_type,
        phase=CallPhase.RINGING,
        number=number,
        queue=queue,
        call_trace_id="1700000000.42",
        started_at=1_700_000_000.0,
        announced=True,
        auto_answer_at=auto_answer_at,
    )
    return signed_in(
        state=State.CALL_DELIVERED,
        status=Status.IN_A_CALL,
        status_name="in_a_call",
        call=call,
        auto_answer=AutoAnswerView(enabled=auto_answer),
    )


def talking(base: AgentSnapshot | None = None) -> AgentSnapshot:
    snap = base or ringing()
    assert snap.call is not None
    call = replace(snap.call, phase=CallPhase.TALKING, answered_at=1_700_000_005.0)
    return replace(snap, call=call, state=State.CALL_ACTIVE)
