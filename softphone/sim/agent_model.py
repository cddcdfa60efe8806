"""The Mediatel agent model, sans-IO: commands and time in, snapshots and telephony requests out.

:class:`AgentModel` is what Mediatel decides: logins, the state machine
(:data:`~softphone.sim.tables.TRANSITIONS`), pauses, calls and their wrap-up,
call codes, predictive dialling, training calls, Force Pause for an unanswered extension. It
owns no socket, task or clock. Every input carries ``now`` (seconds since the
epoch, because the wire shows wall-clock times); every output is an
:mod:`~softphone.sim.effects` value queued for :meth:`AgentModel.take_effects`;
waiting is a deadline (:meth:`get_timer`) the driver reports back through
:meth:`handle_timer`, as with the SIP core. So every rule here runs in a unit
test with a fake clock, and :class:`~softphone.sim.server.MediatelSimulator`
only carries messages.

The inputs and the commands are here; what several of them share (the call
flow, the timers, the transitions and publishing) is the base class
:class:`~softphone.sim.agent_flow.AgentFlow`.

Extending it: a command is a class in :mod:`softphone.sim.commands` and a row
in ``_COMMANDS`` below; something that happens after a while (a training mode
that offers a call every N seconds, say) is a
:class:`~softphone.sim.agent_state.Timer` and a row in ``agent_flow._TIMERS``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from softphone.net.mediatel.state import CALL_STATES, State
from softphone.sim.agent_flow import AgentFlow, epoch_ms
from softphone.sim.agent_state import (
    AgentSession,
    AgentSummary,
    Connection,
    SimulatorError,
    Timer,
    call_type,
    view_of,
)
from softphone.sim.commands import (
    AgentCommand,
    CloseCall,
    Exit,
    HoldCall,
    Login,
    Logout,
    MakeCall,
    RetrieveCall,
    SetCallCode,
    SetPause,
    ToggleMute,
    TogglePredictive,
)
from softphone.sim.config import Reconnect
from softphone.sim.effects import Hangup, Hold
from softphone.sim.tables import COMMANDS_IN, STATUS_OF, Trigger
from softphone.sim.telephony import CallKind, RingResult
from softphone.sim.wire import WireView

__all__ = ["AgentModel", "AgentSummary", "SimulatorError"]

log = logging.getLogger(__name__)

FORCE_PAUSE_ERROR = (-223, "No Answer from agent")
LOGIN_BAD_PASSWORD = (-101, "Invalid user name or password")
LOGIN_BAD_EXTENSION = (-102, "The extension is not assigned to this agent")
CALL_BAD_NUMBER = (-301, "Invalid phone number")
CALL_BAD_QUEUE = (-302, "Unknown queue")
_PHONE = re.compile(r"\+?[0-9]{3,20}")


class AgentModel(AgentFlow):
    """Every agent's Mediatel session and every connection's login, driven by inputs."""

    # -- inputs: connections ----------------------------------------------------

    def connect(self, sid: str, claimed_user: str | None, now: float) -> None:
        """A Socket.IO connection opened (``claimed_user``: the gateway cookie's username)."""
        self._now = now
        conn = Connection(sid, claimed_user=claimed_user)
        self._conns[sid] = conn
        if self.settings.reconnect is Reconnect.KEEP_LOGIN:
            session = self._find_orphan(claimed_user)
            if session is not None:
                self._attach(conn, session)
        self._publish_conn(conn)

    def disconnect(self, sid: str, now: float) -> None:
        self._now = now
        conn = self._conns.pop(sid, None)
        if conn is None or conn.login is None:
            return
        session = self._sessions[conn.login]
        if session.sid != sid:
            return
        session.sid = None
        if self.settings.reconnect is Reconnect.KEEP_LOGIN:
            self._arm(session, Timer.ORPHAN, self.settings.timings.orphan_grace)
            return
        # The socket was the login: the agent is logged out, but a call's
        # wrap-up waits (clerical timer running) for the agent to come back.
        if session.state in CALL_STATES and session.call is not None:
            self._to_clerical(session)
        elif session.state != State.CLERICAL:
            self._logout(session)

    def command(self, sid: str, command: AgentCommand, now: float) -> bool:
        """Carry out a client's command; if the state does not allow it, say so by
        sending the unchanged state (False)."""
        self._now = now
        conn = self._conns.get(sid)
        if conn is None:
            return False
        if self._dispatch(conn, command):
            return True
        log.info("ignoring %s: not available in %s", command.kind, self._state_of(conn))
        self._publish_conn(conn)
        return False

    def refresh(self, sid: str, now: float) -> None:
        """Send ``sid`` its unchanged state (the answer to an unusable command)."""
        self._now = now
        conn = self._conns.get(sid)
        if conn is not None:
            self._publish_conn(conn)

    # -- inputs: telephony --------------------------------------------------------

    def ring_result(self, login: str, trace_id: str, result: RingResult, now: float) -> None:
        """The outcome of a :class:`~softphone.sim.effects.Ring` that was not stopped."""
        self._now = now
        session = self._sessions.get(login)
        if session is None or session.ringing != trace_id or session.call is None:
            return
        session.ringing = None
        if not result.answered:
            self._out.append(Hangup(session.agent.extension))
            session.call = None
            session.call_error = FORCE_PAUSE_ERROR
            session.pause_id = self.settings.force_pause_id
            self._go(session, Trigger.NO_ANSWER)
        elif session.call.kind is CallKind.MANUAL:
            self._arm(session, Timer.CUSTOMER_ANSWER, self.settings.timings.customer_answer_delay)
        else:
            self._customer_answered(session)

    def agent_hung_up(self, extension: str, now: float) -> None:
        """The agent's phone ended an answered call."""
        self._now = now
        for session in self._sessions.values():
            if session.agent.extension == extension and session.state in CALL_STATES:
                if session.state == State.CALL_DELIVERED:
                    continue  # not answered yet: the ring's outcome reports it
                self._to_clerical(session)

    # -- inputs: control (tests, demo, admin API) -----------------------------------

    def inbound_call(self, login: str, ani: str, queue: str | None, now: float) -> str:
        """Deliver an inbound call to an idle agent; returns its callTraceID."""
        self._now = now
        session = self._session(login)
        if session.state != State.IDLE or session.sid is None:
            raise SimulatorError(f"agent {login} is {session.state}, inbound calls need STATE_IDLE")
        sim_queue = self._inbound_queue(session, queue)
        if sim_queue is None:
            raise SimulatorError(f"unknown queue {queue!r}")
        call = self._new_call(CallKind.INBOUND, ani, sim_queue)
        session.call_error = None
        self._deliver(session, call)
        return call.trace_id

    def customer_hangup(self, login: str, now: float) -> None:
        """The customer hangs up: the agent goes to STATE_CLERICAL."""
        self._now = now
        session = self._session(login)
        if session.state not in CALL_STATES or session.state == State.CALL_DELIVERED:
            raise SimulatorError(f"agent {login} has no connected call ({session.state})")
        self._out.append(Hangup(session.agent.extension))
        self._to_clerical(session)

    def force_state(self, login: str, state: State, now: float) -> None:
        """Put a logged-in agent in any documented state, past the transition table."""
        self._now = now
        session = self._session(login)
        if state not in STATUS_OF or state == State.LOGOUT or not session.online:
            raise SimulatorError(f"cannot force {state} on agent {login}")
        self._enter(session, state)

    # -- queries -----------------------------------------------------------------

    def state_of(self, login: str) -> State:
        return self._session(login).state

    def sid_of(self, login: str) -> str:
        """The agent's connection, or SimulatorError."""
        sid = self._session(login).sid
        if sid is None:
            raise SimulatorError(f"agent {login} has no socket")
        return sid

    def connections(self) -> list[str]:
        return list(self._conns)

    def login_of(self, sid: str) -> str | None:
        conn = self._conns.get(sid)
        return conn.login if conn is not None else None

    def snapshot(self, login: str, now: float) -> WireView:
        """What the agent's socket would be sent at ``now``."""
        session = self._session(login)
        conn = self._conns.get(session.sid) if session.sid else None
        return view_of(self.settings, conn, session, epoch_ms(now), self.host)

    def agents(self) -> list[AgentSummary]:
        return [
            AgentSummary(s.login, s.agent.extension, s.state, s.sid is not None)
            for s in self._sessions.values()
        ]

    # -- commands -------------------------------------------------------------------

    def _dispatch(self, conn: Connection, command: AgentCommand) -> bool:
        state = self._state_of(conn)
        if command.needs is not None and command.needs not in COMMANDS_IN[state]:
            return False
        if isinstance(command, Login):
            return self._login(conn, command)
        if isinstance(command, Exit):
            if conn.login is not None:
                self._logout(self._sessions[conn.login])
                conn.login = None
            self._publish_conn(conn)
            return True
        if conn.login is None:
            return False
        handler = _COMMANDS[type(command)]
        return handler(self, self._sessions[conn.login], command)

    def _login(self, conn: Connection, command: Login) -> bool:
        conn.login_attempt += 1
        agent = self.settings.agent(command.user)
        if agent is None or agent.password != command.password:
            conn.login_error = LOGIN_BAD_PASSWORD
        elif agent.extension != command.extension:
            conn.login_error = LOGIN_BAD_EXTENSION
        else:
            conn.login_error = None
            session = self._sessions[agent.login]
            if session.sid is not None and session.sid != conn.sid:
                # A second login takes over; the old socket is told it is out.
                old = self._conns.get(session.sid)
                if old is not None:
                    old.login = None
                    self._publish_conn(old)
            self._attach(conn, session)
            if not session.online:
                session.online = True
                if not (session.state == State.CLERICAL and session.call is not None):
                    session.pause_id = 0  # (a parked wrap-up simply continues)
                    self._go(session, Trigger.LOGIN, push=False)
        self._publish_conn(conn)
        return True

    def _cmd_logout(self, session: AgentSession, command: Logout) -> bool:
        sid = session.sid
        self._logout(session)
        if sid is not None and sid in self._conns:
            self._conns[sid].login = None
            self._publish_conn(self._conns[sid])
        return True

    def _cmd_make_call(self, session: AgentSession, command: MakeCall) -> bool:
        if self._can(session, Trigger.CONSULT):
            # A consultation call while the customer holds; not simulated.
            self._go(session, Trigger.CONSULT)
            self._start_flow(session, Timer.CONSULT, self.settings.timings.dial_delay)
            return True
        queue = self.settings.queue(command.queue)
        if queue is None or command.queue not in self.settings.queues_of(session.agent):
            return self._call_failed(session, CALL_BAD_QUEUE)
        if not _PHONE.fullmatch(command.number):
            return self._call_failed(session, CALL_BAD_NUMBER)
        session.call_error = None
        self._go(session, Trigger.MAKE_CALL)
        self._start_flow(session, Timer.DIAL, self.settings.timings.dial_delay)
        session.dialling = self._new_call(CallKind.MANUAL, command.number, queue)
        return True

    def _call_failed(self, session: AgentSession, error: tuple[int, str]) -> bool:
        session.call_error = error
        self._go(session, Trigger.CALL_FAILED)
        self._start_flow(session, Timer.FAILED_RESET, self.settings.timings.failed_reset)
        return True

    def _cmd_close_call(self, session: AgentSession, command: CloseCall) -> bool:
        if session.state == State.CALL_DELIVERED:
            # The customer was never dialled: no wrap-up.
            self._cancel_flow(session)
            self._out.append(Hangup(session.agent.extension))
            session.call = None
            return self._go(session, Trigger.CANCEL_DELIVERY)
        if session.state in CALL_STATES:
            self._out.append(Hangup(session.agent.extension))
            self._to_clerical(session)
            return True
        return False

    def _cmd_pause(self, session: AgentSession, command: SetPause) -> bool:
        if command.pause_id == 0:
            if session.state == State.PAUSE:
                session.pause_id = 0
                session.call_error = None
                return self._go(session, Trigger.UNPAUSE)
            if session.requested_pause is not None:
                session.requested_pause = None
                self._publish_session(session)
                return True
            return False
        if command.pause_id not in {pid for pid, _ in self.settings.pauses}:
            return False
        if self._can(session, Trigger.PAUSE):
            self._cancel_flow(session)
            session.pause_id = command.pause_id
            self._go(session, Trigger.PAUSE)
        else:
            # During a call or its wrap-up: the pause starts when the wrap-up ends.
            session.requested_pause = command.pause_id
            self._publish_session(session)
        return True

    def _cmd_predictive(self, session: AgentSession, command: TogglePredictive) -> bool:
        session.predictive = not session.predictive
        if session.predictive:
            self._start_predictive(session)
        else:
            session.timers.pop(Timer.PREDICTIVE, None)
        self._publish_session(session)
        return True

    def _cmd_hold(self, session: AgentSession, command: HoldCall) -> bool:
        if not self._can(session, Trigger.HOLD):
            return False
        self._out.append(Hold(session.agent.extension, True))
        return self._go(session, Trigger.HOLD)

    def _cmd_retrieve(self, session: AgentSession, command: RetrieveCall) -> bool:
        if not self._can(session, Trigger.RETRIEVE):
            return False
        self._cancel_flow(session)
        session.call_error = None
        self._out.append(Hold(session.agent.extension, False))
        return self._go(session, Trigger.RETRIEVE)

    def _cmd_mute(self, session: AgentSession, command: ToggleMute) -> bool:
        session.mute = not session.mute
        self._publish_session(session)
        return True

    def _cmd_call_code(self, session: AgentSession, command: SetCallCode) -> bool:
        call = session.call
        if session.state != State.CLERICAL or call is None:
            return False
        if command.code_id not in {c[0] for c in call.queue.call_codes}:
            return False
        session.history.append(
            {
                "MCC_SAMPLEID": call.customer_id,
                "MCC_CHANNEL": "35",
                "MCC_CALLTYPE": str(call_type(call.kind)),
                "MCC_CALLBACKID": "-1",
                "MCC_CALLCODE": str(command.code_id),
            }
        )
        self._end_clerical(session)
        return True


_Handler = Callable[[AgentModel, AgentSession, Any], bool]

#: command class -> its handler (login and exit concern the connection, see ``_dispatch``)
_COMMANDS: dict[type, _Handler] = {
    Logout: AgentModel._cmd_logout,
    MakeCall: AgentModel._cmd_make_call,
    CloseCall: AgentModel._cmd_close_call,
    SetPause: AgentModel._cmd_pause,
    TogglePredictive: AgentModel._cmd_predictive,
    HoldCall: AgentModel._cmd_hold,
    RetrieveCall: AgentModel._cmd_retrieve,
    ToggleMute: AgentModel._cmd_mute,
    SetCallCode: AgentModel._cmd_call_code,
}

#: timer -> what happens when it fires
