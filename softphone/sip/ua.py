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

This module is the front door: it checks commands, routes what arrives to
the part that owns it (``invite_client``, ``invite_server``, ``reinvite``,
``register_client``), dispatches the calls' deadlines, and ends calls on
BYE, expiry and lost connections (through ``calls.CallTable``). The call's
states and their transition table are in ``call.py``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from softphone.sip.builders import ACCEPT, ALLOW, SUPPORTED, dialog_key, options_headers
from softphone.sip.call import Call, CallState, CallTimer
from softphone.sip.calls import CallTable
from softphone.sip.config import UAConfig
from softphone.sip.dtmf_info import build_dtmf_info
from softphone.sip.errors import LocalProtocolError, RemoteProtocolError, SipParseError
from softphone.sip.events import (
    EndCause,
    Event,
    Party,
    ProtocolErrorEvent,
    RegistrationState,
)
from softphone.sip.info import Info
from softphone.sip.invite_client import InviteClient
from softphone.sip.invite_server import InviteServer
from softphone.sip.message import Request, Response, parse_message
from softphone.sip.plumbing import Plumbing
from softphone.sip.register_client import RegisterClient
from softphone.sip.reinvite import Reinvites, blocker
from softphone.sip.salvage import salvage_response
from softphone.sip.session_refresh import RefreshStep, refresh_step
from softphone.sip.timers import TimerValues
from softphone.sip.transaction import TxState
from softphone.sip.uri import NameAddr, Uri
from softphone.sip.validation import check_request, check_response

TimerHandler = Callable[[Call, float], None]


