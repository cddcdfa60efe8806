"""SIP over WebSocket (RFC 7118): the asyncio driver of the sans-IO user agent.

The SIP core knows nothing of sockets or clocks; this module owns both. It
feeds every received frame into the core, sends what the core wants sent,
re-arms the core's single timer after every interaction, keeps the
connection alive with CRLF pings (RFC 5626 §4.4.1), notices a dead
connection, reconnects with jittered backoff across several registrar URLs,
and tells the core when the connection comes and goes so that it can
re-REGISTER.

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
from typing import Any, Generic, TypeVar

import websockets
from websockets.asyncio.client import ClientConnection, connect

from softphone.net import tls
from softphone.net.agent_driver import A, AgentDriver, E
from softphone.tasks import cancel_and_wait

log = logging.getLogger(__name__)

T = TypeVar("T")

PING = b"\r\n\r\n"  # RFC 5626 §4.4.1 double-CRLF keepalive
PONG = b"\r\n"


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


def make_ssl_context(config: TransportConfig) -> ssl.SSLContext:
    """The app's shared context (``net.tls``): reconnecting does not parse the CA store again."""
    if not config.verify_tls:
        # Only by explicit configuration, for lab set-ups; logged loudly.
        log.warning("TLS certificate verification is DISABLED for the SIP transport")
        return tls.unverified_context()
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
        self._ws: ClientConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._pong_seen = False
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

    async def _writer(self, ws: ClientConnection, outbox: asyncio.Queue[str]) -> None:
        """The one task that writes to the socket, so frames keep their order."""
        while True:
            text = await outbox.get()
            try:
                await ws.send(text)
            except websockets.ConnectionClosed:
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
                return
            # Failover: try the next URL at once until a whole round failed.
            index += 1
            failures_in_round += 1
            if failures_in_round < len(self.config.urls):
                continue
            failures_in_round = 0
            delay = next(delays)
            self._set_state(TransportState.DISCONNECTED, url, error=error, retry_in=delay)
            await asyncio.sleep(delay)

    async def _open(self, url: str) -> ClientConnection:
        headers = dict(self.config.headers()) if self.config.headers else {}
        kwargs: dict[str, Any] = {}
        if url.startswith("wss://"):
            kwargs["ssl"] = make_ssl_context(self.config)
        ws = await connect(
            url,
            subprotocols=[websockets.Subprotocol("sip")],
            additional_headers=headers,
            open_timeout=self.config.connect_timeout,
            ping_interval=None,  # we keep alive with SIP CRLF pings ourselves
            compression=None,
            close_timeout=2.0,
            max_size=2**20,
            user_agent_header=self.config.user_agent,
            **kwargs,
        )
        if ws.subprotocol != "sip":
            await ws.close()
            raise ConnectionError(f"server did not accept the 'sip' WebSocket subprotocol ({url})")
        return ws

    async def _serve(self, url: str, ws: ClientConnection) -> str | None:
        """Run one connection until it drops; returns why it dropped."""
        self._ws = ws
        self.url = url
        self._last_rx = self._now()
        self._outbox = asyncio.Queue()
        loop = asyncio.get_running_loop()
        writer = loop.create_task(self._writer(ws, self._outbox))
        self._set_state(TransportState.CONNECTED, url)
        self.act(lambda agent, now: agent.connection_made(now))
        keepalive = loop.create_task(self._keepalive(ws))
        reason: str | None = None
        try:
            async for frame in ws:
                data = frame.encode("utf-8") if isinstance(frame, str) else frame
                self._last_rx = self._now()
                if data == PONG:
                    self._pong_seen = True
                    continue
                if data == PING:
                    self._outbox.put_nowait(PONG.decode())
                    continue
                if not data.strip(b"\r\n"):
                    continue
                self._deliver(data)
            reason = _close_reason(ws)
        except websockets.ConnectionClosed:
            reason = _close_reason(ws)
        except Exception as exc:  # a transport fault must never kill the client
            reason = _describe(exc)
            log.exception("SIP WebSocket %s failed", url)
        finally:
            keepalive.cancel()
            writer.cancel()
            self._ws = None
            if not self._closing:
                self.act(lambda agent, now: agent.connection_lost(now))
        return reason

    def _deliver(self, data: bytes) -> None:
        self.act(lambda agent, now: agent.receive_data(data, now))
        self._rx_signal.set()

    async def _keepalive(self, ws: ClientConnection) -> None:
        """CRLF pings; a connection silent past the timeout is declared dead.

        A server that never answers CRLF pings (not every one does over WS) is
        probed with WebSocket ping frames instead.
        """
        interval = self.config.keepalive_interval
        timeout = self.config.keepalive_timeout
        while True:
            await asyncio.sleep(interval)
            sent_at = self._now()
            try:
                await ws.send(PING.decode())
                await asyncio.sleep(timeout)
                if self._last_rx >= sent_at:
                    continue
                pong = await ws.ping()
                async with asyncio.timeout(timeout):
                    await pong
            except (TimeoutError, websockets.ConnectionClosed):
                # A dead peer will not complete a closing handshake: drop the
                # TCP connection at once so the reader loop ends and we reconnect.
                log.warning("SIP WebSocket keepalive failed: connection is dead")
                ws.transport.abort()
                return


def _close_reason(ws: ClientConnection) -> str:
    rcvd = ws.protocol.close_rcvd
    if rcvd is not None:
        return f"closed by server (code {rcvd.code}{': ' + rcvd.reason if rcvd.reason else ''})"
    return "connection lost"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, websockets.InvalidStatus):
        status = exc.response.status_code
        if status == 403:
            return "refused by the gateway (HTTP 403): the VouchCookie is missing or invalid"
        return f"WebSocket handshake refused (HTTP {status})"
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
