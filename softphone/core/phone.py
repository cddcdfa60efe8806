"""The phone: one SIP account over WebSocket, with aiortc media per call.

``Phone`` glues three parts that know nothing of each other: the sans-IO SIP
user agent (``softphone.sip``), its WebSocket driver (``softphone.net``) and
a ``MediaSession`` per call (``softphone.media``). SDP crosses between them
as plain strings. Callers see only ``softphone.core.phone_events``.

The incoming-call path (INVITE, ringing, answer; speed matters there) is
``core.phone_incoming``; hold/unhold and re-INVITEs are ``core.phone_reinvite``;
both are mixins of ``Phone`` and share its state.

The SIP connection is a port (``core.sip_transport``: WebSocket, or in memory
for tests); each call's SDP offer/answer is ``media.offer_answer.OfferAnswer``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from typing import Any, TypeVar, assert_never

from softphone.core import phone_events as ev
from softphone.core import sentences as S
from softphone.core.audio_preferences import AudioPreferences, with_preferences
from softphone.core.phone_call import PhoneCall, build_call
from softphone.core.phone_config import PhoneCommandError, PhoneConfig, SipAccount
from softphone.core.phone_events import By, DtmfMethod, PhoneEvent
from softphone.core.phone_incoming import IncomingSide
from softphone.core.phone_registration import RegistrationStatus
from softphone.core.phone_reinvite import ReinviteSide, problem_sentence
from softphone.core.sentences import Sentence, said
from softphone.core.sip_transport import (
    SipLineEvent,
    SipTransport,
    TransportFactory,
    websocket_transport,
)
from softphone.media.devices import NoAudioDevice, backend_for
from softphone.media.errors import MediaError
from softphone.media.ring import RINGBACK, RingPlayer, RingSound
from softphone.media.session import MediaEvent, MediaFailed
from softphone.memory import release_call_memory
from softphone.net.sip_ws import TransportState, TransportStateChanged
from softphone.sip import events as sip
from softphone.sip.dtmf_info import DTMF_ALPHABET, parse_dtmf_info
from softphone.sip.errors import LocalProtocolError
from softphone.sip.ua import UserAgent
from softphone.tasks import cancel_and_wait

__all__ = ["Phone", "PhoneCommandError", "PhoneConfig", "SipAccount"]

log = logging.getLogger(__name__)
T = TypeVar("T")
CONNECTED = TransportState.CONNECTED

DTMF_DIGITS = frozenset(DTMF_ALPHABET)


class Phone(IncomingSide, ReinviteSide):
    """A registered SIP phone. Use ``async with Phone(config) as phone``.

    ``transport`` builds the SIP connection for the phone's user agent;
    default: SIP over WebSocket to ``config.transport``.
    """

    def __init__(
        self,
        config: PhoneConfig,
        *,
        rng: random.Random | None = None,
        transport: TransportFactory | None = None,
    ) -> None:
        self.config = config
        self._configured = config
        self._rng = rng or random.Random()
        self._transport = transport or websocket_transport(config.transport, self._rng)
        self._events: asyncio.Queue[PhoneEvent] = asyncio.Queue()
        self._calls: dict[str, PhoneCall] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._releasing: set[asyncio.Task[None]] = set()  # calls whose media is closing
        self._audio_backend = config.audio_backend or backend_for(config.audio)
        self._ring = RingPlayer(self._audio_backend, config.audio.ring or config.audio.speaker)
        self._sip: SipTransport | None = None
        self._pump: asyncio.Task[None] | None = None
        self._registration = RegistrationStatus()
        self._armed_until: float | None = None  # arm_auto_answer: the announced INVITE's deadline

    # -- lifecycle -------------------------------------------------------

    async def __aenter__(self) -> Phone:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def start(self) -> None:
        """Connect and register (registration happens in the background;
        watch for ``Registered`` / ``RegistrationFailed``)."""
        loop = asyncio.get_running_loop()
        ua = UserAgent(self.config.ua_config(), now=loop.time(), rng=self._rng)
        self._sip = self._transport(ua)
        self._pump = loop.create_task(self._pump_events(), name="phone-events")
        await self._sip.start()

    async def aclose(self) -> None:
        """Hang up, unregister, close. Safe to call twice."""
        for call in list(self._calls.values()):
            if not call.ended:
                with contextlib.suppress(Exception):
                    self._sip_act(partial(_hangup, call.handle))
                await self._finish(call)
        if self._sip is not None:
            sip_client = self._sip
            unregister = partial(sip_client.act, lambda ua, now: ua.unregister(now))
            await sip_client.aclose(before_close=unregister if self.registered else None)
            self._sip = None
        await cancel_and_wait(self._pump)
        self._pump = None
        if self._releasing:
            await asyncio.wait(set(self._releasing))
        for task in list(self._tasks):
            task.cancel()
        await self._ring.stop()

    async def events(self) -> AsyncIterator[PhoneEvent]:
        while True:
            yield await self._events.get()

    async def next_event(self) -> PhoneEvent:
        return await self._events.get()

    @property
    def registered(self) -> bool:
        return self._registration.registered

    @property
    def active_call(self) -> str | None:
        return next((handle for handle, call in self._calls.items() if not call.ended), None)

    # -- commands ------------------------------------------------------------

    async def call(self, target: str) -> str:
        """Call ``target`` (a number/user at our domain, or a sip: URI)."""
        if self.active_call is not None:
            raise PhoneCommandError(Sentence(S.CALL_ALREADY_UP))
        if not target.strip():
            raise PhoneCommandError(Sentence(S.NUMBER_EMPTY))
        template, open_devices = self._build_call()
        media = template.media
        try:
            _, offer = await asyncio.gather(open_devices(), template.oa.offer())
            handle: str = self._sip_act(lambda ua, now: ua.invite(target.strip(), offer, now))
        except (MediaError, LocalProtocolError, PhoneCommandError) as exc:
            await media.close()
            await template.close_devices()
            if isinstance(exc, PhoneCommandError):
                raise
            raise PhoneCommandError(Sentence(S.CANNOT_START_CALL, error=exc)) from exc
        template.handle, template.outgoing = handle, True
        self._calls[handle] = template
        return handle

    async def hangup(self, handle: str | None = None) -> None:
        call = self._call(handle, "hang up")
        self._sip_act(partial(_hangup, call.handle))

    async def call_quality(self, handle: str | None = None) -> ev.CallQuality:
        """Loss, jitter and round-trip time of a call so far (diagnostics)."""
        return await self._call(handle, "report call quality").media.quality()

    def set_audio(self, prefs: AudioPreferences) -> None:
        """Devices and microphone processing from the next call (a running call keeps its
        cards); the ring's device and volume at once (``audio_preferences``)."""
        ringing = self._ring.sound is self.config.ringtone
        self.config = with_preferences(self.config, self._configured, prefs)
        if ringing:
            self._ring.set_volume(self.config.ring_volume)
        self._spawn(self._ring.set_device(self.config.audio.ring or self.config.audio.speaker))

    def mute(self, muted: bool = True, handle: str | None = None) -> None:
        self._call(handle, "mute").media.mute(muted)

    async def send_dtmf(
        self, digits: str, method: DtmfMethod = DtmfMethod.AUTO, handle: str | None = None
    ) -> DtmfMethod:
        """Send digits; returns the method used."""
        call = self._call(handle, "send DTMF")
        if not call.established:
            raise PhoneCommandError(Sentence(S.NO_CONNECTED_CALL))
        digits = digits.upper()
        bad = sorted(set(digits) - DTMF_DIGITS)
        if not digits or bad:
            raise PhoneCommandError(Sentence(S.NOT_DTMF_DIGITS, digits="".join(bad) or "—"))
        if method is not DtmfMethod.INFO and call.media.send_dtmf(digits):
            return DtmfMethod.RFC4733
        if method is DtmfMethod.RFC4733:
            raise PhoneCommandError(Sentence(S.NO_TELEPHONE_EVENT))
        self._spawn(self._send_info_digits(call, digits))
        return DtmfMethod.INFO

    # -- internals: commands ---------------------------------------------------

    def _sip_act(self, fn: Callable[[UserAgent, float], T]) -> T:
        if self._sip is None:
            raise PhoneCommandError(Sentence(S.PHONE_NOT_STARTED))
        return self._sip.act(fn)

    def _call(self, handle: str | None, what: str) -> PhoneCall:
        handle = handle or self.active_call
        call = self._calls.get(handle) if handle else None
        if call is None or call.ended:
            log.info("cannot %s: there is no call", what)
            raise PhoneCommandError(Sentence(S.NO_CALL))
        return call

    def _build_call(self) -> tuple[PhoneCall, Callable[[], Awaitable[None]]]:
        return build_call(
            self.config, self._audio_backend, self._on_media_event, self._on_device_stall
        )

    async def _send_info_digits(self, call: PhoneCall, digits: str) -> None:
        """One INFO per digit, spaced like a keypad (JsSIP's inter-tone gap)."""
        for digit in digits:
            if call.ended:
                return
            try:
                self._sip_act(partial(_send_dtmf_info, call.handle, digit))
            except LocalProtocolError as exc:
                self._emit(ev.PhoneError(Sentence(S.DTMF_NOT_SENT, error=exc), call.handle))
                return
            await asyncio.sleep(0.1 + 0.07)

    # -- internals: events ----------------------------------------------------------

    def _emit(self, event: PhoneEvent) -> None:
        self._events.put_nowait(event)

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("phone task failed", exc_info=exc)
            self._emit(
                ev.PhoneError(Sentence(S.INTERNAL_ERROR, kind=type(exc).__name__, error=exc))
            )

    async def _pump_events(self) -> None:
        assert self._sip is not None
        async for event in self._sip.events():
            try:
                await self._on_sip_event(event)
            except Exception as exc:  # one bad event must not stop the phone
                log.exception("while handling %r", event)
                self._emit(
                    ev.PhoneError(Sentence(S.INTERNAL_ERROR, kind=type(exc).__name__, error=exc))
                )
            if isinstance(event, sip.CallEnded) and not self._calls and not self._releasing:
                # Here, with the handlers' frames gone, nothing holds the call any more.
                release_call_memory()

    async def _on_sip_event(self, event: SipLineEvent) -> None:
        """Every event the SIP connection reports; a new kind is a type error here."""
        match event:
            case (
                TransportStateChanged()
                | sip.Registered()
                | sip.RegistrationFailed()
                | sip.Unregistered()
            ):
                for news in self._registration.on_event(event):
                    self._emit(news)
                if isinstance(event, TransportStateChanged) and event.state is CONNECTED:
                    self._sip_act(lambda ua, now: ua.register(now))
            case sip.IncomingCall():
                await self._on_incoming(event)
            case sip.CallProgress():
                self._on_progress(event.call, event.code, event.sdp)
            case sip.CallAnswered():
                await self._on_answered(event.call, event.sdp)
            case sip.CallConfirmed() | sip.ReinviteConfirmed():
                await self._on_ack(event.call, event.sdp)
            case sip.CallEnded():
                await self._on_ended(event)
            case sip.ReinviteReceived():
                await self._on_reinvite(event.call, event.sdp)
            case sip.ReinviteAnswered():
                await self._on_reinvite_answered(event.call, event.sdp)
            case sip.ReinviteFailed():
                call = self._calls.get(event.call)
                if call is not None:
                    await self._undo_offer(call, f"{event.code} {event.reason}")
            case sip.SessionRefreshed():
                # RFC 4028 keeps the call alive; nothing the agent needs to see.
                who = "us" if event.refresher is sip.Party.LOCAL else "the far end"
                log.info("%s: session refreshed by %s", event.call, who)
            case sip.InfoReceived(call=handle, content_type=ctype, body=body):
                digit = parse_dtmf_info(ctype, body)
                if digit is not None:
                    self._emit(ev.DtmfReceived(handle, digit, DtmfMethod.INFO))
            case sip.InfoFailed(call=handle, code=code, reason=reason):
                self._emit(
                    ev.PhoneError(Sentence(S.DTMF_INFO_REFUSED, code=code, reason=reason), handle)
                )
            case sip.ProtocolErrorEvent(description=text, internal=internal):
                log.warning("SIP protocol error: %s", text)
                if internal:
                    self._emit(ev.PhoneError(Sentence(S.SIP_ERROR, error=text)))
            case _:
                assert_never(event)

    async def _on_ended(self, event: sip.CallEnded) -> None:
        call = self._calls.get(event.call)
        if call is None or call.ended:
            return
        by = By.LOCAL if event.by is sip.Party.LOCAL else By.REMOTE
        quality = await call.media.quality() if call.established else None
        self._emit(
            ev.CallEnded(event.call, event.cause.value, by, event.code, event.reason, quality)
        )
        await self._finish(call)

    def _on_progress(self, handle: str, code: int, sdp: str | None) -> None:
        call = self._calls.get(handle)
        if call is None:
            return
        self._emit(ev.CallRinging(handle, code))
        if code == 180 and not sdp:
            self._spawn(self._start_ring(RINGBACK, call))

    async def _start_ring(self, sound: RingSound, call: PhoneCall) -> None:
        volume = self.config.ring_volume if sound is self.config.ringtone else 1.0
        try:
            await self._ring.start(sound, volume)
        except (NoAudioDevice, ValueError) as exc:
            self._emit(ev.PhoneError(Sentence(S.CANNOT_RING, error=said(exc)), call.handle))

    async def _on_answered(self, handle: str, sdp: str | None) -> None:
        call = self._calls.get(handle)
        if call is None:
            return
        await self._ring.stop()
        problem = await call.oa.on_answer(sdp)
        if problem is not None:  # the first exchange: no media was ever agreed
            self._emit(ev.PhoneError(problem_sentence(problem), handle))
            self._sip_act(lambda ua, now: ua.hangup(handle, now))
            return
        call.established = True
        self._emit(ev.Answered(handle, outgoing=True))

    def _on_media_event(self, call: PhoneCall, event: MediaEvent) -> None:
        if isinstance(event, MediaFailed):
            self._end_dead_call(call, event.reason)
        elif (news := call.news_of(event)) is not None:
            self._emit(news)

    def _on_device_stall(self, call: PhoneCall, kind: str, stalled: bool) -> None:
        """A headset pulled out mid-call: the call goes on (silence is sent), the agent is told."""
        self._emit(ev.AudioDeviceStalled(call.handle or None, kind, stalled))

    def _end_dead_call(self, call: PhoneCall, reason: str) -> None:
        """The call can carry no audio any more: say so and hang it up."""
        if call.ended:
            return
        self._emit(ev.PhoneError(Sentence(S.MEDIA_FAILED, reason=reason), call.handle))
        handle = call.handle
        with contextlib.suppress(LocalProtocolError, PhoneCommandError):
            self._sip_act(lambda ua, now: ua.hangup(handle, now))

    async def _finish(self, call: PhoneCall) -> None:
        call.ended = True
        if call.auto_answer is not None:
            call.auto_answer.cancel()
        if call.answer_sdp is not None and not call.answer_sdp.done():
            call.answer_sdp.cancel()
        await self._ring.stop()
        # Released in a task of its own: aioice's close() swallows a
        # CancelledError that arrives while it waits ("cancel; await; except
        # CancelledError: pass"). When aclose() cancelled the event pump in the
        # middle of a call's teardown, the pump lost its cancellation that way
        # and went back to waiting for events forever.
        release = asyncio.ensure_future(self._release(call))
        self._releasing.add(release)
        release.add_done_callback(self._releasing.discard)
        await asyncio.shield(release)

    async def _release(self, call: PhoneCall) -> None:
        await call.media.close()
        await call.close_devices()
        self._calls.pop(call.handle, None)


def _hangup(handle: str, ua: UserAgent, now: float) -> None:
    ua.hangup(handle, now)


def _send_dtmf_info(handle: str, digit: str, ua: UserAgent, now: float) -> None:
    ua.send_dtmf(handle, digit, now)
