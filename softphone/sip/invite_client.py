"""Our INVITE (the UAC side of a call): send, follow, cancel, acknowledge.

From ``invite()`` to the ACK of the 2xx: provisional responses open early
dialogs, the first 2xx makes the call, a second 2xx (a forked INVITE) is
acknowledged and released at once (§13.2.2.4), a 422 is retried with the
larger session interval, a CANCEL waits for a provisional response (§9.1),
and a delayed offer's ACK waits for the phone's answer (``acknowledge``).
"""

from __future__ import annotations

from collections.abc import Sequence

from softphone.sip.builders import (
    add_invite_headers,
    build_ack,
    build_cancel,
    new_invite,
    renumbered,
    target_uri,
)
from softphone.sip.call import AckPending, Call, CallEvent, CallState, CallTimer, Owed
from softphone.sip.calls import CallTable
from softphone.sip.dialog import Dialog
from softphone.sip.errors import LocalProtocolError
from softphone.sip.events import CallAnswered, CallProgress, EndCause, Party
from softphone.sip.message import Request, Response
from softphone.sip.plumbing import Plumbing
from softphone.sip.session_refresh import arm_session
from softphone.sip.session_timer import negotiated_as_uac, retry_interval_after_422
from softphone.sip.transaction import Failure, Transaction
from softphone.sip.uri import NameAddr, Uri


def send_ack(
    core: Plumbing, call: Call, dialog: Dialog, resp: Response, seq: int, sdp: str | None = None
) -> None:
    """ACK a 2xx and remember the ACK, to repeat it for a retransmitted 2xx."""
    ack = build_ack(
        dialog,
        seq,
        via=core.via(),
        user_agent=core.config.user_agent,
        sdp=sdp,
        credentials_from=call.invite if seq == call.invite.cseq.seq else None,
    )
    call.acks[(resp.to.tag or "", seq)] = ack
    core.send(ack)


def awaiting_answer(call: Call, resp: Response) -> bool:
    """Is ``resp`` (a retransmission of) the 2xx whose ACK waits for our answer?"""
    return call.ack_pending is not None and call.ack_pending.is_for(resp)


