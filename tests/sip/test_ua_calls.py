"""Calls between two in-memory user agents: every flow a phone meets."""

from __future__ import annotations

import pytest

from softphone.sip import LocalProtocolError, Request, Response
from softphone.sip.call import CallState
from softphone.sip.events import (
    CallAnswered,
    CallConfirmed,
    CallEnded,
    CallProgress,
    EndCause,
    IncomingCall,
    InfoReceived,
    Party,
    ProtocolErrorEvent,
    ReinviteAnswered,
    ReinviteConfirmed,
    ReinviteReceived,
)
from softphone.sip.ua import UserAgent
from tests.sip.pair import SDP_A, SDP_B, Pair, ProxyAuthGate, Sent, holding, sdp, ua_pair


def incoming(p: Pair) -> IncomingCall:
    calls = [e for e in p.events["b"] if isinstance(e, IncomingCall)]
    assert calls, p.events["b"]
    return calls[-1]


def established(reliable: bool = True, **kw: object) -> tuple[Pair, UserAgent, UserAgent, str, str]:
    p, a, b = ua_pair(reliable=reliable, **kw)  # type: ignore[arg-type]
    ha = a.invite("bob", SDP_A, p.now)
    p.pump()
    hb = incoming(p).call
    b.answer(hb, SDP_B, p.now)
    p.pump()
    assert a.call_state(ha) is CallState.ESTABLISHED
    assert b.call_state(hb) is CallState.ESTABLISHED
    p.take("a")
    p.take("b")
    return p, a, b, ha, hb


def ended(p: Pair, side: str) -> list[CallEnded]:
    return [e for e in p.events[side] if isinstance(e, CallEnded)]


def test_basic_call_ring_answer_ack_and_bye_from_caller() -> None:
    p, a, b = ua_pair()
    ha = a.invite("bob", SDP_A, p.now)
    p.pump()
    inc = incoming(p)
    assert inc.sdp == SDP_A
    assert str(inc.caller.uri) == "sip:alice@example.com"
    b.ring(inc.call, p.now)
    p.pump()
    assert next(e for e in p.events["a"] if isinstance(e, CallProgress)).code == 180
    b.answer(inc.call, SDP_B, p.now)
    p.pump()
    assert p.labels() == ["INVITE", "100/INVITE", "180/INVITE", "200/INVITE", "ACK"]
    assert CallAnswered(ha, SDP_B) in p.events["a"]
    assert CallConfirmed(inc.call, None) in p.events["b"]
    a.hangup(ha, p.now)
    p.pump()
    assert p.labels()[-2:] == ["BYE", "200/BYE"]
    assert ended(p, "a") == [CallEnded(ha, EndCause.HANGUP, Party.LOCAL)]
    assert ended(p, "b") == [CallEnded(inc.call, EndCause.HANGUP, Party.REMOTE)]
    p.advance(100)
    assert a.calls == [] and b.calls == []
    assert a.get_timer() is None and b.get_timer() is None  # nothing lingers


def test_bye_from_callee_and_wire_format_of_the_invite() -> None:
    p, _a, b, ha, hb = established()
    invite = p.wire[0].message
    assert isinstance(invite, Request)
    via = invite.top_via
    assert via.transport == "WS" and via.host.endswith(".invalid")
    assert invite.contact[0].uri.transport == "ws"  # type: ignore[union-attr]
    assert "timer" in invite.headers.get_all("Supported")
    b.hangup(hb, p.now)
    p.pump()
    assert ended(p, "a") == [CallEnded(ha, EndCause.HANGUP, Party.REMOTE)]
    assert ended(p, "b") == [CallEnded(hb, EndCause.HANGUP, Party.LOCAL)]


def test_in_dialog_requests_follow_route_set_and_remote_target() -> None:
    p, a, b = ua_pair()
    rr = "<sip:proxy.example.com;lr>"
    ha = a.invite("bob", SDP_A, p.now)
    data = a.data_to_send()[0].replace(
        b"Max-Forwards: 70\r\n", f"Max-Forwards: 70\r\nRecord-Route: {rr}\r\n".encode()
    )
    b.receive_data(data, p.now)
    p.collect()
    b.answer(incoming(p).call, SDP_B, p.now)
    p.pump()
    a.hangup(ha, p.now)
    p.pump()
    bye = next(s.message for s in p.wire if s.label == "BYE")
    assert isinstance(bye, Request)
    assert bye.headers.get_all("Route") == [rr]
    assert str(bye.uri).startswith("sip:bob@") and ".invalid" in str(bye.uri)


