"""The call tracker: CTI events as facts arrive from either socket, and a history that fails."""

from __future__ import annotations

from pathlib import Path

from softphone.core.agent_snapshot import CallPhase, CallType, Direction
from softphone.core.call_end import SENTENCES, CallEnd, from_sip
from softphone.core.call_tracker import CallTracker, recording_url_base
from softphone.core.cti_events import CtiEvent
from softphone.core.history import CallHistory
from softphone.net.mediatel import State
from tests.core.agent.fake_clock import FakeClock
from tests.core.agent.states import agent_state


def tracker(
    history: CallHistory | None = None, told: list[str] | None = None
) -> tuple[CallTracker, list[CtiEvent]]:
    events: list[CtiEvent] = []
    ids = iter(f"call-{i}" for i in range(100))
    t = CallTracker(
        FakeClock(),
        events.append,
        history=history,
        recording_base=recording_url_base("hes.example"),
        new_id=lambda: next(ids),
        tell=(told if told is not None else []).append,
    )
    return t, events


def talking(t: CallTracker) -> None:
    t.dialled("0501", "Q")
    assert t.on_invite("h1", None)
    t.answered()
    t.on_agent(agent_state(State.CALL_ACTIVE, callType="1", callTraceID="77"))


def test_a_call_cut_by_a_server_restart_says_so_in_history_and_to_the_agent(
    tmp_path: Path,
) -> None:
    """Mediatel goes away mid-call and comes back without the call: not "the platform
    ended it" but a sentence that the connection was lost, in the record and the window."""
    history = CallHistory(tmp_path / "h.sqlite")
    told: list[str] = []
    t, _ = tracker(history, told)
    talking(t)
    t.link_lost(CallEnd.MEDIATEL_LOST)
    t.link_lost(CallEnd.SIP_LOST)  # the same server carried both
    t.on_agent(agent_state(State.IDLE))  # back, signed in again, no call
    record = history.get("call-0")
    assert record is not None and record.end_reason is CallEnd.MEDIATEL_LOST
    assert told == ["The call was cut: the connection to the Mediatel server was lost."]
    assert told == [SENTENCES[CallEnd.MEDIATEL_LOST]]


def test_a_call_the_sip_server_dropped_is_cut_by_sip(tmp_path: Path) -> None:
    history = CallHistory(tmp_path / "h.sqlite")
    told: list[str] = []
    t, _ = tracker(history, told)
    talking(t)
    t.link_lost(CallEnd.SIP_LOST)
    t.on_agent(agent_state(State.IDLE))
    record = history.get("call-0")
    assert record is not None and record.end_reason is CallEnd.SIP_LOST
    assert told == ["The call was cut: the connection to the SIP server was lost."]


def test_a_call_that_survives_a_lost_link_ends_as_it_was_ended(tmp_path: Path) -> None:
    """Media do not pass the servers: after a restart the call goes on, and the customer
    hanging up later is recorded as just that, with nothing to tell the agent."""
    history = CallHistory(tmp_path / "h.sqlite")
    told: list[str] = []
    t, _ = tracker(history, told)
    talking(t)
    t.link_lost(CallEnd.SIP_LOST)
    end = from_sip("hangup", by_agent=False, answered=True)
    t.ended("hangup", by="remote", end=end)
    t.on_agent(agent_state(State.CLERICAL, callTraceID="77"))
    record = history.get("call-0")
    assert record is not None and record.end_reason is CallEnd.CUSTOMER_HUNG_UP
    assert told == []


def test_after_call_work_first_then_the_customers_bye_names_who_hung_up(
    tmp_path: Path,
) -> None:
    history = CallHistory(tmp_path / "h.sqlite")
    t, events = tracker(history)
    talking(t)
    t.on_agent(agent_state(State.CLERICAL, callTraceID="77"))
    record = history.get("call-0")
    assert record is not None and record.end_reason is CallEnd.PLATFORM
    t.ended("hangup", by="remote", end=from_sip("hangup", by_agent=False, answered=True))
    record = history.get("call-0")
    assert record is not None and record.end_reason is CallEnd.CUSTOMER_HUNG_UP
    assert [str(e.name) for e in events].count("onHangupCall") == 1


def test_sip_end_causes_in_the_agents_terms() -> None:
    assert from_sip("hangup", by_agent=True, answered=True) is CallEnd.AGENT_HUNG_UP
    assert from_sip("rejected", by_agent=True, answered=False) is CallEnd.AGENT_HUNG_UP
    assert from_sip("cancelled", by_agent=False, answered=False) is CallEnd.NOT_ANSWERED
    assert from_sip("rejected", by_agent=False, answered=False) is CallEnd.NOT_ANSWERED
    assert from_sip("connection-lost", by_agent=False, answered=True) is CallEnd.SIP_LOST
    assert from_sip("timeout", by_agent=True, answered=False) is CallEnd.FAILED


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
