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
token never appears in a log: nothing logs a request's target.

The server is asyncio's own streams with a bounded request-head reader
(``http_head``) and RFC 6455 framing (``ws_frames``, ``ws_connection``):
aiohttp's web server, for one path upgraded to a WebSocket, cost the
agent's app ~2.5 MiB and 18 modules. This module keeps the policy.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from typing import Any

from softphone.core.agent_api import AgentApi
from softphone.core.agent_commands import AgentError, CommandRefused
from softphone.core.agent_snapshot import AgentSnapshot
from softphone.core.cti_commands import BadRequest, loose_id, parse_message, run_request
from softphone.core.cti_events import CtiEvent
from softphone.core.cti_json import dumps, snapshot_json, to_json_value
from softphone.core.http_head import (
    HEAD_TIMEOUT_S,
    MAX_HEAD_BYTES,
    HeadError,
    RequestHead,
    answer_and_hang_up,
    read_head,
)
from softphone.core.ws_connection import HEARTBEAT_S, WebSocket, handshake_error
from softphone.core.ws_frames import CloseCode
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
    head_timeout_s: float = HEAD_TIMEOUT_S
    """Time a client has to send its request head after connecting."""
    max_head_bytes: int = MAX_HEAD_BYTES
    heartbeat_s: float = HEARTBEAT_S
    """A silent client is pinged this often and dropped when it does not answer."""

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

    def __init__(self, ws: WebSocket, queue_size: int, peer: str) -> None:
        self.ws = ws
        self.peer = peer
        self.queue: asyncio.Queue[str] = asyncio.Queue(queue_size)
        self.closing: asyncio.Task[None] | None = None

    def send(self, text: str) -> None:
        if self.closing is not None:
            return
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:
            log.warning("CTI client %s does not read its events; disconnecting it", self.peer)
            self.closing = asyncio.create_task(
                self.ws.close(CloseCode.TRY_AGAIN_LATER, "too many unread events")
            )

    async def write_all(self) -> None:
        while True:
            text = await self.queue.get()
            try:
                await self.ws.send_text(text)
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
        self._listener: asyncio.Server | None = None
        self._connections: set[asyncio.Task[Any]] = set()
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
        try:
            self._listener = await self._listen(self._config.port)
        except OSError as exc:
            raise OSError(
                f"the integration API cannot listen on {LOOPBACK}:{self._config.port}: "
                f"{exc.strerror or exc}"
            ) from None
        self._port = _bound_port(self._listener)
        self._unsubscribe = [
            self._api.subscribe(self._on_snapshot),
            self._api.subscribe_cti(self._on_event),
        ]
        log.info("integration API on %s", self.url)

    async def _listen(self, port: int) -> asyncio.Server:
        # The stream's limit bounds the request head (``readuntil``); frames are
        # read with ``readexactly``, which the limit does not cut.
        return await asyncio.start_server(
            self._serve_connection, LOOPBACK, port, limit=self._config.max_head_bytes
        )

    async def aclose(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        await self._disconnect_all(CloseCode.GOING_AWAY, "agent stopping")
        await cancel_and_wait(*self._connections)  # handshakes still under way

    async def move(self, port: int) -> None:
        """Listen on ``port`` instead (the agent changed it in the settings).

        The new port is bound first: when it is taken this raises ``OSError``
        with a sentence and the old port keeps serving. Then the old port
        closes, and every client connected through it is told where the API
        went (the close frame's reason) and disconnected.
        """
        if self._listener is None:
            raise RuntimeError("the integration API is not started")
        try:
            listener = await self._listen(port)
        except OSError as exc:
            raise OSError(
                f"port {port} cannot be used ({exc.strerror or exc}); "
                f"the integration API stays on port {self.port}"
            ) from None
        old, self._listener = self._listener, listener
        self._port = _bound_port(listener)
        old.close()
        await self._disconnect_all(
            CloseCode.SERVICE_RESTART, f"the integration API moved to port {self._port}"
        )
        log.info("integration API moved to %s", self.url)

    async def set_token(self, token: str) -> None:
        """Accept only ``token`` from now on; connected clients must sign in again with it."""
        self._config = replace(self._config, token=token)
        await self._disconnect_all(
            CloseCode.POLICY_VIOLATION, "the API token changed: connect again with the new one"
        )

    async def _disconnect_all(self, code: int, reason: str) -> None:
        closing = [client.ws.close(code, reason) for client in self._clients]
        await asyncio.gather(*closing, return_exceptions=True)

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

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """One TCP connection: one request head, then a WebSocket or an HTTP error."""
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
        peer = _peer_of(writer)
        try:
            await self._upgrade(reader, writer, peer)
        except Exception:
            log.exception("CTI connection from %s failed", peer)
        finally:
            if not writer.is_closing():
                writer.transport.abort()
            if task is not None:
                self._connections.discard(task)

    async def _upgrade(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer: str
    ) -> None:
        config = self._config
        try:
            head = await read_head(reader, config.max_head_bytes, config.head_timeout_s)
        except HeadError as exc:
            await _refuse(reader, writer, exc)
            return
        if head is None:
            return  # the client left before it finished asking
        refusal = _route_error(head) or self._refusal(head) or handshake_error(head)
        if refusal is not None:
            await _refuse(reader, writer, refusal)
            return
        ws = WebSocket.accept(
            head,
            reader,
            writer,
            max_message_bytes=config.max_message_bytes,
            heartbeat_s=config.heartbeat_s,
        )
        await self._session(ws, peer)

    def _refusal(self, head: RequestHead) -> HeadError | None:
        """Why this handshake is refused (an HTTP error), or None to accept it."""
        host = (head.get("Host") or "").rsplit(":", 1)[0].lower()
        if host not in _LOCAL_HOSTS:
            return HeadError(HTTPStatus.FORBIDDEN, f"host {host!r} is not this computer")
        token = head.query("token") or ""
        if not token:
            return HeadError(
                HTTPStatus.UNAUTHORIZED,
                "token required: connect to ws://127.0.0.1:PORT/cti?token=...",
            )
        if not hmac.compare_digest(token.encode(), self._config.token.encode()):
            return HeadError(HTTPStatus.UNAUTHORIZED, "wrong token")
        origin = head.get("Origin")
        if origin is not None and normal_origin(origin) not in self._origins:
            return HeadError(
                HTTPStatus.FORBIDDEN,
                f"origin {origin[:100]!r} is not allowed; "
                "add it to the agent's allowed CRM origins (--api-origin)",
            )
        if len(self._clients) >= self._config.max_clients:
            return HeadError(
                HTTPStatus.SERVICE_UNAVAILABLE, "too many integration clients connected"
            )
        return None

    async def _session(self, ws: WebSocket, peer: str) -> None:
        client = _Client(ws, self._config.send_queue, peer)
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
            await cancel_and_wait(writer, client.closing)
            log.info("CTI client %s disconnected (%s)", client.peer, ws.close_code)

    async def _read_all(self, client: _Client) -> None:
        limit = RateLimit(self._config.rate_per_s, self._config.burst)
        async with contextlib.aclosing(client.ws.messages()) as messages:
            async for message in messages:
                if isinstance(message, bytes):
                    self._reply(client, None, None, "bad_request", "send commands as text frames")
                elif limit.allow():
                    await self._serve(client, message)
                else:
                    rate = f"too many messages: at most {self._config.rate_per_s:g} a second"
                    self._reply(client, loose_id(message), None, "rate_limited", rate)

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


def _bound_port(listener: asyncio.Server) -> int:
    """The port ``listener`` listens on (the one the system chose for port 0)."""
    port: int = listener.sockets[0].getsockname()[1]
    return port


def _peer_of(writer: asyncio.StreamWriter) -> str:
    address = writer.get_extra_info("peername")
    return f"{address[0]}:{address[1]}" if isinstance(address, tuple) else "?"


def _route_error(head: RequestHead) -> HeadError | None:
    """The API has one resource, ``GET /cti``; the sentences never quote the target."""
    if head.path != PATH:
        return HeadError(HTTPStatus.NOT_FOUND, f"not found: the integration API is at {PATH}")
    if head.method != "GET":
        return HeadError(
            HTTPStatus.METHOD_NOT_ALLOWED,
            "the integration API answers only GET (a WebSocket upgrade)",
            (("Allow", "GET"),),
        )
    return None


async def _refuse(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, refusal: HeadError
) -> None:
    log.info("CTI handshake refused (%s): %s", refusal.status.value, refusal.sentence)
    await answer_and_hang_up(reader, writer, refusal.response())
