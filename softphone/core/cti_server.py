"""The local integration API: a WebSocket server a CRM on the agent's PC connects to.

``ws://127.0.0.1:PORT/cti?token=TOKEN``. Any program of any user on the PC,
and any web page the agent opens, can reach a loopback port, so the server
trusts nobody by default:

* it binds 127.0.0.1 only and checks the ``Host`` header (a page on a
  rebinding domain that resolves to 127.0.0.1 is turned away);
* the token is required and compared in constant time;
* a browser always sends ``Origin``: only the configured CRM origins may
  connect; a native program sends none and is let in on its token alone;
* messages are bounded in size and rate, and a client that does not read
  its events is dropped instead of growing the agent's memory.

Refusals at the handshake are plain HTTP errors with a sentence, so the
browser console shows why. After that every command gets exactly one reply
and no client input can reach the session unchecked (``cti_commands``). The
token never appears in a log: aiohttp's access log, which would print the
query string, is off.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from softphone.core.agent_api import AgentApi
from softphone.core.agent_commands import AgentError, CommandRefused
from softphone.core.agent_snapshot import AgentSnapshot
from softphone.core.cti_commands import BadRequest, loose_id, parse_message, run_request
from softphone.core.cti_events import CtiEvent
from softphone.core.cti_json import dumps, snapshot_json, to_json_value
from softphone.tasks import cancel_and_wait

log = logging.getLogger("softphone.cti")

LOOPBACK = "127.0.0.1"
PATH = "/cti"
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})


@dataclass(frozen=True)
class CtiServerConfig:
    token: str = field(repr=False)
    port: int = 0
    """0: any free port (``CtiServer.port`` tells which)."""
    allowed_origins: tuple[str, ...] = ()
    """Web origins allowed to connect, e.g. ``https://crm.example.com``."""
    max_message_bytes: int = 64 * 1024
    rate_per_s: float = 20.0
    burst: int = 40
    max_clients: int = 16
    command_timeout_s: float = 30.0
    send_queue: int = 1000
    """Messages waiting for a client that does not read; beyond: disconnected."""

    def __post_init__(self) -> None:
        if not self.token:
            raise ValueError("the integration API needs a token")


def normal_origin(origin: str) -> str:
    """``HTTPS://CRM.example.com:443/`` → ``https://crm.example.com``."""
    origin = origin.strip().rstrip("/").lower()
    for scheme, port in (("https://", ":443"), ("http://", ":80")):
        if origin.startswith(scheme) and origin.endswith(port):
            origin = origin[: -len(port)]
    return origin


class RateLimit:
    """A token bucket: ``rate`` messages a second on average, ``burst`` at once."""

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._tokens = float(burst)
        self._clock = clock
        self._last = clock()

    def allow(self) -> bool:
        now = self._clock()
        self._tokens = min(self._burst, self._tokens + (now - self._last) * self._rate)
        self._last = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False


class _Client:
    """One connected CRM: its outgoing queue, drained in order by one writer task."""

    def __init__(self, ws: web.WebSocketResponse, queue_size: int, peer: str) -> None:
        self.ws = ws
        self.peer = peer
        self.queue: asyncio.Queue[str] = asyncio.Queue(queue_size)
        self.closing: asyncio.Task[bool] | None = None

    def send(self, text: str) -> None:
        if self.closing is not None:
            return
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:
            log.warning("CTI client %s does not read its events; disconnecting it", self.peer)
            self.closing = asyncio.create_task(
                self.ws.close(code=WSCloseCode.TRY_AGAIN_LATER, message=b"too many unread events")
            )

    async def write_all(self) -> None:
        while True:
            text = await self.queue.get()
            try:
                await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return


