"""The registration client (RFC 3261 §10, RFC 5626 outbound, RFC 7118 WS).

A small state machine: it builds REGISTER requests and reads their final
responses, and keeps two deadlines (the next refresh or retry, and the
binding's expiry). The user agent sends what it builds through a client
transaction and signs it with the shared digest state, so 401/407 handling
is the same as for every other request.

Refresh rule: a binding granted for ``E`` seconds is refreshed
``min(30, E/2)`` seconds before it expires — 30 s ahead for the usual 300 s
(room for a challenge round trip and a reconnect), half-way for short ones.

Retry rule after a failure that may pass (timeout, 408, 480, 5xx, 6xx): wait
``min(max, base * 2**n)`` scaled by a random factor in [0.5, 1] (RFC 5626
§4.5 style), or the server's Retry-After. A failure that will not pass by
waiting (401/407 with wrong credentials, 403, 404, 4xx in general) stops
the machine: no loop.
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass

from softphone.sip.events import Registered, RegistrationFailed, Unregistered
from softphone.sip.grammar import replace_param
from softphone.sip.headers import CSeq, Headers
from softphone.sip.message import Request, Response
from softphone.sip.timers import Deadlines
from softphone.sip.uri import NameAddr, SipUri

RegistrationEvent = Registered | RegistrationFailed | Unregistered

RETRYABLE = frozenset({408, 480})


class RegState(enum.Enum):
    UNREGISTERED = "unregistered"
    REGISTERING = "registering"
    REGISTERED = "registered"
    UNREGISTERING = "unregistering"
    WAITING = "waiting to retry"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class RegistrationSettings:
    aor: NameAddr  # To/From: our address of record
    registrar: SipUri  # Request-URI
    contact: NameAddr  # our binding, with +sip.instance and reg-id
    expires: int = 300
    retry_base: float = 2.0
    retry_max: float = 60.0


class Registration:
    def __init__(self, settings: RegistrationSettings, rng: random.Random) -> None:
        self.settings = settings
        self.state = RegState.UNREGISTERED
        self.wanted = False
        self.call_id = f"{rng.getrandbits(96):024x}"
        self.deadlines: Deadlines[str] = Deadlines()
        self._rng = rng
        self._cseq = 0
        self._asked = settings.expires
        self._failures = 0
        self._registered_once = False

    # building ------------------------------------------------------------

    def build(self, *, unregister: bool = False) -> Request:
        """The next REGISTER (Via and auth are added by the user agent)."""
        s = self.settings
        self._cseq += 1
        expires = 0 if unregister else self._asked
        headers = Headers()
        headers.add("Max-Forwards", "70")
        tag = f"{self._rng.getrandbits(48):012x}"
        headers.add("From", str(s.aor.with_params(replace_param(s.aor.params, "tag", tag))))
        headers.add("To", str(s.aor))
        headers.add("Call-ID", self.call_id)
        headers.add("CSeq", str(CSeq(self._cseq, "REGISTER")))
        headers.add("Contact", str(s.contact))
        headers.add("Expires", str(expires))
        headers.add("Supported", "path, outbound")
        self.state = RegState.UNREGISTERING if unregister else RegState.REGISTERING
        self.deadlines.stop("refresh")
        return Request(method="REGISTER", uri=s.registrar, headers=headers)

    @property
    def busy(self) -> bool:
        return self.state in (RegState.REGISTERING, RegState.UNREGISTERING)

    # results ---------------------------------------------------------------

    def on_final(
        self, request: Request, response: Response, now: float
    ) -> tuple[list[RegistrationEvent], bool]:
        """Read the final response; returns (events, send another REGISTER now)."""
        code = response.status_code
        unregistering = (request.headers.get("Expires") or "").strip() == "0"
        if 200 <= code < 300:
            self._failures = 0
            if unregistering:
                self._reset()
                return [Unregistered("unregistered")], False
            granted = self._granted(response)
            if granted <= 0:
                return self._fail(code, "registrar granted no binding", now, retry=True), False
            refresh = self._registered_once and self.state is not RegState.UNREGISTERED
            self.state = RegState.REGISTERED
            self._registered_once = True
            self.deadlines.start("refresh", now + granted - min(30.0, granted / 2))
            self.deadlines.start("expiry", now + granted)
            return [Registered(granted, str(self.settings.contact), refresh)], False
        if unregistering:
            self._reset()
            return [Unregistered("unregistered")], False
        if code == 423:
            min_expires = _int_header(response, "Min-Expires")
            if min_expires is not None and self._asked < min_expires <= 2**31:
                self._asked = min_expires
                return [], True
            return self._fail(code, response.reason, now, retry=False), False
        retry = code in RETRYABLE or code >= 500
        return self._fail(code, response.reason, now, retry=retry, response=response), False

    def on_timeout(self, now: float, *, transport: bool) -> list[RegistrationEvent]:
        if self.state is RegState.UNREGISTERING:
            self._reset()
            return [Unregistered("unregistered")]
        if transport:
            return self.on_connection_lost()
        return self._fail(None, "Request Timeout", now, retry=True)

    def on_connection_lost(self) -> list[RegistrationEvent]:
        was = self.state
        self.deadlines.clear()
        self.state = RegState.UNREGISTERED
        self._registered_once = False
        if was in (RegState.REGISTERED, RegState.REGISTERING, RegState.WAITING):
            return [Unregistered("connection lost")]
        return []

    def fire(self, now: float) -> tuple[list[RegistrationEvent], bool]:
        """Due deadlines: (events, send a REGISTER now)."""
        events: list[RegistrationEvent] = []
        send = False
        for name in self.deadlines.pop_due(now):
            if name == "expiry" and self.state is not RegState.REGISTERING:
                self.state = RegState.UNREGISTERED
                self._registered_once = False
                events.append(Unregistered("expired"))
                send = self.wanted
            elif name in ("refresh", "retry") and self.wanted:
                send = True
        return events, send

    def _granted(self, response: Response) -> int:
        mine = self.settings.contact
        instance = mine.param("+sip.instance")
        for contact in response.contact:
            same = (instance is not None and contact.param("+sip.instance") == instance) or (
                isinstance(contact.uri, SipUri)
                and isinstance(mine.uri, SipUri)
                and contact.uri.host.lower() == mine.uri.host.lower()
                and contact.uri.user == mine.uri.user
            )
            value = contact.param("expires")
            if same and value is not None and value.isdigit():
                return int(value)
        header = _int_header(response, "Expires")
        return header if header is not None else self._asked

    def _fail(
        self,
        code: int | None,
        reason: str,
        now: float,
        *,
        retry: bool,
        response: Response | None = None,
    ) -> list[RegistrationEvent]:
        self.deadlines.stop("refresh")
        if not retry or not self.wanted:
            self.state = RegState.FAILED
            self.deadlines.stop("retry")
            return [RegistrationFailed(code, reason, will_retry=False)]
        self._failures += 1
        delay = min(self.settings.retry_max, self.settings.retry_base * 2 ** (self._failures - 1))
        delay *= self._rng.uniform(0.5, 1.0)
        retry_after = _int_header(response, "Retry-After") if response is not None else None
        if retry_after is not None:
            delay = float(retry_after)
        self.state = RegState.WAITING
        self.deadlines.start("retry", now + delay)
        return [RegistrationFailed(code, reason, will_retry=True, retry_in=delay)]

    def _reset(self) -> None:
        self.state = RegState.UNREGISTERED
        self._registered_once = False
        self.deadlines.clear()


def _int_header(response: Response, name: str) -> int | None:
    value = response.headers.get(name)
    if value is None:
        return None
    text = value.strip().partition(";")[0].partition("(")[0].strip()
    return int(text) if text.isdigit() and len(text) <= 10 else None