class InviteClient:
    def __init__(self, core: Plumbing, calls: CallTable) -> None:
        self._core = core
        self._calls = calls

    # ------------------------------------------------------------ commands

    def invite(
        self,
        target: str | Uri,
        sdp: str | None,
        now: float,
        *,
        extra_headers: Sequence[tuple[str, str]],
        caller: NameAddr | None,
    ) -> str:
        core = self._core
        uri = target_uri(target, core.config.domain)
        handle = self._calls.new_handle()
        call_id = core.token(22)
        local_tag = core.token(10)
        request = new_invite(
            uri,
            identity=caller if caller is not None else core.aor,
            local_tag=local_tag,
            call_id=call_id,
            extra=extra_headers,
        )
        call = Call(
            handle=handle,
            outgoing=True,
            state=CallState.OUTGOING,
            call_id=call_id,
            local_tag=local_tag,
            invite=request,
            local_sdp=sdp,
            session_interval=core.config.session_timer.session_expires,
        )
        self._add_invite_headers(request, call, sdp)
        self._calls.add(call)
        if not core.connected:
            self._calls.end(call, EndCause.CONNECTION_LOST, Party.LOCAL, reason="not connected")
            return handle
        self._send(call, request, now)
        return handle

    def cancel(self, call: Call, now: float) -> None:
        if not call.outgoing or call.state is not CallState.OUTGOING:
            raise LocalProtocolError("only an outgoing call that is not answered can be cancelled")
        self._calls.end(call, EndCause.CANCELLED, Party.LOCAL)
        if call.provisional_seen:
            self._send_cancel(call, now)
        else:
            call.owed = Owed.CANCEL  # a CANCEL may only follow a provisional response
        call.deadlines.start(CallTimer.CANCEL_GUARD, now + 64 * self._core.timers.t1)

    def acknowledge(self, call: Call, sdp: str | None) -> None:
        if call.ack_pending is None:
            raise LocalProtocolError("no 2xx is waiting for our answer")
        pending, call.ack_pending = call.ack_pending, None
        resp = pending.response
        send_ack(self._core, call, pending.dialog, resp, resp.cseq.seq, sdp)
        if sdp is not None:
            call.local_sdp = sdp

    def cancel_guard_expired(self, call: Call, now: float) -> None:
        """§9.1: no final response 64*T1 after the CANCEL: give up on it."""
        if call.invite_tx is not None:
            call.invite_tx.terminate()
        call.invite_tx = None

    # ------------------------------------------------------------ sending

    def _add_invite_headers(self, request: Request, call: Call, sdp: str | None) -> None:
        add_invite_headers(
            request,
            contact=self._core.contact,
            timer=self._core.config.session_timer,
            session=None,
            interval=call.session_interval,
            sdp=sdp,
        )

    def _send(self, call: Call, request: Request, now: float) -> None:
        def on_retry(retry: Request, tx: Transaction) -> None:
            call.invite = retry
            call.invite_tx = tx

        def renumber() -> int:
            return call.invite.cseq.seq + 1

        call.invite = request
        call.invite_tx = self._core.send_client(
            request,
            now,
            on_response=lambda tx, r, t: self._on_response(call, tx, r, t),
            on_failure=lambda tx, f, t: self._on_failure(call, tx, f, t),
            renumber=renumber,
            on_retry=on_retry,
        )

    def _send_cancel(self, call: Call, now: float) -> None:
        if call.invite_tx is None or call.invite_tx.terminated:
            return
        self._core.send_plain(
            build_cancel(call.invite, user_agent=self._core.config.user_agent), now
        )

    # ----------------------------------------------------------- responses

    def on_stray_response(self, response: Response) -> None:
        """No transaction took it: a 2xx retransmitted after the INVITE
        transaction ended still needs its ACK (§13.2.2.4)."""
        if response.cseq.method != "INVITE" or not 200 <= response.status_code < 300:
            return
        key = (response.call_id, response.from_.tag or "", response.to.tag or "")
        call = self._calls.dialogs.get(key)
        if call is not None:
            ack = call.acks.get((response.to.tag or "", response.cseq.seq))
            if ack is not None:
                self._core.send(ack)

    def _on_response(self, call: Call, tx: Transaction, resp: Response, now: float) -> None:
        code = resp.status_code
        if code < 200:
            self._on_provisional(call, resp, now)
        elif code < 300:
            self._on_2xx(call, resp, now)
        else:
            self._on_failure_response(call, tx, resp, now)

    def _on_provisional(self, call: Call, resp: Response, now: float) -> None:
        call.provisional_seen = True
        if call.owed is Owed.CANCEL:
            call.owed = Owed.NOTHING
            self._send_cancel(call, now)
        if call.ended or resp.status_code == 100:
            return
        tag = resp.to.tag
        if tag and tag not in call.early:
            dialog = Dialog.as_uac(call.invite, resp)
            call.early[tag] = dialog
            self._calls.dialogs[dialog.id] = call
        sdp = self._core.readable_sdp(resp)
        self._core.emit(CallProgress(call.handle, resp.status_code, resp.reason, sdp))

    def _on_2xx(self, call: Call, resp: Response, now: float) -> None:
        tag = resp.to.tag or ""
        seq = resp.cseq.seq
        known = call.acks.get((tag, seq))
        if known is not None:
            self._core.send(known)  # a retransmitted 2xx: the same ACK again
            return
        if awaiting_answer(call, resp):
            return  # a retransmitted 2xx while the phone prepares its answer
        dialog = Dialog.as_uac(call.invite, resp)
        dialog.local_seq = max(dialog.local_seq, call.invite.cseq.seq)
        if call.dialog is not None or call.ended:
            # A second 2xx (forked INVITE) or an answer after we gave up:
            # acknowledge it and end that dialog at once (§13.2.2.4).
            send_ack(self._core, call, dialog, resp, seq)
            self._calls.send_bye_in(dialog, now)
            return
        for early in call.early.values():
            self._calls.dialogs.pop(early.id, None)
        call.early.clear()
        call.dialog = dialog
        self._calls.dialogs[dialog.id] = call
        call.transition(CallEvent.ANSWERED)
        call.remote_sdp = self._core.readable_sdp(resp)
        delayed = call.local_sdp is None and call.remote_sdp is not None
        if delayed:
            call.ack_pending = AckPending(dialog, resp)
        else:
            send_ack(self._core, call, dialog, resp, seq)
        call.session = negotiated_as_uac(resp, self._core.config.session_timer)
        arm_session(call, now)
        self._core.emit(CallAnswered(call.handle, call.remote_sdp, offer=delayed))

    def _on_failure_response(self, call: Call, tx: Transaction, resp: Response, now: float) -> None:
        code = resp.status_code
        if tx is call.invite_tx:
            call.invite_tx = None
        if call.ended:
            return
        if code == 422:
            interval = retry_interval_after_422(resp, call.session_interval)
            if interval is not None:
                call.session_interval = interval
                retry = renumbered(call.invite, call.invite.cseq.seq + 1)
                self._add_invite_headers(retry, call, call.local_sdp)
                self._send(call, retry, now)
                return
        cause = EndCause.TIMEOUT if code == 408 else EndCause.REJECTED
        self._calls.end(call, cause, Party.REMOTE, code=code, reason=resp.reason)

    def _on_failure(self, call: Call, tx: Transaction, failure: Failure, now: float) -> None:
        if tx is call.invite_tx:
            call.invite_tx = None
        if call.ended:
            return
        if failure is Failure.TRANSPORT:
            self._calls.end(call, EndCause.CONNECTION_LOST, Party.LOCAL)
        else:
            self._calls.end(
                call, EndCause.TIMEOUT, Party.REMOTE, code=408, reason="Request Timeout"
            )
