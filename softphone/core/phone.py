"""The phone: one SIP account over WebSocket, with aiortc media per call.

``Phone`` glues three parts that know nothing of each other: the sans-IO SIP
user agent (``softphone.sip``), its WebSocket driver (``softphone.net``) and
a ``MediaSession`` per call (``softphone.media``). SDP crosses between them
as plain strings. Callers see only ``softphone.core.phone_events``.

Speed matters here: Mediatel rings the agent's extension first and expects
an answer within a second, and an auto-answering phone should answer in a
few milliseconds. So the SDP answer is computed as soon as an INVITE
arrives, while the auto-answer delay (or the agent) is still deciding.

One call at a time: a contact-center agent takes one call, so a second
INVITE while busy is refused with 486 Busy Here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from softphone.core import phone_events as ev
from softphone.core.phone_events import By, DtmfMethod, PhoneEvent
from softphone.media.audio_io import MicrophoneTrack, SpeakerSink
from softphone.media.config import MediaConfig
from softphone.media.devices import AudioBackend, AudioSettings, NoAudioDevice, backend_for
from softphone.media.errors import MediaError, SdpError
from softphone.media.ring import RingPlayer
from softphone.media.session import (
    DtmfReceived,
    MediaConnected,
    MediaEvent,
    MediaFailed,
    MediaSession,
    RemoteHoldChanged,
)
from softphone.media.tracks import AudioTrack, FrameSink, fan_out
from softphone.net.sip_ws import SipWsClient, TransportConfig, TransportState, TransportStateChanged
from softphone.sip import events as sip
from softphone.sip.errors import LocalProtocolError
from softphone.sip.ua import UAConfig, UserAgent
from softphone.tasks import cancel_and_wait

log = logging.getLogger(__name__)

DTMF_DIGITS = frozenset("0123456789*#ABCD")


class PhoneCommandError(Exception):
    """A command the phone cannot carry out now (no call, already on hold, ...)."""


@dataclass(frozen=True)
class SipAccount:
    user: str
    domain: str  # SIP domain / realm the AOR lives in
    password: str = field(default="", repr=False)
    auth_user: str | None = None
    realm: str | None = None  # None: answer any realm's challenge
    display_name: str | None = None
    register_expires: int = 300


@dataclass(frozen=True)
class PhoneConfig:
    """Everything one phone needs.

    ``auto_answer_ms``: None waits for ``answer()``; 0 answers at once.
    ``source_factory``/``sink_factory`` replace the microphone/speaker (the
    headless phone's ``--play``/``--record``, tests); they are called per call.
    ``audio_backend`` replaces the one ``audio`` implies (PortAudio, or the
    null device): tests use it to pull a headset out mid-call.
    """

    account: SipAccount
    transport: TransportConfig
    media: MediaConfig = field(default_factory=MediaConfig)
    audio: AudioSettings = field(default_factory=AudioSettings)
    auto_answer_ms: int | None = None
    ring_incoming: bool = True
    source_factory: Callable[[], AudioTrack] | None = field(default=None, compare=False)
    sink_factory: Callable[[], FrameSink] | None = field(default=None, compare=False)
    audio_backend: AudioBackend | None = field(default=None, compare=False)
    user_agent: str = "softphone"


@dataclass
class _Call:
    handle: str
    outgoing: bool
    media: MediaSession
    answer_sdp: asyncio.Task[str] | None = None  # incoming: our SDP answer, computed at once
    auto_answer: asyncio.TimerHandle | None = None
    established: bool = False
    ended: bool = False
    hold_local: bool = False
    hold_remote: bool = False
    pending_hold: bool | None = None  # our re-INVITE in flight: the hold state it asks for
    # we put an offer in our 2xx (the peer sent none): the answer comes in its ACK
    offer_in_2xx: bool = False
    mic: MicrophoneTrack | None = None
    speaker: SpeakerSink | None = None
    closers: list[Callable[[], Any]] = field(default_factory=list)


class Phone:
    """A registered SIP phone. Use ``async with Phone(config) as phone``."""

    def __init__(self, config: PhoneConfig, *, rng: random.Random | None = None) -> None:
        self.config = config
        self._rng = rng or random.Random()
        self._events: asyncio.Queue[PhoneEvent] = asyncio.Queue()
        self._calls: dict[str, _Call] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._audio_backend = config.audio_backend or backend_for(config.audio)
        self._ring = RingPlayer(self._audio_backend, config.audio.ring or config.audio.speaker)
        self._sip: SipWsClient | None = None
        self._pump: asyncio.Task[None] | None = None
        self._registered = False

    # -- lifecycle -------------------------------------------------------

    async def __aenter__(self) -> Phone:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def start(self) -> None:
        """Connect and register (registration happens in the background;
        watch for ``Registered`` / ``RegistrationFailed``)."""
        account = self.config.account
        loop = asyncio.get_running_loop()
        transport = "WSS" if self.config.transport.urls[0].startswith("wss://") else "WS"
        ua = UserAgent(
            UAConfig(
                user=account.user,
                domain=account.domain,
                password=account.password,
                auth_username=account.auth_user,
                realm=account.realm,
                display_name=account.display_name,
                transport=transport,
                register_expires=account.register_expires,
                user_agent=self.config.user_agent,
            ),
            now=loop.time(),
            rng=self._rng,
        )
        self._sip = SipWsClient(ua, self.config.transport, rng=self._rng)
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

            def unregister() -> None:
                sip_client.act(lambda ua, now: ua.unregister(now))

            await sip_client.aclose(before_close=unregister if self._registered else None)
            self._sip = None
        await cancel_and_wait(self._pump)
        self._pump = None
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
        return self._registered

    @property
    def active_call(self) -> str | None:
        for handle, call in self._calls.items():
            if not call.ended:
                return handle
        return None

    # -- commands ------------------------------------------------------------

    async def call(self, target: str) -> str:
        """Call ``target`` (a number/user at our domain, or a sip: URI)."""
        if self.active_call is not None:
            raise PhoneCommandError("already in a call")
        if not target.strip():
            raise PhoneCommandError("nothing to call: the target is empty")
        cell: list[_Call] = []
        media, open_devices, template = self._build_media(cell)
        try:
            _, offer = await asyncio.gather(open_devices(), media.create_offer())
            handle: str = self._sip_act(lambda ua, now: ua.invite(target.strip(), offer, now))
        except (MediaError, LocalProtocolError, PhoneCommandError) as exc:
            await media.close()
            await _close_all(template.closers)
            if isinstance(exc, PhoneCommandError):
                raise
            raise PhoneCommandError(f"cannot start the call: {exc}") from exc
        template.handle, template.outgoing = handle, True
        self._attach(template, cell)
        return handle

    async def answer(self, handle: str | None = None) -> None:
        call = self._call(handle, "answer")
        if call.outgoing or call.established:
            raise PhoneCommandError("there is no ringing incoming call to answer")
        await self._answer(call)

    async def reject(
        self, code: int = 486, handle: str | None = None, reason: str | None = None
    ) -> None:
        """Refuse a ringing call; ``reason`` replaces the standard reason phrase."""
        call = self._call(handle, "reject")
        if call.outgoing or call.established:
            raise PhoneCommandError("only a ringing incoming call can be rejected")
        self._sip_act(lambda ua, now: ua.reject(call.handle, code, now, reason=reason))

    async def hangup(self, handle: str | None = None) -> None:
        call = self._call(handle, "hang up")
        self._sip_act(lambda ua, now: ua.hangup(call.handle, now))

    async def hold(self, handle: str | None = None) -> None:
        await self._set_hold(self._call(handle, "hold"), True)

    async def unhold(self, handle: str | None = None) -> None:
        await self._set_hold(self._call(handle, "unhold"), False)

    async def call_quality(self, handle: str | None = None) -> ev.CallQuality:
        """Loss, jitter and round-trip time of a call so far (diagnostics)."""
        return await self._call(handle, "report call quality").media.quality()

    def mute(self, muted: bool = True, handle: str | None = None) -> None:
        self._call(handle, "mute").media.mute(muted)

    async def send_dtmf(
        self, digits: str, method: DtmfMethod = DtmfMethod.AUTO, handle: str | None = None
    ) -> DtmfMethod:
        """Send digits; returns the method used."""
        call = self._call(handle, "send DTMF")
        if not call.established:
            raise PhoneCommandError("DTMF needs a connected call")
        digits = digits.upper()
        bad = sorted(set(digits) - DTMF_DIGITS)
        if not digits or bad:
            raise PhoneCommandError(f"not DTMF digits: {''.join(bad) or 'nothing given'}")
        if method is not DtmfMethod.INFO and call.media.send_dtmf(digits):
            return DtmfMethod.RFC4733
        if method is DtmfMethod.RFC4733:
            raise PhoneCommandError("the far end did not accept RFC 4733 telephone-event")
        self._spawn(self._send_info_digits(call, digits))
        return DtmfMethod.INFO

    # -- internals: commands ---------------------------------------------------

    def _sip_act(self, fn: Callable[[UserAgent, float], Any]) -> Any:
        if self._sip is None:
            raise PhoneCommandError("the phone is not started")
        return self._sip.act(fn)

    def _call(self, handle: str | None, what: str) -> _Call:
        handle = handle or self.active_call
        call = self._calls.get(handle) if handle else None
        if call is None or call.ended:
            raise PhoneCommandError(f"cannot {what}: there is no call")
        return call

    def _build_media(
        self, cell: list[_Call]
    ) -> tuple[MediaSession, Callable[[], Awaitable[None]], _Call]:
        """A media session with the configured source and sink, devices not yet open.

        Returns the session, a coroutine function that opens the sound card
        (``PhoneCommandError`` when there is none) — run it *alongside* the
        SDP work, opening a card can take tens of milliseconds — and a
        template ``_Call`` holding the devices and closers. The session's
        events name their call through ``cell``, filled by ``_attach`` once
        the SIP handle exists.
        """
        closers: list[Callable[[], Any]] = []
        to_open: list[MicrophoneTrack | SpeakerSink] = []
        mic: MicrophoneTrack | None = None
        speaker: SpeakerSink | None = None
        if self.config.source_factory is not None:
            source: AudioTrack = self.config.source_factory()
            closers.append(source.stop)
        else:
            mic = MicrophoneTrack(self._audio_backend, self.config.audio.microphone)
            closers.append(mic.aclose)
            to_open.append(mic)
            source = mic
        sinks: list[FrameSink] = []
        if self.config.sink_factory is not None:
            sink = self.config.sink_factory()
            sinks.append(sink)
            close = getattr(sink, "close", None)
            if close is not None:
                closers.append(close)
        if not self.config.audio.null:
            # With no sound card there is nothing to play to: the session
            # still drains and decodes the remote track, but a paced null
            # speaker would only burn CPU (200 wake-ups a second).
            speaker = SpeakerSink(self._audio_backend, self.config.audio.speaker)
            closers.append(speaker.stop)
            to_open.append(speaker)
            sinks.append(speaker)
        media = MediaSession(
            self.config.media,
            source=source,
            sink=fan_out(*sinks) if len(sinks) > 1 else (sinks[0] if sinks else None),
            on_event=lambda e: self._on_media_event(cell, e),
        )
        template = _Call("", False, media, mic=mic, speaker=speaker, closers=closers)
        for kind, device in (("microphone", mic), ("speaker", speaker)):
            if device is not None:
                device.on_stall = partial(self._on_device_stall, cell, kind)

        async def open_devices() -> None:
            try:
                await asyncio.gather(*(device.start() for device in to_open))
            except NoAudioDevice as exc:
                raise PhoneCommandError(f"no audio device: {exc}") from exc

        return media, open_devices, template

    def _attach(self, call: _Call, cell: list[_Call]) -> None:
        cell.append(call)
        self._calls[call.handle] = call

    async def _answer(self, call: _Call) -> None:
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
            self._emit(ev.PhoneError(f"cannot answer: {exc}", call.handle))
            with contextlib.suppress(LocalProtocolError):
                self._sip_act(lambda ua, now: ua.reject(call.handle, 488, now))
            return
        except MediaError as exc:
            self._emit(ev.PhoneError(f"cannot answer: {exc}", call.handle))
            with contextlib.suppress(LocalProtocolError):
                self._sip_act(lambda ua, now: ua.reject(call.handle, 500, now))
            return
        if call.ended:
            return
        await self._ring.stop()
        try:
            self._sip_act(lambda ua, now: ua.answer(call.handle, sdp, now))
        except LocalProtocolError as exc:  # e.g. cancelled meanwhile
            log.info("answer of %s came too late: %s", call.handle, exc)
            return
        call.established = True
        self._emit(ev.Answered(call.handle, outgoing=False))

    async def _set_hold(self, call: _Call, hold: bool) -> None:
        if not call.established:
            raise PhoneCommandError("hold needs a connected call")
        if call.pending_hold is not None:
            raise PhoneCommandError("a hold/unhold is already in progress")
        if call.hold_local == hold:
            state = "already on hold" if hold else "not on hold"
            raise PhoneCommandError(f"the call is {state}")
        what = "hold" if hold else "unhold"
        # Ask first: an offer made but never sent would wedge the media (aiortc
        # cannot roll an offer back), e.g. while the far end's re-INVITE is open.
        blocker = self._sip_act(lambda ua, now: ua.reinvite_blocker(call.handle))
        if blocker is not None:
            raise PhoneCommandError(f"cannot {what} now: {blocker}")
        try:
            offer = await (call.media.hold() if hold else call.media.unhold())
        except MediaError as exc:
            raise PhoneCommandError(f"cannot {what} now: {exc}") from exc
        call.pending_hold = hold
        try:
            self._sip_act(lambda ua, now: ua.reinvite(call.handle, offer, now))
        except LocalProtocolError as exc:
            call.pending_hold = None
            raise PhoneCommandError(f"cannot {what} now: {exc}") from exc

    async def _send_info_digits(self, call: _Call, digits: str) -> None:
        """One INFO per digit, spaced like a keypad (JsSIP's inter-tone gap)."""
        for digit in digits:
            if call.ended:
                return
            try:
                self._sip_act(partial(_send_dtmf_info, call.handle, digit))
            except LocalProtocolError as exc:
                self._emit(ev.PhoneError(f"DTMF not sent: {exc}", call.handle))
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
            self._emit(ev.PhoneError(f"internal error: {type(exc).__name__}: {exc}"))

    async def _pump_events(self) -> None:
        assert self._sip is not None
        async for event in self._sip.events():
            try:
                await self._on_sip_event(event)
            except Exception as exc:  # one bad event must not stop the phone
                log.exception("while handling %r", event)
                self._emit(ev.PhoneError(f"internal error: {type(exc).__name__}: {exc}"))

    async def _on_sip_event(self, event: Any) -> None:
        match event:
            case TransportStateChanged(state=TransportState.CONNECTED, url=url):
                self._emit(ev.ConnectionChanged(True, url))
                self._sip_act(_register)
            case TransportStateChanged(state=TransportState.DISCONNECTED) as change:
                self._emit(ev.ConnectionChanged(False, change.url, change.error, change.retry_in))
                if not self._registered:
                    self._emit(ev.RegistrationFailed(change.error or "cannot connect", None, True))
            case sip.Registered(expires=expires, refresh=refresh):
                self._registered = True
                self._emit(ev.Registered(expires, refresh))
            case sip.RegistrationFailed(code=code, reason=reason, will_retry=retry):
                self._registered = False
                text = reason
                if code in (401, 403, 407):
                    text = f"authentication failed ({code} {reason}): check the user and password"
                self._emit(ev.RegistrationFailed(text, code, retry))
            case sip.Unregistered(reason=reason):
                self._registered = False
                self._emit(ev.Unregistered(reason))
            case sip.IncomingCall():
                await self._on_incoming(event)
            case sip.CallProgress(call=handle, code=code, sdp=sdp):
                self._on_progress(handle, code, sdp)
            case sip.CallAnswered(call=handle, sdp=sdp):
                await self._on_answered(handle, sdp)
            case (
                sip.CallConfirmed(call=handle, sdp=sdp)
                | sip.ReinviteConfirmed(call=handle, sdp=sdp)
            ):
                await self._on_ack(handle, sdp, initial=isinstance(event, sip.CallConfirmed))
            case sip.CallEnded():
                call = self._calls.get(event.call)
                if call is not None and not call.ended:
                    by = By.LOCAL if event.by is sip.Party.LOCAL else By.REMOTE
                    quality = await call.media.quality() if call.established else None
                    self._emit(
                        ev.CallEnded(
                            event.call, event.cause.value, by, event.code, event.reason, quality
                        )
                    )
                    await self._finish(call)
            case sip.ReinviteReceived(call=handle, sdp=sdp):
                await self._on_reinvite(handle, sdp)
            case sip.ReinviteAnswered(call=handle, sdp=sdp):
                await self._on_reinvite_answered(handle, sdp)
            case sip.ReinviteFailed(call=handle, code=code, reason=reason):
                call = self._calls.get(handle)
                if call is not None:
                    await self._undo_offer(call, f"{code} {reason}")
            case sip.InfoReceived(call=handle, content_type=ctype, body=body):
                digit = _dtmf_from_info(ctype, body)
                if digit is not None:
                    self._emit(ev.DtmfReceived(handle, digit, DtmfMethod.INFO))
            case sip.InfoFailed(call=handle, code=code, reason=reason):
                self._emit(ev.PhoneError(f"DTMF INFO refused: {code} {reason}", handle))
            case sip.ProtocolErrorEvent(description=text, internal=internal):
                log.warning("SIP protocol error: %s", text)
                if internal:
                    self._emit(ev.PhoneError(f"SIP error: {text}"))
            case _:
                pass

    async def _on_incoming(self, event: sip.IncomingCall) -> None:
        if self.active_call is not None:
            self._sip_act(lambda ua, now: ua.reject(event.call, 486, now))
            return
        cell: list[_Call] = []
        media, open_devices, call = self._build_media(cell)
        call.handle = event.call
        self._attach(call, cell)
        # A delayed offer (an INVITE without SDP, as third-party call control
        # sends): our 200 carries the offer and the ACK the answer.
        call.offer_in_2xx = event.sdp is None
        sdp = media.create_offer() if event.sdp is None else media.accept_offer(event.sdp)
        # Devices and the SDP are prepared at once and together, in the
        # background: the SIP event pump must never wait on a sound card.
        call.answer_sdp = asyncio.ensure_future(self._prepare_answer(call, open_devices(), sdp))
        delay = self.config.auto_answer_ms
        if delay is None and event.auto_answer_after is not None:
            delay = int(event.auto_answer_after * 1000)
        self._emit(
            ev.IncomingCall(event.call, str(event.caller.uri), event.caller.display_name, delay)
        )
        if delay == 0:
            self._spawn(self._answer(call))
            return
        self._sip_act(lambda ua, now: ua.ring(event.call, now))
        if self.config.ring_incoming:
            await self._start_ring("ringtone", call)
        if delay is not None:
            loop = asyncio.get_running_loop()
            call.auto_answer = loop.call_later(
                delay / 1000, lambda: self._spawn(self._answer(call))
            )

    async def _prepare_answer(
        self, call: _Call, devices: Awaitable[None], answer: Awaitable[str]
    ) -> str:
        """Our SDP answer once the sound card is open too.

        No sound card refuses the call at once (480) rather than letting it
        ring for an answer that cannot carry audio.
        """
        try:
            _, sdp = await asyncio.gather(devices, answer)
        except PhoneCommandError as exc:
            if not call.ended:
                with contextlib.suppress(LocalProtocolError):
                    self._sip_act(lambda ua, now: ua.reject(call.handle, 480, now))
                self._emit(ev.PhoneError(str(exc), call.handle))
            raise
        result: str = sdp
        return result

    def _on_progress(self, handle: str, code: int, sdp: str | None) -> None:
        call = self._calls.get(handle)
        if call is None:
            return
        self._emit(ev.CallRinging(handle, code))
        if code == 180 and not sdp:
            self._spawn(self._start_ring("ringback", call))

    async def _start_ring(self, kind: str, call: _Call) -> None:
        from softphone.media import ring

        sound = ring.RINGTONE if kind == "ringtone" else ring.RINGBACK
        try:
            await self._ring.start(sound)
        except (NoAudioDevice, ValueError) as exc:
            self._emit(ev.PhoneError(f"cannot ring: {exc}", call.handle))

    async def _on_answered(self, handle: str, sdp: str | None) -> None:
        call = self._calls.get(handle)
        if call is None:
            return
        await self._ring.stop()
        if sdp is None:
            self._emit(ev.PhoneError("the far end answered without SDP", handle))
            self._sip_act(lambda ua, now: ua.hangup(handle, now))
            return
        try:
            await call.media.accept_answer(sdp)
        except MediaError as exc:
            self._emit(ev.PhoneError(f"unusable answer from the far end: {exc}", handle))
            self._sip_act(lambda ua, now: ua.hangup(handle, now))
            return
        call.established = True
        self._emit(ev.Answered(handle, outgoing=True))

    async def _on_reinvite(self, handle: str, sdp: str | None) -> None:
        call = self._calls.get(handle)
        if call is None:
            return
        try:
            answer = await (call.media.accept_offer(sdp) if sdp else call.media.create_offer())
        except MediaError as exc:
            self._emit(ev.PhoneError(f"refused the far end's new offer: {exc}", handle))
            self._sip_act(lambda ua, now: ua.reject_reinvite(handle, 488, now))
            return
        # No SDP in the re-INVITE (a session refresh, or a transfer by third-party
        # call control): ours is the offer, and the answer comes in the ACK.
        call.offer_in_2xx = not sdp
        self._sip_act(lambda ua, now: ua.answer_reinvite(handle, answer, now))

    async def _undo_offer(self, call: _Call, why: str) -> None:
        """Our hold/unhold did not go through: the call stays as it was."""
        what = {True: "hold", False: "unhold", None: "re-INVITE"}[call.pending_hold]
        call.pending_hold = None
        try:
            await call.media.rollback()  # RFC 3261 §14.1: the session stays as it was
        except MediaError as exc:
            log.warning("could not restore the session after a refused offer: %s", exc)
            self._emit(ev.PhoneError(f"{what} failed ({why}); audio may be affected", call.handle))
            return
        self._emit(ev.PhoneError(f"{what} failed ({why})", call.handle))

    async def _on_ack(self, handle: str, sdp: str | None, *, initial: bool) -> None:
        """The ACK of our 2xx: where a delayed offer gets its answer."""
        call = self._calls.get(handle)
        if call is None or not call.offer_in_2xx:
            return
        call.offer_in_2xx = False
        problem = "no answer to our SDP offer in the ACK" if not sdp else None
        if sdp:
            try:
                await call.media.accept_answer(sdp)
            except MediaError as exc:
                problem = f"unusable answer to our SDP offer in the ACK: {exc}"
        if problem is None:
            return
        if initial:
            # A call that never agreed on media cannot carry a voice: end it.
            self._emit(ev.PhoneError(problem, handle))
            with contextlib.suppress(LocalProtocolError):
                self._sip_act(lambda ua, now: ua.hangup(handle, now))
        else:
            # The call keeps the media it had; hanging up on a customer is worse.
            self._emit(ev.PhoneError(f"{problem}; the call keeps its previous audio", handle))

    async def _on_reinvite_answered(self, handle: str, sdp: str | None) -> None:
        call = self._calls.get(handle)
        if call is None:
            return
        hold = call.pending_hold
        if sdp:
            try:
                await call.media.accept_answer(sdp)
            except MediaError as exc:
                await self._undo_offer(call, f"unusable answer: {exc}")
                return
        call.pending_hold = None
        if hold is not None and hold != call.hold_local:
            call.hold_local = hold
            self._emit(ev.Held(handle, By.LOCAL) if hold else ev.Unheld(handle, By.LOCAL))

    def _on_media_event(self, holder: list[_Call], event: MediaEvent) -> None:
        if not holder:
            return
        call = holder[0]
        match event:
            case MediaConnected(codec=codec):
                self._emit(ev.MediaStarted(call.handle, codec))
            case DtmfReceived(digit=digit):
                self._emit(ev.DtmfReceived(call.handle, digit, DtmfMethod.RFC4733))
            case RemoteHoldChanged(on_hold=on_hold):
                if on_hold != call.hold_remote:
                    call.hold_remote = on_hold
                    change = ev.Held if on_hold else ev.Unheld
                    self._emit(change(call.handle, By.REMOTE))
            case MediaFailed(reason=reason):
                self._end_dead_call(call, reason)

    def _on_device_stall(self, cell: list[_Call], kind: str, stalled: bool) -> None:
        """A headset pulled out mid-call: the call goes on (silence is sent), the agent is told."""
        handle = cell[0].handle if cell else None
        self._emit(ev.AudioDeviceStalled(handle, kind, stalled))

    def _end_dead_call(self, call: _Call, reason: str) -> None:
        """The call can carry no audio any more: say so and hang it up."""
        if call.ended:
            return
        self._emit(ev.PhoneError(f"media failed: {reason}", call.handle))
        handle = call.handle
        with contextlib.suppress(LocalProtocolError, PhoneCommandError):
            self._sip_act(lambda ua, now: ua.hangup(handle, now))

    async def _finish(self, call: _Call) -> None:
        call.ended = True
        if call.auto_answer is not None:
            call.auto_answer.cancel()
        if call.answer_sdp is not None and not call.answer_sdp.done():
            call.answer_sdp.cancel()
        await self._ring.stop()
        await call.media.close()
        await _close_all(call.closers)
        self._calls.pop(call.handle, None)


def _register(ua: UserAgent, now: float) -> None:
    ua.register(now)


def _hangup(handle: str, ua: UserAgent, now: float) -> None:
    ua.hangup(handle, now)


def _send_dtmf_info(handle: str, digit: str, ua: UserAgent, now: float) -> None:
    ua.send_dtmf(handle, digit, now)


async def _close_all(closers: list[Any]) -> None:
    for close in reversed(closers):
        with contextlib.suppress(Exception):
            result = close()
            if asyncio.iscoroutine(result):
                await result


def _dtmf_from_info(content_type: str, body: str) -> str | None:
    """The digit of an INFO body: ``Signal=5`` (dtmf-relay) or ``5`` (application/dtmf)."""
    ctype = content_type.split(";")[0].strip().lower()
    if ctype == "application/dtmf-relay":
        for line in body.splitlines():
            name, _, value = line.partition("=")
            if name.strip().lower() == "signal":
                digit = value.strip().upper()
                return digit if len(digit) == 1 and digit in DTMF_DIGITS else None
        return None
    if ctype == "application/dtmf":
        digit = body.strip().upper()
        return digit if len(digit) == 1 and digit in DTMF_DIGITS else None
    return None
