"""What Mediatel remembers about an agent and a connection, and how it looks on the wire.

One :class:`AgentSession` per configured agent holds what Mediatel holds
(logged in or not, state, pause, the call and its wrap-up, the agent's
deadlines); one :class:`Connection` per Socket.IO connection holds what
belongs to the connection (which agent it speaks for, login attempts).
Plain data: the rules that change them are :mod:`softphone.sim.agent_model`.

A per-agent setting (for an agent-facing REST API, say) belongs on
:class:`~softphone.sim.config.SimAgent`; a per-agent mode (training, say) is a
field here plus a :class:`Timer` whose handler the model runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from softphone.net.mediatel.state import State
from softphone.sim.config import SimAgent, SimQueue, SimSettings
from softphone.sim.telephony import CallKind
from softphone.sim.wire import WireCall, WireView

_CALL_TYPE = {CallKind.MANUAL: 1, CallKind.INBOUND: 2, CallKind.PREDICTIVE: 3}


class Timer(StrEnum):
    """An agent's deadlines; ``agent_flow._TIMERS`` names the handler of each."""

    DIAL = "dial"  # makeCall -> the extension rings
    CUSTOMER_ANSWER = "customer_answer"  # the extension answered a manual call -> ACTIVE
    FAILED_RESET = "failed_reset"  # STATE_MAKECALL_FAILED -> IDLE
    CONSULT = "consult"  # a consultation call fails
    CLERICAL = "clerical"  # the wrap-up ends without a call code
    PREDICTIVE = "predictive"  # the next automatic call, while predictive is on
    ORPHAN = "orphan"  # KEEP_LOGIN: a dropped session gives up waiting for its socket
    TRAINING = "training"  # training mode: the next inbound call for an idle agent


#: The timers of one call flow: whatever ends the flow cancels them.
FLOW_TIMERS = frozenset({Timer.DIAL, Timer.CUSTOMER_ANSWER, Timer.FAILED_RESET, Timer.CONSULT})


def call_type(kind: CallKind) -> int:
    """``callType`` / ``crmConnectType`` as the wire numbers them."""
    return _CALL_TYPE[kind]


class SimulatorError(Exception):
    """A control request the simulator cannot carry out (unknown agent, wrong state)."""


@dataclass(frozen=True)
class AgentSummary:
    """One agent as the admin API lists it."""

    login: str
    extension: str
    state: State
    connected: bool


@dataclass
class SimCall:
    trace_id: str
    kind: CallKind
    ani: str
    queue: SimQueue
    customer_id: str
    crm_target: str = ""
    start_time: datetime | None = None


@dataclass
class AgentSession:
    agent: SimAgent
    online: bool = False
    sid: str | None = None
    state: State = State.LOGOUT
    state_since: int | None = None
    pause_id: int = 0
    requested_pause: int | None = None
    predictive: bool = False
    mute: bool = False
    call: SimCall | None = None
    #: a manual call being dialled (STATE_MAKECALL_REQUEST), delivered when Timer.DIAL fires
    dialling: SimCall | None = None
    #: the callTraceID whose ring is awaited from the telephony
    ringing: str | None = None
    call_error: tuple[int, str] | None = None
    last_call_ms: int = 0
    history: list[dict[str, str]] = field(default_factory=list)
    timers: dict[Timer, float] = field(default_factory=dict)

    @property
    def login(self) -> str:
        return self.agent.login

    @property
    def in_flow(self) -> bool:
        """A call is being set up (dialled, rung, or a flow timer runs)."""
        return self.ringing is not None or bool(FLOW_TIMERS & self.timers.keys())


@dataclass
class Connection:
    sid: str
    login: str | None = None
    claimed_user: str | None = None
    login_attempt: int = 0
    login_error: tuple[int, str] | None = None


def view_of(
    settings: SimSettings,
    conn: Connection | None,
    session: AgentSession | None,
    now_ms: int,
    host: str,
) -> WireView:
    """What ``conn`` sees of ``session`` at ``now_ms`` (LOGOUT when not logged in)."""
    if session is None or not session.online or session.state == State.LOGOUT:
        first = settings.queues[0].call_codes if settings.queues else ()
        return WireView(
            state=State.LOGOUT,
            server_time_ms=now_ms,
            call_codes=first,
            login_error=conn.login_error if conn else None,
            login_attempt=conn.login_attempt if conn else 0,
        )
    agent = session.agent
    call = session.call
    wire_call = None
    if call is not None:
        wire_call = WireCall(
            trace_id=call.trace_id,
            ani=call.ani,
            customer_id=call.customer_id,
            call_type=call_type(call.kind),
            crm_connect_type=call_type(call.kind),
            crm_connect_target=call.crm_target,
            dnis=f"77@{host}:5060",
            queue_name=call.queue.name,
            queue_id=call.queue.queue_id,
            start_time=call.start_time,
            max_duration=180,
        )
    return WireView(
        state=session.state,
        server_time_ms=now_ms,
        agent_id=agent.agent_id,
        agent_name=agent.name or agent.login,
        agent_ext=agent.extension,
        queues=settings.queues_of(agent),
        call_codes=call.queue.call_codes if call is not None else (),
        pause_id=session.pause_id if session.state == State.PAUSE else 0,
        pause_acknowledge=session.requested_pause is not None,
        predictive=session.predictive,
        mute=session.mute,
        call=wire_call,
        show_call_details=session.state not in (State.CALL_DELIVERED,),
        call_error=session.call_error,
        login_error=None,
        login_attempt=conn.login_attempt if conn else 0,
        history=tuple(session.history[-5:]),
        last_call_ms=session.last_call_ms,
        state_since_ms=session.state_since,
    )
