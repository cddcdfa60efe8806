"""How a call ended, as the agent is told: one value per outcome, one sentence each.

The history keeps this next to ``end_cause`` (the technical detail: a SIP
reason phrase, the platform's error text) because the detail alone cannot
tell "the customer hung up" from "the server went away and took the call
with it" — both reach the phone as the platform ending the call. The UI
translates each value; ``SENTENCES`` is the English the core writes into
notices, so the UI can recognise and translate those too.
"""

from __future__ import annotations

import enum


class CallEnd(enum.Enum):
    AGENT_HUNG_UP = "agent-hung-up"
    CUSTOMER_HUNG_UP = "customer-hung-up"
    NOT_ANSWERED = "not-answered"
    """Hung up, cancelled or refused by the far end before anyone answered."""
    REFUSED = "refused"
    """The phone turned the call away (the agent was busy or not available)."""
    FAILED = "failed"
    """The platform or the SIP server could not put the call through."""
    PLATFORM = "platform"
    """Mediatel ended it without a hang-up from either side."""
    MEDIATEL_LOST = "mediatel-lost"
    SIP_LOST = "sip-lost"
    APP_CLOSED = "app-closed"


CUT = frozenset({CallEnd.MEDIATEL_LOST, CallEnd.SIP_LOST, CallEnd.APP_CLOSED})
"""Ends nobody chose: the agent is told in the window, not only in the history."""

SENTENCES: dict[CallEnd, str] = {
    CallEnd.AGENT_HUNG_UP: "You ended the call.",
    CallEnd.CUSTOMER_HUNG_UP: "The customer hung up.",
    CallEnd.NOT_ANSWERED: "The call was not answered.",
    CallEnd.REFUSED: "The phone turned the call away: you were busy or not available.",
    CallEnd.FAILED: "The call could not be put through.",
    CallEnd.PLATFORM: "The platform ended the call.",
    CallEnd.MEDIATEL_LOST: "The call was cut: the connection to the Mediatel server was lost.",
    CallEnd.SIP_LOST: "The call was cut: the connection to the SIP server was lost.",
    CallEnd.APP_CLOSED: "The call was cut: the application was closed during the call.",
}

_SIP_CAUSES = {
    "connection-lost": CallEnd.SIP_LOST,
    "session-expired": CallEnd.SIP_LOST,
    "timeout": CallEnd.FAILED,
    "no-ack": CallEnd.FAILED,
    "error": CallEnd.FAILED,
}


def from_sip(cause: str, *, by_agent: bool, answered: bool) -> CallEnd:
    """The outcome of the phone's ``CallEnded`` (``cause`` is a ``sip.EndCause`` value)."""
    known = _SIP_CAUSES.get(cause)
    if known is not None:
        return known
    if by_agent:
        return CallEnd.AGENT_HUNG_UP
    return CallEnd.CUSTOMER_HUNG_UP if answered else CallEnd.NOT_ANSWERED
