"""A call's session timer (RFC 4028) in action: arming it, and deciding
what to do when the refresh is due.

The negotiation rules are in ``session_timer.py``; this module only keeps a
call's two deadlines (``REFRESH`` when we are the refresher, ``EXPIRE``
always) in step with the negotiated ``SessionTimer``. Sending the refresh
itself is a re-INVITE, which ``reinvite.py`` does.
"""

from __future__ import annotations

import enum

from softphone.sip.call import Call, CallTimer


class RefreshStep(enum.Enum):
    SEND = "send the refresh now"
    LATER = "another exchange runs: try again shortly"
    SKIP = "a re-INVITE of ours is under way: its 2xx re-arms the timer"


def arm_session(call: Call, now: float) -> None:
    """(Re)start the refresh and expiry deadlines after a successful (re-)INVITE."""
    call.deadlines.stop(CallTimer.REFRESH)
    call.deadlines.stop(CallTimer.EXPIRE)
    st = call.session
    if st is None or call.ended:
        return
    if st.we_refresh:
        call.deadlines.start(CallTimer.REFRESH, now + st.refresh_after)
    call.deadlines.start(CallTimer.EXPIRE, now + st.expire_after)


def refresh_step(call: Call) -> RefreshStep:
    """What the REFRESH deadline means for the call as it is now."""
    if call.ended or call.dialog is None or call.reinvite_out is not None:
        return RefreshStep.SKIP
    if call.reinvite_in is not None or call.pending_2xx is not None:
        return RefreshStep.LATER
    return RefreshStep.SEND
