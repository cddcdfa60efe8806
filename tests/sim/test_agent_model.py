"""The Mediatel agent model on its own: commands and a fake clock in, effects out.

No sockets, no event loop: each test is what an agent would see (the state
published to its connection, its extension rung or hung up) as the seconds
the model is told pass. The same rules run behind the real Socket.IO server
in tests/sim/test_simulator.py and tests/net/mediatel.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest

from softphone.net.mediatel import State
from softphone.sim.agent_model import AgentModel, SimulatorError
from softphone.sim.commands import (
    AgentCommand,
    CloseCall,
    HoldCall,
    Login,
    Logout,
    MakeCall,
    RetrieveCall,
    SetCallCode,
    SetPause,
    TogglePredictive,
)
from softphone.sim.config import Reconnect, SimSettings, Timings
from softphone.sim.effects import Effect, Hangup, Hold, Publish, Ring, StopRinging
from softphone.sim.telephony import CallKind, RingOutcome, RingResult
from softphone.sim.wire import WireView

#: Distinct values, so a timer armed with the wrong duration shows.
TIMINGS = Timings(
    dial_delay=1.0,
    answer_timeout=10.0,
    customer_answer_delay=2.0,
    clerical_timeout=30.0,
    predictive_interval=5.0,
    failed_reset=3.0,
    orphan_grace=60.0,
)
START = 1_800_000_000.0  # the fake clock's epoch seconds
SID = "sid-1"
NUMBER = "0661234567"
QUEUE = "DM_Banks_ManualCalls"


class Desk:
    """One agent's model with a fake clock; collects every effect in order."""

    def __init__(self, **settings: Any) -> None:
        self.now = START
        self.model = AgentModel(replace(SimSettings(), timings=TIMINGS, **settings))
        self.effects: list[Effect] = []

    def _collect(self) -> list[Effect]:
        new = self.model.take_effects()
        self.effects.extend(new)
        return new

    def connect(self, sid: str = SID, claimed_user: str | None = None) -> list[Effect]:
        self.model.connect(sid, claimed_user, self.now)
        return self._collect()

    def disconnect(self, sid: str = SID) -> list[Effect]:
        self.model.disconnect(sid, self.now)
        return self._collect()

    def send(self, command: AgentCommand, sid: str = SID) -> list[Effect]:
        self.model.command(sid, command, self.now)
        return self._collect()

    def logged_in(self, sid: str = SID) -> Desk:
        self.connect(sid)
        self.send(Login("demo", "demo", "1001"), sid)
        assert self.state is State.IDLE
        return self

    def advance(self, seconds: float) -> list[Effect]:
        """Let ``seconds`` pass, firing each deadline at its own time."""
        target = self.now + seconds
        out: list[Effect] = []
        while (deadline := self.model.get_timer()) is not None and deadline <= target:
            self.now = deadline
            self.model.handle_timer(deadline)
            out += self._collect()
        self.now = target
        return out

    def ring_result(self, outcome: RingOutcome) -> list[Effect]:
        ring = self.last(Ring)
        result = RingResult(outcome)
        self.model.ring_result("demo", ring.request.call_trace_id, result, self.now)
        return self._collect()

    @property
    def state(self) -> State:
        return self.model.state_of("demo")

    @property
    def seen(self) -> WireView:
        """The last snapshot the agent's connection was sent."""
        return self.last(Publish).view

    def last(self, kind: type[Any]) -> Any:
        found = [e for e in self.effects if isinstance(e, kind)]
        assert found, f"no {kind.__name__} among {self.effects}"
        return found[-1]


def views(effects: list[Effect]) -> list[State]:
    return [e.view.state for e in effects if isinstance(e, Publish)]


def active_call(desk: Desk) -> None:
    desk.send(MakeCall(NUMBER, QUEUE))
    desk.advance(TIMINGS.dial_delay)
    desk.ring_result(RingOutcome.ANSWERED)
    desk.advance(TIMINGS.customer_answer_delay)
    assert desk.state is State.CALL_ACTIVE


