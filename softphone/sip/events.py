"""Events the user agent hands to its driver (``UserAgent.next_event``).

Frozen dataclasses, one per fact the phone has to act on. A call is named by
the opaque handle ``invite()`` returned or ``IncomingCall.call`` carried.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from softphone.sip.uri import NameAddr


class Party(enum.Enum):
    LOCAL = "local"
    REMOTE = "remote"


class EndCause(enum.Enum):
    """Why a call ended; ``CallEnded.by`` says which side caused it."""

    HANGUP = "hangup"  # BYE after the call was answered
    CANCELLED = "cancelled"  # the caller gave up before an answer (CANCEL)
    REJECTED = "rejected"  # a final non-2xx answer to the INVITE
    TIMEOUT = "timeout"  # no final response (Timer B) or a 408
    NO_ACK = "no-ack"  # our 2xx was never acknowledged (64*T1)
    SESSION_EXPIRED = "session-expired"  # RFC 4028: no refresh in time
    CONNECTION_LOST = "connection-lost"  # the transport dropped mid-setup
    ERROR = "error"  # the dialog broke (481 to a re-INVITE, auth failure, ...)


class RegistrationState(enum.Enum):
    UNREGISTERED = "unregistered"
    REGISTERING = "registering"
    REGISTERED = "registered"
    UNREGISTERING = "unregistering"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Registered:
    expires: int  # seconds granted by the registrar
    contact: str  # our binding as registered
    refresh: bool  # True for a refresh of an existing registration


@dataclass(frozen=True, slots=True)
class RegistrationFailed:
    code: int | None  # the final response code; None for a timeout/transport failure
    reason: str
    will_retry: bool  # a timer-driven retry is scheduled
    retry_in: float | None = None


@dataclass(frozen=True, slots=True)
class Unregistered:
    reason: str  # "unregistered", "connection lost", "expired"


@dataclass(frozen=True, slots=True)
class IncomingCall:
    call: str
    caller: NameAddr
    callee: NameAddr
    sdp: str | None  # the offer; None for a delayed-offer INVITE
    call_id: str
    # seconds, from Call-Info answer-after / Alert-Info auto-answer / Answer-Mode: Auto
    auto_answer_after: float | None
    headers: tuple[tuple[str, str], ...]  # every header of the INVITE, as received


@dataclass(frozen=True, slots=True)
class CallProgress:
    call: str
    code: int  # 180 ringing, 183 session progress, ...
    reason: str
    sdp: str | None  # early media answer, if any


@dataclass(frozen=True, slots=True)
class CallAnswered:
    """Our INVITE was answered (2xx); the ACK has been sent — unless
    ``offer``: we sent no SDP, this is the peer's offer, and the ACK waits
    for our answer (``UserAgent.acknowledge``)."""

    call: str
    sdp: str | None
    offer: bool = False


@dataclass(frozen=True, slots=True)
class CallConfirmed:
    """Our 2xx was acknowledged: the incoming call is established."""

    call: str
    sdp: str | None  # the answer in the ACK (delayed offer), else None


@dataclass(frozen=True, slots=True)
class CallEnded:
    call: str
    cause: EndCause
    by: Party
    code: int | None = None  # the SIP status that ended it, if any
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ReinviteReceived:
    """The peer sent a new offer (hold/unhold...); answer with ``answer_reinvite``."""

    call: str
    sdp: str | None  # None: the peer wants an offer from us in the 200


@dataclass(frozen=True, slots=True)
class ReinviteConfirmed:
    """The ACK of a re-INVITE we answered; ``sdp`` is set when it carries the answer."""

    call: str
    sdp: str | None


@dataclass(frozen=True, slots=True)
class ReinviteAnswered:
    """As ``CallAnswered``, for our re-INVITE."""

    call: str
    sdp: str | None
    offer: bool = False


@dataclass(frozen=True, slots=True)
class ReinviteFailed:
    call: str
    code: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class SessionRefreshed:
    """An RFC 4028 refresh went through (either side refreshed)."""

    call: str
    interval: int
    refresher: Party


@dataclass(frozen=True, slots=True)
class InfoReceived:
    call: str
    content_type: str  # e.g. "application/dtmf-relay"
    body: str


@dataclass(frozen=True, slots=True)
class InfoFailed:
    call: str
    code: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class ProtocolErrorEvent:
    """A peer's message we could not accept; the core answered or dropped it."""

    description: str
    status_code: int | None = None  # what we answered, if we could answer
    internal: bool = False  # True: a bug in the core, not the peer's fault


Event = (
    Registered
    | RegistrationFailed
    | Unregistered
    | IncomingCall
    | CallProgress
    | CallAnswered
    | CallConfirmed
    | CallEnded
    | ReinviteReceived
    | ReinviteConfirmed
    | ReinviteAnswered
    | ReinviteFailed
    | SessionRefreshed
    | InfoReceived
    | InfoFailed
    | ProtocolErrorEvent
)
