"""What every part of the user agent shares: identity, the wire, the event
queue, the transaction layer, and sending requests with the digest retry.

The call, re-INVITE and registration logic each hold a reference to one
``Plumbing``; none of them touches the outgoing bytes or the event queue in
any other way, so "what went out" and "what the phone heard" have one owner.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Sequence

from softphone.sip.auth import AuthResult, ClientAuth, DigestCredentials
from softphone.sip.builders import dialog_response, renumbered, sdp_of, uuid_urn
from softphone.sip.config import UAConfig
from softphone.sip.errors import LocalProtocolError, SipParseError
from softphone.sip.events import Event, ProtocolErrorEvent
from softphone.sip.headers import Via
from softphone.sip.message import Message, Request, Response
from softphone.sip.timers import TimerValues
from softphone.sip.transaction import (
    Failure,
    Transaction,
    TransactionLayer,
    make_response,
    new_branch,
)
from softphone.sip.uri import NameAddr, SipUri, parse_uri

ResponseCallback = Callable[[Transaction, Response, float], None]
FailureCallback = Callable[[Transaction, Failure, float], None]
TRANSPORTS = ("WS", "WSS", "TCP", "TLS", "UDP")
_TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def _ignore_response(_tx: Transaction, _response: Response, _now: float) -> None:
    return None


def _ignore_failure(_tx: Transaction, _failure: Failure, _now: float) -> None:
    return None


class Plumbing:
    def __init__(self, config: UAConfig, *, now: float, rng: random.Random) -> None:
        self.config = config
        self.rng = rng
        self.now = now
        self.connected = True
        self._out: list[bytes] = []
        self._events: deque[Event] = deque()
        self.timers = TimerValues(config.t1, config.t2, config.t4, config.reliable)
        self.tx = TransactionLayer(self.timers, self.send)
        self.auth = ClientAuth(
            DigestCredentials(config.auth_username or config.user, config.password, config.realm),
            cnonce_factory=lambda: f"{self.rng.getrandbits(64):016x}",
        )
        self.contact_host = config.contact_host or f"{self.token(12)}.invalid"
        self.instance_id = config.instance_id or uuid_urn(self.rng)
        transport = config.transport.upper()
        if transport not in TRANSPORTS:
            raise LocalProtocolError(f"unknown transport {config.transport!r}")
        self.via_transport = transport
        try:
            self.aor = NameAddr(
                uri=SipUri(host=config.domain, user=config.user), display_name=config.display_name
            )
            registrar = parse_uri(config.registrar or f"sip:{config.domain}")
        except SipParseError as exc:
            raise LocalProtocolError(f"bad identity in the configuration: {exc}") from exc
        if not isinstance(registrar, SipUri):
            raise LocalProtocolError("the registrar must be a sip: or sips: URI")
        self.registrar = registrar
        self.contact_uri = SipUri(
            host=self.contact_host, user=config.user, params=(("transport", transport.lower()),)
        )
        self.contact = NameAddr(uri=self.contact_uri)

    # -------------------------------------------------------- out and events

    def send(self, message: Message) -> None:
        """Queue a message for the wire; discarded while the connection is down."""
        if self.connected:
            self._out.append(message.to_bytes())

    def data_to_send(self) -> list[bytes]:
        out, self._out = self._out, []
        return out

    def emit(self, event: Event) -> None:
        self._events.append(event)

    def emit_all(self, events: Sequence[Event]) -> None:
        self._events.extend(events)

    def next_event(self) -> Event | None:
        return self._events.popleft() if self._events else None

    def token(self, n: int) -> str:
        return "".join(self.rng.choice(_TOKEN_ALPHABET) for _ in range(n))

    def via(self) -> str:
        via = Via(
            transport=self.via_transport,
            host=self.contact_host,
            params=(("branch", new_branch(self.rng)),),
        )
        return str(via)

    # ------------------------------------------------------------- requests

    def send_client(
        self,
        request: Request,
        now: float,
        *,
        on_response: ResponseCallback = _ignore_response,
        on_failure: FailureCallback = _ignore_failure,
        renumber: Callable[[], int],
        on_retry: Callable[[Request, Transaction], None] | None = None,
    ) -> Transaction:
        """Send a request in a new client transaction; 401/407 are answered here.

        A challenge is answered once per request with new credentials and a
        new CSeq (``renumber``); a second challenge for the same fresh nonce
        (wrong password) reaches ``on_response`` as the final answer.
        """
        request.headers.remove("Via")
        request.headers.prepend("Via", self.via())
        if request.headers.get("User-Agent") is None:
            request.headers.add("User-Agent", self.config.user_agent)
        self.auth.authorize(request)

        def handle(tx: Transaction, response: Response, now: float) -> None:
            if response.status_code in (401, 407):
                result = self.auth.handle_challenge(tx.request, response)
                if result is AuthResult.RETRY and self.connected:
                    retry = renumbered(tx.request, renumber())
                    new_tx = self.send_client(
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

        return self.tx.send_request(request, now, on_response=handle, on_failure=on_failure)

    def send_plain(self, request: Request, now: float) -> None:
        """A request whose answer does not matter and is never challenged (CANCEL)."""
        self.tx.send_request(request, now, on_response=_ignore_response, on_failure=_ignore_failure)

    def readable_sdp(self, message: Message) -> str | None:
        """The SDP of a response or ACK, which cannot be refused: an unreadable
        multipart body is reported and read as no SDP (the call logic then
        treats it as a missing answer), instead of leaving the exchange half done."""
        try:
            return sdp_of(message)
        except SipParseError as exc:
            self.emit(ProtocolErrorEvent(f"unreadable body ignored: {exc}"))
            return None

    # ------------------------------------------------------------ answering

    def dialog_response(
        self,
        request: Request,
        code: int,
        *,
        local_tag: str,
        sdp: str | None = None,
        reason: str | None = None,
    ) -> Response:
        """A response in a call's dialog (see ``builders.dialog_response``)."""
        return dialog_response(
            request,
            code,
            local_tag=local_tag,
            contact=self.contact,
            timer_enabled=self.config.session_timer.enabled,
            sdp=sdp,
            reason=reason,
        )

    def respond(
        self,
        request: Request,
        code: int,
        now: float,
        *,
        reason: str | None = None,
        headers: Sequence[tuple[str, str]] = (),
    ) -> Response:
        """Answer a request outside any call's dialog, in a new server transaction."""
        response = make_response(request, code, reason, to_tag=self.token(10))
        for name, value in headers:
            response.headers.add(name, value)
        self.tx.new_server(request, now).respond(response, now)
        return response

    def refuse(
        self, message: Message, code: int, reason: str, description: str, *, internal: bool = False
    ) -> None:
        """Answer what we could not handle (never an ACK) and report it."""
        answered: int | None = None
        if isinstance(message, Request) and message.method != "ACK":
            response = make_response(message, code, reason, to_tag=self.token(10))
            tx = self.tx.match_request(message)
            if tx is None:
                tx = self.tx.new_server(message, self.now)
            try:
                tx.respond(response, self.now)
            except LocalProtocolError:
                self.send(response)
            answered = code
        self.emit(ProtocolErrorEvent(description, answered, internal))