def test_login_and_a_wrong_password() -> None:
    desk = Desk()
    assert views(desk.connect()) == [State.LOGOUT]
    refused = desk.send(Login("demo", "wrong", "1001"))
    assert views(refused) == [State.LOGOUT]
    assert desk.seen.login_error == (-101, "Invalid user name or password")
    assert desk.seen.login_attempt == 1
    desk.send(Login("demo", "demo", "9999"))
    assert desk.seen.login_error is not None and desk.seen.login_error[0] == -102
    assert views(desk.send(Login("demo", "demo", "1001"))) == [State.IDLE]
    assert desk.seen.agent_ext == "1001" and desk.seen.login_attempt == 3


def test_manual_call_from_dial_to_call_code() -> None:
    desk = Desk().logged_in()
    assert views(desk.send(MakeCall(NUMBER, QUEUE))) == [State.MAKECALL_REQUEST]
    assert desk.advance(TIMINGS.dial_delay - 0.01) == []  # still dialling
    delivered = desk.advance(0.01)
    assert views(delivered) == [State.CALL_DELIVERED]
    ring = delivered[-1]
    assert isinstance(ring, Ring) and ring.timeout == TIMINGS.answer_timeout
    assert (ring.request.extension, ring.request.caller) == ("1001", NUMBER)
    assert ring.request.kind is CallKind.MANUAL and ring.request.queue_name == QUEUE

    # The extension answered; the customer picks up customer_answer_delay later.
    assert desk.ring_result(RingOutcome.ANSWERED) == []
    assert desk.state is State.CALL_DELIVERED
    answered_at = desk.now + TIMINGS.customer_answer_delay
    assert views(desk.advance(TIMINGS.customer_answer_delay)) == [State.CALL_ACTIVE]
    call = desk.seen.call
    assert call is not None and call.ani == NUMBER and call.trace_id == ring.request.call_trace_id
    assert call.start_time == datetime.fromtimestamp(answered_at)

    closed = desk.send(CloseCall())
    assert closed[0] == Hangup("1001") and views(closed) == [State.CLERICAL]
    assert desk.seen.last_call_ms == int(desk.now * 1000)
    code = desk.seen.call_codes[0][0]
    assert views(desk.send(SetCallCode(code))) == [State.IDLE]
    assert desk.seen.history[-1]["MCC_CALLCODE"] == str(code)
    assert desk.seen.call is None and desk.model.get_timer() is None


def test_wrap_up_ends_by_itself_after_the_clerical_timeout() -> None:
    desk = Desk().logged_in()
    active_call(desk)
    desk.send(CloseCall())
    assert desk.model.get_timer() == desk.now + TIMINGS.clerical_timeout
    assert desk.advance(TIMINGS.clerical_timeout - 0.5) == []
    assert desk.state is State.CLERICAL
    assert views(desk.advance(0.5)) == [State.IDLE]
    assert desk.seen.history == (), "no call code was given"


def test_an_unknown_call_code_is_refused_with_the_unchanged_state() -> None:
    desk = Desk().logged_in()
    active_call(desk)
    desk.send(CloseCall())
    assert views(desk.send(SetCallCode(987654))) == [State.CLERICAL]


def test_unanswered_extension_means_force_pause() -> None:
    desk = Desk().logged_in()
    desk.send(MakeCall(NUMBER, QUEUE))
    desk.advance(TIMINGS.dial_delay)
    effects = desk.ring_result(RingOutcome.NO_ANSWER)
    assert effects[0] == Hangup("1001") and views(effects) == [State.PAUSE]
    assert desk.seen.call_error == (-223, "No Answer from agent")
    assert desk.seen.pause_id == desk.model.settings.force_pause_id
    # and the agent resumes work with pause 0
    assert views(desk.send(SetPause(0))) == [State.IDLE]
    assert desk.seen.call_error is None


