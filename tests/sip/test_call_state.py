"""The call's transition table: what may follow what, and a loud error otherwise."""

from __future__ import annotations

import re

import pytest

from softphone.sip import LocalProtocolError, Request
from softphone.sip.call import CALL_TRANSITIONS, Call, CallEvent, CallState
from softphone.sip.headers import Headers
from softphone.sip.uri import SipUri


def call(state: CallState) -> Call:
    invite = Request("INVITE", SipUri(host="example.com", user="bob"), Headers())
    return Call("call-1", True, state, "cid", "tag", invite)


def test_a_call_goes_outgoing_to_established_to_ended() -> None:
    c = call(CallState.OUTGOING)
    c.transition(CallEvent.ANSWERED)
    assert c.state is CallState.ESTABLISHED
    c.transition(CallEvent.ENDED)
    assert c.ended


def test_an_incoming_call_is_established_only_by_the_ack() -> None:
    c = call(CallState.INCOMING)
    c.transition(CallEvent.ACCEPTED)
    assert c.state is CallState.ANSWERING
    c.transition(CallEvent.ACKED)
    assert c.state is CallState.ESTABLISHED


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (CallState.INCOMING, CallEvent.ANSWERED),  # a 2xx is for our own INVITE
        (CallState.OUTGOING, CallEvent.ACKED),
        (CallState.ESTABLISHED, CallEvent.ACCEPTED),
        (CallState.ENDED, CallEvent.ENDED),  # a call ends once
        (CallState.ENDED, CallEvent.ACKED),
    ],
)
def test_an_illegal_transition_raises_and_leaves_the_state(
    state: CallState, event: CallEvent
) -> None:
    c = call(state)
    with pytest.raises(LocalProtocolError, match=re.escape(event.value)):
        c.transition(event)
    assert c.state is state


def test_every_live_state_can_end_and_ended_is_final() -> None:
    for state in CallState:
        ends = (state, CallEvent.ENDED) in CALL_TRANSITIONS
        assert ends is (state is not CallState.ENDED)
    assert not [key for key in CALL_TRANSITIONS if key[0] is CallState.ENDED]
