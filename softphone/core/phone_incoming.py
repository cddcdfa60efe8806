"""The phone's incoming-call path: an INVITE, its ringing, its answer or refusal.

A mixin of ``Phone`` (phone.py holds the phone's life, outgoing calls and the
SIP event dispatch). Speed matters most here: Mediatel rings the agent's
extension and expects an answer within a second, so the SDP answer and the
sound card are prepared the moment an INVITE arrives, while the auto-answer
delay (or the agent) is still deciding.

One call at a time: a contact-center agent takes one call, so a second
INVITE while busy is refused with 486 Busy Here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from softphone.core import phone_events as ev
from softphone.core import sentences as S
from softphone.core.phone_call import PhoneCall
from softphone.core.phone_config import PhoneCommandError, PhoneConfig
from softphone.core.sentences import Sentence, said
from softphone.media.errors import MediaError, SdpError
from softphone.sip import events as sip
from softphone.sip.errors import LocalProtocolError
from softphone.timers import call_not_before

if TYPE_CHECKING:
    from softphone.core.phone_events import PhoneEvent
    from softphone.media.ring import RingPlayer, RingSound
    from softphone.sip.ua import UserAgent

log = logging.getLogger(__name__)
T = TypeVar("T")


class IncomingSide:
    """Mixin of ``Phone``: answering, refusing and preparing incoming calls."""

    if TYPE_CHECKING:
        config: PhoneConfig
        _calls: dict[str, PhoneCall]
        _armed_until: float | None
        _ring: RingPlayer

        @property
        def active_call(self) -> str | None: ...
        def _sip_act(self, fn: Callable[[UserAgent, float], T]) -> T: ...
        def _call(self, handle: str | None, what: str) -> PhoneCall: ...
        def _build_call(self) -> tuple[PhoneCall, Callable[[], Awaitable[None]]]: ...
        def _emit(self, event: PhoneEvent) -> None: ...
        def _spawn(self, coro: Awaitable[Any]) -> None: ...
        async def _start_ring(self, sound: RingSound, call: PhoneCall) -> None: ...

    async def answer(self, handle: str | None = None, *, automatic: bool = False) -> None:
        """``automatic``: no agent pressed Answer, so the agent hears a beep (if configured).

        A call the phone answers by itself (armed, or its own auto-answer) is answered
        once: asking again waits for that answer instead of sending a second 200 OK.
        """
        call = self._call(handle, "answer")
        if call.outgoing:
            raise PhoneCommandError(Sentence(S.NOTHING_TO_ANSWER))
        if call.answering is not None:
            await asyncio.shield(call.answering)
            return
        if call.established:
            raise PhoneCommandError(Sentence(S.NOTHING_TO_ANSWER))
        await self._answer(call, automatic)

    def arm_auto_answer(self, within_s: float) -> None:
        """The platform announced a call that is to be answered at once: answer the
        next INVITE here, straight from its SIP event, as automatic (the beep).

        Whoever decided (the agent session) would otherwise hear of the INVITE one
        event hop later and answer one task later, after a 180 Ringing: milliseconds
        the caller waits. One INVITE uses the arming up; it lapses after ``within_s``
        or on ``disarm_auto_answer``, and an INVITE then rings and waits as any other,
        so nothing the platform did not announce is ever answered by itself.
        """
        self._armed_until = asyncio.get_running_loop().time() + max(0.0, within_s)

    def disarm_auto_answer(self) -> None:
        """The announcement is gone (the call went elsewhere, the policy changed)."""
        self._armed_until = None

    def _take_arming(self) -> bool:
        """Whether this INVITE is the announced one; the arming is used up either way."""
        until, self._armed_until = self._armed_until, None
        return until is not None and asyncio.get_running_loop().time() < until

    async def reject(
        self, code: int = 486, handle: str | None = None, reason: str | None = None
    ) -> None:
        """Refuse a ringing call; ``reason`` replaces the standard reason phrase."""
        call = self._call(handle, "reject")
        if call.outgoing or call.established:
            raise PhoneCommandError(Sentence(S.NOTHING_TO_REJECT))
        self._sip_act(lambda ua, now: ua.reject(call.handle, code, now, reason=reason))

    async def _answer(self, call: PhoneCall, automatic: bool = False) -> None:
        if call.auto_answer is not None:
            call.auto_answer.cancel()
            call.auto_answer = None
        assert call.answer_sdp is not None
        try:
            sdp = await call.answer_sdp
        except PhoneCommandError:
            return  # no sound card: _prepare_answer refused the call and said why
        except asyncio.CancelledError:
            me = asyncio.current_task()
            if call.ended and (me is None or not me.cancelling()):
                return  # the caller gave up while we were getting ready
            raise  # we ourselves are being cancelled (the phone is closing)
        except SdpError as exc:
            self._emit(ev.PhoneError(Sentence(S.CANNOT_ANSWER, error=exc), call.handle))
            with contextlib.suppress(LocalProtocolError):
                self._sip_act(lambda ua, now: ua.reject(call.handle, 488, now))
            return
        except MediaError as exc:
            self._emit(ev.PhoneError(Sentence(S.CANNOT_ANSWER, error=exc), call.handle))
            with contextlib.suppress(LocalProtocolError):
                self._sip_act(lambda ua, now: ua.reject(call.handle, 500, now))
            return
        self._send_answer(call, sdp, automatic)
        # After the 200 OK, not before: closing the ring's stream can take a while,
        # and the caller waits for the answer, not for our ringtone to stop.
        await self._ring.stop()

    def _send_answer(self, call: PhoneCall, sdp: str, automatic: bool) -> None:
        """The 200 OK, once (a call answered at once has it sent by its preparation)."""
        if call.ended or call.established:
            return
        try:
            self._sip_act(lambda ua, now: ua.answer(call.handle, sdp, now))
        except LocalProtocolError as exc:  # e.g. cancelled meanwhile
            log.info("answer of %s came too late: %s", call.handle, exc)
            return
        call.established = True
        if automatic and self.config.auto_answer_beep:
            call.cue_answered()
        self._emit(ev.Answered(call.handle, outgoing=False))

    def _answer_at_once(self, call: PhoneCall) -> None:
        """The phone's own answer (armed, or its auto-answer), which ``answer()`` joins."""
        if call.answering is None and not call.ended:
            call.answering = asyncio.ensure_future(self._answer(call, automatic=True))
            self._spawn(call.answering)

    async def _on_incoming(self, event: sip.IncomingCall) -> None:
        if self.active_call is not None:
            reason = "Busy Here: already in a call"
            self._sip_act(lambda ua, now: ua.reject(event.call, 486, now, reason=reason))
            caller = event.caller
            self._emit(
                ev.CallRefused(event.call, str(caller.uri), caller.display_name, 486, reason)
            )
            return
        armed = self._take_arming()
        call, open_devices = self._build_call()
        call.handle = event.call
        self._calls[call.handle] = call
        # A delayed offer (an INVITE without SDP, as third-party call control
        # sends): our 200 carries the offer and the ACK the answer.
        sdp = call.oa.answer(event.sdp)
        delay = 0 if armed else self.config.auto_answer_ms
        if delay is None and event.auto_answer_after is not None and self.config.answer_hints:
            delay = int(event.auto_answer_after * 1000)
        # Devices and the SDP are prepared at once and together, in the
        # background: the SIP event pump must never wait on a sound card.
        call.answer_sdp = asyncio.ensure_future(
            self._prepare_answer(call, open_devices(), sdp, at_once=delay == 0)
        )
        if delay == 0:  # no 180 Ringing and no ringtone: the 200 OK is due at once
            self._answer_at_once(call)
        self._emit(
            ev.IncomingCall(event.call, str(event.caller.uri), event.caller.display_name, delay)
        )
        if delay == 0:
            return
        self._sip_act(lambda ua, now: ua.ring(event.call, now))
        if self.config.ring_incoming:
            await self._start_ring(self.config.ringtone, call)
        if delay is not None:
            call.auto_answer = call_not_before(delay / 1000, lambda: self._answer_at_once(call))

    async def _prepare_answer(
        self,
        call: PhoneCall,
        devices: Awaitable[None],
        answer: Awaitable[str],
        *,
        at_once: bool,
    ) -> str:
        """Our SDP answer once the sound card is open too; ``at_once`` sends it as well.

        The SDP work runs in this very task (the card opens alongside in its own),
        and a call answered at once has its 200 OK sent from here: no task hand-over
        between "the SDP is ready" and "the answer is out", each of which waits for a
        turn of a loop that may be busy. No sound card refuses the call at once (480)
        rather than letting it ring for an answer that cannot carry audio.
        """
        opening = asyncio.ensure_future(devices)
        opening.add_done_callback(_retrieve)
        try:
            sdp = await answer
            await opening
        except asyncio.CancelledError:
            opening.cancel()  # the call is over before it was answered
            raise
        except PhoneCommandError as exc:
            if not call.ended:
                with contextlib.suppress(LocalProtocolError):
                    self._sip_act(lambda ua, now: ua.reject(call.handle, 480, now))
                self._emit(ev.PhoneError(said(exc), call.handle))
            raise
        if at_once:
            self._send_answer(call, sdp, automatic=True)
        return sdp


def _retrieve(task: asyncio.Future[None]) -> None:
    """The sound card's outcome is read even when the SDP failed first (no stray warning)."""
    if not task.cancelled():
        task.exception()