def test_pause_and_resume() -> None:
    desk = Desk().logged_in()
    assert views(desk.send(SetPause(2))) == [State.PAUSE] and desk.seen.pause_id == 2
    assert views(desk.send(SetPause(3))) == [State.PAUSE] and desk.seen.pause_id == 3
    assert views(desk.send(SetPause(77))) == [State.PAUSE], "not in the pause list"
    assert desk.seen.pause_id == 3
    assert views(desk.send(SetPause(0))) == [State.IDLE] and desk.seen.pause_id == 0
    assert views(desk.send(SetPause(0))) == [State.IDLE], "no pause to end"


def test_pause_asked_for_during_a_call_starts_after_the_wrap_up() -> None:
    desk = Desk().logged_in()
    active_call(desk)
    assert views(desk.send(SetPause(4))) == [State.CALL_ACTIVE]
    assert desk.seen.pause_acknowledge
    desk.send(CloseCall())
    assert desk.state is State.CLERICAL and desk.seen.pause_acknowledge
    desk.send(SetCallCode(desk.seen.call_codes[0][0]))
    assert desk.state is State.PAUSE and desk.seen.pause_id == 4
    assert not desk.seen.pause_acknowledge


def test_hold_and_retrieve_reach_the_extension() -> None:
    desk = Desk().logged_in()
    assert views(desk.send(HoldCall())) == [State.IDLE], "nothing to hold"
    active_call(desk)
    held = desk.send(HoldCall())
    assert held[0] == Hold("1001", True) and views(held) == [State.HOLD]
    # a consultation call while holding fails, as the simulator has none
    desk.send(MakeCall("0667654321", QUEUE))
    assert desk.state is State.HOLD_MAKECALL_PROGRESS
    desk.advance(TIMINGS.dial_delay)
    assert desk.state is State.HOLD_MAKECALL_FAILED and desk.seen.call_error is not None
    retrieved = desk.send(RetrieveCall())
    assert retrieved[0] == Hold("1001", False) and views(retrieved) == [State.CALL_ACTIVE]
    assert desk.seen.call_error is None


def test_predictive_calls_come_every_interval_while_idle() -> None:
    desk = Desk().logged_in()
    toggled = desk.send(TogglePredictive())
    assert views(toggled) == [State.IDLE] and desk.seen.predictive
    assert desk.advance(TIMINGS.predictive_interval - 0.1) == []
    effects = desk.advance(0.1)
    assert views(effects) == [State.CALL_DELIVERED]
    ring = desk.last(Ring)
    assert ring.request.kind is CallKind.PREDICTIVE
    assert desk.seen.call is not None and desk.seen.call.crm_connect_target.startswith("https://")
    desk.ring_result(RingOutcome.ANSWERED)
    assert desk.state is State.CALL_ACTIVE, "no customer-answer delay for a predictive call"
    # busy: the next tick offers nothing
    assert not [e for e in desk.advance(TIMINGS.predictive_interval) if isinstance(e, Ring)]
    desk.send(CloseCall())
    desk.send(SetCallCode(desk.seen.call_codes[0][0]))
    desk.advance(TIMINGS.predictive_interval)
    assert desk.state is State.CALL_DELIVERED
    # switched off: no more calls
    desk.ring_result(RingOutcome.ANSWERED)
    desk.send(CloseCall())
    desk.send(SetCallCode(desk.seen.call_codes[0][0]))
    desk.send(TogglePredictive())
    assert not desk.seen.predictive
    assert desk.model.get_timer() is None
    assert desk.advance(10 * TIMINGS.predictive_interval) == []