def test_reject_gives_caller_the_code() -> None:
    p, a, b = ua_pair()
    ha = a.invite("bob", SDP_A, p.now)
    p.pump()
    b.reject(incoming(p).call, 486, p.now)
    p.pump()
    assert p.labels() == ["INVITE", "100/INVITE", "486/INVITE", "ACK"]
    assert ended(p, "a") == [CallEnded(ha, EndCause.REJECTED, Party.REMOTE, 486, "Busy Here")]
    assert ended(p, "b")[0].by is Party.LOCAL


def test_cancel_before_answer_gets_487() -> None:
    p, a, b = ua_pair()
    ha = a.invite("bob", SDP_A, p.now)
    p.pump()
    hb = incoming(p).call
    b.ring(hb, p.now)
    p.pump()
    a.hangup(ha, p.now)  # CANCEL, since nothing was answered
    p.pump()
    assert p.labels()[-4:] == ["CANCEL", "200/CANCEL", "487/INVITE", "ACK"]
    assert ended(p, "a") == [CallEnded(ha, EndCause.CANCELLED, Party.LOCAL)]
    assert ended(p, "b") == [CallEnded(hb, EndCause.CANCELLED, Party.REMOTE, 487)]
    with pytest.raises(LocalProtocolError):
        b.answer(hb, SDP_B, p.now)


def test_cancel_waits_for_a_provisional_response() -> None:
    p, a, _b = ua_pair()
    held: list[bytes] = []
    p.drop = holding(held, lambda s: s.sender == "b")
    ha = a.invite("bob", SDP_A, p.now)
    p.pump()
    a.cancel(ha, p.now)
    p.pump()
    assert "CANCEL" not in p.labels()  # §9.1: no CANCEL before a provisional
    p.drop = None
    for data in held:  # the 100 Trying finally arrives
        a.receive_data(data, p.now)
    p.pump()
    assert "CANCEL" in p.labels()
    assert ended(p, "b")[0].cause is EndCause.CANCELLED


def test_cancel_racing_the_200_ends_with_ack_and_bye() -> None:
    p, a, b = ua_pair()
    ha = a.invite("bob", SDP_A, p.now)
    p.pump()
    hb = incoming(p).call
    b.ring(hb, p.now)
    p.pump()
    b.answer(hb, SDP_B, p.now)  # the 200 is on the wire ...
    a.cancel(ha, p.now)  # ... while alice cancels
    p.pump()
    labels = p.labels()
    assert "200/INVITE" in labels and "ACK" in labels and "BYE" in labels
    assert "200/CANCEL" in labels  # the CANCEL is answered, but has no effect
    assert ended(p, "a") == [CallEnded(ha, EndCause.CANCELLED, Party.LOCAL)]
    assert [e.cause for e in ended(p, "b")] == [EndCause.HANGUP]
    assert not any(isinstance(e, CallAnswered) for e in p.events["a"])


def test_invite_timeout_timer_b_ends_the_call() -> None:
    p, a, _b = ua_pair(reliable=False)
    p.drop = lambda s: s.sender == "a"  # nothing reaches bob
    ha = a.invite("bob", SDP_A, p.now)
    p.run(31.9)  # Timer B is 64*T1 = 32 s: the caller still waits just before it
    assert ended(p, "a") == []
    assert a.call_state(ha) is CallState.OUTGOING
    p.run(100)
    assert p.labels("a").count("INVITE") == 7  # Timer A retransmissions
    assert ended(p, "a") == [CallEnded(ha, EndCause.TIMEOUT, Party.REMOTE, 408, "Request Timeout")]
    assert p.events["a"][-1] == ended(p, "a")[0]


