"""The Mediatel agent model, sans-IO: commands and time in, snapshots and telephony requests out.

:class:`AgentModel` is what Mediatel decides: logins, the state machine
(:data:`~softphone.sim.tables.TRANSITIONS`), pauses, calls and their wrap-up,
call codes, predictive dialling, Force Pause for an unanswered extension. It
owns no socket, task or clock. Every input carries ``now`` (seconds since the
epoch, because the wire shows wall-clock times); every output is an
:mod:`~softphone.sim.effects` value queued for :meth:`AgentModel.take_effects`;
waiting is a deadline (:meth:`get_timer`) the driver reports back through
:meth:`handle_timer`, as with the SIP core. So every rule here runs in a unit
test with a fake clock, and :class:`~softphone.sim.server.MediatelSimulator`
only carries messages.

Extending it: a command is a class in :mod:`softphone.sim.commands` and a row
in ``_COMMANDS``; something that happens after a while is a
:class:`~softphone.sim.agent_state.Timer` and a row in ``_TIMERS``.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from softphone.net.mediatel.state import CALL_STATES, HOLD_STATES, State
from softphone.sim.agent_state import (
    FLOW_TIMERS,
    AgentSession,
    Connection,
    SimCall,
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
from softphone.sim.config import ConfigError, Reconnect, SimQueue, SimSettings
from softphone.sim.effects import Effect, Hangup, Hold, Publish, Ring, StopRinging
from softphone.sim.tables import COMMANDS_IN, STATUS_OF, TRANSITIONS, Trigger
from softphone.sim.telephony import CallKind, RingRequest, RingResult
from softphone.sim.wire import WireView

log = logging.getLogger(__name__)

FORCE_PAUSE_ERROR = (-223, "No Answer from agent")
LOGIN_BAD_PASSWORD = (-101, "Invalid user name or password")
LOGIN_BAD_EXTENSION = (-102, "The extension is not assigned to this agent")
CALL_BAD_NUMBER = (-301, "Invalid phone number")
CALL_BAD_QUEUE = (-302, "Unknown queue")
CALL_CONSULT = (-303, "Consultation calls are not available")
_PHONE = re.compile(r"\+?[0-9]{3,20}")


class SimulatorError(Exception):
    """A control request the simulator cannot carry out (unknown agent, wrong state)."""


@dataclass(frozen=True)
class AgentSummary:
    """One agent as the admin API lists it."""

    login: str
    extension: str
    state: State
    connected: bool


class AgentModel:
    """Every agent's Mediatel session and every connection's login, driven by inputs."""

    def __init__(self, settings: SimSettings, *, host: str = "127.0.0.1") -> None:
        known = {q.name for q in settings.queues}
        for agent in settings.agents:
            unknown = set(agent.queues) - known
            if unknown:
                raise ConfigError(f"agent {agent.login}: unknown queues {sorted(unknown)}")
        self.settings = settings
        #: the host the ``dnis`` field names (the driver sets where it listens)
        self.host = host
        self._sessions = {a.login: AgentSession(a) for a in settings.agents}
        self._conns: dict[str, Connection] = {}
        self._trace_ids = itertools.count(1_185_574_264)
        self._customers = itertools.count(39_553_609)
        self._out: list[Effect] = []
        self._now = 0.0

    # -- outputs -------------------------------------------------------------

    def take_effects(self) -> list[Effect]:
        """What the inputs so far asked for, in order (and forget it)."""
        out, self._out = self._out, []
        return out

    def get_timer(self) -> float | None:
        """The earliest deadline; call :meth:`handle_timer` when it is reached."""
        return min((at for s in self._sessions.values() for at in s.timers.values()), default=None)

    def handle_timer(self, now: float) -> None:
        """Fire every deadline that is due at ``now``, earliest first."""
        self._now = now
        due = sorted(
            (at, login, timer)
            for login, s in self._sessions.items()
            for timer, at in s.timers.items()
            if at <= now
        )
        for at, login, timer in due:
            session = self._sessions[login]
            if session.timers.get(timer) != at:
                continue  # stopped or restarted by an earlier one
            del session.timers[timer]
            _TIMERS[timer](self, session)

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
        names = self.settings.queues_of(session.agent)
        sim_queue = self.settings.queue(
            queue or next((n for n in names if "inbound" in n.lower()), names[0])
        )
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
        return view_of(self.settings, conn, session, _ms(now), self.host)

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
        if session.state in HOLD_STATES:
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

    # -- timers ------------------------------------------------------------------------

    def _dialled(self, session: AgentSession) -> None:
        call, session.dialling = session.dialling, None
        if call is not None:
            self._deliver(session, call)

    def _failed_reset(self, session: AgentSession) -> None:
        self._go(session, Trigger.FAILED_RESET)

    def _consult_failed(self, session: AgentSession) -> None:
        if self._can(session, Trigger.CONSULT_FAILED):
            session.call_error = CALL_CONSULT
            self._go(session, Trigger.CONSULT_FAILED)

    def _clerical_timeout(self, session: AgentSession) -> None:
        if session.state == State.CLERICAL:
            self._end_clerical(session)

    def _predictive_due(self, session: AgentSession) -> None:
        """While predictive is on, an idle agent gets an automatic call every interval."""
        if not (session.predictive and session.online):
            return
        self._arm(session, Timer.PREDICTIVE, self.settings.timings.predictive_interval)
        if session.state == State.IDLE and session.sid is not None and not session.in_flow:
            queues = self.settings.queues_of(session.agent)
            queue = self.settings.queue(queues[1] if len(queues) > 1 else queues[0])
            assert queue is not None
            ani = f"066{next(self._customers) % 10_000_000:07d}"
            self._deliver(session, self._new_call(CallKind.PREDICTIVE, ani, queue))

    def _orphan_expired(self, session: AgentSession) -> None:
        if session.sid is None:
            self._logout(session)

    # -- the call flow --------------------------------------------------------------------

    def _new_call(self, kind: CallKind, ani: str, queue: SimQueue) -> SimCall:
        customer = str(next(self._customers))
        target = ""
        if kind is CallKind.PREDICTIVE:
            target = self.settings.crm_url.format(customer_id=customer)
        return SimCall(str(next(self._trace_ids)), kind, ani, queue, customer, target)

    def _deliver(self, session: AgentSession, call: SimCall) -> None:
        """STATE_CALL_DELIVERED: ring the extension; :meth:`ring_result` goes on from there."""
        session.call = call
        if not self._go(session, Trigger.DELIVER):
            session.call = None
            return
        session.ringing = call.trace_id
        request = RingRequest(
            session.agent.extension, call.trace_id, call.ani, call.kind, call.queue.name
        )
        self._out.append(Ring(session.login, request, self.settings.timings.answer_timeout))

    def _customer_answered(self, session: AgentSession) -> None:
        if session.call is not None:
            session.call.start_time = datetime.fromtimestamp(self._now)
            self._go(session, Trigger.CUSTOMER_ANSWERED)

    def _to_clerical(self, session: AgentSession) -> None:
        self._cancel_flow(session)
        session.mute = False
        session.last_call_ms = _ms(self._now)
        if self._go(session, Trigger.CALL_ENDED):
            self._arm(session, Timer.CLERICAL, self.settings.timings.clerical_timeout)

    def _end_clerical(self, session: AgentSession) -> None:
        session.timers.pop(Timer.CLERICAL, None)
        session.call = None
        if not session.online or (
            session.sid is None and self.settings.reconnect is Reconnect.LOGOUT
        ):
            self._logout(session)
        elif session.requested_pause is not None:
            session.pause_id, session.requested_pause = session.requested_pause, None
            self._go(session, Trigger.WRAP_UP_TO_PAUSE)
        else:
            self._go(session, Trigger.WRAP_UP_DONE)

    def _start_flow(self, session: AgentSession, timer: Timer, delay: float) -> None:
        """One call flow at a time: a new one replaces whatever was pending."""
        self._cancel_flow(session)
        self._arm(session, timer, delay)

    def _cancel_flow(self, session: AgentSession) -> None:
        for timer in FLOW_TIMERS:
            session.timers.pop(timer, None)
        session.dialling = None
        if session.ringing is not None:
            session.ringing = None
            self._out.append(StopRinging(session.login))

    def _start_predictive(self, session: AgentSession) -> None:
        if Timer.PREDICTIVE not in session.timers:
            self._arm(session, Timer.PREDICTIVE, self.settings.timings.predictive_interval)

    def _logout(self, session: AgentSession) -> None:
        self._cancel_flow(session)
        session.timers.clear()
        if session.call is not None:
            self._out.append(Hangup(session.agent.extension))
        session.call = None
        session.online = False
        session.pause_id = 0
        session.requested_pause = None
        session.predictive = False
        session.mute = False
        session.call_error = None
        self._go(session, Trigger.LOGOUT, push=False)

    # -- state and publishing -------------------------------------------------------------

    def _can(self, session: AgentSession, trigger: Trigger) -> bool:
        return session.state in TRANSITIONS[trigger][0]

    def _go(self, session: AgentSession, trigger: Trigger, *, push: bool = True) -> bool:
        """Take ``trigger``'s transition; False (and no change) where the table has none."""
        sources, target = TRANSITIONS[trigger]
        if session.state not in sources:
            log.debug("agent %s: no %s in %s", session.login, trigger, session.state)
            return False
        self._enter(session, target, push=push)
        return True

    def _enter(self, session: AgentSession, state: State, *, push: bool = True) -> None:
        session.state = state
        session.state_since = _ms(self._now)
        if state in (State.LOGOUT, State.IDLE, State.PAUSE):
            session.mute = False
        if push:
            self._publish_session(session)
        if state == State.IDLE and session.predictive:
            self._start_predictive(session)

    def _arm(self, session: AgentSession, timer: Timer, delay: float) -> None:
        session.timers[timer] = self._now + delay

    def _publish_session(self, session: AgentSession) -> None:
        if session.sid is not None and session.sid in self._conns:
            self._publish_conn(self._conns[session.sid])

    def _publish_conn(self, conn: Connection) -> None:
        session = self._sessions.get(conn.login) if conn.login else None
        view = view_of(self.settings, conn, session, _ms(self._now), self.host)
        self._out.append(Publish(conn.sid, view))

    # -- lookups ---------------------------------------------------------------------------

    def _session(self, login: str) -> AgentSession:
        session = self._sessions.get(login)
        if session is None:
            raise SimulatorError(f"unknown agent {login!r}")
        return session

    def _state_of(self, conn: Connection) -> State:
        return self._sessions[conn.login].state if conn.login else State.LOGOUT

    def _find_orphan(self, claimed_user: str | None) -> AgentSession | None:
        """The logged-in session whose socket dropped, that this new socket continues.

        Mediatel's rule is unknown; the simulator matches the gateway cookie's
        username first, else takes the only orphan (never guesses between two).
        """
        orphans = [s for s in self._sessions.values() if s.online and s.sid is None]
        if claimed_user is not None:
            match = [s for s in orphans if s.login == claimed_user]
            if match:
                return match[0]
        return orphans[0] if len(orphans) == 1 else None

    def _attach(self, conn: Connection, session: AgentSession) -> None:
        conn.login = session.login
        session.sid = conn.sid
        session.timers.pop(Timer.ORPHAN, None)


def _ms(now: float) -> int:
    return int(now * 1000)


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
_TIMERS: dict[Timer, Callable[[AgentModel, AgentSession], None]] = {
    Timer.DIAL: AgentModel._dialled,
    Timer.CUSTOMER_ANSWER: AgentModel._customer_answered,
    Timer.FAILED_RESET: AgentModel._failed_reset,
    Timer.CONSULT: AgentModel._consult_failed,
    Timer.CLERICAL: AgentModel._clerical_timeout,
    Timer.PREDICTIVE: AgentModel._predictive_due,
    Timer.ORPHAN: AgentModel._orphan_expired,
}