def test_training_offers_an_inbound_call_every_interval_while_idle() -> None:
    desk = Desk()
    desk.model = AgentModel(replace(SimSettings(), timings=replace(TIMINGS, training_interval=7.0)))
    desk.logged_in()
    assert desk.advance(6.9) == []
    effects = desk.advance(0.1)
    assert views(effects) == [State.CALL_DELIVERED]
    ring = desk.last(Ring)
    assert ring.request.kind is CallKind.INBOUND and ring.request.queue_name == "Inbound_Main"
    desk.ring_result(RingOutcome.ANSWERED)
    assert desk.state is State.CALL_ACTIVE
    # in a call: the next tick offers nothing
    assert not [e for e in desk.advance(7.0) if isinstance(e, Ring)]
    desk.send(CloseCall())
    desk.send(SetCallCode(desk.seen.call_codes[0][0]))
    assert desk.state is State.IDLE
    # on pause: nothing either; back to available: the next tick rings again
    desk.send(SetPause(1))
    assert not [e for e in desk.advance(7.0) if isinstance(e, Ring)]
    desk.send(SetPause(0))
    assert desk.state is State.IDLE
    assert views(desk.advance(7.0)) == [State.CALL_DELIVERED]
    first, second = [e.request.caller for e in desk.effects if isinstance(e, Ring)]
    assert first != second, "each training call is a new customer"
    # signed out: no more calls
    desk.ring_result(RingOutcome.ANSWERED)
    desk.send(CloseCall())
    desk.send(SetCallCode(desk.seen.call_codes[0][0]))
    desk.send(Logout())
    assert desk.model.get_timer() is None


def test_no_training_calls_unless_asked() -> None:
    desk = Desk().logged_in()
    assert desk.model.get_timer() is None
    assert desk.advance(3600) == []


def test_closing_a_ringing_call_stops_the_ring_and_ignores_its_late_outcome() -> None:
    desk = Desk().logged_in()
    desk.send(MakeCall(NUMBER, QUEUE))
    desk.advance(TIMINGS.dial_delay)
    closed = desk.send(CloseCall())
    assert closed[:2] == [StopRinging("demo"), Hangup("1001")]
    assert views(closed) == [State.IDLE]
    assert desk.ring_result(RingOutcome.ANSWERED) == []
    assert desk.state is State.IDLE


def test_refused_number_resets_after_a_while() -> None:
    desk = Desk().logged_in()
    assert views(desk.send(MakeCall("12", QUEUE))) == [State.MAKECALL_FAILED]
    assert desk.seen.call_error is not None and desk.seen.call_error[0] == -301
    desk.send(MakeCall(NUMBER, "NoSuchQueue"))
    assert desk.seen.call_error is not None and desk.seen.call_error[0] == -302
    assert views(desk.advance(TIMINGS.failed_reset)) == [State.IDLE]


def test_agent_hanging_up_starts_the_wrap_up() -> None:
    desk = Desk().logged_in()
    active_call(desk)
    desk.model.agent_hung_up("1001", desk.now)
    assert views(desk.model.take_effects()) == [State.CLERICAL]


def test_a_dropped_session_waits_for_its_socket_then_logs_out() -> None:
    desk = Desk().logged_in()
    assert desk.disconnect() == []
    assert desk.state is State.IDLE and desk.model.get_timer() == desk.now + 60.0
    desk.advance(30.0)
    assert views(desk.connect("sid-2")) == [State.IDLE], "the new socket continues the session"
    assert desk.model.get_timer() is None
    desk.disconnect("sid-2")
    desk.advance(60.0)
    assert desk.state is State.LOGOUT


def test_with_reconnect_logout_a_dropped_call_still_gets_its_wrap_up() -> None:
    desk = Desk(reconnect=Reconnect.LOGOUT).logged_in()
    active_call(desk)
    desk.disconnect()
    assert desk.state is State.CLERICAL
    assert views(desk.connect("sid-2")) == [State.LOGOUT]
    desk.advance(TIMINGS.clerical_timeout)
    assert desk.state is State.LOGOUT


def test_control_requests_the_state_does_not_allow() -> None:
    desk = Desk()
    with pytest.raises(SimulatorError, match="unknown agent"):
        desk.model.inbound_call("nobody", NUMBER, None, desk.now)
    with pytest.raises(SimulatorError, match="STATE_IDLE"):
        desk.model.inbound_call("demo", NUMBER, None, desk.now)
    desk.logged_in()
    with pytest.raises(SimulatorError, match="no connected call"):
        desk.model.customer_hangup("demo", desk.now)
    trace_id = desk.model.inbound_call("demo", NUMBER, None, desk.now)
    ring = desk.model.take_effects()[-1]
    assert isinstance(ring, Ring) and ring.request.call_trace_id == trace_id
    assert ring.request.queue_name == "Inbound_Main"