def test_unreliable_transport_recovers_lost_invite_and_lost_200() -> None:
    p, a, b = ua_pair(reliable=False)
    lost = {"INVITE": 1, "200/INVITE": 2}

    def lossy(s: Sent) -> bool:
        if lost.get(s.label, 0) > 0:
            lost[s.label] -= 1
            return True
        return False

    p.drop = lossy
    ha = a.invite("bob", SDP_A, p.now)
    p.run(1.0)  # Timer A retransmits the INVITE at 0.5 s
    hb = incoming(p).call
    b.answer(hb, SDP_B, p.now)
    p.run(10)  # the 2xx is retransmitted by bob's TU until alice's ACK
    assert p.labels("b").count("200/INVITE") == 3
    assert a.call_state(ha) is CallState.ESTABLISHED
    assert b.call_state(hb) is CallState.ESTABLISHED
    assert len([e for e in p.events["b"] if isinstance(e, IncomingCall)]) == 1


def test_no_ack_means_bye_after_64_t1() -> None:
    p, a, b = ua_pair()
    p.drop = lambda s: s.label == "ACK"
    a.invite("bob", SDP_A, p.now)
    p.pump()
    hb = incoming(p).call
    b.answer(hb, SDP_B, p.now)
    p.run(40)
    # reliable transport, yet the TU retransmits the 2xx (0.5 s doubling to 4 s)
    assert p.labels("b").count("200/INVITE") > 5
    assert ended(p, "b") == [
        CallEnded(hb, EndCause.NO_ACK, Party.REMOTE, None, "no ACK for our 2xx")
    ]
    assert "BYE" in p.labels("b")
    assert ended(p, "a")[0].cause is EndCause.HANGUP


def test_hangup_before_ack_waits_for_the_ack() -> None:
    p, a, b = ua_pair()
    held: list[bytes] = []
    p.drop = holding(held, lambda s: s.label == "ACK")
    a.invite("bob", SDP_A, p.now)
    p.pump()
    hb = incoming(p).call
    b.answer(hb, SDP_B, p.now)
    p.pump()
    b.hangup(hb, p.now)
    p.pump()
    assert "BYE" not in p.labels("b")
    p.drop = None
    b.receive_data(held[0], p.now)
    p.pump()
    assert "BYE" in p.labels("b")
    assert ended(p, "a")[0].by is Party.REMOTE


def test_forked_second_2xx_is_acked_and_released() -> None:
    p, a, b = ua_pair()
    ha = a.invite("bob", SDP_A, p.now)
    p.pump()
    hb = incoming(p).call
    b.answer(hb, SDP_B, p.now)
    p.pump()
    ok = next(s.data for s in p.wire if s.label == "200/INVITE")
    tag = response_to_tag(ok)
    forked = ok.replace(f"tag={tag}".encode(), b"tag=otherfork")
    a.receive_data(forked, p.now)
    sent = [m for m in a.data_to_send()]
    labels = [Sent(0, "a", d).label for d in sent]
    assert labels == ["ACK", "BYE"]
    assert all(b"tag=otherfork" in d for d in sent)
    assert a.call_state(ha) is CallState.ESTABLISHED  # the first answer stays up
    # a retransmission of the first 2xx just gets the same ACK again
    a.receive_data(ok, p.now)
    assert [Sent(0, "a", d).label for d in a.data_to_send()] == ["ACK"]


def response_to_tag(data: bytes) -> str:
    msg = Sent(0, "x", data).message
    return msg.to.tag or ""


def test_reinvite_hold_and_unhold_both_ways() -> None:
    p, a, b, ha, hb = established()
    a.reinvite(ha, sdp("alice", 2, "sendonly"), p.now)
    p.pump()
    got = [e for e in p.events["b"] if isinstance(e, ReinviteReceived)]
    assert got and "a=sendonly" in (got[0].sdp or "")
    b.answer_reinvite(hb, sdp("bob", 8, "recvonly"), p.now)
    p.pump()
    assert ReinviteAnswered(ha, sdp("bob", 8, "recvonly")) in p.events["a"]
    assert ReinviteConfirmed(hb, None) in p.events["b"]
    b.reinvite(hb, sdp("bob", 9, "sendonly"), p.now)
    p.pump()
    assert any(isinstance(e, ReinviteReceived) for e in p.events["a"])
    a.answer_reinvite(ha, sdp("alice", 3, "recvonly"), p.now)
    p.pump()
    assert ReinviteAnswered(hb, sdp("alice", 3, "recvonly")) in p.events["b"]
    invites = [s.message for s in p.wire if s.label == "INVITE"]
    assert [m.cseq.seq for m in invites] == [1, 2, 1]  # each side counts its own CSeq