class CtiServer:
    """Serves one ``AgentApi`` to local integrations until ``aclose()``."""

    def __init__(self, api: AgentApi, config: CtiServerConfig) -> None:
        self._api = api
        self._config = config
        self._origins = frozenset(normal_origin(o) for o in config.allowed_origins)
        self._clients: set[_Client] = set()
        self._last_state: dict[str, Any] | None = None
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._unsubscribe: list[Callable[[], None]] = []
        self._port: int | None = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the integration API is not started")
        return self._port

    @property
    def url(self) -> str:
        """The address without the token (safe to show and log)."""
        return f"ws://{LOOPBACK}:{self.port}{PATH}"

    @property
    def clients(self) -> int:
        return len(self._clients)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get(PATH, self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, LOOPBACK, self._config.port)
        try:
            await self._site.start()
        except OSError as exc:
            await self._runner.cleanup()
            self._runner = None
            raise OSError(
                f"the integration API cannot listen on {LOOPBACK}:{self._config.port}: "
                f"{exc.strerror or exc}"
            ) from None
        self._port = _bound_port(self._site)
        self._unsubscribe = [
            self._api.subscribe(self._on_snapshot),
            self._api.subscribe_cti(self._on_event),
        ]
        log.info("integration API on %s", self.url)

    async def aclose(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        await self._disconnect_all(WSCloseCode.GOING_AWAY, "agent stopping")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def move(self, port: int) -> None:
        """Listen on ``port`` instead (the agent changed it in the settings).

        The new port is bound first: when it is taken this raises ``OSError``
        with a sentence and the old port keeps serving. Then the old port
        closes, and every client connected through it is told where the API
        went (the close frame's reason) and disconnected.
        """
        if self._runner is None or self._site is None:
            raise RuntimeError("the integration API is not started")
        site = web.TCPSite(self._runner, LOOPBACK, port)
        try:
            await site.start()
        except OSError as exc:
            raise OSError(
                f"port {port} cannot be used ({exc.strerror or exc}); "
                f"the integration API stays on port {self.port}"
            ) from None
        old, self._site = self._site, site
        self._port = _bound_port(site)
        await old.stop()
        await self._disconnect_all(
            WSCloseCode.SERVICE_RESTART, f"the integration API moved to port {self._port}"
        )
        log.info("integration API moved to %s", self.url)

    async def set_token(self, token: str) -> None:
        """Accept only ``token`` from now on; connected clients must sign in again with it."""
        self._config = replace(self._config, token=token)
        await self._disconnect_all(
            WSCloseCode.POLICY_VIOLATION, "the API token changed: connect again with the new one"
        )

    async def _disconnect_all(self, code: int, reason: str) -> None:
        for client in list(self._clients):
            with contextlib.suppress(Exception):
                await client.ws.close(code=code, message=reason.encode())

    # -- events out ---------------------------------------------------------

    def _on_snapshot(self, snapshot: AgentSnapshot) -> None:
        if not self._clients:
            self._last_state = None  # nobody to tell: skip the work (answering waits on it)
            return
        state = snapshot_json(snapshot)
        if state == self._last_state:
            return  # only ``seq`` moved: nothing a CRM shows has changed
        self._last_state = state
        self._broadcast(dumps(state))

    def _on_event(self, event: CtiEvent) -> None:
        self._broadcast(dumps(to_json_value(event.to_json())))

    def _broadcast(self, text: str) -> None:
        for client in self._clients:
            client.send(text)

    # -- one connection -------------------------------------------------------

    def _refusal(self, request: web.Request) -> web.Response | None:
        """Why this handshake is refused (an HTTP error), or None to accept it."""
        host = (request.host or "").rsplit(":", 1)[0].lower()
        if host not in _LOCAL_HOSTS:
            return web.Response(status=403, text=f"host {host!r} is not this computer\n")
        token = request.query.get("token", "")
        if not token:
            return web.Response(
                status=401, text="token required: connect to ws://127.0.0.1:PORT/cti?token=...\n"
            )
        if not hmac.compare_digest(token.encode(), self._config.token.encode()):
            return web.Response(status=401, text="wrong token\n")
        origin = request.headers.get("Origin")
        if origin is not None and normal_origin(origin) not in self._origins:
            return web.Response(
                status=403,
                text=f"origin {origin[:100]!r} is not allowed; "
                "add it to the agent's allowed CRM origins (--api-origin)\n",
            )
        if len(self._clients) >= self._config.max_clients:
            return web.Response(status=503, text="too many integration clients connected\n")
        return None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        refusal = self._refusal(request)
        if refusal is not None:
            log.info("CTI handshake refused (%s): %s", refusal.status, refusal.text)
            return refusal
        ws = web.WebSocketResponse(max_msg_size=self._config.max_message_bytes, heartbeat=30.0)
        if not ws.can_prepare(request).ok:
            return web.Response(status=426, text="this is a WebSocket endpoint\n")
        await ws.prepare(request)
        client = _Client(ws, self._config.send_queue, str(request.remote))
        # Current state first, in the same step as joining the broadcast: no
        # event can fall between the two.
        state = snapshot_json(self._api.snapshot)
        self._last_state = state
        client.send(dumps(state))
        self._clients.add(client)
        writer = asyncio.create_task(client.write_all(), name=f"cti-writer-{client.peer}")
        log.info("CTI client connected from %s", client.peer)
        try:
            await self._read_all(client)
        finally:
            self._clients.discard(client)
            await cancel_and_wait(writer)
            log.info("CTI client %s disconnected", client.peer)
        return ws

    async def _read_all(self, client: _Client) -> None:
        limit = RateLimit(self._config.rate_per_s, self._config.burst)
        async for message in client.ws:
            if message.type is WSMsgType.TEXT:
                if limit.allow():
                    await self._serve(client, message.data)
                else:
                    rate = f"too many messages: at most {self._config.rate_per_s:g} a second"
                    self._reply(client, loose_id(message.data), None, "rate_limited", rate)
            elif message.type is WSMsgType.BINARY:
                self._reply(client, None, None, "bad_request", "send commands as text frames")
            elif message.type is WSMsgType.ERROR:
                log.info("CTI client %s: %s", client.peer, client.ws.exception())
                break

    async def _serve(self, client: _Client, text: str) -> None:
        try:
            request = parse_message(text)
        except BadRequest as exc:
            self._reply(client, exc.id, None, "bad_request", str(exc))
            return
        name = request.command
        try:
            async with asyncio.timeout(self._config.command_timeout_s):
                result = await run_request(self._api, request)
        except BadRequest as exc:
            self._reply(client, request.id, name, "bad_request", str(exc))
        except CommandRefused as exc:
            self._reply(client, request.id, name, "refused", str(exc))
        except AgentError as exc:
            self._reply(client, request.id, name, "failed", str(exc))
        except TimeoutError:
            error = f"the agent did not answer in {self._config.command_timeout_s:g} s"
            self._reply(client, request.id, name, "timeout", error)
        except Exception as exc:
            # A bug in the session must not cost the CRM its reply or the agent its session.
            log.exception("CTI command %s failed", name)
            self._reply(
                client, request.id, name, "internal", f"internal error: {type(exc).__name__}"
            )
        else:
            self._send_reply(client, request.id, name, ok=True, result=to_json_value(result))

    def _reply(self, client: _Client, rid: Any, command: str | None, code: str, error: str) -> None:
        self._send_reply(client, rid, command, ok=False, code=code, error=error)

    def _send_reply(self, client: _Client, rid: Any, command: str | None, **body: Any) -> None:
        reply: dict[str, Any] = {"id": to_json_value(rid)}
        if command is not None:
            reply["command"] = command
        reply.update(body)
        client.send(dumps(reply))


def _bound_port(site: web.TCPSite) -> int:
    """The port ``site`` listens on (the one the system chose for port 0)."""
    sockets: Iterable[Any] = getattr(site._server, "sockets", None) or ()
    port: int = next(iter(sockets)).getsockname()[1]
    return port
