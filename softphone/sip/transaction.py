"""SIP transactions (RFC 3261 §17, with the RFC 6026 "Accepted" state).

Each of the four transaction kinds is an explicit transition table:
``(state, input) -> (new state, actions)``. The table is the specification;
the ``Transaction`` class only interprets actions (send, pass to the TU,
start/stop timers). A pair ``(state, input)`` missing from a table means
"absorb silently" for peer inputs (a late retransmission) and is a
``LocalProtocolError`` for inputs coming from our own TU (sending a second
final response), so misuse and peer noise stay apart.

The tables themselves live in ``transaction_tables.py``; this module is
their interpreter, the matching of messages to transactions (§17.1.3,
§17.2.3) and the layer that owns them all.

The RFC 6026 Accepted state is used on both sides: the INVITE client
transaction lives on after a 2xx to hand retransmitted 2xx (and forked 2xx)
to the TU, and the INVITE server transaction absorbs INVITE retransmissions
while the TU (the call) retransmits its 2xx until the ACK arrives.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

from softphone.sip.errors import LocalProtocolError
from softphone.sip.headers import CSeq, Headers
from softphone.sip.message import Message, Request, Response
from softphone.sip.timers import Deadlines, TimerValues
from softphone.sip.transaction_tables import (
    INITIAL_STATE,
    INITIAL_TIMERS,
    TABLES,
    TU_INPUTS,
    Act,
    Action,
    AtT2,
    Backoff,
    Failure,
    Start,
    Stop,
    TxInput,
    TxKind,
    TxState,
    response_input,
    tu_input,
)

MAGIC_COOKIE = "z9hG4bK"

REASONS: dict[int, str] = {
    100: "Trying",
    180: "Ringing",
    181: "Call Is Being Forwarded",
    182: "Queued",
    183: "Session Progress",
    200: "OK",
    202: "Accepted",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    407: "Proxy Authentication Required",
    408: "Request Timeout",
    415: "Unsupported Media Type",
    420: "Bad Extension",
    422: "Session Interval Too Small",
    423: "Interval Too Brief",
    480: "Temporarily Unavailable",
    481: "Call/Transaction Does Not Exist",
    482: "Loop Detected",
    483: "Too Many Hops",
    486: "Busy Here",
    487: "Request Terminated",
    488: "Not Acceptable Here",
    491: "Request Pending",
    500: "Server Internal Error",
    501: "Not Implemented",
    503: "Service Unavailable",
    504: "Server Time-out",
    600: "Busy Everywhere",
    603: "Decline",
}


def reason_phrase(code: int) -> str:
    return REASONS.get(code) or REASONS.get(code // 100 * 100) or "Unknown"


def new_branch(rng: random.Random) -> str:
    return f"{MAGIC_COOKIE}{rng.getrandbits(80):020x}"


def make_response(
    request: Request, code: int, reason: str | None = None, *, to_tag: str | None = None
) -> Response:
    """A response to ``request`` per RFC 3261 §8.2.6: Via, From, Call-ID and
    CSeq copied, To copied with ``to_tag`` added if it has none (never on 100).
    """
    headers = Headers()
    for value in request.headers.get_lines("Via"):
        headers.add("Via", value)
    to = request.headers.get("To") or ""
    if to_tag is not None and code != 100 and request.to.tag is None:
        to = f"{to};tag={to_tag}"
    headers.add("From", request.headers.get("From") or "")
    headers.add("To", to)
    headers.add("Call-ID", request.call_id)
    headers.add("CSeq", str(request.cseq))
    if code == 100 and request.headers.get("Timestamp") is not None:
        headers.add("Timestamp", request.headers.get("Timestamp") or "")
    return Response(status_code=code, reason=reason or reason_phrase(code), headers=headers)


# --------------------------------------------------------------------------
# the interpreter

Send = Callable[[Message], None]
ResponseHandler = Callable[["Transaction", Response, float], None]
FailureHandler = Callable[["Transaction", Failure, float], None]


class Transaction:
    """One transaction: a table, a state, the request, deadlines."""

    def __init__(
        self,
        kind: TxKind,
        request: Request,
        *,
        timers: TimerValues,
        send: Send,
        on_response: ResponseHandler | None = None,
        on_failure: FailureHandler | None = None,
    ) -> None:
        self.kind = kind
        self.request = request
        self.state = INITIAL_STATE[kind]
        self.last_response: Response | None = None
        self.ack: Request | None = None
        self.deadlines: Deadlines[str] = Deadlines()
        self._table = TABLES[kind]
        self._values = timers
        self._intervals: dict[str, float] = {}
        self._send = send
        self._pending_response: Response | None = None
        self.on_response = on_response
        self.on_failure = on_failure

    def __repr__(self) -> str:
        return f"<Transaction {self.kind.value} {self.request.method} {self.state.value}>"

    @property
    def is_client(self) -> bool:
        return self.kind in (TxKind.INVITE_CLIENT, TxKind.NON_INVITE_CLIENT)

    @property
    def terminated(self) -> bool:
        return self.state is TxState.TERMINATED

    @property
    def branch(self) -> str:
        return self.request.top_via.branch or ""

    def start(self, now: float) -> None:
        """Client: send the request and arm the initial timers."""
        if self.is_client:
            self._send(self.request)
        for name in INITIAL_TIMERS[self.kind]:
            self._start_timer(name, now)

    # inputs -------------------------------------------------------------

    def receive_response(self, response: Response, now: float) -> None:
        self._fire(response_input(response.status_code), now, response)

    def receive_request(self, request: Request, now: float) -> None:
        """A retransmission of our request, or (INVITE server) an ACK."""
        self._fire(TxInput.ACK if request.method == "ACK" else TxInput.REQUEST, now, None)

    def respond(self, response: Response, now: float) -> None:
        """Server: our TU sends ``response`` through this transaction."""
        if self.is_client:
            raise LocalProtocolError("a client transaction does not send responses")
        self._fire(tu_input(response.status_code), now, response)

    def transport_error(self, now: float) -> None:
        self._fire(TxInput.TRANSPORT_ERROR, now, None)

    def fire_timers(self, now: float) -> None:
        for name in self.deadlines.pop_due(now):
            if self.terminated:
                return
            self._fire(TxInput(name), now, None)

    def terminate(self) -> None:
        """Drop silently (the TU lost interest, e.g. the connection is gone)."""
        self.state = TxState.TERMINATED
        self.deadlines.clear()

    # the interpreter -----------------------------------------------------

    def _fire(self, event: TxInput, now: float, response: Response | None) -> None:
        entry = self._table.get((self.state, event))
        if entry is None:
            if event in TU_INPUTS:
                raise LocalProtocolError(
                    f"cannot send a {event.value} response in state {self.state.value}"
                )
            return  # a late retransmission or a stale timer: absorbed
        new_state, actions = entry
        self.state = new_state
        if new_state is TxState.TERMINATED:
            self.deadlines.clear()
        for action in actions:
            self._do(action, now, response)

    def _do(self, action: Action, now: float, response: Response | None) -> None:
        if isinstance(action, Start):
            self._start_timer(action.timer, now)
        elif isinstance(action, Stop):
            self.deadlines.stop(action.timer)
        elif isinstance(action, Backoff):
            interval = self._intervals.get(action.timer, self._values.t1) * 2
            if action.cap:
                interval = min(interval, self._values.t2)
            self._intervals[action.timer] = interval
            self.deadlines.start(action.timer, now + interval)
        elif isinstance(action, AtT2):
            self._intervals[action.timer] = self._values.t2
            self.deadlines.start(action.timer, now + self._values.t2)
        elif action is Act.SEND_REQUEST:
            self._send(self.request)
        elif action is Act.SEND_ACK:
            assert response is not None
            if self.ack is None or self.ack.to.tag != response.to.tag:
                self.ack = build_non_2xx_ack(self.request, response)
            self._send(self.ack)
        elif action is Act.PASS_TO_TU:
            assert response is not None
            if self.on_response is not None:
                self.on_response(self, response, now)
        elif action is Act.SEND_RESPONSE:
            assert response is not None
            self.last_response = response
            self._send(response)
        elif action is Act.RESEND_RESPONSE:
            if self.last_response is not None:
                self._send(self.last_response)
        elif action is Act.TIMEOUT:
            if self.on_failure is not None:
                self.on_failure(self, Failure.TIMEOUT, now)
        elif action is Act.TRANSPORT_FAILED and self.on_failure is not None:
            self.on_failure(self, Failure.TRANSPORT, now)

    def _start_timer(self, name: str, now: float) -> None:
        value = self._values.initial(name)
        if value is None:
            return
        self._intervals[name] = value
        if value <= 0:
            # Zero on a reliable transport: fire at once rather than leave a
            # deadline in the past for the driver to chase.
            self._fire(TxInput(name), now, None)
        else:
            self.deadlines.start(name, now + value)


def build_non_2xx_ack(invite: Request, response: Response) -> Request:
    """The ACK a client INVITE transaction sends for a 300-699 (§17.1.1.3)."""
    return in_invite_transaction(invite, "ACK", to=response.headers.get("To") or "")


def in_invite_transaction(invite: Request, method: str, *, to: str) -> Request:
    """ACK (non-2xx) or CANCEL of ``invite``: its top Via (so the same
    transaction), Route, From, Call-ID and CSeq number (§9.1, §17.1.1.3)."""
    headers = Headers()
    headers.add("Via", invite.headers.get_lines("Via")[0].split(",")[0].strip())
    for value in invite.headers.get_lines("Route"):
        headers.add("Route", value)
    headers.add("Max-Forwards", "70")
    headers.add("From", invite.headers.get("From") or "")
    headers.add("To", to)
    headers.add("Call-ID", invite.call_id)
    headers.add("CSeq", str(CSeq(invite.cseq.seq, method)))
    return Request(method=method, uri=invite.uri, headers=headers)


# --------------------------------------------------------------------------
# matching

TxKey = tuple[str, ...]


def _method_key(method: str) -> str:
    return "INVITE" if method == "ACK" else method


def server_key(request: Request) -> TxKey:
    """The key a request matches server transactions by (§17.2.3).

    With an RFC 3261 branch: branch, sent-by and method (ACK matches the
    INVITE). Without one (RFC 2543 peers): Request-URI, From tag, Call-ID,
    CSeq number, top Via and method; the To tag is left out so that the ACK,
    which carries our tag, finds its INVITE.
    """
    via = request.top_via
    branch = via.branch or ""
    method = _method_key(request.method)
    if branch.startswith(MAGIC_COOKIE):
        sent_by = f"{via.host.lower()}:{via.port or ''}"
        return ("3261", branch, sent_by, method)
    return (
        "2543",
        str(request.uri),
        request.from_.tag or "",
        request.call_id,
        str(request.cseq.seq),
        str(via),
        method,
    )


def client_key(branch: str, method: str) -> TxKey:
    return (branch, _method_key(method) if method != "CANCEL" else "CANCEL")


class TransactionLayer:
    """All live transactions of one user agent, matched by key (§17.1.3, §17.2.3)."""

    def __init__(self, timers: TimerValues, send: Send) -> None:
        self.timers = timers
        self._send = send
        self._client: dict[TxKey, Transaction] = {}
        self._server: dict[TxKey, Transaction] = {}

    def __iter__(self) -> Iterator[Transaction]:
        return iter([*self._client.values(), *self._server.values()])

    def __len__(self) -> int:
        return len(self._client) + len(self._server)

    # client side

    def send_request(
        self,
        request: Request,
        now: float,
        *,
        on_response: ResponseHandler,
        on_failure: FailureHandler,
    ) -> Transaction:
        if request.method == "ACK":
            raise LocalProtocolError("an ACK is not sent through a client transaction")
        kind = TxKind.INVITE_CLIENT if request.method == "INVITE" else TxKind.NON_INVITE_CLIENT
        tx = Transaction(
            kind,
            request,
            timers=self.timers,
            send=self._send,
            on_response=on_response,
            on_failure=on_failure,
        )
        key = client_key(tx.branch, request.method)
        if key in self._client:
            raise LocalProtocolError(f"branch {tx.branch!r} already in use")
        self._client[key] = tx
        tx.start(now)
        self._reap()
        return tx

    def match_response(self, response: Response) -> Transaction | None:
        branch = response.top_via.branch
        if not branch:
            return None
        tx = self._client.get(client_key(branch, response.cseq.method))
        return tx if tx is not None and not tx.terminated else None

    def receive_response(self, response: Response, now: float) -> bool:
        """Hand ``response`` to its transaction; False if none matches."""
        tx = self.match_response(response)
        if tx is None:
            return False
        tx.receive_response(response, now)
        self._reap()
        return True

    # server side

    def match_request(self, request: Request) -> Transaction | None:
        tx = self._server.get(server_key(request))
        if tx is None or tx.terminated:
            return None
        if request.method == "ACK" and tx.kind is not TxKind.INVITE_SERVER:
            return None
        return tx

    def new_server(self, request: Request, now: float) -> Transaction:
        if request.method == "ACK":
            raise LocalProtocolError("an ACK does not create a server transaction")
        kind = TxKind.INVITE_SERVER if request.method == "INVITE" else TxKind.NON_INVITE_SERVER
        tx = Transaction(kind, request, timers=self.timers, send=self._send)
        self._server[server_key(request)] = tx
        tx.start(now)
        return tx

    def invite_for_cancel(self, cancel: Request) -> Transaction | None:
        """The INVITE server transaction a CANCEL refers to (§9.2)."""
        key = server_key(cancel)
        tx = self._server.get((*key[:-1], "INVITE"))
        return tx if tx is not None and tx.kind is TxKind.INVITE_SERVER else None

    def is_merged(self, request: Request) -> bool:
        """A request without a To tag that we already got by another path (§8.2.2.2):
        same From tag, Call-ID and CSeq as a live server transaction, other branch."""
        if request.to.tag is not None or request.method in ("ACK", "CANCEL"):
            return False
        key = server_key(request)
        from_tag, call_id, cseq = request.from_.tag, request.call_id, request.cseq
        for other_key, tx in self._server.items():
            if other_key == key or tx.terminated:
                continue
            other = tx.request
            if other.call_id == call_id and other.from_.tag == from_tag and other.cseq == cseq:
                return True
        return False

    # time and transport

    def earliest(self) -> float | None:
        return min(
            (at for tx in self for at in [tx.deadlines.earliest()] if at is not None),
            default=None,
        )

    def handle_timer(self, now: float) -> None:
        for tx in list(self):
            earliest = tx.deadlines.earliest()
            if earliest is not None and earliest <= now:
                tx.fire_timers(now)
        self._reap()

    def connection_lost(self, now: float) -> None:
        """Every transaction rides the one connection: all of them fail."""
        for tx in list(self):
            if not tx.terminated:
                tx.transport_error(now)
            tx.terminate()
        self._reap()

    def reap(self) -> None:
        self._reap()

    def _reap(self) -> None:
        self._client = {k: t for k, t in self._client.items() if not t.terminated}
        self._server = {k: t for k, t in self._server.items() if not t.terminated}


__all__ = [
    "MAGIC_COOKIE",
    "REASONS",
    "Failure",
    "Transaction",
    "TransactionLayer",
    "TxInput",
    "TxKind",
    "TxState",
    "build_non_2xx_ack",
    "client_key",
    "in_invite_transaction",
    "make_response",
    "new_branch",
    "reason_phrase",
    "response_input",
    "server_key",
]
