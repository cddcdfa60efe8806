"""The phone's half of the agent session: registration, INVITEs, the call's SIP leg.

A mixin of ``AgentSession`` (agent_session.py holds the session's life and
Mediatel's half). Phone events arrive here, are merged into the call
tracker, and hand INVITEs to the auto-answer and refusal policies; a
registrar switch starts a phone on the new servers and retires the old one
only once the new one is registered, so the agent is never unreachable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from softphone.core import phone_events as ev
from softphone.core import sentences as S
from softphone.core.agent_commands import SignInError
from softphone.core.agent_ports import PhonePort, SipLogin
from softphone.core.agent_snapshot import CallPhase, CallType, LinkHealth, LinkState
from softphone.core.call_end import CallEnd, from_sip
from softphone.core.call_quality_view import quality_view
from softphone.core.call_refusal import refusal_for
from softphone.core.cti_events import CtiEvent, CtiEventName
from softphone.core.gateway_refresh import refused_by_gateway
from softphone.core.sentences import Sentence
from softphone.core.sign_in_errors import registration_error
from softphone.net.mediatel import State
from softphone.net.mediatel.state import CALL_STATES
from softphone.tasks import cancel_and_wait

if TYPE_CHECKING:
    from softphone.core.agent_ports import Clock, PhoneFactory
    from softphone.core.answer_first import AnswerFirst
    from softphone.core.auto_answer import AutoAnswer
    from softphone.core.call_tracker import CallTracker
    from softphone.core.gateway_refresh import GatewayRefresh
    from softphone.core.registrar_switch import RegistrarSwitch
    from softphone.core.watchdog import RegistrationWatchdog
    from softphone.net.mediatel import AgentState

log = logging.getLogger(__name__)
#: How long an announcement holds the CRM's news for its INVITE (it comes within ms).
INVITE_HOLD_S = 0.25


class PhoneSide:
    """Mixin of ``AgentSession``: everything the phone reports, and the phone's life."""

    if TYPE_CHECKING:
        clock: Clock
        policy: Any
        tracker: CallTracker
        auto_answer: AutoAnswer
        answer_first: AnswerFirst
        gateway: GatewayRefresh
        watchdog: RegistrationWatchdog
        registrars: RegistrarSwitch
        _agent: AgentState | None
        _phone: PhonePort | None
        _phone_factory: PhoneFactory
        _sip_login: SipLogin | None
        _sip_link: LinkHealth
        _pumps: list[asyncio.Task[None]]
        _quality_task: asyncio.Task[None] | None
        _invite_hold: Callable[[], None] | None
        _missed: int
        _notice: str | None

        def _publish(self) -> None: ...
        def _new_phone(self, phone: PhonePort) -> PhonePort: ...
        def _note(self, text: str) -> None: ...
        def _spawn(self, coro: Awaitable[Any]) -> None: ...
        async def _guard(self, coro: Awaitable[Any]) -> None: ...
        def _emit_cti(self, event: CtiEvent) -> None: ...
        def _link(
            self,
            which: str,
            state: LinkState,
            reason: str | None = None,
            retry: float | None = None,
        ) -> None: ...

    async def _start_phone(self, login: SipLogin, timeout: float) -> PhonePort:
        """A started phone whose extension registered, or SignInError (the phone closed)."""
        phone = self._new_phone(self._phone_factory(login))
        events = phone.events()
        try:
            await phone.start()
            failure: ev.RegistrationFailed | None = None
            async with asyncio.timeout(timeout):
                async for event in events:
                    if isinstance(event, ev.Registered):
                        break
                    if isinstance(event, ev.RegistrationFailed):
                        failure = event
                        break
        except TimeoutError:
            failure = None
        except BaseException:
            await phone.aclose()
            raise
        if not phone.registered:
            await phone.aclose()
            raise registration_error(login.urls[0], failure)
        self._link("_sip_link", LinkState.UP)
        self._emit_cti(
            CtiEvent(
                CtiEventName.REGISTRATION_CHANGE, self.clock.time(), None, {"registered": True}
            )
        )
        self._pumps.append(asyncio.ensure_future(self._pump_phone(phone, events)))
        return phone

    # -- phone events ------------------------------------------------------------------

    async def _pump_phone(self, phone: PhonePort, events: AsyncIterator[ev.PhoneEvent]) -> None:
        async for event in events:
            if phone is not self._phone:
                continue  # a phone being replaced (registrar switch)
            try:
                self._on_phone(phone, event)
            except Exception:
                log.exception("while handling %r", event)

    def _on_phone(self, phone: PhonePort, event: ev.PhoneEvent) -> None:
        t = self.tracker
        match event:
            case ev.Registered():
                self._registration(True, LinkState.UP)
                self.gateway.recovered()
            case ev.RegistrationFailed(reason=reason, will_retry=retry):
                self._registration(
                    False, LinkState.RECONNECTING if retry else LinkState.FAILED, reason
                )
            case ev.Unregistered(reason=reason):
                self._registration(False, LinkState.RECONNECTING, reason)
            case ev.ConnectionChanged(connected=False, error=error, retry_in=retry_in):
                self._link(
                    "_sip_link",
                    LinkState.RECONNECTING,
                    error or "the SIP connection dropped",
                    retry_in,
                )
                self._registration(False, LinkState.RECONNECTING, error)
                if refused_by_gateway(error) and self.gateway.wanted():
                    self._spawn(self.gateway.refused("SIP"))
            case ev.IncomingCall(call=handle, caller=caller):
                number = _number_of(caller)
                if t.on_invite(handle, number):
                    self.auto_answer.on_invite(handle)
                else:
                    refusal = refusal_for(self._agent_state(), other_call_up=True)
                    if refusal is not None:
                        t.stray(number, f"refused ({refusal.code}): {refusal.reason}")
                        self._spawn(self._guard(phone.reject(refusal.code, handle, refusal.reason)))
            case ev.CallRefused(caller=caller, code=code, reason=reason):
                t.stray(_number_of(caller), f"refused ({code}): {reason}")
            case ev.Answered(call=handle) if handle == t.handle:
                self.auto_answer.on_call_gone(handle)
                t.answered()
                self._quality_task = asyncio.ensure_future(self._poll_quality(phone, handle))
            case ev.Held(by=ev.By.REMOTE) | ev.Unheld(by=ev.By.REMOTE):
                t.remote_hold(isinstance(event, ev.Held))
            case ev.DtmfReceived(digit=digit):
                t.dtmf(digit)
            case ev.CallEnded(call=handle) if handle == t.handle:
                self.auto_answer.on_call_gone(handle)
                if (
                    t.call is not None
                    and t.call.answered_at is None
                    and t.call.phase is CallPhase.RINGING
                ):
                    self._missed += 1
                by = "agent" if event.by is ev.By.LOCAL else "remote"
                answered = t.call is not None and t.call.answered_at is not None
                end = from_sip(event.cause, by_agent=by == "agent", answered=answered)
                t.ended(event.reason or event.cause, by=by, quality=event.quality, end=end)
                self._spawn(cancel_and_wait(self._quality_task))
                self.registrars.set_busy(self._agent_state() in CALL_STATES)
            case ev.AudioDeviceStalled() | ev.PhoneError():
                self._notice = event.message
            case _:
                return
        self._publish()

    def _agent_state(self) -> State | None:
        return self._agent.state if self._agent is not None else None

    def _registration(self, up: bool, state: LinkState, reason: str | None = None) -> None:
        if up != self._sip_link.up:
            self._emit_cti(
                CtiEvent(
                    CtiEventName.REGISTRATION_CHANGE,
                    self.clock.time(),
                    None,
                    {"registered": up, "reason": reason},
                )
            )
        if (
            self._sip_link.state is not LinkState.RECONNECTING
            or state is not LinkState.RECONNECTING
        ):
            self._link("_sip_link", state, reason)
        self.watchdog.on_registration(up)

    async def _poll_quality(self, phone: PhonePort, handle: str) -> None:
        while self.tracker.live and self.tracker.handle == handle:
            await asyncio.sleep(self.policy.quality_interval_s)
            with contextlib.suppress(Exception):
                self.tracker.quality(quality_view(await phone.call_quality(handle)))
                self._publish()

    # -- auto-answer callbacks ----------------------------------------------------------

    def _auto_answer(self, handle: str, _call_type: CallType) -> None:
        if self._phone is not None:
            # The CRM, the snapshot and the history wait until the 200 OK is out.
            self._spawn(self._answer_first(self._phone, handle, self.answer_first.hold()))
        self._invite_arrived()

    def _arm_phone(self, armed: bool) -> None:
        """The announced call's INVITE is answered by the phone itself, the moment it
        arrives (auto_answer.py says when; ``Phone.arm_auto_answer`` why)."""
        if self._phone is None:
            return
        if armed:
            self._phone.arm_auto_answer(self.policy.invite_grace_s)
        else:
            self._phone.disarm_auto_answer()

    def _hold_for_invite(self) -> None:
        """An announced call will be answered at once: keep the loop free for its INVITE."""
        self._invite_arrived()
        self._invite_hold = self.answer_first.hold(INVITE_HOLD_S)

    def _invite_arrived(self) -> None:
        release, self._invite_hold = self._invite_hold, None
        if release is not None:
            release()

    async def _answer_first(
        self, phone: PhonePort, handle: str, release: Callable[[], None]
    ) -> None:
        try:
            await self._guard(phone.answer(handle, automatic=True))
        finally:
            release()

    def _unannounced(self, handle: str) -> None:
        self._invite_arrived()
        refusal = refusal_for(self._agent_state(), other_call_up=False)
        if refusal is None:
            self._note(Sentence(S.UNANNOUNCED_CALL))
            return
        self.tracker.ended(
            f"refused ({refusal.code}): {refusal.reason}", by="agent", end=CallEnd.REFUSED
        )
        if self._phone is not None:
            self._spawn(self._guard(self._phone.reject(refusal.code, handle, refusal.reason)))
        self._publish()

    # -- registrar switching --------------------------------------------------------------

    async def _switch(self, urls: tuple[str, ...]) -> None:
        if self._sip_login is None or self._phone is None:
            return
        login = replace(self._sip_login, urls=urls)
        try:
            phone = await self._start_phone(login, self.policy.sign_in_timeout_s)
        except SignInError as exc:
            self._note(Sentence(S.SIP_MOVE_FAILED, error=exc))
            return
        old, self._phone, self._sip_login = self._phone, phone, login
        await old.aclose()
        self._note(Sentence(S.SIP_MOVED, url=urls[0]))


def _number_of(uri: str) -> str | None:
    user = uri.split(":", 1)[-1].split("@", 1)[0]
    return user or None
