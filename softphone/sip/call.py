"""The per-call state the user agent keeps (the logic lives in ``ua.py``).

One ``Call`` per INVITE session, in either direction. After it ended (the
``CallEnded`` event went out) it lingers as a zombie only as long as some
protocol duty remains — a CANCEL waiting for its provisional, a BYE waiting
for the ACK, retransmitted 2xx to ACK — and is then dropped.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from softphone.sip.dialog import Dialog
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
    cancel_pending: bool = False  # cancel() before any provisional (§9.1)
    bye_pending: bool = False  # hangup() before the ACK of our 2xx (§15)
    acks: dict[tuple[str, int], Request] = field(default_factory=dict)  # (To tag, CSeq) -> ACK
    # a 2xx carrying the peer's offer (we sent none): its ACK waits for our answer
    ack_pending: tuple[Dialog, Response] | None = None
    # our 2xx being retransmitted until its ACK (initial INVITE or re-INVITE)
    pending_2xx: Response | None = None
    pending_2xx_interval: float = 0.0
    pending_2xx_initial: bool = False  # it answers the initial INVITE (not a re-INVITE)
    # re-INVITEs
    reinvite_out: Transaction | None = None
    reinvite_out_refresh: bool = False
    reinvite_offer: str | None = None
    queued_offer: str | None = None  # user re-INVITE waiting for a refresh to finish
    glare_offer: str | None = None
    glare_refresh: bool = False
    reinvite_in: Transaction | None = None
    reinvite_in_user: bool = False  # the phone was told (ReinviteReceived)
    uas_decision: UasDecision | None = None  # session timer choice for our next 2xx
    session: SessionTimer | None = None
    session_interval: int = 0  # the Session-Expires we ask for
    deadlines: Deadlines = field(default_factory=Deadlines)

    @property
    def ended(self) -> bool:
        return self.state is CallState.ENDED