def test_reinvite_rejected_keeps_the_call() -> None:
    p, a, b, ha, hb = established()
    a.reinvite(ha, sdp("alice", 2, "inactive"), p.now)
    p.pump()
    b.reject_reinvite(hb, 488, p.now)
    p.pump()
    assert [type(e).__name__ for e in p.events["a"]] == ["ReinviteFailed"]
    assert a.call_state(ha) is CallState.ESTABLISHED
    a.hangup(ha, p.now)
    p.pump()
    assert ended(p, "b")[0].cause is EndCause.HANGUP


def test_glare_both_retry_on_section_14_timers() -> None:
    p, a, b, ha, hb = established()
    a.reinvite(ha, sdp("alice", 2, "sendonly"), p.now)
    b.reinvite(hb, sdp("bob", 8, "sendonly"), p.now)
    p.pump()
    assert p.labels().count("491/INVITE") == 2
    start = p.now
    times: dict[str, float] = {}
    for _ in range(200):
        deadline = p.next_deadline()
        assert deadline is not None
        p.run(deadline)
        for side, ua, h in (("a", a, ha), ("b", b, hb)):
            if any(isinstance(e, ReinviteReceived) for e in p.events[side]) and side not in times:
                times[side] = p.now - start
                ua.answer_reinvite(h, sdp("alice" if side == "a" else "bob", 3, "recvonly"), p.now)
                p.pump()
        if len(times) == 2:
            break
    # bob does not own the Call-ID: he retries within 0-2 s; alice in 2.1-4 s.
    assert 0 <= times["a"] <= 2.0
    assert 2.1 <= times["b"] <= 4.0
    assert any(isinstance(e, ReinviteAnswered) for e in p.events["a"])
    assert any(isinstance(e, ReinviteAnswered) for e in p.events["b"])


def test_info_dtmf_both_ways() -> None:
    p, a, b, ha, hb = established()
    a.send_dtmf(ha, "5", p.now)
    b.send_info(hb, "application/dtmf-relay", "Signal=#\r\nDuration=100\r\n", p.now)
    p.pump()
    assert (
        InfoReceived(hb, "application/dtmf-relay", "Signal=5\r\nDuration=160\r\n")
        in (p.events["b"])
    )
    assert (
        InfoReceived(ha, "application/dtmf-relay", "Signal=#\r\nDuration=100\r\n")
        in (p.events["a"])
    )
    with pytest.raises(LocalProtocolError):
        a.send_dtmf(ha, "x", p.now)


def test_options_answered_in_and_out_of_dialog() -> None:
    _p, _a, b = ua_pair()
    options = (
        b"OPTIONS sip:bob@example.com SIP/2.0\r\n"
        b"Via: SIP/2.0/WS x.invalid;branch=z9hG4bKopt1\r\n"
        b"Max-Forwards: 70\r\nFrom: <sip:probe@example.com>;tag=p1\r\n"
        b"To: <sip:bob@example.com>\r\nCall-ID: opt1\r\nCSeq: 1 OPTIONS\r\n"
        b"Content-Length: 0\r\n\r\n"
    )
    b.receive_data(options, 0.0)
    (data,) = b.data_to_send()
    resp = Sent(0, "b", data).message
    assert isinstance(resp, Response) and resp.status_code == 200
    assert "INFO" in resp.headers.get_all("Allow")
    assert "application/sdp" in resp.headers.get_all("Accept")
    assert "timer" in resp.headers.get_all("Supported")


def test_proxy_auth_407_on_invite_is_answered_md5_and_sha256() -> None:
    for algorithm in ("MD5", "SHA-256"):
        p, a, b = ua_pair(a={"password": "pw"})
        gate = ProxyAuthGate(password="pw", algorithm=algorithm)
        p.gate = gate
        ha = a.invite("bob", SDP_A, p.now)
        p.pump()
        hb = incoming(p).call
        b.answer(hb, SDP_B, p.now)
        p.pump()
        assert gate.challenged == 1
        assert a.call_state(ha) is CallState.ESTABLISHED
        invites = [s.message for s in p.wire if s.label == "INVITE" and s.sender == "a"]
        assert [m.cseq.seq for m in invites] == [1, 2]
        assert f"algorithm={algorithm}" in (invites[1].headers.get("Proxy-Authorization") or "")
        a.hangup(ha, p.now)
        p.pump()
        assert ended(p, "b")[0].cause is EndCause.HANGUP


