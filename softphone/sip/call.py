"""A call's state as data: the states, the transition table, the sub-states.

One ``Call`` per INVITE session, in either direction. Its life is the
five-value ``CallState`` moved only through ``CALL_TRANSITIONS`` (in the
style of h11's ``_state.py``): a (state, event) pair missing from the table
is a bug in the core and raises ``LocalProtocolError`` instead of silently
leaving the call somewhere no handler expects it.

What happens *inside* an established call is not more flags but a few
optional sub-state objects, each present exactly while its exchange runs:

- ``reinvite_out`` (``OutgoingReinvite``): our re-INVITE is in flight, or
  waits out a 491 glare (§14.1) before it is sent again;
- ``reinvite_in`` (``IncomingReinvite``): the peer's re-INVITE waits for our
  answer;
- ``pending_2xx`` (``Pending2xx``): our 2xx is retransmitted until its ACK;
- ``ack_pending`` (``AckPending``): a 2xx brought the peer's offer and its
  ACK waits for our answer;
- ``queued`` (``QueuedReinvite``): the phone's re-INVITE waits for a session
  refresh to finish;
- ``owed`` (``Owed``): after the call ended, what we still owe the peer (a
  CANCEL once a provisional arrives, a BYE once our 2xx is acknowledged).

After it ended (``CallEnded`` went out) a call lingers only as long as some
protocol duty remains, and is then dropped.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from softphone.sip.dialog import Dialog
from softphone.sip.errors import LocalProtocolError
from softphone.sip.message import Request, Response
from softphone.sip.session_timer import SessionTimer, UasDecision
from softphone.sip.timers import Deadlines
from softphone.sip.transaction import Transaction


class CallState(enum.Enum):
    OUTGOING = "outgoing"  # our INVITE is out, no 2xx yet
    INCOMING = "incoming"  # their INVITE is in, not answered
    ANSWERING = "answering"  # our 2xx is out, waiting for the ACK
    ESTABLISHED = "established"
    ENDED = "ended"


class CallEvent(enum.Enum):
    """What moves a call from one ``CallState`` to the next."""

    ANSWERED = "a 2xx to our INVITE"
    ACCEPTED = "we sent a 2xx to their INVITE"
    ACKED = "the ACK of our 2xx"
    ENDED = "the call ended (any cause)"


CALL_TRANSITIONS: dict[tuple[CallState, CallEvent], CallState] = {
    (CallState.OUTGOING, CallEvent.ANSWERED): CallState.ESTABLISHED,
    (CallState.OUTGOING, CallEvent.ENDED): CallState.ENDED,
    (CallState.INCOMING, CallEvent.ACCEPTED): CallState.ANSWERING,
    (CallState.INCOMING, CallEvent.ENDED): CallState.ENDED,
    (CallState.ANSWERING, CallEvent.ACKED): CallState.ESTABLISHED,
    (CallState.ANSWERING, CallEvent.ENDED): CallState.ENDED,
    (CallState.ESTABLISHED, CallEvent.ENDED): CallState.ENDED,
}


class CallTimer(enum.Enum):
    """The deadlines a call keeps; ``ua.py`` maps each to its handler."""

    RETRANSMIT_2XX = "2xx"  # resend our 2xx (T1, doubling up to T2, §13.3.1.4)
    NO_ACK = "no-ack"  # 64*T1 without the ACK of our 2xx
    CANCEL_GUARD = "cancel-guard"  # 64*T1 after our CANCEL with no final response (§9.1)
    GLARE = "glare"  # retry our re-INVITE after a 491 (§14.1)
    REFRESH = "refresh"  # send a session refresh (RFC 4028 §10)
    EXPIRE = "expire"  # the session expired without a refresh


# The deadlines that lose their meaning once the call has ended; the others
# (2xx retransmission, no-ACK, CANCEL guard) are duties that outlive it.
LIVE_ONLY_TIMERS = (CallTimer.RETRANSMIT_2XX, CallTimer.REFRESH, CallTimer.EXPIRE, CallTimer.GLARE)


class Owed(enum.Enum):
    """What an ended call still owes the peer."""

    NOTHING = "nothing"
    CANCEL = "a CANCEL, once a provisional response arrives"  # §9.1
    BYE = "a BYE, once our 2xx is acknowledged"  # §15


class ReinvitePhase(enum.Enum):
    SENT = "sent"  # the transaction runs
    GLARE_WAIT = "waiting to retry after 491"


@dataclass(eq=False, slots=True)
class OutgoingReinvite:
    """Our re-INVITE: a phone's offer (hold/unhold) or a session refresh."""

    offer: str | None  # None: we asked the peer for an offer
    refresh: bool  # a session refresh the phone never hears about
    tx: Transaction | None = None  # None while waiting out a glare
    phase: ReinvitePhase = ReinvitePhase.SENT

    @property
    def blocks_user(self) -> bool:
        """A phone's own re-INVITE must wait (refreshes give way to it)."""
        return not self.refresh


