"""A Mediatel server that follows docs/mediatel-protocol.md to the letter: the asyncio driver.

python-socketio on aiohttp at ``/mediatel/socket.io``. What Mediatel decides
lives in the sans-IO :class:`~softphone.sim.agent_model.AgentModel`; this
module only carries messages to and from it: Socket.IO events in (read into
typed commands by :mod:`softphone.sim.commands`), the model's effects out
(``data`` snapshots rendered by :mod:`softphone.sim.wire`, rings and hang-ups
on the :class:`~softphone.sim.telephony.Telephony` port), and one loop timer
for the model's earliest deadline. The gateway cookie is checked by
:class:`~softphone.sim.gateway.Gateway`, the ``/sim/`` admin API is
:mod:`softphone.sim.admin_api`.

Tests and demos drive the customer side through the control methods
(``inbound_call``, ``customer_hangup``, ``drop_connection``, ``send_raw`` ...)
or the HTTP admin API.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import socketio
from aiohttp import web

from softphone.net.mediatel.state import State
from softphone.sim.admin_api import add_admin_routes
from softphone.sim.agent_model import AgentModel, AgentSummary, SimulatorError
from softphone.sim.agent_settings import add_agent_settings_routes
from softphone.sim.commands import BadCommand, command_type, read_command
from softphone.sim.config import SimSettings
from softphone.sim.effects import Effect, Hangup, Hold, Publish, Ring, StopRinging
from softphone.sim.gateway import Gateway, gateway_middleware
from softphone.sim.telephony import RingRequest, Telephony, VirtualTelephony
from softphone.sim.wire import render

__all__ = ["SOCKETIO_PATH", "MediatelSimulator", "SimulatorError"]

log = logging.getLogger(__name__)

SOCKETIO_PATH = "mediatel/socket.io"
#: What the gateway cookie guards here (an agent-facing REST API would add its prefix).
GUARDED_PREFIXES = (f"/{SOCKETIO_PATH}",)


class MediatelSimulator:
    """The simulated Mediatel service. ``await start()``, use ``url``, ``await aclose()``.

    ``clock`` (seconds since the epoch) is what the model is told the time is.
    """

    def __init__(
        self,
        settings: SimSettings | None = None,
        telephony: Telephony | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        # tenths of a second since the epoch, 10 digits like Mediatel's: unique across restarts
        first_trace_id = 1_000_000_000 + int(clock() * 10) % 9_000_000_000
        self.model = AgentModel(settings or SimSettings(), first_trace_id=first_trace_id)
        self.telephony: Telephony = telephony or VirtualTelephony()
        self.sio = socketio.AsyncServer(
            async_mode="aiohttp",
            always_connect=True,  # CONNECT goes out before our first snapshot
            cors_allowed_origins="*",
            logger=False,
            engineio_logger=False,
        )
        guard = gateway_middleware(lambda: self.gateway, GUARDED_PREFIXES, on_reject=self._rejected)
        self.app = web.Application(middlewares=[guard])
        self.sio.attach(self.app, socketio_path=SOCKETIO_PATH)
        add_admin_routes(self.app, self)
        add_agent_settings_routes(self.app, self)
        self.sio.on("connect", self._on_connect)
        self.sio.on("disconnect", self._on_disconnect)
        self.sio.on("data", self._on_data)
        self.sio.on("*", self._on_other)
        self._clock = clock
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._rings: dict[str, asyncio.Task[None]] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._closing = False
        self.host = "127.0.0.1"
        self.port = 0
        self.rejected_handshakes = 0
        self._lose: dict[str, tuple[bool, asyncio.Event]] = {}

    @property
    def settings(self) -> SimSettings:
        return self.model.settings

    @settings.setter
    def settings(self, settings: SimSettings) -> None:
        """New settings apply from the next input on (tests change passwords mid-session)."""
        self.model.settings = settings

    @property
    def gateway(self) -> Gateway:
        return Gateway(self.settings.vouch_secret, self.settings.vouch_token)

    # -- lifecycle -----------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        await self.telephony.start(self)
        self._runner = web.AppRunner(self.app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        address = self._runner.addresses[0]
        self.host, self.port = host, int(address[1])
        self.model.host = host

    @property
    def url(self) -> str:
        """The base URL a client connects to (the path is the client's ``socketio_path``)."""
        return f"http://{self.host}:{self.port}"

    async def aclose(self) -> None:
        self._closing = True
        for task in list(self._tasks):
            task.cancel()
        for sid in self.model.connections():
            with contextlib.suppress(Exception):
                await self.sio.disconnect(sid)
        await self.telephony.aclose()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

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

    def _rejected(self) -> None:
        self.rejected_handshakes += 1

    # -- carrying out the model's effects ---------------------------------------

    def _take(self) -> list[Effect]:
        """The model's pending effects; its timer is re-armed for its new earliest deadline."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        deadline = self.model.get_timer()
        if deadline is not None and not self._closing:
            delay = max(0.0, deadline - self._clock())
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(delay, self._on_timer, deadline)
        return self.model.take_effects()

    def _on_timer(self, deadline: float) -> None:
        self._timer = None
        try:
            # The loop's clock and the wall clock tick apart: never fire "just before" a deadline.
            self.model.handle_timer(max(self._clock(), deadline))
        except Exception:
            log.exception("simulator: a timer failed")  # the other agents' deadlines go on
        self._spawn(self._perform(self._take()))

    async def _flush(self) -> None:
        await self._perform(self._take())

    async def _perform(self, effects: list[Effect]) -> None:
        for effect in effects:
            try:
                await self._perform_one(effect)
            except Exception:
                log.exception("simulator: %s failed", type(effect).__name__)

    async def _perform_one(self, effect: Effect) -> None:
        match effect:
            case Publish(sid, view):
                with contextlib.suppress(Exception):  # the socket may be gone already
                    await self.sio.emit("data", render(view, self.settings), to=sid)
            case Ring(login, request, timeout):
                self._rings[login] = self._spawn(self._ring(login, request, timeout))
            case StopRinging(login):
                task = self._rings.pop(login, None)
                if task is not None:
                    task.cancel()  # cancelling ring() CANCELs the INVITE
            case Hangup(extension):
                await self.telephony.hangup(extension)
            case Hold(extension, on):
                await self.telephony.hold(extension, on)

    async def _ring(self, login: str, request: RingRequest, timeout: float) -> None:
        result = await self.telephony.ring(request, timeout)
        if self._rings.get(login) is asyncio.current_task():
            del self._rings[login]
        self.model.ring_result(login, request.call_trace_id, result, self._clock())
        await self._flush()

    # -- sockets ---------------------------------------------------------------

    async def _on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        claimed = self.gateway.claimed_user(environ.get("HTTP_COOKIE"))
        self.model.connect(sid, claimed, self._clock())
        await self._flush()

    async def _on_disconnect(self, sid: str, reason: Any = None) -> None:
        self.model.disconnect(sid, self._clock())
        await self._flush()

    async def _on_other(self, event: str, sid: str, *args: Any) -> None:
        log.info("ignoring undocumented event %r from %s", event, sid)

    async def _on_data(self, sid: str, *args: Any) -> None:
        now = self._clock()
        try:
            kind = command_type(args)
            if kind in self._lose:
                drop, lost = self._lose.pop(kind)
                lost.set()
                login = self.model.login_of(sid)
                if drop and login is not None:
                    self._spawn(self.drop_connection(login))
                return
            self.model.command(sid, read_command(args[0]), now)
        except BadCommand as exc:
            log.warning("ignoring %s from %s", exc, sid)
            self.model.refresh(sid, now)
        except Exception:
            log.exception("error handling a command from %s", sid)
            self.model.refresh(sid, now)
        await self._flush()

    # -- TelephonyListener -----------------------------------------------------------

    def agent_hung_up(self, extension: str) -> None:
        self.model.agent_hung_up(extension, self._clock())
        self._spawn(self._perform(self._take()))

    # -- control (tests, demo, admin API) ------------------------------------------------

    def agents(self) -> list[AgentSummary]:
        return self.model.agents()

    def state_of(self, login: str) -> State:
        return self.model.state_of(login)

    def snapshot(self, login: str) -> dict[str, Any]:
        """The ``data`` payload the agent's socket would get now (for tests and the API)."""
        return render(self.model.snapshot(login, self._clock()), self.settings)

    async def inbound_call(
        self, login: str, ani: str = "0661234567", queue: str | None = None
    ) -> str:
        """Deliver an inbound call to an idle agent; returns its callTraceID."""
        trace_id = self.model.inbound_call(login, ani, queue, self._clock())
        await self._flush()
        return trace_id

    async def customer_hangup(self, login: str) -> None:
        """The customer hangs up: the agent goes to STATE_CLERICAL."""
        self.model.customer_hangup(login, self._clock())
        await self._flush()

    async def force_state(self, login: str, state: State) -> None:
        """Put a logged-in agent in any documented state (UI training, tests)."""
        self.model.force_state(login, state, self._clock())
        await self._flush()

    async def drop_connection(self, login: str) -> None:
        """Cut the agent's socket without a goodbye (a network failure)."""
        await self.drop_socket(self.model.sid_of(login))

    async def drop_socket(self, sid: str) -> None:
        """Cut the socket ``sid`` (its Socket.IO sid) without a goodbye, whether an agent
        logged in on it yet or not."""
        eio_sid = self.sio.manager.eio_sid_from_sid(sid, "/")
        eio_socket = self.sio.eio.sockets.get(eio_sid) if eio_sid is not None else None
        if eio_socket is None:
            raise SimulatorError(f"no socket {sid}")
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
        await self.sio.disconnect(self.model.sid_of(login))

    async def send_raw(self, login: str, event: str, *args: Any) -> None:
        """Emit anything to the agent's socket (hostile-server tests)."""
        sid = self.model.sid_of(login)
        await self.sio.emit(event, args[0] if len(args) == 1 else list(args), to=sid)

    async def send_to_all(self, event: str, data: Any) -> None:
        await self.sio.emit(event, data)

    async def agent_unavailable(self, login: str, payload: Any = None) -> None:
        await self.send_raw(login, "agentUnavailable", payload)

    async def remote_connect(self, login: str, host: str, port: int) -> None:
        await self.send_raw(login, "remoteConnect", {"host": host, "port": port})
