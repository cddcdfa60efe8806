"""re-INVITEs in an established call, both ways, with glare (RFC 3261 §14).

Ours (``OutgoingReinvite``): a phone's hold/unhold offer, or a session
refresh the phone never hears about. A refresh gives way to the phone: the
phone's offer waits for a running refresh (``QueuedReinvite``) and replaces
one that waits out a glare. A 491 starts the §14.1 wait (2.1-4 s when we own
the Call-ID, else 0-2 s) before the same offer goes again; 408/481 end the
call; other refusals keep it.

Theirs (``IncomingReinvite``): refused with 491 while ours runs (§14.2) and
with 500 + Retry-After while another is open; an offer that changes nothing
(same o= version: a session refresh) is answered here with the session as
it is, anything else goes to the phone (``ReinviteReceived``).
"""

from __future__ import annotations

from softphone.sip.builders import add_invite_headers, same_session_version, sdp_of
from softphone.sip.call import (
    AckPending,
    Call,
    CallState,
    CallTimer,
    IncomingReinvite,
    OutgoingReinvite,
    Pending2xx,
    QueuedReinvite,
    ReinvitePhase,
)
from softphone.sip.calls import CallTable
from softphone.sip.errors import LocalProtocolError
from softphone.sip.events import (
    EndCause,
    Party,
    ReinviteAnswered,
    ReinviteConfirmed,
    ReinviteFailed,
    ReinviteReceived,
    SessionRefreshed,
)
from softphone.sip.invite_client import awaiting_answer, send_ack
from softphone.sip.invite_server import start_2xx
from softphone.sip.message import Request, Response
from softphone.sip.plumbing import Plumbing
from softphone.sip.session_refresh import arm_session
from softphone.sip.session_timer import (
    negotiate_as_uas,
    negotiated_as_uac,
    retry_interval_after_422,
)
from softphone.sip.transaction import Failure, Transaction, TxState, make_response


def blocker(call: Call) -> str | None:
    """Why the phone may not send a re-INVITE now (None: it may)."""
    out = call.reinvite_out
    if call.ack_pending is not None:
        return "answer the peer's offer (acknowledge) first"
    if call.reinvite_in is not None:
        return "answer the peer's re-INVITE first"
    if out is not None and out.blocks_user:
        if out.phase is ReinvitePhase.GLARE_WAIT:
            return "a re-INVITE is already waiting to be retried"
        return "a re-INVITE is already in progress"
    return None


