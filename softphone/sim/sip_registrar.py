"""The simulator's SIP registrar: REGISTER with digest, bindings tied to a connection.

Mediatel's agents register their extension to the PBX over SIP/WebSocket
(JsSIP in the example client, ``register_expires: 300``); the simulator
plays that PBX so a demo needs no Kamailio. This module is the registrar's
logic only — requests in, responses out — so every rule is testable without
a socket; :mod:`softphone.sim.sip_telephony` feeds it the frames.

Rules (RFC 3261 §10.3, RFC 7616, RFC 5626 flows):

* Digest MD5 with ``qop=auth``. A request without usable credentials gets a
  401 challenge; credentials that do not verify, name another user than the
  AOR, or an unknown user get 403 (as Asterisk answers: the PBX behind
  Mediatel). A nonce that is not ours any more, or a replayed ``nc``, gets a
  fresh challenge with ``stale=true`` so a client retries on its own instead
  of reporting a wrong password.
* ``Expires`` per contact (``;expires=`` first, then the header, then the
  default), clamped to ``max_expires``; below ``min_expires`` → 423.
  ``Expires: 0`` removes a binding, ``Contact: *`` with ``Expires: 0`` all of
  the AOR's. No Contact at all is a query: 200 with the current bindings.
* A binding belongs to the connection (the WebSocket "flow") it came in on:
  :meth:`Registrar.drop_line` removes them when that socket closes, because
  nothing can reach the phone through a closed WebSocket.
* A REGISTER with the same Call-ID and an older CSeq than a binding's is out
  of order → 500 (§10.3 step 7).
"""

from __future__ import annotations

import secrets
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from softphone.sip.auth import parse_credentials, verify_authorization
from softphone.sip.errors import SipParseError
from softphone.sip.grammar import quote_string
from softphone.sip.message import Request, Response
from softphone.sip.transaction import make_response
from softphone.sip.ua import ACCEPT, ALLOW
from softphone.sip.uri import NameAddr, SipUri, Uri, parse_uri
from softphone.sip.validation import check_request

L = TypeVar("L", bound=Hashable)

#: What the registrar understands in Require (the UA sends ``Supported: path, outbound``).
SUPPORTED = ("path", "outbound")


@dataclass(frozen=True)
class Binding(Generic[L]):
    """One registered contact of a user, reachable through ``line``."""

    user: str
    contact: NameAddr
    line: L
    expires_at: float
    call_id: str
    cseq: int
    registered_at: float

    def remaining(self, now: float) -> int:
        return max(0, round(self.expires_at - now))


@dataclass
class _Nonce:
    issued: float
    last_nc: int = 0


