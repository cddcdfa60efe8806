"""RFC 3261 §17 transactions: the tables, the timers, matching."""

from __future__ import annotations

import pytest

from softphone.sip import LocalProtocolError, Request, Response, parse_message
from softphone.sip.message import Message
from softphone.sip.timers import TimerValues
from softphone.sip.transaction import (
    Failure,
    Transaction,
    TransactionLayer,
    TxState,
    make_response,
    server_key,
)

UNRELIABLE = TimerValues(reliable=False)
RELIABLE = TimerValues(reliable=True)


def request(
    method: str = "INVITE",
    branch: str = "z9hG4bKabc",
    cseq: int = 1,
    to_tag: str | None = None,
    call_id: str = "call1",
) -> Request:
    to = "<sip:bob@b.example>" + (f";tag={to_tag}" if to_tag else "")
    text = (
        f"{method} sip:bob@b.example SIP/2.0\r\n"
        f"Via: SIP/2.0/WS a.invalid;branch={branch}\r\n"
        "Max-Forwards: 70\r\n"
        "From: <sip:alice@a.example>;tag=ft\r\n"
        f"To: {to}\r\n"
        f"Call-ID: {call_id}\r\n"
        f"CSeq: {cseq} {method}\r\n"
        "Content-Length: 0\r\n\r\n"
    )
    msg = parse_message(text.encode())
    assert isinstance(msg, Request)
    return msg


class Wire:
    def __init__(self) -> None:
        self.sent: list[Message] = []
        self.responses: list[Response] = []
        self.failures: list[Failure] = []

    def send(self, msg: Message) -> None:
        self.sent.append(msg)

    def on_response(self, tx: Transaction, response: Response, now: float) -> None:
        self.responses.append(response)

    def on_failure(self, tx: Transaction, failure: Failure, now: float) -> None:
        self.failures.append(failure)

    def methods(self) -> list[str]:
        return [m.method if isinstance(m, Request) else str(m.status_code) for m in self.sent]


def client(timers: TimerValues, method: str = "INVITE") -> tuple[TransactionLayer, Wire, Request]:
    wire = Wire()
    layer = TransactionLayer(timers, wire.send)
    req = request(method)
    layer.send_request(req, 0.0, on_response=wire.on_response, on_failure=wire.on_failure)
    return layer, wire, req


def run_timers(layer: TransactionLayer, until: float) -> list[float]:
    """Advance a fake clock deadline by deadline; returns the firing times."""
    fired: list[float] = []
    while (at := layer.earliest()) is not None and at <= until:
        layer.handle_timer(at)
        fired.append(at)
    return fired


def test_invite_client_retransmits_with_timer_a_doubling_then_times_out_with_b() -> None:
    layer, wire, _ = client(UNRELIABLE)
    fired = run_timers(layer, 100)
    # A fires at 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 (doubling, uncapped); B at 32.
    assert fired[:6] == [0.5, 1.5, 3.5, 7.5, 15.5, 31.5]
    assert wire.methods() == ["INVITE"] * 7
    assert wire.failures == [Failure.TIMEOUT]
    assert len(layer) == 0


def test_invite_client_on_reliable_transport_never_retransmits() -> None:
    layer, wire, _ = client(RELIABLE)
    assert layer.earliest() == 32.0  # only timer B
    run_timers(layer, 100)
    assert wire.methods() == ["INVITE"]
    assert wire.failures == [Failure.TIMEOUT]


def test_provisional_stops_retransmission_and_timer_b() -> None:
    layer, wire, req = client(UNRELIABLE)
    assert layer.receive_response(make_response(req, 180, to_tag="tt"), 0.1)
    assert run_timers(layer, 1000) == []
    assert [r.status_code for r in wire.responses] == [180]
    assert wire.failures == []


def test_non_2xx_final_is_acked_by_the_transaction_and_retransmissions_reacked() -> None:
    layer, wire, req = client(UNRELIABLE)
    final = make_response(req, 486, to_tag="tt")
    layer.receive_response(final, 0.1)
    layer.receive_response(final, 0.2)  # retransmission: ACK again, not to the TU
    assert wire.methods() == ["INVITE", "ACK", "ACK"]
    ack = wire.sent[1]
    assert isinstance(ack, Request)
    assert ack.cseq.seq == req.cseq.seq and ack.cseq.method == "ACK"
    assert ack.top_via.branch == req.top_via.branch  # same transaction
    assert ack.to.tag == "tt"
    assert [r.status_code for r in wire.responses] == [486]
    # Timer D (32 s on an unreliable transport) ends the transaction.
    assert run_timers(layer, 100) == [32.1]
    assert len(layer) == 0


def test_non_2xx_on_reliable_transport_terminates_at_once() -> None:
    layer, wire, req = client(RELIABLE)
    layer.receive_response(make_response(req, 603, to_tag="x"), 0.1)
    assert wire.methods() == ["INVITE", "ACK"]
    assert len(layer) == 0


def test_invite_client_accepted_state_passes_every_2xx_then_ends_on_timer_m() -> None:
    layer, wire, req = client(RELIABLE)
    ok_a = make_response(req, 200, to_tag="a")
    ok_b = make_response(req, 200, to_tag="b")
    layer.receive_response(ok_a, 0.1)
    layer.receive_response(ok_a, 0.2)
    layer.receive_response(ok_b, 0.3)
    assert [r.to.tag for r in wire.responses] == ["a", "a", "b"]
    assert wire.methods() == ["INVITE"]  # the 2xx ACK is the TU's job
    assert run_timers(layer, 100) == [32.1]
    assert len(layer) == 0