class UserAgent:
    """See the module docstring; commands raise ``LocalProtocolError`` on misuse."""

    def __init__(self, config: UAConfig, *, now: float, rng: random.Random | None = None) -> None:
        self.config = config
        self._core = core = Plumbing(config, now=now, rng=rng or random.Random())
        self._reg = RegisterClient(core)
        self._calls = CallTable(core)
        self._client = InviteClient(core, self._calls)
        self._server = InviteServer(core, self._calls)
        self._reinvites = Reinvites(core, self._calls)
        self._info = Info(core, self._calls)
        self._timer_handlers: dict[CallTimer, TimerHandler] = {
            CallTimer.RETRANSMIT_2XX: self._server.retransmit_2xx,
            CallTimer.NO_ACK: self._server.no_ack,
            CallTimer.CANCEL_GUARD: self._client.cancel_guard_expired,
            CallTimer.GLARE: self._reinvites.glare_over,
            CallTimer.REFRESH: self._refresh_due,
            CallTimer.EXPIRE: self._session_expired,
        }

    # Identity, as the driver and tests read it.
    @property
    def timers(self) -> TimerValues:
        return self._core.timers

    @property
    def contact_host(self) -> str:
        return self._core.contact_host

    @property
    def instance_id(self) -> str:
        return self._core.instance_id

    @property
    def aor(self) -> NameAddr:
        return self._core.aor

    @property
    def contact(self) -> NameAddr:
        return self._core.contact

    # ------------------------------------------------------------------ IO

    def receive_data(self, data: bytes, now: float) -> None:
        """One complete message. Never raises for whatever the peer sent."""
        core = self._core
        core.now = now
        try:
            message = parse_message(data)
        except SipParseError as exc:
            answer = salvage_response(data, exc)
            if answer is not None:
                core.send(answer)
            code = answer.status_code if answer is not None else None
            core.emit(ProtocolErrorEvent(f"unparseable message: {exc}", code))
            return
        try:
            if isinstance(message, Response):
                self._on_response(message, now)
            else:
                self._on_request(message, now)
        except RemoteProtocolError as exc:
            core.refuse(message, exc.status_code, exc.reason, str(exc))
        except LocalProtocolError as exc:  # our TU tripped on the peer's input: still ours to bear
            core.refuse(message, 500, "Server Internal Error", str(exc), internal=True)
        except Exception as exc:  # the contract: a peer never breaks the core
            description = f"{type(exc).__name__}: {exc}"
            core.refuse(message, 500, "Server Internal Error", description, internal=True)
        self._calls.prune()

    def data_to_send(self) -> list[bytes]:
        return self._core.data_to_send()

    def next_event(self) -> Event | None:
        return self._core.next_event()

    def get_timer(self) -> float | None:
        deadlines = [self._core.tx.earliest(), self._reg.earliest()]
        deadlines += [call.deadlines.earliest() for call in self._calls]
        return min((d for d in deadlines if d is not None), default=None)

    def handle_timer(self, now: float) -> None:
        self._core.now = now
        self._core.tx.handle_timer(now)
        for call in self._calls:
            for timer in call.deadlines.pop_due(now):
                self._timer_handlers[timer](call, now)
        self._reg.handle_timer(now)
        self._calls.prune()

    def connection_lost(self, now: float) -> None:
        """The transport dropped: its transactions fail; confirmed calls survive."""
        self._core.now = now
        self._core.connected = False
        self._core.tx.connection_lost(now)  # fires the TUs' transport-error handlers
        self._reg.connection_lost()
        for call in self._calls:
            if call.state is CallState.INCOMING:
                self._calls.end(call, EndCause.CONNECTION_LOST, Party.REMOTE)
            call.reinvite_in = None
        self._calls.prune()

    def connection_made(self, now: float) -> None:
        """(Re)connected: register again if registration is wanted."""
        self._core.now = now
        self._core.connected = True
        self._reg.connection_made(now)

    def has_pending_transactions(self) -> bool:
        """True while a request of ours still waits for its final response."""
        return any(
            tx.is_client and tx.state in (TxState.CALLING, TxState.TRYING, TxState.PROCEEDING)
            for tx in self._core.tx
        )

    # ------------------------------------------------------------ queries

    @property
    def registration_state(self) -> RegistrationState:
        return self._reg.state

    def call_state(self, call: str) -> CallState:
        c = self._calls.get(call)
        return c.state if c is not None else CallState.ENDED

    @property
    def calls(self) -> list[str]:
        """Handles of the calls that have not ended."""
        return self._calls.handles()

    # ------------------------------------------------------- registration

    def register(self, now: float) -> None:
        self._core.now = now
        self._reg.register(now)

    def unregister(self, now: float) -> None:
        """Remove our binding (Expires: 0). A no-op when not registered."""
        self._core.now = now
        self._reg.unregister(now)

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
        self._core.now = now
        return self._client.invite(target, sdp, now, extra_headers=extra_headers, caller=caller)

    def ring(self, call: str, now: float) -> None:
        """Send 180 Ringing for an incoming call."""
        self._core.now = now
        self._server.ring(self._calls.incoming(call, "ring"), now)

    def answer(self, call: str, sdp: str, now: float) -> None:
        """Accept an incoming call with our SDP answer (200 OK)."""
        self._core.now = now
        self._server.answer(self._calls.incoming(call, "answer"), sdp, now)

    def reject(
        self, call: str, code: int = 486, now: float | None = None, *, reason: str | None = None
    ) -> None:
        """Refuse an incoming call with a final error response (default 486).

        ``reason`` replaces the standard reason phrase ("Busy Here: already in a call").
        """
        now = self._core.now if now is None else now
        self._core.now = now
        if not 300 <= code <= 699:
            raise LocalProtocolError(f"a rejection needs a 3xx-6xx code, not {code}")
        self._server.reject(self._calls.incoming(call, "reject"), code, now, reason=reason)

    def cancel(self, call: str, now: float) -> None:
        """Give up our unanswered INVITE (CANCEL, §9.1)."""
        self._core.now = now
        self._client.cancel(self._calls.live(call), now)

    def hangup(self, call: str, now: float) -> None:
        """End a call in whatever state: CANCEL, 486, or BYE."""
        self._core.now = now
        c = self._calls.live(call)
        if c.state is CallState.OUTGOING:
            self._client.cancel(c, now)
        elif c.state is CallState.INCOMING:
            self._server.reject(c, 486, now)
        elif c.state is CallState.ANSWERING:
            self._server.hang_up_before_ack(c)
        else:
            if c.ack_pending is not None:
                self._client.acknowledge(c, None)  # every 2xx gets its ACK, then the BYE
            self._calls.end(c, EndCause.HANGUP, Party.LOCAL)
            self._calls.send_bye(c, now)

    def reinvite(self, call: str, sdp: str | None, now: float) -> None:
        """Send a new offer in an established call (hold/unhold); ``None``
        asks the peer for one (answered with ``acknowledge``)."""
        self._core.now = now
        c = self._calls.established(call, "re-INVITE")
        reason = blocker(c)
        if reason is not None:
            raise LocalProtocolError(reason)
        self._reinvites.reinvite(c, sdp, now)

    def reinvite_blocker(self, call: str) -> str | None:
        """Why ``reinvite`` would refuse now, or None if it would go ahead.

        A phone asks before building its offer: a media stack that cannot
        roll an offer back (aiortc) must not make one that will not be sent.
        """
        try:
            c = self._calls.established(call, "re-INVITE")
        except LocalProtocolError as exc:
            return str(exc)
        return blocker(c)

    def acknowledge(self, call: str, sdp: str | None, now: float) -> None:
        """Send the ACK that carries our answer to the offer in a 2xx (after
        ``CallAnswered``/``ReinviteAnswered`` with ``offer=True``).

        ``None`` acknowledges without an answer — only to end the call next
        (§13.2.2.4 wants an answer even then; the BYE follows at once).
        """
        self._core.now = now
        self._client.acknowledge(self._calls.live(call), sdp)

    def answer_reinvite(self, call: str, sdp: str, now: float) -> None:
        self._core.now = now
        self._reinvites.answer(self._calls.established(call, "answer a re-INVITE"), sdp, now)

    def reject_reinvite(self, call: str, code: int = 488, now: float | None = None) -> None:
        now = self._core.now if now is None else now
        self._core.now = now
        c = self._calls.established(call, "reject a re-INVITE")
        self._reinvites.reject(c, code, now)

    def send_info(self, call: str, content_type: str, body: str | bytes, now: float) -> None:
        """An in-dialog INFO (DTMF relay: ``application/dtmf-relay``)."""
        self._core.now = now
        self._info.send(self._calls.established(call, "INFO"), content_type, body, now)

    def send_dtmf(self, call: str, digit: str, now: float, *, duration_ms: int = 160) -> None:
        """One DTMF digit as SIP INFO ``application/dtmf-relay``."""
        info = build_dtmf_info(digit, duration_ms)  # a bad digit is refused before the call
        self.send_info(call, info.content_type, info.body, now)

    # ---------------------------------------------------------------- timers

    def _refresh_due(self, call: Call, now: float) -> None:
        step = refresh_step(call)
        if step is RefreshStep.LATER:
            call.deadlines.start(CallTimer.REFRESH, now + 2 * self._core.timers.t1)
        elif step is RefreshStep.SEND:
            self._reinvites.send(call, call.local_sdp, now, refresh=True)

    def _session_expired(self, call: Call, now: float) -> None:
        if not call.ended:
            self._calls.end(call, EndCause.SESSION_EXPIRED, Party.LOCAL, reason="session expired")
            self._calls.send_bye(call, now)

    # ------------------------------------------------------- routing: in

    def _on_response(self, response: Response, now: float) -> None:
        drop = check_response(response)
        if drop is not None:
            self._core.emit(ProtocolErrorEvent(f"response dropped: {drop}"))
            return
        if self._core.tx.receive_response(response, now):
            return
        self._client.on_stray_response(response)

    def _on_request(self, request: Request, now: float) -> None:
        core = self._core
        existing = core.tx.match_request(request)
        if existing is not None:
            existing.receive_request(request, now)  # a retransmission, or a non-2xx ACK
            return
        rejection = check_request(request, methods=ALLOW, supported=SUPPORTED, accept=ACCEPT)
        if rejection is not None:
            core.respond(
                request,
                rejection.status_code,
                now,
                reason=rejection.reason,
                headers=rejection.headers,
            )
            description = f"{request.method} refused: {rejection.reason}"
            core.emit(ProtocolErrorEvent(description, rejection.status_code))
            return
        method = request.method
        if method == "ACK":
            self._on_ack(request, now)
        elif method == "CANCEL":
            self._server.on_cancel(request, now)
        elif request.to.tag is not None:
            self._on_in_dialog(request, now)
        elif core.tx.is_merged(request):
            core.respond(request, 482, now, reason="Loop Detected")
            core.emit(ProtocolErrorEvent("merged request (loop)", 482))
        elif method == "INVITE":
            self._server.on_invite(request, now)
        elif method == "OPTIONS":
            core.respond(request, 200, now, headers=options_headers())
        else:
            core.respond(request, 481, now)  # BYE/INFO for a dialog that does not exist (§12.2.2)

    def _on_ack(self, ack: Request, now: float) -> None:
        call = self._calls.dialogs.get(dialog_key(ack))
        if call is None or call.dialog is None:
            return  # a stray ACK has no response: drop it
        pending = call.pending_2xx
        if pending is None or pending.response.cseq.seq != ack.cseq.seq:
            return  # a retransmitted ACK
        sdp = self._core.readable_sdp(ack)
        call.pending_2xx = None
        call.deadlines.stop(CallTimer.RETRANSMIT_2XX)
        call.deadlines.stop(CallTimer.NO_ACK)
        if pending.initial:
            self._server.on_ack(call, sdp, now)
        else:
            self._reinvites.on_ack(call, pending, sdp, now)

    def _on_in_dialog(self, request: Request, now: float) -> None:
        core = self._core
        call = self._calls.dialogs.get(dialog_key(request))
        if call is None or call.dialog is None or call.dialog.id != dialog_key(request):
            # no such dialog, or a request on a UAC early dialog (e.g. BYE before the 2xx)
            core.respond(request, 481, now)
            return
        if not call.dialog.accept_remote_cseq(request):
            core.respond(request, 500, now, reason="CSeq Out of Order")
            core.emit(ProtocolErrorEvent("in-dialog request with a lower CSeq", 500))
            return
        method = request.method
        if method == "BYE":
            self._on_bye(call, request, now)
        elif method == "INVITE":
            self._reinvites.on_reinvite(call, request, now)
        elif method == "INFO":
            self._info.on_info(call, request, now)
        elif method == "OPTIONS":
            core.respond(request, 200, now, headers=options_headers())
        else:
            core.respond(request, 405, now, headers=(("Allow", ", ".join(ALLOW)),))

    def _on_bye(self, call: Call, request: Request, now: float) -> None:
        self._core.respond(request, 200, now)
        self._server.bye_before_answer(call, now)
        call.pending_2xx = None
        call.deadlines.clear()
        self._calls.forget_dialog(call)
        self._calls.end(call, EndCause.HANGUP, Party.REMOTE)


__all__ = [
    "ACCEPT",
    "ALLOW",
    "UAConfig",
    "UserAgent",
]