@dataclass
class Registrar(Generic[L]):
    """Answers REGISTER and out-of-dialog OPTIONS; keeps the bindings.

    ``users`` maps SIP user -> password. ``now`` values are any monotonic
    clock (the event loop's time); the registrar has no timers of its own:
    an expired binding is simply skipped and dropped when next looked at.
    """

    users: Mapping[str, str] = field(repr=False)
    realm: str
    min_expires: int = 30
    max_expires: int = 3600
    default_expires: int = 3600
    nonce_ttl: float = 300.0
    user_agent: str = "softphone-sim"
    _bindings: dict[tuple[str, str], Binding[L]] = field(default_factory=dict, repr=False)
    _nonces: dict[str, _Nonce] = field(default_factory=dict, repr=False)

    # -- queries ------------------------------------------------------------

    def lookup(self, user: str, now: float) -> list[Binding[L]]:
        """The user's live bindings, the most recently registered first."""
        self._expire(now)
        found = [b for (u, _), b in self._bindings.items() if u == user]
        return sorted(found, key=lambda b: b.registered_at, reverse=True)

    def drop_line(self, line: L) -> list[str]:
        """Forget every binding made through ``line`` (its socket closed); returns the users."""
        gone = [key for key, b in self._bindings.items() if b.line == line]
        for key in gone:
            del self._bindings[key]
        return sorted({user for user, _ in gone})

    # -- requests -------------------------------------------------------------

    def handle(self, request: Request, line: L, now: float) -> Response:
        """The answer to a REGISTER or an out-of-dialog OPTIONS from ``line``.

        Never raises for what a peer sent: a message that slipped past the
        parser but trips a typed accessor here is answered 400.
        """
        try:
            rejection = check_request(request, supported=SUPPORTED, accept=ACCEPT)
            if rejection is not None:
                response = self._reply(request, rejection.status_code, rejection.reason)
                for name, value in rejection.headers:
                    response.headers.add(name, value)
                return response
            if request.method == "OPTIONS":
                return self._options(request)
            if request.method != "REGISTER":
                response = self._reply(request, 405)
                response.headers.add("Allow", ", ".join((*ALLOW, "REGISTER")))
                return response
            return self._register(request, line, now)
        except SipParseError as exc:
            return self._reply(request, 400, f"Bad Request ({exc.reason})"[:120])

    def _options(self, request: Request) -> Response:
        response = self._reply(request, 200)
        response.headers.add("Allow", ", ".join((*ALLOW, "REGISTER")))
        response.headers.add("Accept", ", ".join(ACCEPT))
        response.headers.add("Supported", ", ".join(SUPPORTED))
        return response

    def _register(self, request: Request, line: L, now: float) -> Response:
        aor = request.to.uri
        if not isinstance(aor, SipUri) or not aor.user:
            return self._reply(request, 404, "Not Found (the AOR names no user)")
        user = aor.user
        denied = self._authenticate(request, user, now)
        if denied is not None:
            return denied
        wildcard = [v for v in request.headers.get_all("Contact") if v.strip() == "*"]
        contacts = request.contact
        if wildcard:
            if contacts or len(wildcard) > 1 or request.expires != 0:
                return self._reply(request, 400, "Bad Request (Contact: * needs Expires: 0)")
            for key in [k for k in self._bindings if k[0] == user]:
                del self._bindings[key]
            return self._ok(request, user, now)
        self._expire(now)
        call_id, cseq = request.call_id, request.cseq.seq
        changes: list[tuple[NameAddr, int]] = []
        for contact in contacts:
            expires = self._expires_of(contact, request)
            if expires is None:
                return self._reply(request, 400, "Bad Request (bad expires value)")
            if 0 < expires < self.min_expires:
                response = self._reply(request, 423)
                response.headers.add("Min-Expires", str(self.min_expires))
                return response
            old = self._bindings.get((user, _key(contact)))
            if old is not None and old.call_id == call_id and old.cseq >= cseq:
                return self._reply(request, 500, "Server Internal Error (CSeq out of order)")
            changes.append((contact, min(expires, self.max_expires)))
        for contact, expires in changes:
            key = (user, _key(contact))
            if expires == 0:
                self._bindings.pop(key, None)
            else:
                self._bindings[key] = Binding(
                    user, contact, line, now + expires, call_id, cseq, registered_at=now
                )
        return self._ok(request, user, now)

    def _expires_of(self, contact: NameAddr, request: Request) -> int | None:
        value = contact.param("expires")
        if value is not None:
            text = value.strip()
            return int(text) if text.isdigit() and len(text) <= 10 else None
        header = request.expires
        return header if header is not None else self.default_expires

    def _ok(self, request: Request, user: str, now: float) -> Response:
        response = self._reply(request, 200)
        for binding in self.lookup(user, now):
            params = tuple(p for p in binding.contact.params if p[0].lower() != "expires")
            remaining = ("expires", str(binding.remaining(now)))
            contact = binding.contact.with_params((*params, remaining))
            response.headers.add("Contact", str(contact))
        return response

    # -- digest ------------------------------------------------------------------

    def _authenticate(self, request: Request, user: str, now: float) -> Response | None:
        """None when the request carries valid credentials for ``user``; else the answer."""
        self._forget_old_nonces(now)
        ours = []
        for value in request.headers.get_lines("Authorization"):
            try:
                creds = parse_credentials(value)
            except SipParseError:
                return self._reply(request, 400, "Bad Request (malformed Authorization)")
            if creds.realm == self.realm:
                ours.append((value, creds))
        if not ours:
            return self._challenge(request, now)
        value, creds = ours[0]
        if not _same_uri(creds.uri, request.uri):
            # RFC 7616 §3.4.6: credentials are for one Request-URI, not any.
            return self._reply(request, 400, "Bad Request (digest uri is not the Request-URI)")
        password = self.users.get(creds.username)
        if (
            password is None
            or creds.username != user
            or creds.algorithm.upper() != "MD5"
            or creds.qop != "auth"
            or not verify_authorization(value, password=password, method=request.method)
        ):
            return self._reply(request, 403, "Forbidden (wrong user name or password)")
        nonce = self._nonces.get(creds.nonce)
        if nonce is None or now - nonce.issued > self.nonce_ttl:
            return self._challenge(request, now, stale=True)
        if creds.nc is None or creds.nc <= nonce.last_nc:
            return self._challenge(request, now, stale=True)  # a replayed request
        nonce.last_nc = creds.nc
        return None

    def _challenge(self, request: Request, now: float, *, stale: bool = False) -> Response:
        nonce = secrets.token_hex(16)
        self._nonces[nonce] = _Nonce(issued=now)
        parts = [
            f"realm={quote_string(self.realm)}",
            f"nonce={quote_string(nonce)}",
            "algorithm=MD5",
            'qop="auth"',
        ]
        if stale:
            parts.append("stale=true")
        response = self._reply(request, 401)
        response.headers.add("WWW-Authenticate", "Digest " + ", ".join(parts))
        return response

    def _forget_old_nonces(self, now: float) -> None:
        # A nonce is kept a little past its life so a late use is "stale", not "unknown".
        limit = 2 * self.nonce_ttl
        for nonce in [n for n, v in self._nonces.items() if now - v.issued > limit]:
            del self._nonces[nonce]

    # -- helpers -------------------------------------------------------------------

    def _expire(self, now: float) -> None:
        for key in [k for k, b in self._bindings.items() if b.expires_at <= now]:
            del self._bindings[key]

    def _reply(self, request: Request, code: int, reason: str | None = None) -> Response:
        response = make_response(request, code, reason, to_tag=_tag(request))
        response.headers.add("Server", self.user_agent)
        return response


def _key(contact: NameAddr) -> str:
    """A binding's identity: the +sip.instance when given (RFC 5626), else the URI."""
    instance = contact.param("+sip.instance")
    return f"instance:{instance}" if instance else f"uri:{contact.uri}"


def _tag(request: Request) -> str:
    """A To tag; the same for a retransmission of the same request."""
    return f"{abs(hash((request.call_id, str(request.cseq), request.method))) % 16**10:010x}"


def _same_uri(digest_uri: str, request_uri: Uri) -> bool:
    """Equal as URIs (RFC 3261 §19.1.4), so ``sip:Host`` matches ``sip:host``."""
    try:
        parsed = parse_uri(digest_uri)
    except SipParseError:
        return False
    if isinstance(parsed, SipUri):
        return parsed.equivalent(request_uri)
    return parsed == request_uri
