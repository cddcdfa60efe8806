"""The agent model's shared half: the call flow, the deadlines, the transitions, publishing.

:class:`AgentFlow` holds every :class:`~softphone.sim.agent_state.AgentSession`
and :class:`~softphone.sim.agent_state.Connection`, the outbox of effects and
``now``; its methods are what several inputs have in common (deliver a call,
start the wrap-up, log out, enter a state through the transition table and
publish it). :class:`~softphone.sim.agent_model.AgentModel` adds the inputs.
Nothing here does IO: see :mod:`softphone.sim.agent_model`.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from datetime import datetime

from softphone.net.mediatel.state import State
from softphone.sim.agent_state import (
    FLOW_TIMERS,
    AgentSession,
    Connection,
    SimCall,
    SimulatorError,
    Timer,
    view_of,
)
from softphone.sim.config import ConfigError, Reconnect, SimQueue, SimSettings
from softphone.sim.effects import Effect, Hangup, Publish, Ring, StopRinging
from softphone.sim.tables import TRANSITIONS, Trigger
from softphone.sim.telephony import CallKind, RingRequest

log = logging.getLogger(__name__)

CALL_CONSULT = (-303, "Consultation calls are not available")


class AgentFlow:
    """The sessions, the outbox and the clock reading, and the rules every input shares:
    the call flow, the timers, entering states and publishing them."""

    def __init__(
        self, settings: SimSettings, *, host: str = "127.0.0.1", first_trace_id: int = 1_185_574_264
    ) -> None:
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
        #: Mediatel's callTraceIDs are unique for good; a restarted simulator must not reuse
        #: one (the driver starts it from its clock), or a kept call code finds the wrong call.
        self._trace_ids = itertools.count(first_trace_id)
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

    def _training_due(self, session: AgentSession) -> None:
        """Training mode: an idle agent is offered an inbound call every interval, so a
        newcomer in the demo practises answering without anyone driving the simulator."""
        interval = self.settings.timings.training_interval
        if interval is None or not session.online:
            return
        self._arm(session, Timer.TRAINING, interval)
        if session.state == State.IDLE and session.sid is not None and not session.in_flow:
            ani = f"050{next(self._customers) % 10_000_000:07d}"
            queue = self._inbound_queue(session, None)
            assert queue is not None
            session.call_error = None
            self._deliver(session, self._new_call(CallKind.INBOUND, ani, queue))

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

    def _inbound_queue(self, session: AgentSession, name: str | None) -> SimQueue | None:
        """``name``, or the agent's first queue that looks inbound, or its first queue."""
        names = self.settings.queues_of(session.agent)
        return self.settings.queue(
            name or next((n for n in names if "inbound" in n.lower()), names[0])
        )

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
        session.last_call_ms = epoch_ms(self._now)
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
        session.state_since = epoch_ms(self._now)
        if state in (State.LOGOUT, State.IDLE, State.PAUSE):
            session.mute = False
        if push:
            self._publish_session(session)
        if state == State.IDLE and session.predictive:
            self._start_predictive(session)
        training = self.settings.timings.training_interval
        if state == State.IDLE and training is not None and Timer.TRAINING not in session.timers:
            self._arm(session, Timer.TRAINING, training)

    def _arm(self, session: AgentSession, timer: Timer, delay: float) -> None:
        session.timers[timer] = self._now + delay

    def _publish_session(self, session: AgentSession) -> None:
        if session.sid is not None and session.sid in self._conns:
            self._publish_conn(self._conns[session.sid])

    def _publish_conn(self, conn: Connection) -> None:
        session = self._sessions.get(conn.login) if conn.login else None
        view = view_of(self.settings, conn, session, epoch_ms(self._now), self.host)
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


def epoch_ms(now: float) -> int:
    return int(now * 1000)


_TIMERS: dict[Timer, Callable[[AgentFlow, AgentSession], None]] = {
    Timer.DIAL: AgentFlow._dialled,
    Timer.CUSTOMER_ANSWER: AgentFlow._customer_answered,
    Timer.FAILED_RESET: AgentFlow._failed_reset,
    Timer.CONSULT: AgentFlow._consult_failed,
    Timer.CLERICAL: AgentFlow._clerical_timeout,
    Timer.PREDICTIVE: AgentFlow._predictive_due,
    Timer.ORPHAN: AgentFlow._orphan_expired,
    Timer.TRAINING: AgentFlow._training_due,
}