class Reinvites:
    def __init__(self, core: Plumbing, calls: CallTable) -> None:
        self._core = core
        self._calls = calls

    # ------------------------------------------------------------- ours

    def reinvite(self, call: Call, sdp: str | None, now: float) -> None:
        """The phone's re-INVITE (the caller checked ``blocker``)."""
        out = call.reinvite_out
        if out is not None and out.phase is ReinvitePhase.SENT:
            call.queued = QueuedReinvite(sdp)  # a session refresh: ours goes out after it
            return
        self._drop_glare_wait(call)
        self.send(call, sdp, now, refresh=False)

    def send(self, call: Call, sdp: str | None, now: float, *, refresh: bool) -> None:
        dialog = call.dialog
        assert dialog is not None
        request = dialog.create_request("INVITE")
        add_invite_headers(
            request,
            contact=self._core.contact,
            timer=self._core.config.session_timer,
            session=call.session,
            interval=call.session_interval,
            sdp=sdp,
        )
        out = OutgoingReinvite(offer=sdp, refresh=refresh)
        call.reinvite_out = out

        def on_retry(_request: Request, tx: Transaction) -> None:
            out.tx = tx

        out.tx = self._core.send_client(
            request,
            now,
            on_response=lambda tx, r, t: self._on_response(call, tx, r, t),
            on_failure=lambda tx, f, t: self._on_failure(call, tx, f, t),
            renumber=dialog.next_cseq,
            on_retry=on_retry,
        )

    def _drop_glare_wait(self, call: Call) -> None:
        out = call.reinvite_out
        if out is not None and out.phase is ReinvitePhase.GLARE_WAIT:
            call.reinvite_out = None
        call.deadlines.stop(CallTimer.GLARE)

    def _current(self, call: Call, tx: Transaction) -> OutgoingReinvite | None:
        """Our re-INVITE that ``tx`` belongs to, if it still runs."""
        out = call.reinvite_out
        if out is None or out.tx is not tx or call.ended:
            return None
        return out

    def _on_response(self, call: Call, tx: Transaction, resp: Response, now: float) -> None:
        if resp.status_code < 200:
            return
        if resp.status_code < 300:
            self._on_2xx(call, tx, resp, now)
            return
        out = self._current(call, tx)
        if out is not None:
            call.reinvite_out = None
            self._on_refused(call, out, resp, now)

    def _on_2xx(self, call: Call, tx: Transaction, resp: Response, now: float) -> None:
        dialog = call.dialog
        if dialog is None:
            return
        known = call.acks.get((resp.to.tag or "", resp.cseq.seq))
        if known is not None:
            self._core.send(known)
            return
        if awaiting_answer(call, resp):
            return
        sdp = self._core.readable_sdp(resp)
        out = self._current(call, tx)
        delayed = out is not None and out.offer is None and sdp is not None
        if delayed:
            call.ack_pending = AckPending(dialog, resp)
        else:
            send_ack(self._core, call, dialog, resp, resp.cseq.seq)
        if out is None:
            return
        call.reinvite_out = None
        dialog.refresh_target(resp)
        call.local_sdp = out.offer if out.offer else call.local_sdp
        if sdp is not None:
            call.remote_sdp = sdp
        call.session = negotiated_as_uac(resp, self._core.config.session_timer)
        arm_session(call, now)
        if not out.refresh:
            self._core.emit(ReinviteAnswered(call.handle, sdp, offer=delayed))
        elif call.session is not None:
            self._core.emit(SessionRefreshed(call.handle, call.session.interval, Party.LOCAL))
        self.send_queued(call, now)

    def _on_refused(self, call: Call, out: OutgoingReinvite, resp: Response, now: float) -> None:
        code = resp.status_code
        if code == 491:
            # §14.1 glare: retry after a random wait, longer for the Call-ID owner.
            owner = call.dialog is not None and call.dialog.we_are_uac
            rng = self._core.rng
            delay = rng.uniform(2.1, 4.0) if owner else rng.uniform(0.0, 2.0)
            out.phase, out.tx = ReinvitePhase.GLARE_WAIT, None
            call.reinvite_out = out
            call.deadlines.start(CallTimer.GLARE, now + delay)
            return
        if code == 422:
            interval = retry_interval_after_422(resp, call.session_interval)
            if interval is not None:
                call.session_interval = interval
                self.send(call, out.offer, now, refresh=out.refresh)
                return
        if not out.refresh:
            self._core.emit(ReinviteFailed(call.handle, code, resp.reason))
        if code in (408, 481):
            # §14.1: the dialog is gone (481) or unreachable (408): end the call.
            cause = EndCause.TIMEOUT if code == 408 else EndCause.ERROR
            self._calls.end(call, cause, Party.REMOTE, code=code, reason=resp.reason)
            if code == 408:
                self._calls.send_bye(call, now)
            else:
                self._calls.forget_dialog(call)
            return
        self.send_queued(call, now)

    def _on_failure(self, call: Call, tx: Transaction, failure: Failure, now: float) -> None:
        out = self._current(call, tx)
        if out is None:
            return
        call.reinvite_out = None
        if not out.refresh:
            self._core.emit(ReinviteFailed(call.handle, None, failure.value))
        if failure is Failure.TIMEOUT:
            self._calls.end(
                call, EndCause.TIMEOUT, Party.REMOTE, code=408, reason="re-INVITE timed out"
            )
            self._calls.send_bye(call, now)

    def glare_over(self, call: Call, now: float) -> None:
        """The GLARE deadline: send the refused re-INVITE again (same offer)."""
        out = call.reinvite_out
        if out is None or out.phase is not ReinvitePhase.GLARE_WAIT:
            return
        if call.ended:
            call.reinvite_out = None
            return
        if call.reinvite_in is not None:
            call.deadlines.start(CallTimer.GLARE, now + self._core.rng.uniform(0.0, 2.0))
            return
        call.reinvite_out = None
        self.send(call, out.offer or call.local_sdp, now, refresh=out.refresh)

    def send_queued(self, call: Call, now: float) -> None:
        """The phone's re-INVITE that waited for a refresh, once nothing else runs."""
        queued = call.queued
        if queued is None or call.ended or call.reinvite_in is not None:
            return
        out = call.reinvite_out
        if out is not None and (out.phase is ReinvitePhase.SENT or not out.refresh):
            return
        call.queued = None
        self._drop_glare_wait(call)
        self.send(call, queued.offer, now, refresh=False)

    # ------------------------------------------------------------- theirs

    def on_reinvite(self, call: Call, request: Request, now: float) -> None:
        core = self._core
        if call.ended:
            core.respond(request, 481, now)
            return
        out = call.reinvite_out
        if (
            out is not None
            and out.tx is not None
            and not out.tx.terminated
            and out.tx.state in (TxState.CALLING, TxState.PROCEEDING)
        ):
            core.respond(request, 491, now)  # glare (§14.2)
            return
        if call.reinvite_in is not None or call.state is not CallState.ESTABLISHED:
            retry = str(core.rng.randint(0, 10))
            core.respond(request, 500, now, headers=(("Retry-After", retry),))
            return
        decision = negotiate_as_uas(request, core.config.session_timer)
        if decision.too_small is not None:
            core.respond(request, 422, now, headers=(("Min-SE", str(decision.too_small)),))
            return
        offer = sdp_of(request)
        tx = core.tx.new_server(request, now)
        tx.respond(make_response(request, 100), now)
        assert call.dialog is not None
        call.dialog.refresh_target(request)
        incoming = IncomingReinvite(tx, decision)
        call.reinvite_in = incoming
        if same_session_version(offer, call.remote_sdp) and call.local_sdp is not None:
            # A session refresh (RFC 4028) or a no-change re-INVITE: answer it
            # ourselves with the session as it is.
            self._answer(call, incoming, call.local_sdp, now)
            if call.session is not None:
                by = Party.LOCAL if call.session.we_refresh else Party.REMOTE
                core.emit(SessionRefreshed(call.handle, call.session.interval, by))
            return
        incoming.user = True
        core.emit(ReinviteReceived(call.handle, offer))

    def waiting_for_phone(self, call: Call) -> IncomingReinvite:
        incoming = call.reinvite_in
        if incoming is None or not incoming.user:
            raise LocalProtocolError("no re-INVITE is waiting for an answer")
        return incoming

    def answer(self, call: Call, sdp: str, now: float) -> None:
        self._answer(call, self.waiting_for_phone(call), sdp, now)
        call.local_sdp = sdp

    def reject(self, call: Call, code: int, now: float) -> None:
        incoming = self.waiting_for_phone(call)
        if not 300 <= code <= 699:
            raise LocalProtocolError(f"a rejection needs a 3xx-6xx code, not {code}")
        request = incoming.tx.request
        incoming.tx.respond(
            self._core.dialog_response(request, code, local_tag=call.local_tag), now
        )
        call.reinvite_in = None

    def _answer(self, call: Call, incoming: IncomingReinvite, sdp: str, now: float) -> None:
        request = incoming.tx.request
        response = self._core.dialog_response(request, 200, local_tag=call.local_tag, sdp=sdp)
        for name, value in incoming.decision.headers:
            response.headers.add(name, value)
        call.session = incoming.decision.timer
        offer = sdp_of(request)
        if offer is not None:
            call.remote_sdp = offer
        incoming.tx.respond(response, now)
        call.reinvite_in = None
        start_2xx(self._core, call, response, now, initial=False, user=incoming.user)
        arm_session(call, now)

    def on_ack(self, call: Call, pending: Pending2xx, sdp: str | None, now: float) -> None:
        """The ACK of our 2xx to their re-INVITE (``pending_2xx`` is cleared)."""
        if call.ended:
            return
        if sdp is not None:
            call.remote_sdp = sdp
        if pending.user:
            self._core.emit(ReinviteConfirmed(call.handle, sdp))
        self.send_queued(call, now)