def test_wrong_proxy_password_ends_the_call_without_a_loop() -> None:
    p, a, _b = ua_pair(a={"password": "wrong"})
    gate = ProxyAuthGate(password="right")
    p.gate = gate
    ha = a.invite("bob", SDP_A, p.now)
    p.run(100)
    assert gate.challenged == 2
    assert ended(p, "a") == [
        CallEnded(ha, EndCause.REJECTED, Party.REMOTE, 407, "Proxy Authentication Required")
    ]


def test_commands_on_unknown_or_finished_calls_are_local_errors() -> None:
    p, a, b, ha, hb = established()
    with pytest.raises(LocalProtocolError):
        a.hangup("call-99", p.now)
    with pytest.raises(LocalProtocolError):
        b.answer(hb, SDP_B, p.now)  # answered already
    with pytest.raises(LocalProtocolError):
        a.answer_reinvite(ha, SDP_A, p.now)  # nothing to answer
    with pytest.raises(LocalProtocolError):
        a.invite("", SDP_A, p.now)
    a.hangup(ha, p.now)
    with pytest.raises(LocalProtocolError):
        a.hangup(ha, p.now)
    with pytest.raises(LocalProtocolError):
        a.reinvite(ha, SDP_A, p.now)


def test_auto_answer_hint_from_call_info() -> None:
    p, a, _b = ua_pair()
    a.invite("bob", SDP_A, p.now, extra_headers=[("Call-Info", "<sip:x>;answer-after=0")])
    p.pump()
    assert incoming(p).auto_answer_after == 0.0
    a.invite("bob", SDP_A, p.now, extra_headers=[("X-Trace", "42")])
    p.pump()
    assert incoming(p).auto_answer_after is None
    assert ("X-Trace", "42") in incoming(p).headers


def test_malformed_input_amid_a_call_leaves_the_call_working() -> None:
    p, a, b, ha, hb = established()
    garbage = [
        b"\x00\xff\xfe not sip at all",
        b"INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/WS x.invalid;branch=z9hG4bKg1\r\n"
        b"From: <sip:x@y>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: g1\r\n"
        b"Max-Forwards: many\r\nCSeq: 1 INVITE\r\n\r\n",  # bad Max-Forwards: 400
        b"SIP/2.0 200 OK\r\nVia: SIP/2.0/WS y.invalid;branch=z9hG4bKnobody\r\n"
        b"From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: zz\r\nCSeq: 5 BYE\r\n"
        b"Content-Length: 0\r\n\r\n",  # a response nobody asked for
        b"BYE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/WS x.invalid;branch=z9hG4bKb1\r\n"
        b"From: <sip:x@y>;tag=zz\r\nTo: <sip:bob@example.com>;tag=nope\r\nCall-ID: unknown\r\n"
        b"CSeq: 9 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",  # no such dialog
    ]
    for data in garbage:
        b.receive_data(data, p.now)
    answers = [Sent(0, "b", d).label for d in b.data_to_send()]
    assert "400/INVITE" in answers
    assert "481/BYE" in answers
    p.collect()
    assert any(isinstance(e, ProtocolErrorEvent) for e in p.events["b"])
    b.send_dtmf(hb, "1", p.now)
    p.pump()
    assert any(isinstance(e, InfoReceived) for e in p.events["a"])
    a.hangup(ha, p.now)
    p.pump()
    assert ended(p, "b")[0].cause is EndCause.HANGUP


def test_lower_cseq_in_dialog_is_refused_with_500() -> None:
    p, a, b, ha, _hb = established()
    a.send_dtmf(ha, "1", p.now)
    info = a.data_to_send()[0]
    b.receive_data(info, p.now)
    assert b"200 OK" in b.data_to_send()[0]
    replay = info.replace(b"branch=z9hG4bK", b"branch=z9hG4bKreplay")
    b.receive_data(replay, p.now)
    (answer,) = b.data_to_send()
    assert answer.startswith(b"SIP/2.0 500")


# -- delayed offer (RFC 3261 §13.2.1, RFC 3264 §5): an INVITE without SDP -------------


