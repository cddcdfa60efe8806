"""The simulator's real telephony: SIP over WebSocket with WebRTC media.

Mediatel's PBX (Asterisk, behind ``wss://<webrtc-host>/ws``) rings the
agent's extension before it dials the customer. :class:`SipTelephony` plays
that part for real, so the agent's own phone is what a demo or a test
exercises:

* **Built-in registrar** (default): an aiohttp WebSocket endpoint at
  ``ws://<host>:<port>/ws`` (subprotocol ``sip`` required, RFC 7118). Frames
  carrying REGISTER or an out-of-dialog OPTIONS go to the
  :class:`~softphone.sim.sip_registrar.Registrar`; everything else goes to a
  server-side :class:`~softphone.sip.ua.UserAgent` owned by that connection,
  which places the calls to the phone registered on it. The binding dies
  with the socket.
* **External server**: the simulator registers itself to another registrar
  (Kamailio, a lab Asterisk) with :class:`~softphone.net.sip_ws.SipWsClient`
  and INVITEs ``sip:<agent's SIP user>@<domain>`` through it.

Each call offers G.711 (Mediatel's extensions are ``{g711a, g711u}``) with a
:class:`~softphone.media.session.MediaSession`: the customer is the bundled
voice sample, looped, and what the agent says is written to one WAV per
``callTraceID`` (:mod:`softphone.sim.records`).

All SIP events, from every connection, go through one queue and are handled
in order by one task, so call state is never touched from two places.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Sequence
from typing import Any, TypeVar

from aiohttp import WSMsgType, web

from softphone.media.config import MediaConfig
from softphone.media.errors import MediaError
from softphone.media.offer_answer import OfferAnswer
from softphone.media.session import MediaFailed, MediaSession
from softphone.media.tracks import WavRecorder, wav_source
from softphone.net.sip_ws import (
    PING,
    PONG,
    SipWsClient,
    TransportConfig,
    TransportState,
    TransportStateChanged,
)
from softphone.sim.config import SimAgent
from softphone.sim.gateway import Gateway
from softphone.sim.records import RecordStore
from softphone.sim.sip_lines import (
    ExternalServer,
    Leg,
    Line,
    LineClosed,
    ServerLine,
    SipListenError,
    SipTelephonyConfig,
    customer_voice,
    default_realm,
    hang_up,
    printable,
    ring_result,
    settle,
    sip_account,
)
from softphone.sim.sip_registrar import Registrar
from softphone.sim.telephony import RingOutcome, RingRequest, RingResult, TelephonyListener
from softphone.sip import events as sip
from softphone.sip.errors import LocalProtocolError, SipParseError
from softphone.sip.message import Request, parse_message
from softphone.sip.transaction import make_response
from softphone.sip.ua import UAConfig, UserAgent
from softphone.sip.uri import NameAddr, SipUri
from softphone.tasks import cancel_and_wait

__all__ = [
    "ExternalServer",
    "SipListenError",
    "SipTelephony",
    "SipTelephonyConfig",
    "customer_voice",
    "sip_account",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

WS_PATH = "/ws"
RECORD_RATE = 8000  # G.711's rate: what the PBX records
MAX_FRAME = 64 * 1024
REINVITE_WAIT = 5.0  # how long hold/retrieve waits for the phone's answer
_ANI_USER = re.compile(r"\+?[0-9A-Za-z*#._-]{1,40}")


class SipTelephony:
    """The :class:`~softphone.sim.telephony.Telephony` port, done with real SIP and media.

    ``agents`` gives each extension its SIP user and password (the
    registrar's accounts, and the AOR to call in external mode).
    """

    def __init__(
        self, agents: Sequence[SimAgent], config: SipTelephonyConfig | None = None
    ) -> None:
        self.config = config or SipTelephonyConfig()
        self._sip_users = {a.extension: sip_account(a)[0] for a in agents}
        users = dict(sip_account(a) for a in agents)
        self.realm = self.config.realm or default_realm(self.config.host)
        self.registrar: Registrar[ServerLine] = Registrar(users, self.realm)
        self.records = RecordStore(self.config.records_dir)
        self.voice = self.config.voice or customer_voice()
        self.media_config = MediaConfig(
            codecs=self.config.codecs, ice_servers=self.config.ice_servers
        )
        self.host = self.config.host
        self.port = self.config.port
        self.app = web.Application()
        self.app.router.add_get(WS_PATH, self._serve_ws)
        self.app.router.add_get("/", self._serve_ws)  # a bare ws://host:port works too
        self.records.add_routes(self.app)
        self.external: SipWsClient[UserAgent, sip.Event] | None = None
        self._external_aor: NameAddr | None = None
        self.external_registered = asyncio.Event()
        self._listener: TelephonyListener | None = None
        self._runner: web.AppRunner | None = None
        self._events: asyncio.Queue[tuple[Line, object]] = asyncio.Queue()
        self._lines: set[ServerLine] = set()
        self._legs: dict[str, Leg] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._sockets: set[web.WebSocketResponse] = set()

    # -- lifecycle -------------------------------------------------------------

    async def start(self, listener: TelephonyListener) -> None:
        self._listener = listener
        self._spawn(self._dispatch())
        external = self.config.external
        if external is not None:
            await self._start_external(external)
            return
        self._runner = web.AppRunner(self.app, handle_signals=False, access_log=None)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self.host, self.port).start()
        except OSError as exc:
            await self._runner.cleanup()
            self._runner = None
            raise SipListenError(
                exc.errno,
                f"cannot open the SIP WebSocket port {self.host}:{self.port}: "
                f"{exc.strerror or exc}",
            ) from exc
        self.port = int(self._runner.addresses[0][1])

    async def _start_external(self, external: ExternalServer) -> None:
        transport = "WSS" if external.url.startswith("wss://") else "WS"
        ua = UserAgent(
            UAConfig(
                user=external.user,
                domain=external.sip_domain(),
                password=external.password,
                auth_username=external.auth_user,
                display_name="Mediatel simulator",
                transport=transport,
                user_agent="softphone-sim",
            ),
            now=asyncio.get_running_loop().time(),
        )
        self._external_aor = ua.aor
        client: SipWsClient[UserAgent, sip.Event] = SipWsClient(
            ua, TransportConfig(urls=(external.url,), backoff_initial=0.5, backoff_max=10.0)
        )
        self.external = client
        self._spawn(self._forward_external(client))
        await client.start()

    async def _forward_external(self, client: SipWsClient[UserAgent, sip.Event]) -> None:
        async for event in client.events():
            if isinstance(event, TransportStateChanged) and event.state is TransportState.CONNECTED:
                client.act(lambda ua, now: ua.register(now))
            self._post(client, event)

    def sip_url(self) -> str | None:
        if self.config.external is not None:
            return self.config.external.url
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"ws://{host}:{self.port}{WS_PATH}"

    async def aclose(self) -> None:
        for leg in list(self._legs.values()):
            await self._drop(leg)
        if self.external is not None:
            client = self.external

            def unregister() -> None:
                client.act(lambda ua, now: ua.unregister(now))

            await client.aclose(
                linger=1.0, before_close=unregister if self.external_registered.is_set() else None
            )
        for line in list(self._lines):
            await line.drain(1.0)
        for ws in list(self._sockets):
            with contextlib.suppress(Exception):
                await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await cancel_and_wait(*self._tasks)
        self.records.cleanup()

    # -- the Telephony port ---------------------------------------------------------

    async def ring(self, request: RingRequest, timeout: float) -> RingResult:
        old = self._legs.get(request.extension)
        if old is not None:
            await self._drop(old)
        route = self._route(request)
        if isinstance(route, RingResult):
            return route
        line, target, caller = route
        try:
            recording = self.records.path_for(request.call_trace_id)
        except ValueError as exc:
            return RingResult(RingOutcome.UNREACHABLE, str(exc))
        recorder = WavRecorder(recording, RECORD_RATE)
        self.records.started(request.call_trace_id)
        cell: list[Leg] = []
        media = MediaSession(
            self.media_config,
            source=wav_source(self.voice, loop=True),
            sink=recorder,
            on_event=lambda event: self._on_media_event(cell, event),
        )
        oa = OfferAnswer(media)
        try:
            offer = await oa.offer()
            handle: str = line.act(lambda ua, now: ua.invite(target, offer, now, caller=caller))
        except (MediaError, LocalProtocolError) as exc:
            await media.close()
            recorder.close()
            self.records.finished(request.call_trace_id, keep=False)
            return RingResult(RingOutcome.UNREACHABLE, f"cannot place the call: {exc}")
        outcome: asyncio.Future[RingResult] = asyncio.get_running_loop().create_future()
        leg = Leg(request, line, handle, media, oa, recorder, outcome)
        cell.append(leg)
        self._legs[request.extension] = leg
        try:
            result = await asyncio.wait_for(asyncio.shield(outcome), timeout)
        except TimeoutError:
            result = RingResult(RingOutcome.NO_ANSWER, f"no answer within {timeout:g} s")
        except asyncio.CancelledError:
            await self._drop(leg)
            raise
        if not result.answered:
            await self._drop(leg)
        return result

    async def hangup(self, extension: str) -> None:
        leg = self._legs.get(extension)
        if leg is not None:
            await self._drop(leg)

    async def hold(self, extension: str, on_hold: bool) -> None:
        leg = self._legs.get(extension)
        if leg is None or not leg.answered or leg.held == on_hold:
            return
        try:
            offer = await leg.oa.offer(leg.media.hold if on_hold else leg.media.unhold)
        except MediaError as exc:
            log.warning("cannot %s %s: %s", "hold" if on_hold else "retrieve", extension, exc)
            return
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        leg.reinvite = done
        try:
            leg.line.act(lambda ua, now: ua.reinvite(leg.handle, offer, now))
        except LocalProtocolError as exc:
            log.warning("cannot re-INVITE %s: %s", extension, exc)
            await leg.oa.on_refused(str(exc))  # never sent: the media goes back too
            return
        try:
            if await asyncio.wait_for(asyncio.shield(done), REINVITE_WAIT):
                leg.held = on_hold
        except TimeoutError:
            log.warning("extension %s did not answer the hold re-INVITE", extension)

    # -- routing ---------------------------------------------------------------------

    def _route(self, request: RingRequest) -> tuple[Line, SipUri, NameAddr] | RingResult:
        """Where to send the INVITE: (line, Request-URI, From identity), or why not."""
        user = self._sip_users.get(request.extension, request.extension)
        name = printable(request.caller) or "anonymous"
        client = self.external
        if client is not None:
            if client.state is not TransportState.CONNECTED:
                url = client.config.urls[0]
                return RingResult(RingOutcome.UNREACHABLE, f"not connected to the SIP server {url}")
            assert self._external_aor is not None and self.config.external is not None
            target = SipUri(host=self.config.external.sip_domain(), user=user)
            # The server authenticates us by From, so the customer rides in the display name.
            return client, target, NameAddr(uri=self._external_aor.uri, display_name=name)
        loop = asyncio.get_running_loop()
        for binding in self.registrar.lookup(user, loop.time()):
            if not binding.line.closed and isinstance(binding.contact.uri, SipUri):
                ani = request.caller if _ANI_USER.fullmatch(request.caller) else "anonymous"
                caller = NameAddr(uri=SipUri(host=self.realm, user=ani), display_name=name)
                return binding.line, binding.contact.uri, caller
        why = f"extension {request.extension} is not registered"
        return RingResult(RingOutcome.UNREACHABLE, why)

    # -- the WebSocket endpoint ---------------------------------------------------------

    async def _serve_ws(self, request: web.Request) -> web.StreamResponse:
        if not self._vouch_ok(request):
            return web.Response(status=403, text="Forbidden\n")
        offered = [
            p.strip().lower() for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",")
        ]
        if "sip" not in offered:
            return web.Response(
                status=400, text="this endpoint speaks SIP: request the 'sip' subprotocol\n"
            )
        ws = web.WebSocketResponse(protocols=("sip",), max_msg_size=MAX_FRAME, autoping=True)
        await ws.prepare(request)
        ua = UserAgent(
            UAConfig(user="mediatel", domain=self.realm, user_agent="softphone-sim"),
            now=asyncio.get_running_loop().time(),
        )
        line = ServerLine(ws, ua, self._post, request.remote)
        self._lines.add(line)
        self._sockets.add(ws)
        writer = asyncio.get_running_loop().create_task(line.write_loop())
        try:
            async for message in ws:
                if message.type is WSMsgType.TEXT:
                    self._on_frame(line, message.data.encode("utf-8"))
                elif message.type is WSMsgType.BINARY:
                    self._on_frame(line, message.data)
                elif message.type is WSMsgType.ERROR:
                    break
        finally:
            self._lines.discard(line)
            self._sockets.discard(ws)
            gone = self.registrar.drop_line(line)
            if gone:
                log.info("SIP connection from %s closed: %s unregistered", line.peer, gone)
            line.close()
            self._post(line, LineClosed())
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer, 1.0)
            writer.cancel()
        return ws

    def _vouch_ok(self, request: web.Request) -> bool:
        gateway = Gateway(self.config.vouch_secret, self.config.vouch_token)
        return gateway.admits(request.headers.get("Cookie"))

    def _on_frame(self, line: ServerLine, data: bytes) -> None:
        """One WebSocket frame = one SIP message (RFC 7118 §5.1), or a CRLF keepalive."""
        if data == PING:
            line.send_text(PONG.decode())
            return
        if not data.strip(b"\r\n"):
            return
        try:
            message = parse_message(data)
            for_registrar = isinstance(message, Request) and (
                message.method == "REGISTER"
                or (message.method == "OPTIONS" and message.to.tag is None)
            )
        except SipParseError:
            for_registrar = False  # the user agent salvages an answer (400, 505 ...)
        try:
            if not for_registrar:
                line.act(lambda ua, now: ua.receive_data(data, now))
                return
            assert isinstance(message, Request)
            try:
                response = self.registrar.handle(message, line, asyncio.get_running_loop().time())
            except Exception:
                log.exception("registrar failed on a %s", message.method)
                response = make_response(message, 500, to_tag="sim500")
            line.send_text(response.to_bytes().decode("utf-8", errors="replace"))
        except Exception:  # nothing a phone sends may take the simulator down
            log.exception("error handling a SIP frame from %s", line.peer)

    # -- SIP events -------------------------------------------------------------------

    def _post(self, line: Line, event: object) -> None:
        self._events.put_nowait((line, event))

    async def _dispatch(self) -> None:
        while True:
            line, event = await self._events.get()
            try:
                await self._on_event(line, event)
            except Exception:
                log.exception("error handling %r", event)

    async def _on_event(self, line: Line, event: object) -> None:
        match event:
            case sip.CallAnswered(call=handle, sdp=sdp):
                await self._on_answered(line, handle, sdp)
            case sip.CallEnded():
                await self._on_ended(line, event)
            case sip.ReinviteAnswered(call=handle, sdp=sdp):
                leg = self._leg(line, handle)
                if leg is not None:
                    problem = await leg.oa.on_answer(sdp)
                    if problem is not None:
                        log.warning("our re-INVITE did not go through: %s", problem.text)
                    settle(leg.reinvite, problem is None)
            case sip.ReinviteFailed(call=handle, code=code, reason=reason):
                leg = self._leg(line, handle)
                log.warning("re-INVITE refused: %s %s", code, reason)
                if leg is not None:
                    await leg.oa.on_refused(f"{code} {reason}")
                    settle(leg.reinvite, False)
            case sip.ReinviteReceived(call=handle, sdp=sdp):
                await self._on_reinvite(line, handle, sdp)
            case sip.ReinviteConfirmed(call=handle, sdp=sdp):
                leg = self._leg(line, handle)
                problem = await leg.oa.on_ack(sdp) if leg is not None else None
                if problem is not None:
                    log.warning("the phone did not answer our offer in its ACK: %s", problem.text)
            case sip.IncomingCall(call=handle):
                # Agents' phones reach customers through Mediatel, never directly.
                line.act(lambda ua, now: ua.reject(handle, 403, now))
            case LineClosed():
                for leg in [g for g in self._legs.values() if g.line is line]:
                    await self._lost(leg, "the phone's connection closed")
            case sip.Registered(expires=expires):
                self.external_registered.set()
                log.info("registered to the external SIP server for %d s", expires)
            case sip.RegistrationFailed(code=code, reason=reason):
                self.external_registered.clear()
                log.warning("registration to the external SIP server failed: %s %s", code, reason)
            case sip.Unregistered(reason=reason):
                self.external_registered.clear()
                log.info("unregistered from the external SIP server: %s", reason)
            case sip.ProtocolErrorEvent(description=text, internal=internal):
                (log.error if internal else log.info)("SIP: %s", text)
            case _:
                pass

    def _leg(self, line: Line, handle: str) -> Leg | None:
        return next((g for g in self._legs.values() if g.line is line and g.handle == handle), None)

    async def _on_answered(self, line: Line, handle: str, sdp: str | None) -> None:
        leg = self._leg(line, handle)
        if leg is None or leg.outcome.done():
            hang_up(line, handle)  # we gave up on this ring meanwhile
            return
        problem = await leg.oa.on_answer(sdp)
        if problem is not None:
            hang_up(line, handle)
            if not leg.outcome.done():
                leg.outcome.set_result(RingResult(RingOutcome.REJECTED, problem.text))
            return
        if leg.outcome.done():  # timed out while the answer was applied
            return
        leg.answered = True
        leg.outcome.set_result(RingResult(RingOutcome.ANSWERED))

    async def _on_ended(self, line: Line, event: sip.CallEnded) -> None:
        leg = self._leg(line, event.call)
        if leg is None:
            return
        if not leg.answered:
            if not leg.outcome.done():
                leg.outcome.set_result(ring_result(event))
            return
        await self._lost(leg, f"{event.cause.value} ({event.by.value})")

    async def _lost(self, leg: Leg, why: str) -> None:
        """The agent leg ended from the phone's side (BYE, connection, session expiry)."""
        answered = leg.answered
        if not leg.outcome.done():
            leg.outcome.set_result(RingResult(RingOutcome.UNREACHABLE, why))
        await self._drop(leg)
        if answered and self._listener is not None:
            log.info("extension %s hung up: %s", leg.request.extension, why)
            self._listener.agent_hung_up(leg.request.extension)

    def _on_media_event(self, cell: list[Leg], event: object) -> None:
        """A phone whose media died, or closed with no BYE reaching us (its
        SIP server restarted), has hung up as far as Mediatel is concerned."""
        if not cell or not isinstance(event, MediaFailed):
            return
        leg = cell[0]
        if leg.answered and not leg.dropped:
            self._spawn(self._lost(leg, f"media failed: {event.reason}"))

    async def _on_reinvite(self, line: Line, handle: str, sdp: str | None) -> None:
        leg = self._leg(line, handle)
        if leg is None:
            return
        try:
            answer = await leg.oa.answer(sdp)
        except MediaError as exc:
            log.warning("refused the phone's new offer: %s", exc)
            with contextlib.suppress(LocalProtocolError):
                line.act(lambda ua, now: ua.reject_reinvite(handle, 488, now))
            return
        with contextlib.suppress(LocalProtocolError):
            line.act(lambda ua, now: ua.answer_reinvite(handle, answer, now))

    async def _drop(self, leg: Leg) -> None:
        """End the leg on our side (CANCEL or BYE as its state needs) and release it."""
        if leg.dropped:
            return
        leg.dropped = True
        if self._legs.get(leg.request.extension) is leg:
            del self._legs[leg.request.extension]
        with contextlib.suppress(Exception):
            hang_up(leg.line, leg.handle)
        if not leg.outcome.done():
            leg.outcome.set_result(RingResult(RingOutcome.NO_ANSWER, "the ring was given up"))
        settle(leg.reinvite, False)
        await leg.media.close()
        leg.recorder.close()
        self.records.finished(leg.request.call_trace_id, keep=leg.answered)

    def _spawn(self, coro: Any) -> None:
        task: asyncio.Task[Any] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
