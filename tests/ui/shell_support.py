"""Variations of the fake session's scenes that the shell tests need."""

from __future__ import annotations

from dataclasses import replace

from softphone.core.agent_snapshot import AgentSnapshot, AutoAnswerView, CallPhase, CallType
from tests.fakes import agent_scenes as scenes

PAUSES = scenes.PAUSES


def signed_in(**changes: object) -> AgentSnapshot:
    """An available agent with everything connected; ``changes`` override fields."""
    return replace(scenes.idle(), **changes)  # type: ignore[arg-type]


def paused() -> AgentSnapshot:
    """In the "Lunch" pause (id 2)."""
    return scenes.paused()


def ringing(
    *,
    number: str = "+380441234567",
    queue: str = "Sales",
    call_type: CallType = CallType.INBOUND,
    auto_answer_at: float | None = None,
    auto_answer: bool = False,
) -> AgentSnapshot:
    snap = scenes.ringing()
    assert snap.call is not None
    call = replace(
        snap.call, number=number, queue=queue, call_type=call_type, auto_answer_at=auto_answer_at
    )
    return replace(snap, call=call, auto_answer=AutoAnswerView(enabled=auto_answer))


def talking(base: AgentSnapshot | None = None) -> AgentSnapshot:
    snap = base or ringing()
    assert snap.call is not None
    return replace(snap, call=replace(snap.call, phase=CallPhase.TALKING))
