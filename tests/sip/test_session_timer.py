"""RFC 4028 session timers between two user agents, and the connection rules."""

from __future__ import annotations

from softphone.sip import Request, Response
from softphone.sip.call import CallState
from softphone.sip.events import (
    CallEnded,
    EndCause,
    IncomingCall,
    Party,
    ReinviteFailed,
    ReinviteReceived,
    SessionRefreshed,
)
from softphone.sip.session_timer import SessionTimerConfig
from tests.sip.pair import SDP_A, SDP_B, Pair, holding, sdp, ua_pair


def call_up(p: Pair) -> tuple[str, str]:
    a, b = p.a, p.b
    assert hasattr(a, "invite") and hasattr(b, "answer")
    ha: str = a.invite("bob", SDP_A, p.now)
    p.pump()
    hb = next(e for e in p.events["b"] if isinstance(e, IncomingCall)).call
    b.answer(hb, SDP_B, p.now)
    p.pump()
    return ha, hb


def test_negotiated_interval_and_caller_refreshes_at_half() -> None:
    p, a, b = ua_pair(a={"session_timer": SessionTimerConfig(session_expires=600)})
    ha, hb = call_up(p)
    ok = next(s.message for s in p.wire if s.label == "200/INVITE")
    assert isinstance(ok, Response)
    assert ok.headers.get("Session-Expires") == "600;refresher=uac"
    assert "timer" in ok.headers.get_all("Require")
    p.run(299)
    assert p.labels().count("INVITE") == 1
    p.run(301)
    assert p.labels().count("INVITE") == 2  # the refresh, at 300 s
    refresh = [s.message for s in p.wire if s.label == "INVITE"][1]
    assert isinstance(refresh, Request)
    assert refresh.headers.get("Session-Expires") == "600;refresher=uac"
    assert refresh.body == SDP_A.encode()  # the same session, unchanged
    # the refresh is answered by the core: the phone is not bothered
    assert not any(isinstance(e, ReinviteReceived) for e in p.events["b"])
    assert SessionRefreshed(ha, 600, Party.LOCAL) in p.events["a"]
    assert SessionRefreshed(hb, 600, Party.REMOTE) in p.events["b"]
    p.run(3600)
    assert a.call_state(ha) is CallState.ESTABLISHED
    assert b.call_state(hb) is CallState.ESTABLISHED


def test_session_expires_without_refresh_and_the_other_side_hangs_up() -> None:
    p, _a, _b = ua_pair(a={"session_timer": SessionTimerConfig(session_expires=600)})
    _ha, hb = call_up(p)
    p.drop = lambda s: s.sender == "a"  # alice's refresh (and later BYE) never arrive
    p.run(700)
    # bob gives up at 600 - min(32, 600/3) = 568 s and sends BYE
    bye = next(s for s in p.wire if s.label == "BYE" and s.sender == "b")
    assert bye.sender == "b" and 567 <= bye.at <= 569
    assert next(e for e in p.events["b"] if isinstance(e, CallEnded)) == CallEnded(
        hb, EndCause.SESSION_EXPIRED, Party.LOCAL, None, "session expired"
    )
    assert next(e for e in p.events["a"] if isinstance(e, CallEnded)).cause in (
        EndCause.HANGUP,
        EndCause.SESSION_EXPIRED,
        EndCause.TIMEOUT,
    )


def test_422_raises_the_interval_to_min_se() -> None:
    p, _a, _b = ua_pair(
        a={"session_timer": SessionTimerConfig(session_expires=120, min_se=90)},
        b={"session_timer": SessionTimerConfig(session_expires=1800, min_se=300)},
    )
    call_up(p)
    assert p.labels()[:4] == ["INVITE", "422/INVITE", "ACK", "INVITE"]
    second = [s.message for s in p.wire if s.label == "INVITE"][1]
    assert isinstance(second, Request)
    assert second.headers.get("Session-Expires") == "300"
    assert second.cseq.seq == 2
    ok = next(s.message for s in p.wire if s.label == "200/INVITE")
    assert isinstance(ok, Response) and (ok.headers.get("Session-Expires") or "").startswith("300")


def test_callee_refreshes_when_the_caller_has_no_timer_support() -> None:
    p, a, b = ua_pair(
        a={"session_timer": SessionTimerConfig(enabled=False)},
        b={"session_timer": SessionTimerConfig(session_expires=200)},
    )
    ha, hb = call_up(p)
    ok = next(s.message for s in p.wire if s.label == "200/INVITE")
    assert isinstance(ok, Response)
    assert ok.headers.get("Session-Expires") is None  # no Supported: timer, none asked
    p.run(1000)
    assert p.labels().count("INVITE") == 1
    assert a.call_state(ha) is CallState.ESTABLISHED and b.call_state(hb) is CallState.ESTABLISHED


def test_user_reinvite_during_a_refresh_is_queued_not_refused() -> None:
    p, a, _b = ua_pair(a={"session_timer": SessionTimerConfig(session_expires=600)})
    ha, _hb = call_up(p)
    held: list[bytes] = []
    p.drop = holding(held, lambda s: s.sender == "b" and s.label == "200/INVITE")
    p.run(300.5)  # the refresh is out, its answer held back
    a.reinvite(ha, sdp("alice", 5, "sendonly"), p.now)
    p.drop = None
    for data in held:
        a.receive_data(data, p.now)
    p.pump()
    assert any(isinstance(e, ReinviteReceived) for e in p.events["b"])


def test_connection_lost_keeps_established_calls_and_fails_pending_ones() -> None:
    p, a, b = ua_pair()
    ha, hb = call_up(p)
    h2 = a.invite("bob", SDP_A, p.now)  # not yet answered
    a.connection_lost(p.now)
    p.collect()
    assert next(e for e in p.events["a"] if isinstance(e, CallEnded)) == CallEnded(
        h2, EndCause.CONNECTION_LOST, Party.LOCAL
    )
    assert a.call_state(ha) is CallState.ESTABLISHED
    a.connection_made(p.now)
    a.send_dtmf(ha, "7", p.now)
    p.pump()
    assert b.call_state(hb) is CallState.ESTABLISHED
    assert "INFO" in p.labels("a")


def test_reinvite_481_ends_the_call() -> None:
    p, a, b = ua_pair()
    ha, hb = call_up(p)
    # bob forgets the dialog (his BYE is lost), so alice's re-INVITE gets 481
    p.drop = lambda s: s.sender == "b" and s.label == "BYE"
    b.hangup(hb, p.now)
    p.pump()
    p.drop = None
    a.reinvite(ha, sdp("alice", 9, "sendonly"), p.now)
    p.run(p.now + 100)
    assert "481/INVITE" in p.labels("b")
    assert any(isinstance(e, ReinviteFailed) and e.code == 481 for e in p.events["a"])
    assert next(e for e in p.events["a"] if isinstance(e, CallEnded)).cause is EndCause.ERROR