@dataclass(eq=False, slots=True)
class IncomingReinvite:
    """The peer's re-INVITE, until we answer it."""

    tx: Transaction
    decision: UasDecision  # the session timer choice for our 2xx
    user: bool = False  # the phone was told (ReinviteReceived) and answers it


@dataclass(eq=False, slots=True)
class Pending2xx:
    """Our 2xx, retransmitted until its ACK (initial INVITE or re-INVITE)."""

    response: Response
    interval: float
    initial: bool  # it answers the initial INVITE
    user: bool = False  # a re-INVITE the phone answered: it hears of the ACK


@dataclass(frozen=True, slots=True)
class AckPending:
    """A 2xx that carried the peer's offer; its ACK carries our answer."""

    dialog: Dialog
    response: Response

    def is_for(self, resp: Response) -> bool:
        """Is ``resp`` (a retransmission of) this 2xx?"""
        return self.response.cseq.seq == resp.cseq.seq and self.response.to.tag == resp.to.tag


@dataclass(frozen=True, slots=True)
class QueuedReinvite:
    offer: str | None


@dataclass(eq=False)
class Call:
    handle: str
    outgoing: bool
    state: CallState
    call_id: str
    local_tag: str
    invite: Request  # the current initial INVITE (ours, or theirs)
    invite_tx: Transaction | None = None
    dialog: Dialog | None = None
    early: dict[str, Dialog] = field(default_factory=dict)  # UAC early dialogs by To tag
    local_sdp: str | None = None
    remote_sdp: str | None = None
    provisional_seen: bool = False
    owed: Owed = Owed.NOTHING
    acks: dict[tuple[str, int], Request] = field(default_factory=dict)  # (To tag, CSeq) -> ACK
    ack_pending: AckPending | None = None
    pending_2xx: Pending2xx | None = None
    reinvite_out: OutgoingReinvite | None = None
    reinvite_in: IncomingReinvite | None = None
    queued: QueuedReinvite | None = None
    uas_decision: UasDecision | None = None  # session timer choice for the initial 2xx
    session: SessionTimer | None = None
    session_interval: int = 0  # the Session-Expires we ask for
    deadlines: Deadlines[CallTimer] = field(default_factory=Deadlines)

    @property
    def ended(self) -> bool:
        return self.state is CallState.ENDED

    def transition(self, event: CallEvent) -> None:
        """Move along ``CALL_TRANSITIONS``; anything else is a bug of ours."""
        try:
            self.state = CALL_TRANSITIONS[(self.state, event)]
        except KeyError:
            raise LocalProtocolError(
                f"call {self.handle}: {event.value} is not possible when {self.state.value}"
            ) from None

    def reinvite_running(self) -> bool:
        """Our re-INVITE's transaction has not had its final response yet."""
        out = self.reinvite_out
        return out is not None and out.phase is ReinvitePhase.SENT