def test_non_invite_client_timer_e_caps_at_t2_and_uses_t2_in_proceeding() -> None:
    layer, wire, req = client(UNRELIABLE, "OPTIONS")
    assert run_timers(layer, 8) == [0.5, 1.5, 3.5, 7.5]
    layer.receive_response(make_response(req, 100), 8.0)
    fired = run_timers(layer, 20)
    # next E: scheduled at 7.5+4; once proceeding, every T2
    assert fired == [11.5, 15.5, 19.5]
    assert wire.failures == []
    run_timers(layer, 40)
    assert wire.failures == [Failure.TIMEOUT]  # F at 64*T1 = 32


def test_non_invite_client_final_then_timer_k() -> None:
    layer, wire, req = client(UNRELIABLE, "BYE")
    layer.receive_response(make_response(req, 200), 0.2)
    layer.receive_response(make_response(req, 200), 0.3)
    assert [r.status_code for r in wire.responses] == [200]
    assert run_timers(layer, 100) == [5.2]  # K = T4
    assert len(layer) == 0


def test_transport_error_reaches_the_tu() -> None:
    layer, wire, _ = client(RELIABLE, "REGISTER")
    layer.connection_lost(1.0)
    assert wire.failures == [Failure.TRANSPORT]
    assert len(layer) == 0


def test_invite_server_failure_retransmitted_with_g_until_ack_then_i() -> None:
    wire = Wire()
    layer = TransactionLayer(UNRELIABLE, wire.send)
    req = request()
    tx = layer.new_server(req, 0.0)
    tx.respond(make_response(req, 100), 0.0)
    layer.match_request(req)
    tx.receive_request(req, 0.1)  # retransmitted INVITE: resend the last response
    tx.respond(make_response(req, 486, to_tag="t"), 0.2)
    assert run_timers(layer, 2.0) == [0.7, 1.7]
    assert wire.methods() == ["100", "100", "486", "486", "486"]
    ack = request("ACK", to_tag="t")
    assert layer.match_request(ack) is tx
    tx.receive_request(ack, 2.0)
    assert tx.state is TxState.CONFIRMED
    assert run_timers(layer, 100) == [7.0]  # I = T4
    assert len(layer) == 0
    assert wire.methods().count("486") == 3


def test_invite_server_timer_h_without_ack() -> None:
    wire = Wire()
    layer = TransactionLayer(UNRELIABLE, wire.send)
    req = request()
    tx = layer.new_server(req, 0.0)
    failures: list[Failure] = []
    tx.on_failure = lambda _tx, failure, _now: failures.append(failure)
    tx.respond(make_response(req, 480, to_tag="t"), 0.0)
    run_timers(layer, 100)
    assert failures == [Failure.TIMEOUT]
    # G doubles up to T2: 0.5 1.5 3.5 7.5 then every 4 s up to 31.5; H at 32
    assert wire.methods().count("480") == 1 + 10


def test_server_rejects_a_second_final_response_as_local_misuse() -> None:
    wire = Wire()
    layer = TransactionLayer(UNRELIABLE, wire.send)
    req = request("OPTIONS")
    tx = layer.new_server(req, 0.0)
    tx.respond(make_response(req, 200), 0.0)
    with pytest.raises(LocalProtocolError):
        tx.respond(make_response(req, 500), 0.1)


def test_non_invite_server_absorbs_retransmissions_with_the_last_response() -> None:
    wire = Wire()
    layer = TransactionLayer(UNRELIABLE, wire.send)
    req = request("BYE", to_tag="t")
    tx = layer.new_server(req, 0.0)
    assert layer.match_request(req) is tx
    tx.receive_request(req, 0.1)  # Trying: nothing sent yet
    tx.respond(make_response(req, 200), 0.2)
    tx.receive_request(req, 0.3)
    assert wire.methods() == ["200", "200"]
    assert run_timers(layer, 100) == [32.2]  # J = 64*T1


def test_matching_by_branch_method_and_cancel() -> None:
    wire = Wire()
    layer = TransactionLayer(RELIABLE, wire.send)
    invite = request()
    tx = layer.new_server(invite, 0.0)
    assert layer.match_request(request(branch="z9hG4bKother")) is None
    cancel = request("CANCEL")
    assert layer.match_request(cancel) is None  # CANCEL is its own transaction
    assert layer.invite_for_cancel(cancel) is tx
    assert layer.invite_for_cancel(request("CANCEL", branch="z9hG4bKzzz")) is None


def test_rfc2543_fallback_matching_without_magic_cookie() -> None:
    wire = Wire()
    layer = TransactionLayer(RELIABLE, wire.send)
    invite = request(branch="oldstyle1")
    tx = layer.new_server(invite, 0.0)
    assert layer.match_request(request(branch="oldstyle1")) is tx
    ack = request("ACK", branch="oldstyle1", to_tag="t")
    assert server_key(ack)[-1] == "INVITE"
    tx.respond(make_response(invite, 486, to_tag="t"), 0.0)
    assert layer.match_request(ack) is tx
    assert layer.match_request(request(branch="oldstyle1", cseq=2)) is None


def test_merged_request_detected() -> None:
    wire = Wire()
    layer = TransactionLayer(RELIABLE, wire.send)
    layer.new_server(request(branch="z9hG4bKpath1"), 0.0)
    assert layer.is_merged(request(branch="z9hG4bKpath2"))
    assert not layer.is_merged(request(branch="z9hG4bKpath1"))
    assert not layer.is_merged(request(branch="z9hG4bKpath2", call_id="other"))
