"""The sans-IO SIP user agent: calls and registration over one connection.

Bytes and time in, events and bytes out (in the style of h11)::

    ua = UserAgent(config, now=loop.time())
    ua.register(now)
    for frame in ua.data_to_send(): websocket.send(frame)
    ua.receive_data(frame, now)          # one complete message per call
    while (event := ua.next_event()) is not None: ...
    deadline = ua.get_timer()            # call handle_timer(now) when reached

Blame is split: a command that the current state forbids raises
``LocalProtocolError``; whatever a peer sends is answered (400, 481, 482,
491, ...) or dropped, reported as ``ProtocolErrorEvent``, and never raises
out of ``receive_data`` nor disturbs other calls.

The connection is assumed up when the agent is created; the driver calls
``connection_lost`` when it drops and ``connection_made`` after every
(re)connect. While it is down, outgoing bytes are discarded.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from softphone.sip.auth import AuthResult, ClientAuth, DigestCredentials
from softphone.sip.call import Call, CallState
from softphone.sip.dialog import Dialog, DialogId
from softphone.sip.errors import LocalProtocolError, RemoteProtocolError, SipParseError
from softphone.sip.events import (
    CallAnswered,
    CallConfirmed,
    CallEnded,
    CallProgress,
    EndCause,
    Event,
    IncomingCall,
    InfoFailed,
    InfoReceived,
    Party,
    ProtocolErrorEvent,
    RegistrationState,
    ReinviteAnswered,
    ReinviteConfirmed,
    ReinviteFailed,
    ReinviteReceived,
    SessionRefreshed,
)
from softphone.sip.headers import CSeq, Headers, Via
from softphone.sip.message import Message, Request, Response, parse_message
from softphone.sip.registration import Registration, RegistrationSettings, RegState
from softphone.sip.salvage import salvage_response
from softphone.sip.session_timer import (
    SessionTimer,
    SessionTimerConfig,
    negotiate_as_uas,
    negotiated_as_uac,
    request_headers,
    retry_interval_after_422,
)
from softphone.sip.timers import TimerValues
from softphone.sip.transaction import (
    Failure,
    Transaction,
    TransactionLayer,
    TxState,
    make_response,
    new_branch,
)
from softphone.sip.uri import NameAddr, SipUri, Uri, parse_uri
from softphone.sip.validation import check_request, check_response

ALLOW = ("INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "INFO")
ACCEPT = (
    "application/sdp",
    "multipart/mixed",
    "multipart/alternative",
    "application/dtmf-relay",
    "application/dtmf",
)
SDP = "application/sdp"
DTMF_RELAY = "application/dtmf-relay"
_DTMF_SIGNALS = frozenset("0123456789*#ABCDabcd")

ResponseCallback = Callable[[Transaction, Response, float], None]
FailureCallback = Callable[[Transaction, Failure, float], None]


@dataclass(frozen=True, slots=True)
class UAConfig:
    """Who we are and how we talk. ``user`` and ``domain`` form the AOR."""

    user: str
    domain: str
    password: str = field(default="", repr=False)
    auth_username: str | None = None  # defaults to ``user``
    realm: str | None = None  # None: answer any realm's challenge
    display_name: str | None = None
    registrar: str | None = None  # Request-URI of REGISTER; default sip:<domain>
    contact_host: str | None = None  # default: a random "<token>.invalid" (RFC 7118)
    transport: str = "WS"  # "WS" or "WSS": Via transport and Contact transport param
    instance_id: str | None = None  # "urn:uuid:..." for +sip.instance; default random
    reg_id: int = 1
    register_expires: int = 300
    user_agent: str = "softphone"
    session_timer: SessionTimerConfig = field(default_factory=SessionTimerConfig)
    reliable: bool = True  # WebSocket: reliable-transport timer values
    t1: float = 0.5
    t2: float = 4.0
    t4: float = 5.0
    register_retry_base: float = 2.0
    register_retry_max: float = 60.0


class UserAgent:
    """See the module docstring; commands raise ``LocalProtocolError`` on misuse."""

    def __init__(self, config: UAConfig, *, now: float, rng: random.Random | None = None) -> None:
        self.config = config
        self._rng = rng or random.Random()
        self._now = now
        self._out: list[bytes] = []
        self._events: deque[Event] = deque()
        self._connected = True
        self.timers = TimerValues(config.t1, config.t2, config.t4, config.reliable)
        self._tx = TransactionLayer(self.timers, self._send)
        self._auth = ClientAuth(
            DigestCredentials(config.auth_username or config.user, config.password, config.realm),
            cnonce_factory=lambda: f"{self._rng.getrandbits(64):016x}",
        )
        self.contact_host = config.contact_host or f"{self._token(12)}.invalid"
        self.instance_id = config.instance_id or _uuid_urn(self._rng)
        transport = config.transport.upper()
        if transport not in ("WS", "WSS", "TCP", "TLS", "UDP"):
            raise LocalProtocolError(f"unknown transport {config.transport!r}")
        self._via_transport = transport
        try:
            self.aor = NameAddr(
                uri=SipUri(host=config.domain, user=config.user), display_name=config.display_name
            )
            registrar = parse_uri(config.registrar or f"sip:{config.domain}")
        except SipParseError as exc:
            raise LocalProtocolError(f"bad identity in the configuration: {exc}") from exc
        if not isinstance(registrar, SipUri):
            raise LocalProtocolError("the registrar must be a sip: or sips: URI")
        contact_uri = SipUri(
            host=self.contact_host,
            user=config.user,
            params=(("transport", transport.lower()),),
        )
        self.contact = NameAddr(uri=contact_uri)
        self._reg = Registration(
            RegistrationSettings(
                aor=self.aor,
                registrar=registrar,
                contact=NameAddr(
                    uri=contact_uri,
                    params=(
                        ("+sip.instance", f'"<{self.instance_id}>"'),
                        ("reg-id", str(config.reg_id)),
                    ),
                ),
                expires=config.register_expires,
                retry_base=config.register_retry_base,
                retry_max=config.register_retry_max,
            ),
            self._rng,
        )
        self._reg_tx: Transaction | None = None
        self._calls: dict[str, Call] = {}
        self._dialogs: dict[DialogId, Call] = {}
        self._by_invite: dict[int, Call] = {}  # id(server INVITE transaction) -> call
        self._next_call = 0

    # ------------------------------------------------------------------ IO

    def receive_data(self, data: bytes, now: float) -> None:
        """One complete message. Never raises for whatever the peer sent."""
        self._now = now
        try:
            message = parse_message(data)
        except SipParseError as exc:
            answer = salvage_response(data, exc)
            if answer is not None:
                self._send(answer)
            self._emit(
                ProtocolErrorEvent(
                    f"unparseable message: {exc}",
                    answer.status_code if answer is not None else None,
                )
            )
            return
        try:
            if isinstance(message, Response):
                self._on_response(message, now)
            else:
                self._on_request(message, now)
        except RemoteProtocolError as exc:
            self._refuse(message, exc.status_code, exc.reason, str(exc))
        except LocalProtocolError as exc:  # our TU tripped on the peer's input: still ours to bear
            self._refuse(message, 500, "Server Internal Error", str(exc), internal=True)
        except Exception as exc:  # the contract: a peer never breaks the core
            self._refuse(
                message, 500, "Server Internal Error", f"{type(exc).__name__}: {exc}", internal=True
            )
        self._prune()

    def data_to_send(self) -> list[bytes]:
        out, self._out = self._out, []
        return out

    def next_event(self) -> Event | None:
        return self._events.popleft() if self._events else None

    def get_timer(self) -> float | None:
        deadlines = [self._tx.earliest(), self._reg.deadlines.earliest()]
        deadlines += [call.deadlines.earliest() for call in self._calls.values()]
        return min((d for d in deadlines if d is not None), default=None)

    def handle_timer(self, now: float) -> None:
        self._now = now
        self._tx.handle_timer(now)
        for call in list(self._calls.values()):
            for name in call.deadlines.pop_due(now):
                self._call_timer(call, name, now)
        events, send = self._reg.fire(now)
        self._emit_all(events)
        if send and self._connected and not self._reg.busy:
            self._send_register(now)
        self._prune()

    def connection_lost(self, now: float) -> None:
        """The transport dropped: its transactions fail; confirmed calls survive."""
        self._now = now
        self._connected = False
        self._tx.connection_lost(now)  # fires the TUs' transport-error handlers
        self._reg_tx = None
        self._emit_all(self._reg.on_connection_lost())
        for call in list(self._calls.values()):
            if call.state is CallState.INCOMING:
                self._end(call, EndCause.CONNECTION_LOST, Party.REMOTE)
            call.reinvite_in = None
        self._prune()

    def connection_made(self, now: float) -> None:
        """(Re)connected: register again if registration is wanted."""
        self._now = now
        self._connected = True
        if self._reg.wanted:
            if self._reg_tx is not None:
                self._reg_tx.terminate()
                self._tx.reap()
            self._send_register(now)

    def has_pending_transactions(self) -> bool:
        """True while a request of ours still waits for its final response."""
        return any(
            tx.is_client and tx.state in (TxState.CALLING, TxState.TRYING, TxState.PROCEEDING)
            for tx in self._tx
        )

    # ------------------------------------------------------------ queries

    @property
    def registration_state(self) -> RegistrationState:
        return {
            RegState.UNREGISTERED: RegistrationState.UNREGISTERED,
            RegState.REGISTERING: RegistrationState.REGISTERING,
            RegState.REGISTERED: RegistrationState.REGISTERED,
            RegState.UNREGISTERING: RegistrationState.UNREGISTERING,
            RegState.WAITING: RegistrationState.FAILED,
            RegState.FAILED: RegistrationState.FAILED,
        }[self._reg.state]

    def call_state(self, call: str) -> CallState:
        c = self._calls.get(call)
        return c.state if c is not None else CallState.ENDED

    @property
    def calls(self) -> list[str]:
        """Handles of the calls that have not ended."""
        return [h for h, c in self._calls.items() if not c.ended]

    # ------------------------------------------------------- registration

    def register(self, now: float) -> None:
        self._now = now
        self._reg.wanted = True
        if self._reg.busy or not self._connected:
            return  # the answer to the REGISTER in flight / connection_made will do
        self._send_register(now)

    def unregister(self, now: float) -> None:
        """Remove our binding (Expires: 0). A no-op when not registered."""
        self._now = now
        self._reg.wanted = False
        self._reg.deadlines.stop("retry")
        self._reg.deadlines.stop("refresh")
        if self._reg.state in (RegState.REGISTERED, RegState.REGISTERING) and self._connected:
            if self._reg_tx is not None:
                self._reg_tx.terminate()
                self._tx.reap()
            self._send_register(now, unregister=True)
        elif self._reg.state is RegState.WAITING:
            self._reg.state = RegState.UNREGISTERED

    def _send_register(self, now: float, *, unregister: bool = False) -> None:
        request = self._reg.build(unregister=unregister)
        self._reg_tx = self._send_client(
            request,
            now,
            on_response=self._on_register_response,
            on_failure=self._on_register_failure,
            renumber=lambda: self._reg.build(unregister=unregister).cseq.seq,
            on_retry=lambda _req, tx: setattr(self, "_reg_tx", tx),
        )

    def _on_register_response(self, tx: Transaction, response: Response, now: float) -> None:
        if response.status_code < 200 or tx is not self._reg_tx:
            return
        self._reg_tx = None
        events, again = self._reg.on_final(tx.request, response, now)
        self._emit_all(events)
        if again and self._connected:
            self._send_register(now)

    def _on_register_failure(self, tx: Transaction, failure: Failure, now: float) -> None:
        if tx is not self._reg_tx:
            return
        self._reg_tx = None
        self._emit_all(self._reg.on_timeout(now, transport=failure is Failure.TRANSPORT))

    # --------------------------------------------------------- call commands

    def invite(
        self,
        target: str | Uri,
        sdp: str | None,
        now: float,
        *,
        extra_headers: Sequence[tuple[str, str]] = (),
        caller: NameAddr | None = None,
    ) -> str:
        """Call ``target`` (a URI, or a user/number at our domain) with an SDP offer.

        ``sdp=None`` sends a delayed offer (RFC 3261 §13.2.1): the 2xx brings
        the peer's offer (``CallAnswered(offer=True)``), and ``acknowledge``
        sends our answer in the ACK.

        ``caller`` replaces our AOR in From: a PBX that places calls on behalf
        of others (the simulator's customer numbers) presents their identity.
        """
        self._now = now
        uri = self._target_uri(target)
        self._next_call += 1
        handle = f"call-{self._next_call}"
        call_id = self._token(22)
        local_tag = self._token(10)
        headers = Headers()
        headers.add("Max-Forwards", "70")
        identity = caller if caller is not None else self.aor
        headers.add("From", str(identity.with_params((("tag", local_tag),))))
        headers.add("To", str(NameAddr(uri=uri)))
        headers.add("Call-ID", call_id)
        headers.add("CSeq", str(CSeq(1, "INVITE")))
        for name, value in extra_headers:
            headers.add(name, value)
        request = Request(method="INVITE", uri=uri, headers=headers)
        call = Call(
            handle=handle,
            outgoing=True,
            state=CallState.OUTGOING,
            call_id=call_id,
            local_tag=local_tag,
            invite=request,
            local_sdp=sdp,
            session_interval=self.config.session_timer.session_expires,
        )
        self._add_invite_headers(request, call, sdp, session=None)
        self._calls[handle] = call
        if not self._connected:
            self._end(call, EndCause.CONNECTION_LOST, Party.LOCAL, reason="not connected")
            return handle
        self._send_initial_invite(call, request, now)
        return handle

    def ring(self, call: str, now: float) -> None:
        """Send 180 Ringing for an incoming call."""
        self._now = now
        c = self._incoming(call, "ring")
        assert c.invite_tx is not None and c.dialog is not None
        c.invite_tx.respond(self._dialog_response(c, c.invite, 180), now)

    def answer(self, call: str, sdp: str, now: float) -> None:
        """Accept an incoming call with our SDP answer (200 OK)."""
        self._now = now
        c = self._incoming(call, "answer")
        assert c.invite_tx is not None
        decision = c.uas_decision
        response = self._dialog_response(c, c.invite, 200, sdp=sdp)
        if decision is not None:
            for name, value in decision.headers:
                response.headers.add(name, value)
            c.session = decision.timer
        c.local_sdp = sdp
        c.invite_tx.respond(response, now)
        c.state = CallState.ANSWERING
        self._start_2xx(c, response, now, initial=True)
        self._arm_session(c, now)

    def reject(
        self, call: str, code: int = 486, now: float | None = None, *, reason: str | None = None
    ) -> None:
        """Refuse an incoming call with a final error response (default 486).

        ``reason`` replaces the standard reason phrase ("Busy Here: the agent is on pause").
        """
        now = self._now if now is None else now
        self._now = now
        if not 300 <= code <= 699:
            raise LocalProtocolError(f"a rejection needs a 3xx-6xx code, not {code}")
        c = self._incoming(call, "reject")
        assert c.invite_tx is not None
        c.invite_tx.respond(self._dialog_response(c, c.invite, code, reason=reason), now)
        self._end(c, EndCause.REJECTED, Party.LOCAL, code=code)

    def cancel(self, call: str, now: float) -> None:
        """Give up our unanswered INVITE (CANCEL, §9.1)."""
        self._now = now
        c = self._live(call)
        if not c.outgoing or c.state is not CallState.OUTGOING:
            raise LocalProtocolError("only an outgoing call that is not answered can be cancelled")
        self._end(c, EndCause.CANCELLED, Party.LOCAL)
        if c.provisional_seen:
            self._send_cancel(c, now)
        else:
            c.cancel_pending = True  # a CANCEL may only follow a provisional response
        c.deadlines.start("cancel-guard", now + 64 * self.timers.t1)

    def hangup(self, call: str, now: float) -> None:
        """End a call in whatever state: CANCEL, 486, or BYE."""
        self._now = now
        c = self._live(call)
        if c.state is CallState.OUTGOING:
            self.cancel(call, now)
        elif c.state is CallState.INCOMING:
            self.reject(call, 486, now)
        elif c.state is CallState.ANSWERING:
            # §15: the callee must not send BYE before the ACK (or its timeout).
            c.bye_pending = True
            self._end(c, EndCause.HANGUP, Party.LOCAL)
        else:
            if c.ack_pending is not None:
                self.acknowledge(call, None, now)  # every 2xx gets its ACK, then the BYE
            self._end(c, EndCause.HANGUP, Party.LOCAL)
            self._send_bye(c, now)

    def reinvite(self, call: str, sdp: str | None, now: float) -> None:
        """Send a new offer in an established call (hold/unhold); ``None``
        asks the peer for one (answered with ``acknowledge``)."""
        self._now = now
        c = self._established(call, "re-INVITE")
        blocker = self._reinvite_blocker(c)
        if blocker is not None:
            raise LocalProtocolError(blocker)
        if c.reinvite_out is not None:  # a session refresh: ours goes out after it
            c.queued_offer = sdp
            return
        c.glare_offer = None
        c.deadlines.stop("glare")
        self._send_reinvite(c, sdp, now, refresh=False)

    def reinvite_blocker(self, call: str) -> str | None:
        """Why ``reinvite`` would refuse now, or None if it would go ahead.

        A phone asks before building its offer: a media stack that cannot
        roll an offer back (aiortc) must not make one that will not be sent.
        """
        try:
            c = self._established(call, "re-INVITE")
        except LocalProtocolError as exc:
            return str(exc)
        return self._reinvite_blocker(c)

    def _reinvite_blocker(self, c: Call) -> str | None:
        if c.ack_pending is not None:
            return "answer the peer's offer (acknowledge) first"
        if c.reinvite_in is not None:
            return "answer the peer's re-INVITE first"
        if c.glare_offer is not None and not c.glare_refresh:
            return "a re-INVITE is already waiting to be retried"
        if c.reinvite_out is not None and not c.reinvite_out_refresh:
            return "a re-INVITE is already in progress"
        return None

    def acknowledge(self, call: str, sdp: str | None, now: float) -> None:
        """Send the ACK that carries our answer to the offer in a 2xx (after
        ``CallAnswered``/``ReinviteAnswered`` with ``offer=True``).

        ``None`` acknowledges without an answer — only to end the call next
        (§13.2.2.4 wants an answer even then; the BYE follows at once).
        """
        self._now = now
        c = self._live(call)
        if c.ack_pending is None:
            raise LocalProtocolError("no 2xx is waiting for our answer")
        dialog, resp = c.ack_pending
        c.ack_pending = None
        self._send_ack(c, dialog, resp, resp.cseq.seq, sdp)
        if sdp is not None:
            c.local_sdp = sdp

    def answer_reinvite(self, call: str, sdp: str, now: float) -> None:
        self._now = now
        c = self._established(call, "answer a re-INVITE")
        tx = c.reinvite_in
        if tx is None or not c.reinvite_in_user:
            raise LocalProtocolError("no re-INVITE is waiting for an answer")
        self._answer_reinvite(c, tx, sdp, now)
        c.local_sdp = sdp

    def reject_reinvite(self, call: str, code: int = 488, now: float | None = None) -> None:
        now = self._now if now is None else now
        self._now = now
        c = self._established(call, "reject a re-INVITE")
        tx = c.reinvite_in
        if tx is None or not c.reinvite_in_user:
            raise LocalProtocolError("no re-INVITE is waiting for an answer")
        if not 300 <= code <= 699:
            raise LocalProtocolError(f"a rejection needs a 3xx-6xx code, not {code}")
        assert c.dialog is not None
        tx.respond(self._dialog_response(c, tx.request, code), now)
        c.reinvite_in = None
        c.uas_decision = None

    def send_info(self, call: str, content_type: str, body: str | bytes, now: float) -> None:
        """An in-dialog INFO (DTMF relay: ``application/dtmf-relay``)."""
        self._now = now
        c = self._established(call, "INFO")
        assert c.dialog is not None
        request = c.dialog.create_request("INFO")
        request.headers.add("Content-Type", content_type)
        request.body = body.encode("utf-8") if isinstance(body, str) else body
        dialog = c.dialog

        def on_response(tx: Transaction, response: Response, now: float) -> None:
            if response.status_code >= 300:
                self._emit(InfoFailed(c.handle, response.status_code, response.reason))
                if response.status_code == 481:
                    self._dialog_gone(c, response.status_code, response.reason)

        def on_failure(tx: Transaction, failure: Failure, now: float) -> None:
            self._emit(InfoFailed(c.handle, None, failure.value))

        self._send_client(
            request,
            now,
            on_response=on_response,
            on_failure=on_failure,
            renumber=dialog.next_cseq,
        )

    def send_dtmf(self, call: str, digit: str, now: float, *, duration_ms: int = 160) -> None:
        """One DTMF digit as SIP INFO ``application/dtmf-relay``."""
        if len(digit) != 1 or digit not in _DTMF_SIGNALS:
            raise LocalProtocolError(f"not a DTMF digit: {digit!r}")
        if not 40 <= duration_ms <= 10_000:
            raise LocalProtocolError(f"DTMF duration {duration_ms} ms is out of range")
        body = f"Signal={digit.upper()}\r\nDuration={duration_ms}\r\n"
        self.send_info(call, DTMF_RELAY, body, now)

    # ------------------------------------------------------ command checks

    def _live(self, call: str) -> Call:
        c = self._calls.get(call)
        if c is None or c.ended:
            raise LocalProtocolError(f"no such call: {call!r}")
        return c

    def _incoming(self, call: str, what: str) -> Call:
        c = self._live(call)
        if c.outgoing or c.state is not CallState.INCOMING:
            raise LocalProtocolError(f"cannot {what}: the call is {c.state.value}")
        return c

    def _established(self, call: str, what: str) -> Call:
        c = self._live(call)
        if c.state not in (CallState.ESTABLISHED, CallState.ANSWERING) or c.dialog is None:
            raise LocalProtocolError(f"cannot {what}: the call is {c.state.value}")
        if c.state is CallState.ANSWERING and what == "re-INVITE":
            raise LocalProtocolError("cannot re-INVITE before our 2xx is acknowledged")
        return c

    # ------------------------------------------------------------ sending

    def _send(self, message: Message) -> None:
        if self._connected:
            self._out.append(message.to_bytes())

    def _emit(self, event: Event) -> None:
        self._events.append(event)

    def _emit_all(self, events: Sequence[Event]) -> None:
        self._events.extend(events)

    def _token(self, n: int) -> str:
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        return "".join(self._rng.choice(alphabet) for _ in range(n))

    def _via(self) -> str:
        via = Via(
            transport=self._via_transport,
            host=self.contact_host,
            params=(("branch", new_branch(self._rng)),),
        )
        return str(via)

    def _send_client(
        self,
        request: Request,
        now: float,
        *,
        on_response: ResponseCallback,
        on_failure: FailureCallback,
        renumber: Callable[[], int],
        on_retry: Callable[[Request, Transaction], None] | None = None,
        authorize: bool = True,
    ) -> Transaction:
        """Send a request in a new client transaction; 401/407 are answered here.

        A challenge is answered once per request with new credentials and a
        new CSeq (``renumber``); a second challenge for the same fresh nonce
        (wrong password) reaches ``on_response`` as the final answer.
        """
        request.headers.remove("Via")
        request.headers.prepend("Via", self._via())
        if request.headers.get("User-Agent") is None:
            request.headers.add("User-Agent", self.config.user_agent)
        if authorize:
            self._auth.authorize(request)

        def handle(tx: Transaction, response: Response, now: float) -> None:
            if response.status_code in (401, 407) and authorize:
                result = self._auth.handle_challenge(tx.request, response)
                if result is AuthResult.RETRY and self._connected:
                    retry = _renumbered(tx.request, renumber())
                    new_tx = self._send_client(
                        retry,
                        now,
                        on_response=on_response,
                        on_failure=on_failure,
                        renumber=renumber,
                        on_retry=on_retry,
                    )
                    if on_retry is not None:
                        on_retry(retry, new_tx)
                    return
            on_response(tx, response, now)

        return self._tx.send_request(request, now, on_response=handle, on_failure=on_failure)

    def _add_invite_headers(
        self, request: Request, call: Call, sdp: str | None, *, session: SessionTimer | None
    ) -> None:
        request.headers.set("Contact", str(self.contact))
        request.headers.set("Allow", ", ".join(ALLOW))
        st = self.config.session_timer
        request.headers.set("Supported", "timer" if st.enabled else "")
        if not st.enabled:
            request.headers.remove("Supported")
        request.headers.remove("Session-Expires")
        request.headers.remove("Min-SE")
        for name, value in request_headers(st, session, interval=call.session_interval):
            request.headers.add(name, value)
        if sdp is not None:
            request.headers.set("Content-Type", SDP)
            request.body = sdp.encode("utf-8")

    def _dialog_response(
        self,
        call: Call,
        request: Request,
        code: int,
        *,
        sdp: str | None = None,
        reason: str | None = None,
    ) -> Response:
        """A response in the call's dialog: our tag, Contact and Record-Route on 1xx/2xx."""
        response = make_response(request, code, reason, to_tag=call.local_tag)
        if 100 < code < 300:
            for value in request.headers.get_lines("Record-Route"):
                response.headers.add("Record-Route", value)
            response.headers.add("Contact", str(self.contact))
        if 200 <= code < 300 and request.method == "INVITE":
            response.headers.add("Allow", ", ".join(ALLOW))
            if self.config.session_timer.enabled:
                response.headers.add("Supported", "timer")
        if sdp is not None:
            response.headers.add("Content-Type", SDP)
            response.body = sdp.encode("utf-8")
        return response

    def _target_uri(self, target: str | Uri) -> Uri:
        if not isinstance(target, str):
            return target
        text = target.strip()
        if not text:
            raise LocalProtocolError("empty call target")
        if text.startswith("<") and text.endswith(">"):
            text = text[1:-1]
        if ":" not in text:
            text = f"sip:{text}@{self.config.domain}" if "@" not in text else f"sip:{text}"
        try:
            return parse_uri(text)
        except SipParseError as exc:
            raise LocalProtocolError(f"bad call target {target!r}: {exc}") from exc

    # -------------------------------------------------------- UAC: INVITE

    def _send_initial_invite(self, call: Call, request: Request, now: float) -> None:
        def on_retry(retry: Request, tx: Transaction) -> None:
            call.invite = retry
            call.invite_tx = tx

        def renumber() -> int:
            return call.invite.cseq.seq + 1

        call.invite = request
        call.invite_tx = self._send_client(
            request,
            now,
            on_response=lambda tx, r, t: self._on_invite_response(call, tx, r, t),
            on_failure=lambda tx, f, t: self._on_invite_failure(call, tx, f, t),
            renumber=renumber,
            on_retry=on_retry,
        )

    def _on_invite_response(self, call: Call, tx: Transaction, resp: Response, now: float) -> None:
        code = resp.status_code
        if code < 200:
            call.provisional_seen = True
            if call.cancel_pending:
                call.cancel_pending = False
                self._send_cancel(call, now)
            if call.ended or code == 100:
                return
            tag = resp.to.tag
            if tag and tag not in call.early:
                dialog = Dialog.as_uac(call.invite, resp)
                call.early[tag] = dialog
                self._dialogs[dialog.id] = call
            self._emit(CallProgress(call.handle, code, resp.reason, _sdp_of(resp)))
            return
        if code < 300:
            self._on_invite_2xx(call, resp, now)
            return
        if tx is call.invite_tx:
            call.invite_tx = None
        if call.ended:
            return
        if code == 422:
            interval = retry_interval_after_422(resp, call.session_interval)
            if interval is not None:
                call.session_interval = interval
                retry = _renumbered(call.invite, call.invite.cseq.seq + 1)
                self._add_invite_headers(retry, call, call.local_sdp, session=None)
                self._send_initial_invite(call, retry, now)
                return
        cause = EndCause.TIMEOUT if code == 408 else EndCause.REJECTED
        self._end(call, cause, Party.REMOTE, code=code, reason=resp.reason)

    def _on_invite_2xx(self, call: Call, resp: Response, now: float) -> None:
        tag = resp.to.tag or ""
        seq = resp.cseq.seq
        known = call.acks.get((tag, seq))
        if known is not None:
            self._send(known)  # a retransmitted 2xx: the same ACK again
            return
        if _awaiting_answer(call, resp):
            return  # a retransmitted 2xx while the phone prepares its answer
        dialog = Dialog.as_uac(call.invite, resp)
        dialog.local_seq = max(dialog.local_seq, call.invite.cseq.seq)
        if call.dialog is not None or call.ended:
            # A second 2xx (forked INVITE) or an answer after we gave up:
            # acknowledge it and end that dialog at once (§13.2.2.4).
            self._send_ack(call, dialog, resp, seq)
            self._send_bye_in(dialog, now)
            return
        old = call.early.pop(tag, None)
        for early in call.early.values():
            self._dialogs.pop(early.id, None)
        call.early.clear()
        if old is not None:
            self._dialogs.pop(old.id, None)
        call.dialog = dialog
        self._dialogs[dialog.id] = call
        call.state = CallState.ESTABLISHED
        call.remote_sdp = _sdp_of(resp)
        delayed = call.local_sdp is None and call.remote_sdp is not None
        if delayed:
            call.ack_pending = (dialog, resp)
        else:
            self._send_ack(call, dialog, resp, seq)
        call.session = negotiated_as_uac(resp, self.config.session_timer)
        self._arm_session(call, now)
        self._emit(CallAnswered(call.handle, call.remote_sdp, offer=delayed))

    def _on_invite_failure(self, call: Call, tx: Transaction, failure: Failure, now: float) -> None:
        if tx is call.invite_tx:
            call.invite_tx = None
        if call.ended:
            return
        if failure is Failure.TRANSPORT:
            self._end(call, EndCause.CONNECTION_LOST, Party.LOCAL)
        else:
            self._end(call, EndCause.TIMEOUT, Party.REMOTE, code=408, reason="Request Timeout")

    def _send_ack(
        self, call: Call, dialog: Dialog, resp: Response, seq: int, sdp: str | None = None
    ) -> None:
        ack = dialog.create_request("ACK", cseq=seq)
        if sdp is not None:
            ack.headers.set("Content-Type", SDP)
            ack.body = sdp.encode("utf-8")
        ack.headers.prepend("Via", self._via())
        source = call.invite if seq == call.invite.cseq.seq else None
        if source is not None:
            for name in ("Authorization", "Proxy-Authorization"):
                for value in source.headers.get_lines(name):
                    ack.headers.add(name, value)
        ack.headers.add("User-Agent", self.config.user_agent)
        call.acks[(resp.to.tag or "", seq)] = ack
        self._send(ack)

    def _send_cancel(self, call: Call, now: float) -> None:
        invite = call.invite
        if call.invite_tx is None or call.invite_tx.terminated:
            return
        headers = Headers()
        headers.add("Via", invite.headers.get_lines("Via")[0])
        for value in invite.headers.get_lines("Route"):
            headers.add("Route", value)
        headers.add("Max-Forwards", "70")
        headers.add("From", invite.headers.get("From") or "")
        headers.add("To", invite.headers.get("To") or "")
        headers.add("Call-ID", invite.call_id)
        headers.add("CSeq", str(CSeq(invite.cseq.seq, "CANCEL")))
        headers.add("User-Agent", self.config.user_agent)
        cancel = Request(method="CANCEL", uri=invite.uri, headers=headers)
        self._tx.send_request(
            cancel, now, on_response=lambda tx, r, t: None, on_failure=lambda tx, f, t: None
        )

    # ------------------------------------------------------- BYE, end, prune

    def _send_bye(self, call: Call, now: float) -> None:
        if call.dialog is not None:
            self._send_bye_in(call.dialog, now)
            self._dialogs.pop(call.dialog.id, None)
        call.deadlines.clear()

    def _send_bye_in(self, dialog: Dialog, now: float) -> None:
        if not self._connected:
            return
        self._send_client(
            dialog.create_request("BYE"),
            now,
            on_response=lambda tx, r, t: None,
            on_failure=lambda tx, f, t: None,
            renumber=dialog.next_cseq,
        )

    def _end(
        self,
        call: Call,
        cause: EndCause,
        by: Party,
        *,
        code: int | None = None,
        reason: str = "",
    ) -> None:
        if call.ended:
            return
        call.state = CallState.ENDED
        for name in ("2xx", "refresh", "expire", "glare"):
            call.deadlines.stop(name)
        self._emit(CallEnded(call.handle, cause, by, code, reason))

    def _dialog_gone(self, call: Call, code: int | None, reason: str) -> None:
        """481 to an in-dialog request: the peer forgot the call (§12.2.1.2)."""
        if call.dialog is not None:
            self._dialogs.pop(call.dialog.id, None)
        self._end(call, EndCause.ERROR, Party.REMOTE, code=code, reason=reason)
        call.deadlines.clear()

    def _prune(self) -> None:
        """Forget ended calls that have no protocol duty left."""
        for handle, call in list(self._calls.items()):
            if not call.ended or call.deadlines.earliest() is not None or call.bye_pending:
                continue
            if call.invite_tx is not None and not call.invite_tx.terminated:
                continue
            del self._calls[handle]
            for key in [k for k, v in self._dialogs.items() if v is call]:
                del self._dialogs[key]
            self._by_invite = {k: v for k, v in self._by_invite.items() if v is not call}

    # -------------------------------------------------- UAS 2xx retransmission

    def _start_2xx(
        self, call: Call, response: Response, now: float, *, initial: bool = False
    ) -> None:
        """§13.3.1.4: the TU retransmits its 2xx until the ACK, on every transport."""
        call.pending_2xx = response
        call.pending_2xx_initial = initial
        call.pending_2xx_interval = self.timers.t1
        call.deadlines.start("2xx", now + self.timers.t1)
        call.deadlines.start("no-ack", now + 64 * self.timers.t1)

    def _call_timer(self, call: Call, name: str, now: float) -> None:
        if name == "2xx" and call.pending_2xx is not None:
            self._send(call.pending_2xx)
            call.pending_2xx_interval = min(call.pending_2xx_interval * 2, self.timers.t2)
            call.deadlines.start("2xx", now + call.pending_2xx_interval)
        elif name == "no-ack":
            call.pending_2xx = None
            call.deadlines.stop("2xx")
            if call.bye_pending:
                call.bye_pending = False
                self._send_bye(call, now)
            elif not call.ended:
                self._end(call, EndCause.NO_ACK, Party.REMOTE, reason="no ACK for our 2xx")
                self._send_bye(call, now)
        elif name == "cancel-guard":
            # §9.1: no final response 64*T1 after the CANCEL: give up on it.
            if call.invite_tx is not None:
                call.invite_tx.terminate()
            call.invite_tx = None
        elif name == "glare":
            self._glare_retry(call, now)
        elif name == "refresh":
            self._session_refresh_due(call, now)
        elif name == "expire" and not call.ended:
            self._end(call, EndCause.SESSION_EXPIRED, Party.LOCAL, reason="session expired")
            self._send_bye(call, now)

    # ------------------------------------------------------- responses in

    def _on_response(self, response: Response, now: float) -> None:
        drop = check_response(response)
        if drop is not None:
            self._emit(ProtocolErrorEvent(f"response dropped: {drop}"))
            return
        if self._tx.receive_response(response, now):
            return
        # No transaction: a 2xx retransmitted after the INVITE transaction
        # ended still needs its ACK (§13.2.2.4).
        if response.cseq.method == "INVITE" and 200 <= response.status_code < 300:
            key = (response.call_id, response.from_.tag or "", response.to.tag or "")
            call = self._dialogs.get(key)
            if call is not None:
                ack = call.acks.get((response.to.tag or "", response.cseq.seq))
                if ack is not None:
                    self._send(ack)

    # -------------------------------------------------------- requests in

    def _refuse(
        self,
        message: Message,
        code: int,
        reason: str,
        description: str,
        *,
        internal: bool = False,
        headers: Sequence[tuple[str, str]] = (),
    ) -> None:
        answered: int | None = None
        if isinstance(message, Request) and message.method != "ACK":
            response = make_response(message, code, reason, to_tag=self._token(10))
            for name, value in headers:
                response.headers.add(name, value)
            tx = self._tx.match_request(message)
            if tx is None:
                tx = self._tx.new_server(message, self._now)
            try:
                tx.respond(response, self._now)
            except LocalProtocolError:
                self._send(response)
            answered = code
        self._emit(ProtocolErrorEvent(description, answered, internal))

    def _respond(
        self,
        request: Request,
        code: int,
        now: float,
        *,
        reason: str | None = None,
        headers: Sequence[tuple[str, str]] = (),
        tx: Transaction | None = None,
    ) -> Response:
        response = make_response(request, code, reason, to_tag=self._token(10))
        for name, value in headers:
            response.headers.add(name, value)
        server = tx or self._tx.new_server(request, now)
        server.respond(response, now)
        return response

    def _on_request(self, request: Request, now: float) -> None:
        existing = self._tx.match_request(request)
        if existing is not None:
            existing.receive_request(request, now)  # a retransmission, or a non-2xx ACK
            return
        rejection = check_request(
            request, methods=ALLOW, supported=("timer", "path", "outbound"), accept=ACCEPT
        )
        if rejection is not None:
            self._respond(
                request,
                rejection.status_code,
                now,
                reason=rejection.reason,
                headers=rejection.headers,
            )
            self._emit(
                ProtocolErrorEvent(
                    f"{request.method} refused: {rejection.reason}", rejection.status_code
                )
            )
            return
        method = request.method
        if method == "ACK":
            self._on_ack(request, now)
            return
        if method == "CANCEL":
            self._on_cancel(request, now)
            return
        if request.to.tag is not None:
            self._on_in_dialog(request, now)
            return
        if self._tx.is_merged(request):
            self._respond(request, 482, now, reason="Loop Detected")
            self._emit(ProtocolErrorEvent("merged request (loop)", 482))
            return
        if method == "INVITE":
            self._on_new_invite(request, now)
        elif method == "OPTIONS":
            self._answer_options(request, now)
        else:
            # BYE/INFO for a dialog that does not exist (§12.2.2).
            self._respond(request, 481, now)

    def _answer_options(self, request: Request, now: float) -> None:
        self._respond(
            request,
            200,
            now,
            headers=(
                ("Allow", ", ".join(ALLOW)),
                ("Accept", ", ".join(ACCEPT)),
                ("Supported", "timer, path, outbound"),
                ("Accept-Language", "en"),
            ),
        )

    def _on_new_invite(self, request: Request, now: float) -> None:
        decision = negotiate_as_uas(request, self.config.session_timer)
        if decision.too_small is not None:
            self._respond(request, 422, now, headers=(("Min-SE", str(decision.too_small)),))
            return
        tx = self._tx.new_server(request, now)
        tx.respond(make_response(request, 100), now)
        self._next_call += 1
        handle = f"call-{self._next_call}"
        call = Call(
            handle=handle,
            outgoing=False,
            state=CallState.INCOMING,
            call_id=request.call_id,
            local_tag=self._token(10),
            invite=request,
            invite_tx=tx,
            remote_sdp=_sdp_of(request),
            uas_decision=decision,
            session_interval=self.config.session_timer.session_expires,
        )
        call.dialog = Dialog.as_uas(request, call.local_tag)
        tx.on_failure = lambda _tx, _f, t: self._on_uas_invite_failure(call, t)
        self._calls[handle] = call
        self._dialogs[call.dialog.id] = call
        self._by_invite[id(tx)] = call
        self._emit(
            IncomingCall(
                call=handle,
                caller=request.from_,
                callee=request.to,
                sdp=call.remote_sdp,
                call_id=request.call_id,
                auto_answer_after=_auto_answer_hint(request),
                headers=tuple(request.headers),
            )
        )

    def _on_uas_invite_failure(self, call: Call, now: float) -> None:
        if call.state is CallState.INCOMING:
            self._end(call, EndCause.CONNECTION_LOST, Party.REMOTE)

    def _on_cancel(self, request: Request, now: float) -> None:
        invite_tx = self._tx.invite_for_cancel(request)
        if invite_tx is None:
            self._respond(request, 481, now)
            return
        self._respond(request, 200, now)
        call = self._by_invite.get(id(invite_tx))
        if invite_tx.state is TxState.PROCEEDING:
            if call is not None:
                invite_tx.respond(self._dialog_response(call, call.invite, 487), now)
                self._end(call, EndCause.CANCELLED, Party.REMOTE, code=487)
            else:
                orphan = make_response(invite_tx.request, 487, to_tag=self._token(10))
                invite_tx.respond(orphan, now)

    def _on_ack(self, ack: Request, now: float) -> None:
        call = self._dialogs.get(_dialog_key(ack))
        if call is None or call.dialog is None:
            return  # a stray ACK has no response: drop it
        if call.pending_2xx is None or call.pending_2xx.cseq.seq != ack.cseq.seq:
            return  # a retransmitted ACK
        initial = call.pending_2xx_initial
        call.pending_2xx = None
        call.deadlines.stop("2xx")
        call.deadlines.stop("no-ack")
        sdp = _sdp_of(ack)
        if initial:
            call.dialog.confirmed = True
            if call.bye_pending:
                call.bye_pending = False
                self._send_bye(call, now)
                return
            if call.ended:
                return
            call.state = CallState.ESTABLISHED
            if sdp is not None:
                call.remote_sdp = sdp
            self._emit(CallConfirmed(call.handle, sdp))
        elif not call.ended:
            if sdp is not None:
                call.remote_sdp = sdp
            if call.reinvite_in_user:
                self._emit(ReinviteConfirmed(call.handle, sdp))
            call.reinvite_in_user = False
            self._maybe_send_queued(call, now)

    def _on_in_dialog(self, request: Request, now: float) -> None:
        call = self._dialogs.get(_dialog_key(request))
        if call is None or call.dialog is None:
            self._respond(request, 481, now)
            return
        dialog = call.dialog
        if dialog.id != _dialog_key(request):
            # a request on a UAC early dialog (e.g. BYE before the 2xx): not ours to serve
            self._respond(request, 481, now)
            return
        if not dialog.accept_remote_cseq(request):
            self._respond(request, 500, now, reason="CSeq Out of Order")
            self._emit(ProtocolErrorEvent("in-dialog request with a lower CSeq", 500))
            return
        method = request.method
        if method == "BYE":
            self._on_bye(call, request, now)
        elif method == "INVITE":
            self._on_reinvite(call, request, now)
        elif method == "INFO":
            self._respond(request, 200, now)
            ctype = request.content_type
            if request.body and not call.ended:
                self._emit(
                    InfoReceived(
                        call.handle,
                        ctype.mime if ctype is not None else "",
                        request.body.decode("utf-8", errors="replace"),
                    )
                )
        elif method == "OPTIONS":
            self._answer_options(request, now)
        else:
            self._respond(request, 405, now, headers=(("Allow", ", ".join(ALLOW)),))

    def _on_bye(self, call: Call, request: Request, now: float) -> None:
        self._respond(request, 200, now)
        if call.invite_tx is not None and call.invite_tx.state is TxState.PROCEEDING:
            # BYE before we answered: the INVITE is over too.
            call.invite_tx.respond(self._dialog_response(call, call.invite, 487), now)
        call.pending_2xx = None
        call.bye_pending = False
        call.deadlines.clear()
        if call.dialog is not None:
            self._dialogs.pop(call.dialog.id, None)
        self._end(call, EndCause.HANGUP, Party.REMOTE)

    # ----------------------------------------------------------- re-INVITE

    def _send_reinvite(self, call: Call, sdp: str | None, now: float, *, refresh: bool) -> None:
        dialog = call.dialog
        assert dialog is not None
        request = dialog.create_request("INVITE")
        self._add_invite_headers(request, call, sdp, session=call.session)
        call.reinvite_out_refresh = refresh
        call.reinvite_offer = sdp
        call.reinvite_out = self._send_client(
            request,
            now,
            on_response=lambda tx, r, t: self._on_reinvite_response(call, tx, r, t),
            on_failure=lambda tx, f, t: self._on_reinvite_failure(call, tx, f, t),
            renumber=dialog.next_cseq,
            on_retry=lambda req, tx: setattr(call, "reinvite_out", tx),
        )

    def _on_reinvite_response(
        self, call: Call, tx: Transaction, resp: Response, now: float
    ) -> None:
        code = resp.status_code
        if code < 200:
            return
        dialog = call.dialog
        if code < 300:
            if dialog is None:
                return
            known = call.acks.get((resp.to.tag or "", resp.cseq.seq))
            if known is not None:
                self._send(known)
                return
            if _awaiting_answer(call, resp):
                return
            sdp = _sdp_of(resp)
            delayed = (
                call.reinvite_offer is None
                and sdp is not None
                and tx is call.reinvite_out
                and not call.ended
            )
            if delayed:
                call.ack_pending = (dialog, resp)
            else:
                self._send_ack(call, dialog, resp, resp.cseq.seq)
            if tx is not call.reinvite_out or call.ended:
                return
            call.reinvite_out = None
            dialog.refresh_target(resp)
            call.local_sdp = call.reinvite_offer if call.reinvite_offer else call.local_sdp
            if sdp is not None:
                call.remote_sdp = sdp
            call.session = negotiated_as_uac(resp, self.config.session_timer)
            self._arm_session(call, now)
            if call.reinvite_out_refresh:
                if call.session is not None:
                    self._emit(SessionRefreshed(call.handle, call.session.interval, Party.LOCAL))
            else:
                self._emit(ReinviteAnswered(call.handle, sdp, offer=delayed))
            self._maybe_send_queued(call, now)
            return
        if tx is not call.reinvite_out or call.ended:
            return
        call.reinvite_out = None
        refresh = call.reinvite_out_refresh
        if code == 491:
            # §14.1 glare: retry after a random wait, longer for the Call-ID owner.
            owner = dialog is not None and dialog.we_are_uac
            delay = self._rng.uniform(2.1, 4.0) if owner else self._rng.uniform(0.0, 2.0)
            call.glare_offer = call.reinvite_offer or ""
            call.glare_refresh = refresh
            call.deadlines.start("glare", now + delay)
            return
        if code == 422:
            interval = retry_interval_after_422(resp, call.session_interval)
            if interval is not None:
                call.session_interval = interval
                self._send_reinvite(call, call.reinvite_offer, now, refresh=refresh)
                return
        if code in (408, 481):
            # §14.1: the dialog is gone (481) or unreachable (408): end the call.
            if not refresh:
                self._emit(ReinviteFailed(call.handle, code, resp.reason))
            cause = EndCause.TIMEOUT if code == 408 else EndCause.ERROR
            self._end(call, cause, Party.REMOTE, code=code, reason=resp.reason)
            if code == 408:
                self._send_bye(call, now)
            elif dialog is not None:
                self._dialogs.pop(dialog.id, None)
            return
        if not refresh:
            self._emit(ReinviteFailed(call.handle, code, resp.reason))
        self._maybe_send_queued(call, now)

    def _on_reinvite_failure(
        self, call: Call, tx: Transaction, failure: Failure, now: float
    ) -> None:
        if tx is not call.reinvite_out or call.ended:
            return
        call.reinvite_out = None
        if not call.reinvite_out_refresh:
            self._emit(ReinviteFailed(call.handle, None, failure.value))
        if failure is Failure.TIMEOUT:
            self._end(call, EndCause.TIMEOUT, Party.REMOTE, code=408, reason="re-INVITE timed out")
            self._send_bye(call, now)

    def _glare_retry(self, call: Call, now: float) -> None:
        offer, refresh = call.glare_offer, call.glare_refresh
        call.glare_offer = None
        if call.ended or offer is None:
            return
        if call.reinvite_in is not None or call.reinvite_out is not None:
            call.glare_offer = offer
            call.deadlines.start("glare", now + self._rng.uniform(0.0, 2.0))
            return
        self._send_reinvite(call, offer or call.local_sdp, now, refresh=refresh)

    def _maybe_send_queued(self, call: Call, now: float) -> None:
        offer = call.queued_offer
        if offer is None or call.ended or call.reinvite_out is not None:
            return
        if call.reinvite_in is not None:
            return
        call.queued_offer = None
        self._send_reinvite(call, offer, now, refresh=False)

    def _on_reinvite(self, call: Call, request: Request, now: float) -> None:
        if call.ended:
            self._respond(request, 481, now)
            return
        if (
            call.reinvite_out is not None
            and not call.reinvite_out.terminated
            and (call.reinvite_out.state in (TxState.CALLING, TxState.PROCEEDING))
        ):
            self._respond(request, 491, now)  # glare (§14.2)
            return
        if call.reinvite_in is not None or call.state is not CallState.ESTABLISHED:
            retry = str(self._rng.randint(0, 10))
            self._respond(request, 500, now, headers=(("Retry-After", retry),))
            return
        decision = negotiate_as_uas(request, self.config.session_timer)
        if decision.too_small is not None:
            self._respond(request, 422, now, headers=(("Min-SE", str(decision.too_small)),))
            return
        tx = self._tx.new_server(request, now)
        tx.respond(make_response(request, 100), now)
        assert call.dialog is not None
        call.dialog.refresh_target(request)
        call.reinvite_in = tx
        call.uas_decision = decision
        offer = _sdp_of(request)
        if _same_session_version(offer, call.remote_sdp) and call.local_sdp is not None:
            # A session refresh (RFC 4028) or a no-change re-INVITE: answer it
            # ourselves with the session as it is.
            call.reinvite_in_user = False
            self._answer_reinvite(call, tx, call.local_sdp, now)
            if call.session is not None:
                by = Party.LOCAL if call.session.we_refresh else Party.REMOTE
                self._emit(SessionRefreshed(call.handle, call.session.interval, by))
            return
        call.reinvite_in_user = True
        self._emit(ReinviteReceived(call.handle, offer))

    def _answer_reinvite(self, call: Call, tx: Transaction, sdp: str, now: float) -> None:
        response = self._dialog_response(call, tx.request, 200, sdp=sdp)
        decision = call.uas_decision
        if decision is not None:
            for name, value in decision.headers:
                response.headers.add(name, value)
            call.session = decision.timer
        offer = _sdp_of(tx.request)
        if offer is not None:
            call.remote_sdp = offer
        tx.respond(response, now)
        call.reinvite_in = None
        call.uas_decision = None
        self._start_2xx(call, response, now)
        self._arm_session(call, now)

    # --------------------------------------------------------- session timer

    def _arm_session(self, call: Call, now: float) -> None:
        call.deadlines.stop("refresh")
        call.deadlines.stop("expire")
        st = call.session
        if st is None or call.ended:
            return
        if st.we_refresh:
            call.deadlines.start("refresh", now + st.refresh_after)
        call.deadlines.start("expire", now + st.expire_after)

    def _session_refresh_due(self, call: Call, now: float) -> None:
        if call.ended or call.dialog is None:
            return
        if call.reinvite_out is not None or call.glare_offer is not None:
            return  # its 2xx will re-arm the timers
        if call.reinvite_in is not None or call.pending_2xx is not None:
            call.deadlines.start("refresh", now + 2 * self.timers.t1)
            return
        self._send_reinvite(call, call.local_sdp, now, refresh=True)


# ---------------------------------------------------------------- helpers


def _renumbered(request: Request, seq: int) -> Request:
    headers = request.headers.copy()
    headers.remove("Via")
    headers.set("CSeq", str(CSeq(seq, request.method)))
    return Request(method=request.method, uri=request.uri, headers=headers, body=request.body)


def _dialog_key(request: Request) -> DialogId:
    """(Call-ID, our tag, their tag) of an incoming request."""
    return (request.call_id, request.to.tag or "", request.from_.tag or "")


def _awaiting_answer(call: Call, resp: Response) -> bool:
    """Is ``resp`` (a retransmission of) the 2xx whose ACK waits for our answer?"""
    if call.ack_pending is None:
        return False
    pending = call.ack_pending[1]
    return pending.cseq.seq == resp.cseq.seq and pending.to.tag == resp.to.tag


def _sdp_of(message: Message) -> str | None:
    if not message.body:
        return None
    ctype = message.content_type
    if ctype is not None and ctype.mime != SDP:
        return None
    return message.body.decode("utf-8", errors="replace")


def _origin(sdp: str | None) -> str | None:
    if sdp is None:
        return None
    for line in sdp.splitlines():
        if line.startswith("o="):
            return line.strip()
    return None


def _same_session_version(offer: str | None, previous: str | None) -> bool:
    """RFC 3264 §8: an offer whose o= line (with its version) is unchanged
    changes nothing. No offer at all is not that: the answer in the ACK may
    be a new party altogether (third-party call control, RFC 3725), so the
    phone makes the offer and applies the answer."""
    if offer is None:
        return False
    origin = _origin(offer)
    return origin is not None and origin == _origin(previous)


def _auto_answer_hint(request: Request) -> float | None:
    """Auto-answer hints a PBX puts on the INVITE (Call-Info answer-after,
    Alert-Info auto-answer, RFC 5373 Answer-Mode: Auto)."""
    for value in request.headers.get_all("Call-Info"):
        addr_params = value.partition(">")[2]
        for item in addr_params.split(";"):
            name, _, param = item.partition("=")
            if name.strip().lower() == "answer-after":
                text = param.strip().strip('"')
                try:
                    return max(0.0, float(text))
                except ValueError:
                    return 0.0
    for value in request.headers.get_all("Alert-Info"):
        lowered = value.lower()
        if "auto-answer" in lowered or "autoanswer" in lowered:
            for item in lowered.split(";"):
                name, _, param = item.partition("=")
                if name.strip() == "delay" and param.strip().isdigit():
                    return float(param.strip())
            return 0.0
    answer_mode = request.headers.get("Answer-Mode")
    if answer_mode is not None and answer_mode.strip().lower().startswith("auto"):
        return 0.0
    return None


def _uuid_urn(rng: random.Random) -> str:
    bits = rng.getrandbits(128)
    bits = (bits & ~(0xF000 << 64)) | (0x4000 << 64)  # version 4
    bits = (bits & ~(0xC000 << 48)) | (0x8000 << 48)  # RFC 4122 variant
    h = f"{bits:032x}"
    return f"urn:uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


__all__ = [
    "ACCEPT",
    "ALLOW",
    "UAConfig",
    "UserAgent",
]
