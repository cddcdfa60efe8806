"""SIP over WebSocket (RFC 7118): the asyncio driver of the sans-IO user agent.

The SIP core knows nothing of sockets or clocks; this module owns both. It
feeds every received frame into the core, sends what the core wants sent,
re-arms the core's single timer after every interaction, keeps the
connection alive with CRLF pings (RFC 5626 §4.4.1), notices a dead
connection, reconnects with jittered backoff across several registrar URLs,
and tells the core when the connection comes and goes so that it can
re-REGISTER.

The WebSocket is aiohttp's client, the library the Mediatel link (python-
socketio) already loads: one WebSocket implementation in the process
instead of two. Each connection has its own ``ClientSession``, so that a
connection declared dead is dropped by closing its session (TLS ones are
aborted, not shut down politely) without waiting for the peer.

Everything that touches the user agent goes through :meth:`SipWsClient.act`
so that no caller can forget to flush the core's output or re-arm its timer.
The client is generic over the agent and its event type, like
:class:`~softphone.net.agent_driver.AgentDriver`: the phone's is a
``SipWsClient[UserAgent, sip.Event]``, whose stream holds those events and
:class:`TransportStateChanged`.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import random
import ssl
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import aiohttp
from aiohttp import ClientWebSocketResponse, WSMsgType

from softphone.net import tls
from softphone.net.agent_driver import A, AgentDriver, E
from softphone.tasks import cancel_and_wait

log = logging.getLogger(__name__)

T = TypeVar("T")

PING = b"\r\n\r\n"  # RFC 5626 §4.4.1 double-CRLF keepalive
PONG = b"\r\n"
MAX_MESSAGE = 2**20  # a SIP message is a few KiB; anything near this is not one
CLOSE_TIMEOUT = 2.0  # for the server's answer to our closing handshake
NO_STATUS = 1005  # RFC 6455 §7.4.1: a close frame without a code
_SEND_ERRORS = (ConnectionError, aiohttp.ClientConnectionError)


class TransportState(enum.Enum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"  # will retry after a backoff delay
    CLOSED = "closed"  # aclose() was called; no more retries


@dataclass(frozen=True, slots=True)
class TransportStateChanged:
    """A transport event, delivered in the same stream as the SIP core's."""

    state: TransportState
    url: str | None = None
    error: str | None = None
    retry_in: float | None = None


@dataclass(frozen=True, slots=True)
class TransportConfig:
    """How to reach the registrar(s).

    ``urls`` are tried in order; the first that accepts a connection is used
    until it fails, then the next one (failover). ``headers`` is a callable so
    that a token (the gateway's ``VouchCookie``) is computed afresh for every
    connection attempt rather than frozen at start-up.
    """

    urls: tuple[str, ...]
    ca_file: str | None = None
    verify_tls: bool = True
    connect_timeout: float = 10.0
    keepalive_interval: float = 25.0
    keepalive_timeout: float = 10.0
    backoff_initial: float = 1.0
    backoff_max: float = 30.0
    headers: Callable[[], Mapping[str, str]] | None = field(default=None, compare=False)
    user_agent: str | None = None

    def __post_init__(self) -> None:
        if not self.urls:
            raise ValueError("at least one WebSocket URL is required")
        for url in self.urls:
            if not url.startswith(("ws://", "wss://")):
                raise ValueError(f"not a WebSocket URL: {url!r} (expected ws:// or wss://)")


def backoff_delays(initial: float, maximum: float, rng: random.Random) -> Iterator[float]:
    """Jittered exponential backoff: 1, 2, 4 … capped, each scaled by 0.5–1.0.

    The jitter spreads a whole contact center's phones out after a registrar
    restart instead of having them all hammer it in the same second.
    """
    delay = initial
    while True:
        yield delay * (0.5 + rng.random() / 2)
        delay = min(delay * 2, maximum)


