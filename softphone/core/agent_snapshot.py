"""What the agent desktop shows, as one frozen value: ``AgentSnapshot``.

The agent session publishes a new snapshot on every change; the desktop app,
the tray, the headless agent and the CRM integration API only ever read
snapshots. Nothing here knows Qt or aiortc, so every screen can be tested by
feeding snapshots, and a late observer needs only the latest one to catch up.

Times are wall-clock epoch seconds (``time.time()`` of the session's clock):
they are shown to the agent ("in pause for 04:12"), stored in the call
history and sent to the CRM, all of which speak wall time.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from softphone.core.agent_commands import AgentCommand

# The platform's own words, re-exported so the UI imports only ``core``.
from softphone.net.mediatel.state import CallCode as CallCode
from softphone.net.mediatel.state import Pause as Pause
from softphone.net.mediatel.state import State as State
from softphone.net.mediatel.state import Status as Status


class SignIn(enum.StrEnum):
    """Where the session is in its life: the sign-in panel shows until SIGNED_IN."""

    SIGNED_OUT = "signed_out"
    SIGNING_IN = "signing_in"
    SIGNED_IN = "signed_in"
    SIGNING_OUT = "signing_out"


class LinkState(enum.StrEnum):
    """Health of one connection (Mediatel's Socket.IO, the SIP registration)."""

    DOWN = "down"  # not wanted (signed out)
    CONNECTING = "connecting"  # first attempt of a sign-in
    UP = "up"  # connected / registered
    RECONNECTING = "reconnecting"  # was up, lost, retrying by itself
    FAILED = "failed"  # gave up; ``reason`` says why


@dataclass(frozen=True, slots=True)
class LinkHealth:
    state: LinkState = LinkState.DOWN
    since: float | None = None
    """When ``state`` began (epoch s): "reconnecting since 10:41"."""
    reason: str | None = None
    """A sentence for the agent when not UP ("Mediatel closed the connection")."""
    retry_at: float | None = None
    """When the next attempt is due (epoch s), while RECONNECTING."""

    @property
    def up(self) -> bool:
        return self.state is LinkState.UP


class CallType(enum.StrEnum):
    """How the call came to the agent; auto-answer rules are per type."""

    MANUAL = "manual"  # the agent dialled (makeCall)
    INBOUND = "inbound"  # a customer called a queue
    PREDICTIVE = "predictive"  # the dialler connected a customer
    OTHER = "other"  # anything else the platform delivers


class Direction(enum.StrEnum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"


class CallPhase(enum.StrEnum):
    """The agent's view of one call, from request to hang-up."""

    REQUESTED = "requested"  # makeCall sent, the platform has not rung us yet
    RINGING = "ringing"  # the extension rings (INVITE), not answered yet
    CONNECTING = "connecting"  # answered on SIP, the platform connects the customer
    TALKING = "talking"  # STATE_CALL_ACTIVE: the customer is on the line
    ENDED = "ended"  # hung up; the snapshot shows it until after-call work begins


class QualityLevel(enum.StrEnum):
    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class CallQualityView:
    """Live figures for the call-quality bar (from the phone's RTCP statistics)."""

    level: QualityLevel = QualityLevel.UNKNOWN
    loss_percent: float | None = None
    jitter_ms: float | None = None
    round_trip_ms: float | None = None
    mos: float | None = None  # estimated (E-model), when known


@dataclass(frozen=True, slots=True)
class CallView:
    id: str
    """Our id of the call, stable from request to hang-up (CTI events carry it)."""
    direction: Direction
    call_type: CallType
    phase: CallPhase
    number: str | None = None
    queue: str | None = None
    call_trace_id: str | None = None
    """Mediatel's id of the call; links the recording (the CRM must store it)."""
    recording_url: str | None = None
    started_at: float | None = None
    answered_at: float | None = None
    on_hold: bool = False
    muted: bool = False
    remote_hold: bool = False
    announced: bool = False
    """The platform announced this call (only announced calls are auto-answered)."""
    auto_answer_at: float | None = None
    """When it will be answered by itself (epoch s); None: the agent answers."""
    quality: CallQualityView | None = None
    error: str | None = None
    """The platform's call error as a sentence ("No Answer from agent (code -223)")."""


@dataclass(frozen=True, slots=True)
class PauseView:
    """The pause the agent is in, and who put it there."""

    id: int
    name: str
    forced: bool = False
    """Force Pause by the platform (e.g. the extension did not answer)."""
    by_watchdog: bool = False
    """Put there by the registration watchdog; lifted by itself when SIP is back."""
    reason: str | None = None
    """Why, as a sentence, when the agent did not choose it."""


@dataclass(frozen=True, slots=True)
class ClericalView:
    """After-call work: the call codes to choose from and the clock."""

    call_codes: tuple[CallCode, ...] = ()
    chosen: CallCode | None = None
    """A code the agent chose that the platform has not confirmed yet (never lost)."""
    chosen_held: bool = False
    """The chosen code waits for Mediatel's connection; it is sent when the link is back."""
    ends_at: float | None = None
    """When the platform ends after-call work by itself (epoch s), if known."""
    reminder_at: float | None = None
    reminder_due: bool = False
    """The configured reminder time has passed without a code."""


@dataclass(frozen=True, slots=True)
class AutoAnswerView:
    """The auto-answer rules in force (shown on the tray badge and in settings)."""

    enabled: bool = True
    """The agent's master switch (tray: auto-answer on/off)."""
    by_type: Mapping[CallType, bool] = field(
        default_factory=lambda: MappingProxyType({t: True for t in CallType})
    )
    delay_ms: int = 0
    from_server: bool = False
    """The per-agent settings from Mediatel set these (the agent cannot change them)."""


@dataclass(frozen=True, slots=True)
class AgentSnapshot:
    """Everything an agent desktop shows at one moment."""

    seq: int = 0
    """Grows by one with every published snapshot."""
    sign_in: SignIn = SignIn.SIGNED_OUT
    sign_in_error: str | None = None
    login: str | None = None
    agent_name: str | None = None
    extension: str | None = None
    state: State = State.LOGOUT
    status: Status = Status.OFFLINE
    status_name: str = "offline"
    state_since: float | None = None
    mediatel: LinkHealth = LinkHealth()
    sip: LinkHealth = LinkHealth()
    call: CallView | None = None
    pause: PauseView | None = None
    next_pause: Pause | None = None
    """A pause chosen during a call or after-call work, applied when allowed."""
    clerical: ClericalView | None = None
    pauses: tuple[Pause, ...] = ()
    queues: tuple[str, ...] = ()
    predictive: bool = False
    auto_answer: AutoAnswerView = AutoAnswerView()
    commands: Mapping[AgentCommand, str | None] = field(
        default_factory=lambda: MappingProxyType(dict.fromkeys(AgentCommand, "not signed in"))
    )
    """Every command, mapped to None when it is allowed now, else to why not."""
    notice: str | None = None
    """The latest message for the agent that is not tied to a field."""
    missed_calls: int = 0

    def can(self, command: AgentCommand) -> bool:
        return self.commands.get(command, "unknown command") is None

    def why_not(self, command: AgentCommand) -> str | None:
        """None when ``command`` is allowed now, else the reason as a sentence."""
        return self.commands.get(command, "unknown command")
