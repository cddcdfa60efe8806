"""Refusing an INVITE Mediatel did not announce while the agent cannot talk.

In pause or after-call work the platform sends the agent no calls, and
while a call is up it sends no second one; an INVITE then is someone else's
(a misrouted call, a scanner). It gets a final answer at once instead of
ringing into an agent who is not there, and the agent sees it in the call
history with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from softphone.net.mediatel import State
from softphone.net.mediatel.state import CALL_STATES


@dataclass(frozen=True)
class Refusal:
    code: int
    reason: str
    """The reason phrase, also written to the call history."""


BUSY_IN_CALL = Refusal(486, "Busy Here: the agent is in a call")
BUSY_CLERICAL = Refusal(486, "Busy Here: the agent is doing after-call work")
PAUSED = Refusal(480, "Temporarily Unavailable: the agent is on pause")
NOT_LOGGED_IN = Refusal(480, "Temporarily Unavailable: the agent is not logged in")


def refusal_for(state: State | None, *, other_call_up: bool) -> Refusal | None:
    """The answer to an unannounced INVITE now, or None: let it ring for the agent."""
    if other_call_up or state in CALL_STATES:
        return BUSY_IN_CALL
    if state is State.CLERICAL:
        return BUSY_CLERICAL
    if state is State.PAUSE:
        return PAUSED
    if state in (None, State.LOGOUT, State.UNKNOWN):
        return NOT_LOGGED_IN
    return None
