"""A Mediatel server that follows docs/mediatel-protocol.md to the letter.

python-socketio on aiohttp at ``/mediatel/socket.io``. One :class:`_Session`
per configured agent holds what Mediatel holds (logged in or not, state,
pause, the call and its wrap-up); one :class:`_Socket` per connection holds
what belongs to the connection (which agent it speaks for, login attempts).
Every change pushes a full ``data`` snapshot to the agent's socket.

Calls reach the agent through the :class:`~softphone.sim.telephony.Telephony`
port: STATE_CALL_DELIVERED rings the extension; no answer in time means Force
Pause (callErrorID -223 "No Answer from agent"), exactly as the seeds say.

Tests and demos drive the customer side through the control methods
(``inbound_call``, ``customer_hangup``, ``drop_connection``, ``send_raw`` ...)
or the small HTTP control API under ``/sim/``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import socketio
from aiohttp import web

from softphone.net.mediatel.state import CALL_STATES, HOLD_STATES, Command, State
from softphone.net.vouch import token_from_cookie_header, verify_token
from softphone.sim.agent_settings import add_agent_settings_routes
from softphone.sim.config import ConfigError, Reconnect, SimAgent, SimQueue, SimSettings
from softphone.sim.tables import COMMANDS_IN, STATUS_OF
from softphone.sim.telephony import (
    CallKind,
    RingRequest,
    Telephony,
    VirtualTelephony,
)
from softphone.sim.wire import WireCall, WireView, render

log = logging.getLogger(__name__)

SOCKETIO_PATH = "mediatel/socket.io"
FORCE_PAUSE_ERROR = (-223, "No Answer from agent")
LOGIN_BAD_PASSWORD = (-101, "Invalid user name or password")
LOGIN_BAD_EXTENSION = (-102, "The extension is not assigned to this agent")
CALL_BAD_NUMBER = (-301, "Invalid phone number")
CALL_BAD_QUEUE = (-302, "Unknown queue")
CALL_CONSULT = (-303, "Consultation calls are not available")
_PHONE = re.compile(r"\+?[0-9]{3,20}")

#: command type -> the CMD_* that must be offered for it (None: gated by state)
_NEEDS: dict[str, Command | None] = {
    "login": Command.LOGIN,
    "logout": Command.LOGOUT,
    "makeCall": Command.MAKECALL,
    "closeCall": None,
    "pause": Command.PAUSE,
    "predictive": Command.PREDICTIVE,
    "holdCall": Command.HOLDCALL,
    "retrieveCall": Command.HOLDCALL,
    "muteCall": Command.MUTE,
    "exit": Command.EXIT,
    "resolutionSet": None,
}
_CALL_TYPE = {CallKind.MANUAL: 1, CallKind.INBOUND: 2, CallKind.PREDICTIVE: 3}


class SimulatorError(Exception):
    """A control request the simulator cannot carry out (unknown agent, wrong state)."""


def _ms() -> int:
    return int(time.time() * 1000)


@dataclass
class _Call:
    trace_id: str
    kind: CallKind
    ani: str
    queue: SimQueue
    customer_id: str
    crm_target: str = ""
    start_time: datetime | None = None


@dataclass
class _Session:
    agent: SimAgent
    online: bool = False
    sid: str | None = None
    state: State = State.LOGOUT
    state_since: int | None = None
    pause_id: int = 0
    requested_pause: int | None = None
    predictive: bool = False
    mute: bool = False
    call: _Call | None = None
    call_error: tuple[int, str] | None = None
    last_call_ms: int = 0
    history: list[dict[str, str]] = field(default_factory=list)
    flow: asyncio.Task[None] | None = None
    clerical_timer: asyncio.Task[None] | None = None
    predictive_task: asyncio.Task[None] | None = None
    orphan_timer: asyncio.Task[None] | None = None


@dataclass
class _Socket:
    sid: str
    login: str | None = None
    claimed_user: str | None = None
    login_attempt: int = 0
    login_error: tuple[int, str] | None = None


class MediatelSimulator:
    """The simulated Mediatel service. ``await start()``, use ``url``, ``await aclose()``."""

    def __init__(
        self, settings: SimSettings | None = None, telephony: Telephony | None = None
    ) -> None:
        self.settings = settings or SimSettings()
        known = {q.name for q in self.settings.queues}
        for agent in self.settings.agents:
            unknown = set(agent.queues) - known
            if unknown:
                raise ConfigError(f"agent {agent.login}: unknown queues {sorted(unknown)}")
        self.telephony: Telephony = telephony or VirtualTelephony()
        self.sio = socketio.AsyncServer(
            async_mode="aiohttp",
            always_connect=True,  # CONNECT goes out before our first snapshot
            cors_allowed_origins="*",
            logger=False,
            engineio_logger=False,
        )
        self.app = web.Application(middlewares=[self._vouch_middleware])
        self.sio.attach(self.app, socketio_path=SOCKETIO_PATH)
        self._add_control_routes()
        add_agent_settings_routes(self.app, self)
        self.sio.on("connect", self._on_connect)
        self.sio.on("disconnect", self._on_disconnect)
        self.sio.on("data", self._on_data)
        self.sio.on("*", self._on_other)
        self._sessions = {a.login: _Session(a) for a in self.settings.agents}
        self._sockets: dict[str, _Socket] = {}
        self._trace_ids = itertools.count(1_185_574_264)
        self._customers = itertools.count(39_553_609)
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self.host = "127.0.0.1"
        self.port = 0
        self.rejected_handshakes = 0
        self._lose: dict[str, tuple[bool, asyncio.Event]] = {}

    # -- lifecycle -----------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        await self.telephony.start(self)
        self._runner = web.AppRunner(self.app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        address = self._runner.addresses[0]
        self.host, self.port = host, int(address[1])

    @property
    def url(self) -> str:
        """The base URL a client connects to (the path is the client's ``socketio_path``)."""
        return f"http://{self.host}:{self.port}"

    async def aclose(self) -> None:
        for session in self._sessions.values():
            for task in (
                session.flow,
                session.clerical_timer,
                session.predictive_task,
                session.orphan_timer,
            ):
                if task is not None:
                    task.cancel()
        for task in list(self._tasks):
            task.cancel()
        for sid in list(self._sockets):
            with contextlib.suppress(Exception):
                await self.sio.disconnect(sid)
        await self.telephony.aclose()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> MediatelSimulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def _spawn(self, coro: Awaitable[Any]) -> asyncio.Task[Any]:
        task: asyncio.Task[Any] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("simulator task failed", exc_info=task.exception())

    # -- the gateway ---------------------------------------------------------

    @web.middleware
    async def _vouch_middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        s = self.settings
        if (s.vouch_secret or s.vouch_token) and request.path.startswith(f"/{SOCKETIO_PATH}"):
            token = token_from_cookie_header(request.headers.get("Cookie"))
            ok = token is not None and (
                (s.vouch_token is not None and token == s.vouch_token)
                or (s.vouch_secret is not None and verify_token(token, s.vouch_secret) is not None)
            )
            if not ok:
                self.rejected_handshakes += 1
                return web.Response(status=403, text="Forbidden")
        return await handler(request)

    def _claimed_user(self, environ: dict[str, Any]) -> str | None:
        secret = self.settings.vouch_secret
        token = token_from_cookie_header(environ.get("HTTP_COOKIE"))
        if token is None or secret is None:
            return None
        claims = verify_token(token, secret)
        return str(claims["username"]) if claims else None

    # -- sockets ---------------------------------------------------------------

    async def _on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        sock = _Socket(sid, claimed_user=self._claimed_user(environ))
        self._sockets[sid] = sock
        if self.settings.reconnect is Reconnect.KEEP_LOGIN:
            session = self._find_orphan(sock.claimed_user)
            if session is not None:
                self._attach(sock, session)
        await self._push_socket(sock)

    def _find_orphan(self, claimed_user: str | None) -> _Session | None:
        """The logged-in session whose socket dropped, that this new socket continues.

        Mediatel's rule is unknown; the simulator matches the gateway cookie's
        username first, else takes the only orphan (never guesses between two).
        """
        orphans = [s for s in self._sessions.values() if s.online and s.sid is None]
        if claimed_user is not None:
            match = [s for s in orphans if s.agent.login == claimed_user]
            if match:
                return match[0]
        return orphans[0] if len(orphans) == 1 else None

    def _attach(self, sock: _Socket, session: _Session) -> None:
        sock.login = session.agent.login
        session.sid = sock.sid
        if session.orphan_timer is not None:
            session.orphan_timer.cancel()
            session.orphan_timer = None

    async def _on_disconnect(self, sid: str, reason: Any = None) -> None:
        sock = self._sockets.pop(sid, None)
        if sock is None or sock.login is None:
            return
        session = self._sessions[sock.login]
        if session.sid != sid:
            return
        session.sid = None
        if self.settings.reconnect is Reconnect.KEEP_LOGIN:
            session.orphan_timer = self._spawn(self._orphan_expiry(session))
            return
        # The socket was the login: the agent is logged out, but a call's
        # wrap-up waits (clerical timer running) for the agent to come back.
        if session.state in CALL_STATES and session.call is not None:
            await self._to_clerical(session)
        elif session.state != State.CLERICAL:
            await self._logout(session)

    async def _orphan_expiry(self, session: _Session) -> None:
        await asyncio.sleep(self.settings.timings.orphan_grace)
        session.orphan_timer = None
        if session.sid is None:
            await self._logout(session)

    async def _on_other(self, event: str, sid: str, *args: Any) -> None:
        log.info("ignoring undocumented event %r from %s", event, sid)

    async def _on_data(self, sid: str, *args: Any) -> None:
        sock = self._sockets.get(sid)
        if sock is None:
            return
        try:
            payload = args[0] if len(args) == 1 else None
            kind = payload.get("type") if isinstance(payload, dict) else None
            if not isinstance(payload, dict) or not isinstance(kind, str) or kind not in _NEEDS:
                log.warning("ignoring malformed command from %s: %.200r", sid, args)
            elif kind in self._lose:
                drop, lost = self._lose.pop(kind)
                lost.set()
                if drop and sock.login is not None:
                    self._spawn(self.drop_connection(sock.login))
                return
            elif not await self._dispatch(sock, kind, payload):
                log.info("ignoring %s: not available in %s", kind, self._state_of(sock))
            else:
                return
        except Exception:
            log.exception("error handling a command from %s", sid)
        # Answer an unusable command with the unchanged state, so the client
        # sees at once that nothing happened.
        await self._push_socket(sock)

    def _state_of(self, sock: _Socket) -> State:
        return self._sessions[sock.login].state if sock.login else State.LOGOUT

    async def _dispatch(self, sock: _Socket, kind: str, payload: dict[str, Any]) -> bool:
        """Carry out one command; False if the state does not allow it."""
        state = self._state_of(sock)
        needed = _NEEDS[kind]
        if needed is not None and needed not in COMMANDS_IN[state]:
            return False
        if kind == "login":
            return await self._login(sock, payload)
        if kind == "exit":
            if sock.login is not None:
                session = self._sessions[sock.login]
                await self._logout(session)
                sock.login = None
            await self._push_socket(sock)
            return True
        assert sock.login is not None  # every other command needs a login
        session = self._sessions[sock.login]
        handler = getattr(self, f"_cmd_{kind}")
        result: bool = await handler(session, payload)
        return result

    # -- commands ----------------------------------------------------------------

    async def _login(self, sock: _Socket, payload: dict[str, Any]) -> bool:
        user, password, extension = (payload.get(k) for k in ("user", "password", "extension"))
        if not all(isinstance(v, str) for v in (user, password, extension)):
            return False
        assert isinstance(user, str) and isinstance(extension, str)
        sock.login_attempt += 1
        agent = self.settings.agent(user)
        if agent is None or agent.password != password:
            sock.login_error = LOGIN_BAD_PASSWORD
        elif agent.extension != extension:
            sock.login_error = LOGIN_BAD_EXTENSION
        else:
            sock.login_error = None
            session = self._sessions[user]
            if session.sid is not None and session.sid != sock.sid:
                # A second login takes over; the old socket is told it is out.
                old = self._sockets.get(session.sid)
                if old is not None:
                    old.login = None
                    await self._push_socket(old)
            self._attach(sock, session)
            if not session.online:
                session.online = True
                if session.state == State.CLERICAL and session.call is not None:
                    pass  # the parked wrap-up continues
                else:
                    session.pause_id = 0
                    await self._enter(session, State.IDLE, push=False)
        await self._push_socket(sock)
        return True

    async def _cmd_logout(self, session: _Session, payload: dict[str, Any]) -> bool:
        sid = session.sid
        await self._logout(session)
        if sid is not None and sid in self._sockets:
            self._sockets[sid].login = None
            await self._push_socket(self._sockets[sid])
        return True

    async def _cmd_makeCall(self, session: _Session, payload: dict[str, Any]) -> bool:
        number, queue_name = payload.get("phoneNumber"), payload.get("queueName")
        if not isinstance(number, str) or not isinstance(queue_name, str):
            return False
        if session.state in HOLD_STATES:
            # A consultation call while the customer holds; not simulated.
            await self._enter(session, State.HOLD_MAKECALL_PROGRESS)
            session.flow = self._spawn(self._consult_fails(session))
            return True
        queue = self.settings.queue(queue_name)
        if queue is None or queue_name not in self.settings.queues_of(session.agent):
            return await self._call_failed(session, CALL_BAD_QUEUE)
        if not _PHONE.fullmatch(number):
            return await self._call_failed(session, CALL_BAD_NUMBER)
        call = self._new_call(session, CallKind.MANUAL, number, queue)
        session.call_error = None
        await self._enter(session, State.MAKECALL_REQUEST)
        session.flow = self._spawn(self._deliver(session, call, self.settings.timings.dial_delay))
        return True

    async def _call_failed(self, session: _Session, error: tuple[int, str]) -> bool:
        session.call_error = error
        await self._enter(session, State.MAKECALL_FAILED)
        session.flow = self._spawn(self._failed_reset(session))
        return True

    async def _failed_reset(self, session: _Session) -> None:
        await asyncio.sleep(self.settings.timings.failed_reset)
        if session.state == State.MAKECALL_FAILED:
            await self._enter(session, State.IDLE)

    async def _consult_fails(self, session: _Session) -> None:
        await asyncio.sleep(self.settings.timings.dial_delay)
        if session.state == State.HOLD_MAKECALL_PROGRESS:
            session.call_error = CALL_CONSULT
            await self._enter(session, State.HOLD_MAKECALL_FAILED)

    async def _cmd_closeCall(self, session: _Session, payload: dict[str, Any]) -> bool:
        if session.state == State.CALL_DELIVERED:
            # The customer was never dialled: no wrap-up.
            self._cancel_flow(session)
            await self.telephony.hangup(session.agent.extension)
            session.call = None
            await self._enter(session, State.IDLE)
            return True
        if session.state in CALL_STATES:
            await self.telephony.hangup(session.agent.extension)
            await self._to_clerical(session)
            return True
        return False

    async def _cmd_pause(self, session: _Session, payload: dict[str, Any]) -> bool:
        pause_id = _as_int(payload.get("id"))
        if pause_id is None:
            return False
        if pause_id == 0:
            if session.state == State.PAUSE:
                session.pause_id = 0
                session.call_error = None
                await self._enter(session, State.IDLE)
                return True
            if session.requested_pause is not None:
                session.requested_pause = None
                await self._push(session)
                return True
            return False
        if pause_id not in {pid for pid, _ in self.settings.pauses}:
            return False
        if session.state in (State.IDLE, State.MAKECALL_FAILED, State.PAUSE):
            self._cancel_flow(session)
            session.pause_id = pause_id
            await self._enter(session, State.PAUSE)
        else:
            # During a call or its wrap-up: the pause starts when the wrap-up ends.
            session.requested_pause = pause_id
            await self._push(session)
        return True

    async def _cmd_predictive(self, session: _Session, payload: dict[str, Any]) -> bool:
        session.predictive = not session.predictive
        if session.predictive:
            self._start_predictive(session)
        elif session.predictive_task is not None:
            session.predictive_task.cancel()
            session.predictive_task = None
        await self._push(session)
        return True

    async def _cmd_holdCall(self, session: _Session, payload: dict[str, Any]) -> bool:
        if session.state != State.CALL_ACTIVE:
            return False
        await self.telephony.hold(session.agent.extension, True)
        await self._enter(session, State.HOLD)
        return True

    async def _cmd_retrieveCall(self, session: _Session, payload: dict[str, Any]) -> bool:
        if session.state not in HOLD_STATES:
            return False
        self._cancel_flow(session)
        session.call_error = None
        await self.telephony.hold(session.agent.extension, False)
        await self._enter(session, State.CALL_ACTIVE)
        return True

    async def _cmd_muteCall(self, session: _Session, payload: dict[str, Any]) -> bool:
        session.mute = not session.mute
        await self._push(session)
        return True

    async def _cmd_resolutionSet(self, session: _Session, payload: dict[str, Any]) -> bool:
        code_id = _as_int(payload.get("id"))
        if session.state != State.CLERICAL or session.call is None or code_id is None:
            return False
        if code_id not in {c[0] for c in session.call.queue.call_codes}:
            return False
        session.history.append(
            {
                "MCC_SAMPLEID": session.call.customer_id,
                "MCC_CHANNEL": "35",
                "MCC_CALLTYPE": str(_CALL_TYPE[session.call.kind]),
                "MCC_CALLBACKID": "-1",
                "MCC_CALLCODE": str(code_id),
            }
        )
        await self._end_clerical(session)
        return True

    # -- the call flow -------------------------------------------------------------

    def _new_call(self, session: _Session, kind: CallKind, ani: str, queue: SimQueue) -> _Call:
        customer = str(next(self._customers))
        target = ""
        if kind is CallKind.PREDICTIVE:
            target = self.settings.crm_url.format(customer_id=customer)
        return _Call(str(next(self._trace_ids)), kind, ani, queue, customer, target)

    async def _deliver(self, session: _Session, call: _Call, delay: float = 0.0) -> None:
        """STATE_CALL_DELIVERED: ring the extension; answered -> ACTIVE, else Force Pause."""
        if delay:
            await asyncio.sleep(delay)
        session.call = call
        await self._enter(session, State.CALL_DELIVERED)
        request = RingRequest(
            session.agent.extension, call.trace_id, call.ani, call.kind, call.queue.name
        )
        result = await self.telephony.ring(request, self.settings.timings.answer_timeout)
        if not result.answered:
            await self.telephony.hangup(session.agent.extension)
            session.call = None
            session.call_error = FORCE_PAUSE_ERROR
            session.pause_id = self.settings.force_pause_id
            await self._enter(session, State.PAUSE)
            return
        if call.kind is CallKind.MANUAL:
            await asyncio.sleep(self.settings.timings.customer_answer_delay)
        call.start_time = datetime.now()
        await self._enter(session, State.CALL_ACTIVE)

    async def _to_clerical(self, session: _Session) -> None:
        self._cancel_flow(session)
        session.mute = False
        session.last_call_ms = _ms()
        await self._enter(session, State.CLERICAL)
        if session.clerical_timer is not None:
            session.clerical_timer.cancel()
        session.clerical_timer = self._spawn(self._clerical_timeout(session))

    async def _clerical_timeout(self, session: _Session) -> None:
        await asyncio.sleep(self.settings.timings.clerical_timeout)
        session.clerical_timer = None
        if session.state == State.CLERICAL:
            await self._end_clerical(session)

    async def _end_clerical(self, session: _Session) -> None:
        timer = session.clerical_timer
        if timer is not None and timer is not asyncio.current_task():
            timer.cancel()
        session.clerical_timer = None
        session.call = None
        if not session.online or (
            session.sid is None and self.settings.reconnect is Reconnect.LOGOUT
        ):
            await self._logout(session)
            return
        if session.requested_pause is not None:
            session.pause_id, session.requested_pause = session.requested_pause, None
            await self._enter(session, State.PAUSE)
        else:
            await self._enter(session, State.IDLE)

    def _start_predictive(self, session: _Session) -> None:
        if session.predictive_task is None or session.predictive_task.done():
            session.predictive_task = self._spawn(self._predictive_loop(session))

    async def _predictive_loop(self, session: _Session) -> None:
        """While predictive is on, an idle agent gets an automatic call every interval."""
        while session.predictive and session.online:
            await asyncio.sleep(self.settings.timings.predictive_interval)
            if (
                session.predictive
                and session.state == State.IDLE
                and session.sid is not None
                and (session.flow is None or session.flow.done())
            ):
                queues = self.settings.queues_of(session.agent)
                queue = self.settings.queue(queues[1] if len(queues) > 1 else queues[0])
                assert queue is not None
                ani = f"066{next(self._customers) % 10_000_000:07d}"
                call = self._new_call(session, CallKind.PREDICTIVE, ani, queue)
                session.flow = self._spawn(self._deliver(session, call))

    def _cancel_flow(self, session: _Session) -> None:
        if session.flow is not None and session.flow is not asyncio.current_task():
            session.flow.cancel()
        session.flow = None

    async def _logout(self, session: _Session) -> None:
        self._cancel_flow(session)
        for name in ("clerical_timer", "predictive_task", "orphan_timer"):
            task = getattr(session, name)
            if task is not None and task is not asyncio.current_task():
                task.cancel()
            setattr(session, name, None)
        if session.call is not None:
            await self.telephony.hangup(session.agent.extension)
        session.call = None
        session.online = False
        session.pause_id = 0
        session.requested_pause = None
        session.predictive = False
        session.mute = False
        session.call_error = None
        await self._enter(session, State.LOGOUT, push=False)

    async def _enter(self, session: _Session, state: State, *, push: bool = True) -> None:
        session.state = state
        session.state_since = _ms()
        if state in (State.LOGOUT, State.IDLE, State.PAUSE):
            session.mute = False
        if push:
            await self._push(session)
        if state == State.IDLE and session.predictive:
            self._start_predictive(session)

    # -- snapshots -------------------------------------------------------------------

    def _view(self, sock: _Socket | None, session: _Session | None) -> WireView:
        now = _ms()
        if session is None or not session.online or session.state == State.LOGOUT:
            first = self.settings.queues[0].call_codes if self.settings.queues else ()
            return WireView(
                state=State.LOGOUT,
                server_time_ms=now,
                call_codes=first,
                login_error=sock.login_error if sock else None,
                login_attempt=sock.login_attempt if sock else 0,
            )
        agent = session.agent
        call = session.call
        wire_call = None
        if call is not None:
            wire_call = WireCall(
                trace_id=call.trace_id,
                ani=call.ani,
                customer_id=call.customer_id,
                call_type=_CALL_TYPE[call.kind],
                crm_connect_type=_CALL_TYPE[call.kind],
                crm_connect_target=call.crm_target,
                dnis=f"77@{self.host}:5060",
                queue_name=call.queue.name,
                queue_id=call.queue.queue_id,
                start_time=call.start_time,
                max_duration=180,
            )
        return WireView(
            state=session.state,
            server_time_ms=now,
            agent_id=agent.agent_id,
            agent_name=agent.name or agent.login,
            agent_ext=agent.extension,
            queues=self.settings.queues_of(agent),
            call_codes=call.queue.call_codes if call is not None else (),
            pause_id=session.pause_id if session.state == State.PAUSE else 0,
            pause_acknowledge=session.requested_pause is not None,
            predictive=session.predictive,
            mute=session.mute,
            call=wire_call,
            show_call_details=session.state not in (State.CALL_DELIVERED,),
            call_error=session.call_error,
            login_error=None,
            login_attempt=sock.login_attempt if sock else 0,
            history=tuple(session.history[-5:]),
            last_call_ms=session.last_call_ms,
            state_since_ms=session.state_since,
        )

    def snapshot(self, login: str) -> dict[str, Any]:
        """The ``data`` payload the agent's socket would get now (for tests and the API)."""
        session = self._session(login)
        sock = self._sockets.get(session.sid) if session.sid else None
        return render(self._view(sock, session), self.settings)

    async def _push(self, session: _Session) -> None:
        if session.sid is not None and session.sid in self._sockets:
            await self._push_socket(self._sockets[session.sid])

    async def _push_socket(self, sock: _Socket) -> None:
        session = self._sessions.get(sock.login) if sock.login else None
        data = render(self._view(sock, session), self.settings)
        with contextlib.suppress(Exception):  # the socket may be gone already
            await self.sio.emit("data", data, to=sock.sid)

    # -- TelephonyListener -----------------------------------------------------------

    def agent_hung_up(self, extension: str) -> None:
        for session in self._sessions.values():
            if session.agent.extension == extension and session.state in CALL_STATES:
                if session.state == State.CALL_DELIVERED:
                    continue  # not answered yet: ring() reports it
                self._spawn(self._to_clerical(session))

    # -- control (tests, demo, HTTP API) ------------------------------------------------

    def _session(self, login: str) -> _Session:
        session = self._sessions.get(login)
        if session is None:
            raise SimulatorError(f"unknown agent {login!r}")
        return session

    def state_of(self, login: str) -> State:
        return self._session(login).state

    async def inbound_call(
        self, login: str, ani: str = "0661234567", queue: str | None = None
    ) -> str:
        """Deliver an inbound call to an idle agent; returns its callTraceID."""
        session = self._session(login)
        if session.state != State.IDLE or session.sid is None:
            raise SimulatorError(f"agent {login} is {session.state}, inbound calls need STATE_IDLE")
        names = self.settings.queues_of(session.agent)
        sim_queue = self.settings.queue(
            queue or next((n for n in names if "inbound" in n.lower()), names[0])
        )
        if sim_queue is None:
            raise SimulatorError(f"unknown queue {queue!r}")
        call = self._new_call(session, CallKind.INBOUND, ani, sim_queue)
        session.call_error = None
        session.flow = self._spawn(self._deliver(session, call))
        return call.trace_id

    async def customer_hangup(self, login: str) -> None:
        """The customer hangs up: the agent goes to STATE_CLERICAL."""
        session = self._session(login)
        if session.state not in CALL_STATES or session.state == State.CALL_DELIVERED:
            raise SimulatorError(f"agent {login} has no connected call ({session.state})")
        await self.telephony.hangup(session.agent.extension)
        await self._to_clerical(session)

    async def force_state(self, login: str, state: State) -> None:
        """Put a logged-in agent in any documented state (UI training, tests)."""
        session = self._session(login)
        if state not in STATUS_OF or state == State.LOGOUT or not session.online:
            raise SimulatorError(f"cannot force {state} on agent {login}")
        await self._enter(session, state)

    async def drop_connection(self, login: str) -> None:
        """Cut the agent's socket without a goodbye (a network failure)."""
        session = self._session(login)
        if session.sid is None:
            raise SimulatorError(f"agent {login} has no socket")
        eio_sid = self.sio.manager.eio_sid_from_sid(session.sid, "/")
        eio_socket = self.sio.eio.sockets.get(eio_sid)
        if eio_socket is None:
            raise SimulatorError(f"agent {login} has no socket")
        await eio_socket.close(wait=False, abort=True)
        await eio_socket.queue.put(None)  # wake the writer so the WebSocket closes

    def lose_next(self, kind: str, *, drop_connection: bool = False) -> asyncio.Event:
        """Lose the next command of type ``kind`` in the network (and maybe the socket with it).

        The returned event is set once a command was lost.
        """
        lost = asyncio.Event()
        self._lose[kind] = (drop_connection, lost)
        return lost

    async def disconnect(self, login: str) -> None:
        """Close the agent's socket cleanly from the server side (Socket.IO DISCONNECT)."""
        session = self._session(login)
        if session.sid is None:
            raise SimulatorError(f"agent {login} has no socket")
        await self.sio.disconnect(session.sid)

    async def send_raw(self, login: str, event: str, *args: Any) -> None:
        """Emit anything to the agent's socket (hostile-server tests)."""
        session = self._session(login)
        if session.sid is None:
            raise SimulatorError(f"agent {login} has no socket")
        await self.sio.emit(event, args[0] if len(args) == 1 else list(args), to=session.sid)

    async def send_to_all(self, event: str, data: Any) -> None:
        await self.sio.emit(event, data)

    async def agent_unavailable(self, login: str, payload: Any = None) -> None:
        await self.send_raw(login, "agentUnavailable", payload)

    async def remote_connect(self, login: str, host: str, port: int) -> None:
        await self.send_raw(login, "remoteConnect", {"host": host, "port": port})

    def _add_control_routes(self) -> None:
        routes = web.RouteTableDef()

        @routes.get("/sim/agents")
        async def agents(request: web.Request) -> web.Response:
            return web.json_response(
                [
                    {
                        "login": s.agent.login,
                        "extension": s.agent.extension,
                        "state": str(s.state),
                        "connected": s.sid is not None,
                    }
                    for s in self._sessions.values()
                ]
            )

        async def control(
            request: web.Request, action: Callable[[dict[str, Any]], Awaitable[Any]]
        ) -> web.Response:
            try:
                body = await request.json()
                if not isinstance(body, dict):
                    raise ValueError("expected a JSON object")
                result = await action(body)
            except (ValueError, KeyError, SimulatorError) as exc:
                return web.json_response({"error": str(exc)}, status=400)
            return web.json_response({"ok": True, "result": result})

        @routes.post("/sim/inbound")
        async def inbound(request: web.Request) -> web.Response:
            return await control(
                request,
                lambda b: self.inbound_call(
                    str(b["login"]), str(b.get("ani", "0661234567")), b.get("queue")
                ),
            )

        @routes.post("/sim/hangup")
        async def hangup(request: web.Request) -> web.Response:
            return await control(request, lambda b: self.customer_hangup(str(b["login"])))

        @routes.post("/sim/drop")
        async def drop(request: web.Request) -> web.Response:
            return await control(request, lambda b: self.drop_connection(str(b["login"])))

        self.app.add_routes(routes)


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,9}", value.strip()):
        return int(value)
    return None