def test_delayed_offer_initial_invite_answer_travels_in_the_ack() -> None:
    p, a, b = ua_pair()
    ha = a.invite("bob", None, p.now)
    p.pump()
    inc = incoming(p)
    assert inc.sdp is None and not p.wire[0].message.body
    b.answer(inc.call, SDP_B, p.now)  # the callee's 200 carries the offer
    p.pump()
    assert CallAnswered(ha, SDP_B, offer=True) in p.events["a"]
    assert "ACK" not in p.labels()  # no ACK until the caller has its answer
    assert not [e for e in p.events["b"] if isinstance(e, CallConfirmed)]
    a.acknowledge(ha, SDP_A, p.now)
    p.pump()
    ack = next(s.message for s in p.wire if s.label == "ACK")
    assert ack.body == SDP_A.encode() and ack.content_type is not None
    assert CallConfirmed(inc.call, SDP_A) in p.events["b"]
    with pytest.raises(LocalProtocolError):
        a.acknowledge(ha, SDP_A, p.now)  # only one ACK to give
    a.hangup(ha, p.now)
    p.pump()
    assert ended(p, "b")[0].cause is EndCause.HANGUP


def test_delayed_offer_retransmitted_2xx_waits_for_the_answer_then_gets_the_same_ack() -> None:
    p, a, b = ua_pair(reliable=False)
    ha = a.invite("bob", None, p.now)
    p.pump()
    b.answer(incoming(p).call, SDP_B, p.now)
    p.pump()
    p.advance(2)  # the callee retransmits its 2xx: the caller neither ACKs nor hangs up
    assert p.labels().count("200/INVITE") > 1
    assert "ACK" not in p.labels() and "BYE" not in p.labels()
    a.acknowledge(ha, SDP_A, p.now)
    p.pump()
    p.advance(5)
    assert p.labels().count("ACK") == 1 and "BYE" not in p.labels()
    assert a.call_state(ha) is CallState.ESTABLISHED


def test_hangup_before_answering_the_offer_acks_then_byes() -> None:
    p, a, b = ua_pair()
    ha = a.invite("bob", None, p.now)
    p.pump()
    b.answer(incoming(p).call, SDP_B, p.now)
    p.pump()
    a.hangup(ha, p.now)
    p.pump()
    assert p.labels()[-3:] == ["ACK", "BYE", "200/BYE"]
    assert ended(p, "b")[0].cause is EndCause.HANGUP


def test_reinvite_without_sdp_asks_the_peer_for_an_offer() -> None:
    p, a, b, ha, hb = established()
    with pytest.raises(LocalProtocolError):
        a.acknowledge(ha, SDP_A, p.now)  # nothing to acknowledge yet
    a.reinvite(ha, None, p.now)
    p.pump()
    assert ReinviteReceived(hb, None) in p.events["b"]
    offer = sdp("bob", 5)
    b.answer_reinvite(hb, offer, p.now)
    p.pump()
    assert ReinviteAnswered(ha, offer, offer=True) in p.events["a"]
    with pytest.raises(LocalProtocolError):
        a.reinvite(ha, sdp("alice", 3), p.now)  # the offer in hand needs its answer first
    answer = sdp("alice", 4)
    a.acknowledge(ha, answer, p.now)
    p.pump()
    assert ReinviteConfirmed(hb, answer) in p.events["b"]
    a.reinvite(ha, sdp("alice", 5, "sendonly"), p.now)  # and the call goes on
    p.pump()
    assert any(isinstance(e, ReinviteReceived) and e.sdp for e in p.events["b"])


def test_reinvite_blocker_says_why_before_an_offer_is_made() -> None:
    p, a, b, ha, hb = established()
    assert a.reinvite_blocker(ha) is None
    b.reinvite(hb, sdp("bob", 5, "sendonly"), p.now)
    p.pump()
    assert a.reinvite_blocker(ha) == "answer the peer's re-INVITE first"
    assert b.reinvite_blocker(hb) == "a re-INVITE is already in progress"
    a.answer_reinvite(ha, sdp("alice", 2, "recvonly"), p.now)
    p.pump()
    assert a.reinvite_blocker(ha) is None and b.reinvite_blocker(hb) is None
    assert a.reinvite_blocker("call-99") == "no such call: 'call-99'"
