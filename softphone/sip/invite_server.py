"""Their INVITE (the UAS side of a call): offer it, ring, answer or refuse,
and retransmit our 2xx until the ACK.

RFC 3261 §13.3.1.4 puts the 2xx retransmission on us, not on the
transaction, on every transport; the same ``Pending2xx`` serves the 2xx of
a re-INVITE (``reinvite.py`` starts it with ``start_2xx``). A hang-up
before the ACK is owed as a BYE once the ACK (or its timeout) comes (§15).
"""

from __future__ import annotations

from softphone.sip.builders import auto_answer_hint, sdp_of
from softphone.sip.call import Call, CallEvent, CallState, CallTimer, Owed, Pending2xx
from softphone.sip.calls import CallTable
from softphone.sip.dialog import Dialog
from softphone.sip.errors import LocalProtocolError
from softphone.sip.events import CallConfirmed, EndCause, IncomingCall, Party
from softphone.sip.message import Request, Response
from softphone.sip.plumbing import Plumbing
from softphone.sip.session_refresh import arm_session
from softphone.sip.session_timer import negotiate_as_uas
from softphone.sip.transaction import TxState, make_response


def start_2xx(
    core: Plumbing, call: Call, response: Response, now: float, *, initial: bool, user: bool
) -> None:
    """Retransmit ``response`` until its ACK: T1, doubling up to T2, for 64*T1."""
    call.pending_2xx = Pending2xx(response, core.timers.t1, initial=initial, user=user)
    call.deadlines.start(CallTimer.RETRANSMIT_2XX, now + core.timers.t1)
    call.deadlines.start(CallTimer.NO_ACK, now + 64 * core.timers.t1)


class InviteServer:
    def __init__(self, core: Plumbing, calls: CallTable) -> None:
        self._core = core
        self._calls = calls

    # ---------------------------------------------------------- the INVITE

    def on_invite(self, request: Request, now: float) -> None:
        core = self._core
        decision = negotiate_as_uas(request, core.config.session_timer)
        if decision.too_small is not None:
            core.respond(request, 422, now, headers=(("Min-SE", str(decision.too_small)),))
            return
        offer = sdp_of(request)  # a malformed multipart body: 400 before anything else
        tx = core.tx.new_server(request, now)
        tx.respond(make_response(request, 100), now)
        call = Call(
            handle=self._calls.new_handle(),
            outgoing=False,
            state=CallState.INCOMING,
            call_id=request.call_id,
            local_tag=core.token(10),
            invite=request,
            invite_tx=tx,
            remote_sdp=offer,
            uas_decision=decision,
            session_interval=core.config.session_timer.session_expires,
        )
        call.dialog = Dialog.as_uas(request, call.local_tag)
        tx.on_failure = lambda _tx, _f, t: self._on_transport_failure(call)
        self._calls.add(call, server_tx=tx)
        core.emit(
            IncomingCall(
                call=call.handle,
                caller=request.from_,
                callee=request.to,
                sdp=offer,
                call_id=request.call_id,
                auto_answer_after=auto_answer_hint(request),
                headers=tuple(request.headers),
            )
        )

    def _on_transport_failure(self, call: Call) -> None:
        if call.state is CallState.INCOMING:
            self._calls.end(call, EndCause.CONNECTION_LOST, Party.REMOTE)

    def on_cancel(self, request: Request, now: float) -> None:
        core = self._core
        invite_tx = core.tx.invite_for_cancel(request)
        if invite_tx is None:
            core.respond(request, 481, now)
            return
        core.respond(request, 200, now)
        call = self._calls.by_invite(invite_tx)
        if invite_tx.state is not TxState.PROCEEDING:
            return
        if call is not None:
            invite_tx.respond(self._response(call, call.invite, 487), now)
            self._calls.end(call, EndCause.CANCELLED, Party.REMOTE, code=487)
        else:
            invite_tx.respond(make_response(invite_tx.request, 487, to_tag=core.token(10)), now)

    # ------------------------------------------------------------ commands

    def ring(self, call: Call, now: float) -> None:
        assert call.invite_tx is not None
        call.invite_tx.respond(self._response(call, call.invite, 180), now)

    def answer(self, call: Call, sdp: str, now: float) -> None:
        assert call.invite_tx is not None
        decision = call.uas_decision
        response = self._response(call, call.invite, 200, sdp=sdp)
        if decision is not None:
            for name, value in decision.headers:
                response.headers.add(name, value)
            call.session = decision.timer
        call.local_sdp = sdp
        call.invite_tx.respond(response, now)
        call.transition(CallEvent.ACCEPTED)
        start_2xx(self._core, call, response, now, initial=True, user=False)
        arm_session(call, now)

    def reject(self, call: Call, code: int, now: float, *, reason: str | None = None) -> None:
        if not 300 <= code <= 699:
            raise LocalProtocolError(f"a rejection needs a 3xx-6xx code, not {code}")
        assert call.invite_tx is not None
        call.invite_tx.respond(self._response(call, call.invite, code, reason=reason), now)
        self._calls.end(call, EndCause.REJECTED, Party.LOCAL, code=code)

    def hang_up_before_ack(self, call: Call) -> None:
        """§15: the callee must not send BYE before the ACK (or its timeout)."""
        call.owed = Owed.BYE
        self._calls.end(call, EndCause.HANGUP, Party.LOCAL)

    def bye_before_answer(self, call: Call, now: float) -> None:
        """A BYE ends the INVITE too if we had not answered it; no BYE is owed now."""
        call.owed = Owed.NOTHING
        if call.invite_tx is not None and call.invite_tx.state is TxState.PROCEEDING:
            call.invite_tx.respond(self._response(call, call.invite, 487), now)

    def _response(
        self,
        call: Call,
        request: Request,
        code: int,
        *,
        sdp: str | None = None,
        reason: str | None = None,
    ) -> Response:
        return self._core.dialog_response(
            request, code, local_tag=call.local_tag, sdp=sdp, reason=reason
        )

    # --------------------------------------------------- the ACK of our 2xx

    def on_ack(self, call: Call, sdp: str | None, now: float) -> None:
        """The ACK of the 2xx to the initial INVITE (``pending_2xx`` is cleared)."""
        assert call.dialog is not None
        call.dialog.confirmed = True
        if call.owed is Owed.BYE:
            call.owed = Owed.NOTHING
            self._calls.send_bye(call, now)
            return
        if call.ended:
            return
        call.transition(CallEvent.ACKED)
        if sdp is not None:
            call.remote_sdp = sdp
        self._core.emit(CallConfirmed(call.handle, sdp))

    def retransmit_2xx(self, call: Call, now: float) -> None:
        pending = call.pending_2xx
        if pending is None:
            return
        self._core.send(pending.response)
        pending.interval = min(pending.interval * 2, self._core.timers.t2)
        call.deadlines.start(CallTimer.RETRANSMIT_2XX, now + pending.interval)

    def no_ack(self, call: Call, now: float) -> None:
        """64*T1 without the ACK: the call is over (§13.3.1.4), or the owed BYE goes."""
        call.pending_2xx = None
        call.deadlines.stop(CallTimer.RETRANSMIT_2XX)
        if call.owed is Owed.BYE:
            call.owed = Owed.NOTHING
            self._calls.send_bye(call, now)
        elif not call.ended:
            self._calls.end(call, EndCause.NO_ACK, Party.REMOTE, reason="no ACK for our 2xx")
            self._calls.send_bye(call, now)