def make_ssl_context(config: TransportConfig) -> ssl.SSLContext | bool:
    """A shared context: reconnecting does not parse the CA store again.

    ``True`` (the system's CAs) is aiohttp's own verified context, which it
    builds at import for every ``ssl=True`` request (Socket.IO, REST): one
    parsed CA store in the process instead of two (~0.8 MiB). A deployment's
    CA bundle gets its context from ``net.tls``.
    """
    if not config.verify_tls:
        # Only by explicit configuration, for lab set-ups; logged loudly.
        log.warning("TLS certificate verification is DISABLED for the SIP transport")
        return tls.unverified_context()
    if config.ca_file is None:
        return True
    return tls.client_context(config.ca_file)


class SipWsClient(Generic[A, E]):
    """Keeps one SIP-over-WebSocket connection up and drives the user agent.

    Lifecycle: ``await start()`` … ``await aclose()``. Events (the core's and
    :class:`TransportStateChanged`) come from :meth:`events` or
    :meth:`next_event`.
    """

    def __init__(
        self,
        agent: A,
        config: TransportConfig,
        *,
        rng: random.Random | None = None,
    ) -> None:
        self.agent = agent
        self._driver: AgentDriver[A, E] = AgentDriver(agent, self._send, self._emit_event)
        self.config = config
        self._rng = rng or random.Random()
        self._events: asyncio.Queue[E | TransportStateChanged] = asyncio.Queue()
        self._ws: ClientWebSocketResponse | None = None
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._pong = asyncio.Event()  # a WebSocket pong (the keepalive's second probe)
        self._last_rx = 0.0
        self.url: str | None = None
        self.state = TransportState.DISCONNECTED
        self._connected = asyncio.Event()
        self._outbox: asyncio.Queue[str] = asyncio.Queue()
        self._frames_sent = 0
        self._rx_signal = asyncio.Event()

    # -- public API -------------------------------------------------------

    async def start(self) -> None:
        if self._task is not None:
            raise RuntimeError("already started")
        self._task = asyncio.get_running_loop().create_task(self._run(), name="sip-ws")

    async def wait_connected(self, timeout: float | None = None) -> None:
        async with asyncio.timeout(timeout):
            await self._connected.wait()

    def act(self, fn: Callable[[A, float], T]) -> T:
        """Run ``fn(agent, now)`` then send its output and re-arm the timer."""
        return self._driver.act(fn)

    async def next_event(self) -> E | TransportStateChanged:
        return await self._events.get()

    async def events(self) -> AsyncIterator[E | TransportStateChanged]:
        while True:
            yield await self._events.get()

    async def aclose(
        self, *, linger: float = 2.0, before_close: Callable[[], object] | None = None
    ) -> None:
        """Stop reconnecting and close.

        ``before_close`` (e.g. unregister) runs while the connection is still
        up; we then wait up to ``linger`` s for the server to answer what it
        sent (following a digest challenge round trip too) before closing.
        """
        self._closing = True
        if before_close is not None and self._ws is not None:
            await self._exchange(before_close, linger)
        self._driver.stop()
        if self._ws is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(1.0):
                    await self._outbox.join()
                await self._ws.close()
        await cancel_and_wait(self._task)
        self._task = None
        await self._drop_session()
        self._set_state(TransportState.CLOSED, self.url)

    async def _exchange(self, action: Callable[[], object], linger: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + linger
        sent_before = self._frames_sent
        action()
        while self._frames_sent > sent_before and loop.time() < deadline:
            sent_before = self._frames_sent
            self._rx_signal.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout_at(deadline):
                    await self._rx_signal.wait()
            await asyncio.sleep(0)  # let a reply's own output (auth retry) be queued

    # -- internals --------------------------------------------------------

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    def _set_state(
        self,
        state: TransportState,
        url: str | None,
        *,
        error: str | None = None,
        retry_in: float | None = None,
    ) -> None:
        self.state = state
        if state is TransportState.CONNECTED:
            self._connected.set()
        else:
            self._connected.clear()
        self._events.put_nowait(TransportStateChanged(state, url, error, retry_in))

    def _emit_event(self, event: E) -> None:
        self._events.put_nowait(event)

    def _send(self, data: bytes) -> None:
        if self._ws is None:
            # The core was told the connection is lost; it retransmits or
            # re-registers by itself once connection_made() comes.
            log.debug("dropping %d bytes: not connected", len(data))
            return
        self._frames_sent += 1
        self._outbox.put_nowait(data.decode("utf-8", errors="replace"))

    async def _writer(self, ws: ClientWebSocketResponse, outbox: asyncio.Queue[str]) -> None:
        """The one task that writes to the socket, so frames keep their order."""
        while True:
            text = await outbox.get()
            try:
                await ws.send_str(text)
            except _SEND_ERRORS:
                return
            finally:
                outbox.task_done()

    async def _run(self) -> None:
        delays = backoff_delays(self.config.backoff_initial, self.config.backoff_max, self._rng)
        index = 0
        failures_in_round = 0
        while not self._closing:
            url = self.config.urls[index % len(self.config.urls)]
            self._set_state(TransportState.CONNECTING, url)
            error: str | None = None
            try:
                ws = await self._open(url)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # every failure to connect is reported, then retried
                error = _describe(exc)
                log.warning("SIP WebSocket %s: %s", url, error)
            else:
                delays = backoff_delays(
                    self.config.backoff_initial, self.config.backoff_max, self._rng
                )
                failures_in_round = 0
                error = await self._serve(url, ws)
            if self._closing:
                return  # aclose() finishes the closing handshake, then drops the session
            await self._drop_session()
            # Failover: try the next URL at once until a whole round failed.
            index += 1
            failures_in_round += 1
            if failures_in_round < len(self.config.urls):
                continue
            failures_in_round = 0
            delay = next(delays)
            self._set_state(TransportState.DISCONNECTED, url, error=error, retry_in=delay)
            await asyncio.sleep(delay)

    async def _open(self, url: str) -> ClientWebSocketResponse:
        headers = dict(self.config.headers()) if self.config.headers else {}
        if self.config.user_agent:
            headers["User-Agent"] = self.config.user_agent
        context: ssl.SSLContext | bool = True  # unused by ws:// URLs
        if url.startswith("wss://"):
            context = make_ssl_context(self.config)
        # No total timeout (the connection lives for hours): the handshake is
        # bounded below, in this task. trust_env: HTTP(S)_PROXY and NO_PROXY
        # are honoured, as the websockets library did by default.
        self._session = session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=None),
            trust_env=True,
            skip_auto_headers=("User-Agent",),  # none unless configured, as before
        )
        try:
            async with asyncio.timeout(self.config.connect_timeout):
                ws = await session.ws_connect(
                    url,
                    protocols=("sip",),
                    headers=headers,
                    ssl=context,
                    autoping=False,  # we answer pings, and see pongs for the keepalive
                    compress=0,
                    max_msg_size=MAX_MESSAGE,
                    timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=CLOSE_TIMEOUT),
                )
            if ws.protocol != "sip":
                async with asyncio.timeout(CLOSE_TIMEOUT):
                    await ws.close()
                raise ConnectionError(
                    f"server did not accept the 'sip' WebSocket subprotocol ({url})"
                )
        except BaseException:
            await self._drop_session()
            raise
        return ws

    async def _drop_session(self) -> None:
        """Release a connection's socket; a dead peer is not waited for long."""
        session, self._session = self._session, None
        if session is None:
            return
        with contextlib.suppress(Exception):
            async with asyncio.timeout(CLOSE_TIMEOUT):
                await session.close()

    async def _serve(self, url: str, ws: ClientWebSocketResponse) -> str | None:
        """Run one connection until it drops; returns why it dropped."""
        self._ws = ws
        self.url = url
        self._last_rx = self._now()
        self._outbox = asyncio.Queue()
        loop = asyncio.get_running_loop()
        writer = loop.create_task(self._writer(ws, self._outbox))
        self._set_state(TransportState.CONNECTED, url)
        self.act(lambda agent, now: agent.connection_made(now))
        reader = loop.create_task(self._read(ws))
        keepalive = loop.create_task(self._keepalive(ws))
        reason: str | None = None
        try:
            # Whichever ends first: the server closing, or the keepalive
            # declaring a silent connection dead (the session is then dropped).
            await asyncio.wait((reader, keepalive), return_when=asyncio.FIRST_COMPLETED)
            reason = reader.result() if reader.done() else "connection lost"
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a transport fault must never kill the client
            reason = _describe(exc)
            log.exception("SIP WebSocket %s failed", url)
        finally:
            await cancel_and_wait(reader, keepalive, writer)
            self._ws = None
            if not self._closing:
                self.act(lambda agent, now: agent.connection_lost(now))
        return reason

    async def _read(self, ws: ClientWebSocketResponse) -> str:
        """Feed frames to the core until the connection ends; returns why it ended."""
        while True:
            message = await ws.receive()
            if message.type is WSMsgType.TEXT:
                data = message.data.encode("utf-8")
            elif message.type is WSMsgType.BINARY:
                data = message.data
            elif message.type is WSMsgType.PING:
                with contextlib.suppress(*_SEND_ERRORS):
                    await ws.pong(message.data)
                continue
            elif message.type is WSMsgType.PONG:
                self._pong.set()
                continue
            elif message.type is WSMsgType.CLOSE:
                code, text = message.data or NO_STATUS, message.extra
                return f"closed by server (code {code}{': ' + text if text else ''})"
            else:  # CLOSING (our own close), CLOSED (the socket went), ERROR (a bad frame)
                if message.type is WSMsgType.ERROR:
                    log.warning("SIP WebSocket protocol error: %s", message.data)
                return "connection lost"
            self._last_rx = self._now()
            if data == PONG:
                continue
            if data == PING:
                self._outbox.put_nowait(PONG.decode())
                continue
            if not data.strip(b"\r\n"):
                continue
            self._deliver(data)

    def _deliver(self, data: bytes) -> None:
        self.act(lambda agent, now: agent.receive_data(data, now))
        self._rx_signal.set()

    async def _keepalive(self, ws: ClientWebSocketResponse) -> None:
        """CRLF pings; returns when a connection stayed silent past the timeout.

        A server that never answers CRLF pings (not every one does over WS) is
        probed with WebSocket ping frames instead.
        """
        interval = self.config.keepalive_interval
        timeout = self.config.keepalive_timeout
        while True:
            await asyncio.sleep(interval)
            sent_at = self._now()
            try:
                await ws.send_str(PING.decode())
                await asyncio.sleep(timeout)
                if self._last_rx >= sent_at:
                    continue
                self._pong.clear()
                await ws.ping()
                async with asyncio.timeout(timeout):
                    await self._pong.wait()
            except (TimeoutError, *_SEND_ERRORS):
                # A dead peer will not complete a closing handshake: the
                # caller drops the connection at once and reconnects.
                log.warning("SIP WebSocket keepalive failed: connection is dead")
                return


def _describe(exc: BaseException) -> str:
    """The sentence the phone shows for a failed connection attempt."""
    if isinstance(exc, aiohttp.WSServerHandshakeError):
        if exc.status == 403:
            return "refused by the gateway (HTTP 403): the VouchCookie is missing or invalid"
        if exc.status != 101:
            return f"WebSocket handshake refused (HTTP {exc.status})"
        return f"WebSocket handshake failed: {exc.message}"  # a 101 with a bad upgrade
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        exc = exc.certificate_error
    elif isinstance(exc, aiohttp.ClientConnectorError):
        exc = exc.os_error  # refused, DNS, TLS: what the socket said
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted: {exc.verify_message}"
    if isinstance(exc, TimeoutError):
        return "connection timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "the server refused the connection (not running?)"  # asyncio's text names no cause
    if isinstance(exc, OSError):
        return f"cannot connect: {exc.strerror or exc}"
    return str(exc) or type(exc).__name__


def urls_from(value: str | Sequence[str]) -> tuple[str, ...]:
    """Accept one URL, a comma-separated list, or a sequence."""
    if isinstance(value, str):
        return tuple(u.strip() for u in value.split(",") if u.strip())
    return tuple(value)
