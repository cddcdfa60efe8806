"""The call tracker: CTI events as facts arrive from either socket, and a history that fails."""

from __future__ import annotations

from pathlib import Path

from softphone.core.agent_snapshot import CallPhase, CallType, Direction
from softphone.core.call_tracker import CallTracker, recording_url_base
from softphone.core.cti_events import CtiEvent
from softphone.core.history import CallHistory
from softphone.net.mediatel import State
from tests.core.agent.fake_clock import FakeClock
from tests.core.agent.states import agent_state


def tracker(history: CallHistory | None = None) -> tuple[CallTracker, list[CtiEvent]]:
    events: list[CtiEvent] = []
    ids = iter(f"call-{i}" for i in range(100))
    t = CallTracker(
        FakeClock(),
        events.append,
        history=history,
        recording_base=recording_url_base("hes.example"),
        new_id=lambda: next(ids),
    )
    return t, events


def test_invite_first_then_the_platform_names_the_call(tmp_path: Path) -> None:
    history = CallHistory(tmp_path / "h.sqlite")
    t, events = tracker(history)
    assert t.on_invite("h1", "anonymous")
    assert t.call is not None and t.call.call_type is CallType.OTHER and not t.call.announced
    t.on_agent(agent_state(State.CALL_DELIVERED, callType="3", ani="0501", queueName="Q"))
    assert t.call.call_type is CallType.PREDICTIVE and t.call.number == "0501"
    assert t.call.direction is Direction.OUTBOUND and t.call.announced
    t.answered()
    t.on_agent(agent_state(State.CALL_ACTIVE, callType="3", ani="0501", callTraceID="9"))
    assert t.call.recording_url == "https://hes.example/records/mediatel-record?calltraceID=9"
    t.on_agent(agent_state(State.HOLD, callType="3", callTraceID="9"))
    t.on_agent(agent_state(State.CALL_ACTIVE, callType="3", callTraceID="10"))  # changed
    t.ended("hangup", by="remote")
    t.ended("hangup", by="remote")  # once only
    t.on_agent(agent_state(State.CLERICAL, callTraceID="10"))
    assert t.call.phase is CallPhase.ENDED and t.call.call_trace_id == "10"
    names = [str(e.name) for e in events]
    assert names == [
        "onNewCall",
        "onAcceptCall",
        "onUuidCall",
        "onBridgeCall",
        "onHoldCall",
        "onUuidCall",
        "onUnholdCall",
        "onHangupCall",
    ]
    record = history.get("call-0")
    assert record is not None and record.call_type is CallType.PREDICTIVE
    assert record.call_trace_id == "10" and record.end_cause == "hangup"
    t.on_agent(agent_state(State.IDLE))
    assert t.call is None


def test_a_broken_history_does_not_stop_the_call(tmp_path: Path) -> None:
    history = CallHistory(tmp_path / "h.sqlite")
    history.close()
    t, events = tracker(history)
    t.dialled("0501", "Q")
    t.on_agent(agent_state(State.CALL_DELIVERED, callType="1"))
    t.ended("no answer", by="remote")
    assert [str(e.name) for e in events] == ["onNewCall", "onHangupCall"]


def test_a_ringing_call_shows_the_invites_caller_until_the_platform_names_it(
    tmp_path: Path,
) -> None:
    history = CallHistory(tmp_path / "h.sqlite")
    t, _ = tracker(history)
    t.on_agent(agent_state(State.CALL_DELIVERED, callType="2", queueName="Q"))  # no ani yet
    assert t.call is not None and t.call.number is None
    assert t.on_invite("h1", "0661234567")
    assert t.call.phase is CallPhase.RINGING and t.call.number == "0661234567"
    record = history.get("call-0")
    assert record is not None and record.number == "0661234567"
    t.on_agent(agent_state(State.CALL_ACTIVE, callType="2", ani="0501", queueName="Q"))
    assert t.call.number == "0501"
    record = history.get("call-0")
    assert record is not None and record.number == "0501"


def test_an_announced_outbound_call_keeps_the_dialled_number_over_the_invite() -> None:
    t, _ = tracker()
    t.dialled("0501", "Q")
    t.on_agent(agent_state(State.CALL_DELIVERED, callType="1"))
    assert t.on_invite("h1", "mediatel-pbx")
    assert t.call is not None and t.call.number == "0501"
