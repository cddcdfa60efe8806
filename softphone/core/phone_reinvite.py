"""The phone's in-dialog offers: our hold/unhold, the far end's re-INVITEs, ACK answers.

A mixin of ``Phone`` (phone.py holds the phone's life and the SIP event
dispatch). Every exchange here changes a running call's media; one that
fails leaves the call as it was (RFC 3261 §14.1) and tells the agent.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from softphone.core import phone_events as ev
from softphone.core import sentences as S
from softphone.core.phone_call import PhoneCall
from softphone.core.phone_config import PhoneCommandError
from softphone.core.phone_events import By
from softphone.core.sentences import Sentence
from softphone.media.errors import MediaError
from softphone.media.offer_answer import Problem, Shortfall
from softphone.sip.errors import LocalProtocolError

if TYPE_CHECKING:
    from softphone.core.phone_events import PhoneEvent
    from softphone.sip.ua import UserAgent

log = logging.getLogger(__name__)
T = TypeVar("T")


class ReinviteSide:
    """Mixin of ``Phone``: hold/unhold and every re-INVITE of an established call."""

    if TYPE_CHECKING:
        _calls: dict[str, PhoneCall]

        def _sip_act(self, fn: Callable[[UserAgent, float], T]) -> T: ...
        def _call(self, handle: str | None, what: str) -> PhoneCall: ...
        def _emit(self, event: PhoneEvent) -> None: ...

    async def hold(self, handle: str | None = None) -> None:
        await self._set_hold(self._call(handle, "hold"), True)

    async def unhold(self, handle: str | None = None) -> None:
        await self._set_hold(self._call(handle, "unhold"), False)

    async def _set_hold(self, call: PhoneCall, hold: bool) -> None:
        if not call.established:
            raise PhoneCommandError(Sentence(S.HOLD_NEEDS_CALL))
        if call.pending_hold is not None:
            raise PhoneCommandError(Sentence(S.HOLD_IN_PROGRESS))
        if call.hold_local == hold:
            raise PhoneCommandError(Sentence(S.ALREADY_ON_HOLD if hold else S.NOT_ON_HOLD))
        cannot = S.CANNOT_HOLD if hold else S.CANNOT_UNHOLD
        # Ask first: an offer made but never sent would wedge the media (aiortc
        # cannot roll an offer back), e.g. while the far end's re-INVITE is open.
        blocker = self._sip_act(lambda ua, now: ua.reinvite_blocker(call.handle))
        if blocker is not None:
            raise PhoneCommandError(Sentence(cannot, detail=blocker))
        try:
            offer = await call.oa.offer(call.media.hold if hold else call.media.unhold)
        except MediaError as exc:
            raise PhoneCommandError(Sentence(cannot, detail=exc)) from exc
        call.pending_hold = hold
        try:
            self._sip_act(lambda ua, now: ua.reinvite(call.handle, offer, now))
        except LocalProtocolError as exc:
            call.pending_hold = None
            await call.oa.on_refused(str(exc))  # never sent: the media goes back too
            raise PhoneCommandError(Sentence(cannot, detail=exc)) from exc

    async def _on_reinvite(self, handle: str, sdp: str | None) -> None:
        call = self._calls.get(handle)
        if call is None:
            return
        # No SDP in the re-INVITE (a session refresh, or a transfer by third-party
        # call control): ours is the offer, and the answer comes in the ACK.
        try:
            answer = await call.oa.answer(sdp)
        except MediaError as exc:
            self._emit(ev.PhoneError(Sentence(S.REFUSED_NEW_OFFER, error=exc), handle))
            self._sip_act(lambda ua, now: ua.reject_reinvite(handle, 488, now))
            return
        self._sip_act(lambda ua, now: ua.answer_reinvite(handle, answer, now))

    async def _undo_offer(self, call: PhoneCall, why: str) -> None:
        """Our hold/unhold did not go through: the call stays as it was (RFC 3261 §14.1)."""
        problem = await call.oa.on_refused(why)
        self._report_undone(call, problem)

    def _report_undone(self, call: PhoneCall, problem: Problem | None) -> None:
        hold, call.pending_hold = call.pending_hold, None
        if problem is None:
            return
        if not problem.restored:
            log.warning("could not restore the session after a refused offer")
        self._emit(ev.PhoneError(undone_sentence(hold, problem), call.handle))

    async def _on_ack(self, handle: str, sdp: str | None) -> None:
        """The ACK of our 2xx: where a delayed offer gets its answer."""
        call = self._calls.get(handle)
        if call is None:
            return
        problem = await call.oa.on_ack(sdp)
        if problem is None:
            return
        self._emit(ev.PhoneError(ack_sentence(problem), handle))
        if problem.fatal:
            # A call that never agreed on media cannot carry a voice: end it. Otherwise
            # the call keeps the media it had; hanging up on a customer is worse.
            with contextlib.suppress(LocalProtocolError):
                self._sip_act(lambda ua, now: ua.hangup(handle, now))

    async def _on_reinvite_answered(self, handle: str, sdp: str | None) -> None:
        call = self._calls.get(handle)
        if call is None:
            return
        hold = call.pending_hold
        problem = await call.oa.on_answer(sdp)
        if problem is not None:
            self._report_undone(call, problem)
            return
        call.pending_hold = None
        if hold is not None and hold != call.hold_local:
            call.hold_local = hold
            self._emit(ev.Held(handle, By.LOCAL) if hold else ev.Unheld(handle, By.LOCAL))


_SHORTFALLS: dict[Shortfall, str] = {
    Shortfall.NO_ANSWER_IN_ACK: S.SDP_NO_ANSWER_IN_ACK,
    Shortfall.UNUSABLE_ANSWER_IN_ACK: S.SDP_UNUSABLE_ANSWER_IN_ACK,
    Shortfall.NO_ANSWER: S.SDP_NO_ANSWER,
    Shortfall.UNUSABLE_ANSWER: S.SDP_UNUSABLE_ANSWER,
}


def problem_sentence(problem: Problem) -> str:
    """What an offer/answer problem says to the agent.

    A refusal is the far end's own status code and reason (as sent, so no
    sentence of ours); the media's error inside an unusable answer stays as
    written too.
    """
    template = _SHORTFALLS.get(problem.shortfall)
    if template is None:
        return problem.detail
    if "{error}" in template:
        return Sentence(template, error=problem.detail)
    return Sentence(template)


def ack_sentence(problem: Problem) -> str:
    """The answer in an ACK was missing or unusable: the call ends (``fatal``) or goes on."""
    if problem.fatal:
        return problem_sentence(problem)
    return Sentence(S.KEEPS_PREVIOUS_AUDIO, problem=problem_sentence(problem))


def undone_sentence(hold: bool | None, problem: Problem) -> str:
    """Our hold, unhold or other re-INVITE (``hold`` None) did not go through."""
    failed = {True: S.HOLD_FAILED, False: S.UNHOLD_FAILED, None: S.REINVITE_FAILED}[hold]
    sentence = Sentence(failed, problem=problem_sentence(problem))
    if problem.restored:
        return sentence
    return Sentence(S.AUDIO_MAY_BE_AFFECTED, failure=sentence)
