"""SDP inside a multipart body (RFC 5621), seen through the user agent.

The UA advertises ``multipart/mixed`` in Accept; a PBX that sends its offer
next to, say, an ISUP part must get the call answered with that offer, not
treated as a delayed offer (the bug of issue 8). Every place an SDP can
travel is covered: the INVITE, the 2xx, a re-INVITE and the ACK.
"""

from __future__ import annotations

from collections.abc import Callable

from softphone.sip.body import BodyPart, build_multipart
from softphone.sip.call import CallState
from softphone.sip.events import (
    CallAnswered,
    CallConfirmed,
    IncomingCall,
    ProtocolErrorEvent,
    ReinviteConfirmed,
    ReinviteReceived,
)
from softphone.sip.headers import Headers
from softphone.sip.message import parse_message
from softphone.sip.ua import UserAgent
from tests.sip.pair import SDP_A, SDP_B, Pair, Sent, sdp, ua_pair

ISUP = BodyPart(
    Headers(
        [
            ("Content-Type", "application/ISUP;version=itu-t92+"),
            ("Content-Disposition", "signal;handling=optional"),
        ]
    ),
    b"\x01\x00\x49\x00\x00\x03\x02\x00\x07\x04\x10\x00\x33\x63\x21\x43\x00\x00\x03",
)


def wrapped(data: bytes) -> bytes:
    """The message with its SDP moved into ``multipart/mixed`` after an ISUP part."""
    message = parse_message(data)
    ctype = message.content_type
    if not message.body or ctype is None or ctype.mime != "application/sdp":
        return data
    sdp_part = BodyPart(Headers([("Content-Type", "application/sdp")]), message.body)
    body, mixed = build_multipart([ISUP, sdp_part], boundary="unique-boundary-1")
    message.headers.set("Content-Type", str(mixed))
    message.body = body
    return message.to_bytes()


def when(label: str) -> Callable[[Sent], bytes]:
    """Wrap the SDP of the messages labelled ``label`` (e.g. "INVITE", "200/INVITE")."""

    def rewrite(sent: Sent) -> bytes:
        return wrapped(sent.data) if sent.label == label else sent.data

    return rewrite


def only(p: Pair, side: str, kind: type) -> list[object]:
    return p.of(side, kind)


def call(p: Pair, a: UserAgent, b: UserAgent, offer: str | None = SDP_A) -> tuple[str, str]:
    """alice calls bob with ``offer`` and bob answers with SDP_B: (alice's, bob's) handle."""
    ha = a.invite("bob", offer, p.now)
    p.pump()
    (incoming,) = only(p, "b", IncomingCall)
    assert isinstance(incoming, IncomingCall)
    b.answer(incoming.call, SDP_B, p.now)
    p.pump()
    return ha, incoming.call


def test_offer_in_a_multipart_invite_is_the_offer() -> None:
    p, a, b = ua_pair()
    p.rewrite = when("INVITE")
    ha, hb = call(p, a, b)
    assert p.wire[0].message.content_type is not None
    assert p.wire[0].message.content_type.mime == "multipart/mixed"
    (incoming,) = only(p, "b", IncomingCall)
    assert isinstance(incoming, IncomingCall)
    assert incoming.sdp == SDP_A  # not None: it is no delayed offer
    assert only(p, "a", CallAnswered) == [CallAnswered(ha, SDP_B, offer=False)]
    assert a.call_state(ha) is CallState.ESTABLISHED
    assert b.call_state(hb) is CallState.ESTABLISHED


def test_answer_in_a_multipart_2xx_is_the_answer() -> None:
    p, a, b = ua_pair()
    p.rewrite = when("200/INVITE")
    ha, _hb = call(p, a, b)
    assert only(p, "a", CallAnswered) == [CallAnswered(ha, SDP_B, offer=False)]


def test_offer_in_a_multipart_2xx_and_answer_in_a_multipart_ack() -> None:
    p, a, b = ua_pair()
    ha = a.invite("bob", None, p.now)  # delayed offer: the 2xx offers, the ACK answers
    p.pump()
    (incoming,) = only(p, "b", IncomingCall)
    assert isinstance(incoming, IncomingCall)
    p.rewrite = lambda sent: wrapped(sent.data)  # the 200 and the ACK
    b.answer(incoming.call, SDP_B, p.now)
    p.pump()
    assert only(p, "a", CallAnswered) == [CallAnswered(ha, SDP_B, offer=True)]
    a.acknowledge(ha, SDP_A, p.now)
    p.pump()
    assert only(p, "b", CallConfirmed) == [CallConfirmed(incoming.call, SDP_A)]


def test_offer_in_a_multipart_reinvite_reaches_the_phone() -> None:
    p, a, b = ua_pair()
    ha, hb = call(p, a, b)
    p.rewrite = when("INVITE")
    hold = sdp("alice", 2, "sendonly")
    a.reinvite(ha, hold, p.now)
    p.pump()
    assert only(p, "b", ReinviteReceived) == [ReinviteReceived(hb, hold)]
    b.answer_reinvite(hb, sdp("bob", 2, "recvonly"), p.now)
    p.pump()
    assert only(p, "b", ReinviteConfirmed) == [ReinviteConfirmed(hb, None)]


def broken(label: str) -> Callable[[Sent], bytes]:
    """The messages labelled ``label`` get a multipart body without its close delimiter."""

    def rewrite(sent: Sent) -> bytes:
        if sent.label != label:
            return sent.data
        message = parse_message(wrapped(sent.data))
        message.body = message.body.rsplit(b"--unique-boundary-1--", 1)[0]
        return message.to_bytes()

    return rewrite


def test_an_invite_with_a_broken_multipart_body_gets_400_and_no_call() -> None:
    p, a, _b = ua_pair()
    p.rewrite = broken("INVITE")
    ha = a.invite("bob", SDP_A, p.now)
    p.pump()
    assert "400/INVITE" in p.labels("b")
    assert only(p, "b", IncomingCall) == []
    assert a.call_state(ha) is CallState.ENDED


def test_a_2xx_with_a_broken_multipart_body_reads_as_no_answer_and_is_acked() -> None:
    p, a, b = ua_pair()
    p.rewrite = broken("200/INVITE")
    ha, hb = call(p, a, b)
    assert only(p, "a", CallAnswered) == [CallAnswered(ha, None, offer=False)]
    assert any(isinstance(e, ProtocolErrorEvent) for e in p.events["a"])
    assert "ACK" in p.labels("a")  # the exchange is finished, not left half done
    assert b.call_state(hb) is CallState.ESTABLISHED
