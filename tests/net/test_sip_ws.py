"""The SIP WebSocket driver against a real WebSocket server on loopback.

The SIP core is replaced by a recording agent here (this tests one layer);
the real core is exercised end to end by the phone tests against Kamailio.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import ssl
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import websockets
from websockets.asyncio.server import ServerConnection, serve

from softphone.net.sip_ws import (
    SipWsClient,
    TransportConfig,
    TransportState,
    TransportStateChanged,
    make_ssl_context,
)
from tests.net.certificates import self_signed


class RecordingAgent:
    """Implements the sans-IO surface; echoes every frame back as 'ECHO <data>'."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.out: list[bytes] = []
        self.events: list[Any] = []
        self.made = 0
        self.lost = 0
        self.deadline: float | None = None
        self.timer_fired = 0

    def receive_data(self, data: bytes, now: float) -> None:
        self.received.append(data)
        self.out.append(b"ECHO " + data)
        self.events.append(("rx", data))

    def data_to_send(self) -> list[bytes]:
        out, self.out = self.out, []
        return out

    def next_event(self) -> Any:
        return self.events.pop(0) if self.events else None

    def get_timer(self) -> float | None:
        return self.deadline

    def handle_timer(self, now: float) -> None:
        self.deadline = None
        self.timer_fired += 1
        self.out.append(b"TIMER")

    def connection_lost(self, now: float) -> None:
        self.lost += 1

    def connection_made(self, now: float) -> None:
        self.made += 1
        self.out.append(b"HELLO")


class Server:
    """A WebSocket server speaking subprotocol 'sip' that records frames."""

    def __init__(
        self,
        *,
        subprotocols: list[str] | None = None,
        status: int | None = None,
        answer_pings: bool = True,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.frames: asyncio.Queue[str] = asyncio.Queue()
        self.cookies: list[str | None] = []
        self.user_agents: list[str | None] = []
        self.tls = tls
        self.connections: list[ServerConnection] = []
        self.subprotocols = subprotocols if subprotocols is not None else ["sip"]
        self.status = status
        self.answer_pings = answer_pings
        self.server: Any = None

    async def start(self) -> str:
        def process_request(connection: ServerConnection, request: Any) -> Any:
            self.cookies.append(request.headers.get("Cookie"))
            self.user_agents.append(request.headers.get("User-Agent"))
            if self.status is not None:
                return connection.respond(self.status, "refused\n")
            return None

        self.server = await serve(
            self.handler,
            "127.0.0.1",
            0,
            subprotocols=[websockets.Subprotocol(s) for s in self.subprotocols] or None,
            process_request=process_request,
            ping_interval=None,
            ssl=self.tls,
        )
        port = self.server.sockets[0].getsockname()[1]
        return f"{'wss' if self.tls else 'ws'}://127.0.0.1:{port}"

    async def handler(self, ws: ServerConnection) -> None:
        self.connections.append(ws)
        async for frame in ws:
            assert isinstance(frame, str)
            if frame == "\r\n\r\n":
                if self.answer_pings:
                    await ws.send("\r\n")
                continue
            await self.frames.put(frame)

    async def stop(self) -> None:
        self.server.close()
        await self.server.wait_closed()


def fast_config(*urls: str, **kw: Any) -> TransportConfig:
    base: dict[str, Any] = dict(
        backoff_initial=0.05, backoff_max=0.2, keepalive_interval=30.0, connect_timeout=2.0
    )
    base.update(kw)
    return TransportConfig(urls=urls, **base)


async def next_state(client: SipWsClient, state: TransportState, timeout: float = 5.0) -> Any:
    async def wait() -> Any:
        while True:
            event = await client.next_event()
            if isinstance(event, TransportStateChanged) and event.state is state:
                return event

    return await asyncio.wait_for(wait(), timeout)


@contextlib.asynccontextmanager
async def client_of(
    server: Server, rng: random.Random | None = None, **config: Any
) -> AsyncIterator[tuple[SipWsClient, RecordingAgent]]:
    """``server`` started and a client of it started; both closed afterwards."""
    url = await server.start()
    agent = RecordingAgent()
    client = SipWsClient(agent, fast_config(url, **config), rng=rng)
    await client.start()
    try:
        yield client, agent
    finally:
        await client.aclose()
        await server.stop()


async def test_frames_flow_both_ways_and_timer_is_driven() -> None:
    server = Server()
    url = await server.start()
    agent = RecordingAgent()
    client = SipWsClient(agent, fast_config(url))
    await client.start()
    try:
        await next_state(client, TransportState.CONNECTED)
        assert await asyncio.wait_for(server.frames.get(), 5) == "HELLO"
        request = "OPTIONS sip:x SIP/2.0\r\n\r\n"
        await server.connections[0].send(request)
        assert await asyncio.wait_for(server.frames.get(), 5) == "ECHO " + request
        assert ("rx", request.encode()) == await asyncio.wait_for(client.next_event(), 5)
        # Arm the core's timer through act(): the driver must fire it on time.
        client.act(lambda a, now: setattr(a, "deadline", now + 0.05))
        assert await asyncio.wait_for(server.frames.get(), 5) == "TIMER"
        assert agent.timer_fired == 1
    finally:
        await client.aclose()
        await server.stop()


async def test_reconnects_after_server_drop_with_fresh_headers() -> None:
    server = Server()
    url = await server.start()
    agent = RecordingAgent()
    tokens = iter(f"VouchCookie=t{i}" for i in range(100))
    client = SipWsClient(agent, fast_config(url, headers=lambda: {"Cookie": next(tokens)}))
    await client.start()
    try:
        await next_state(client, TransportState.CONNECTED)
        await server.connections[0].close()
        down = await next_state(client, TransportState.DISCONNECTED)
        assert down.retry_in is not None and 0 < down.retry_in <= 0.2
        await next_state(client, TransportState.CONNECTED)
        assert agent.made == 2 and agent.lost == 1
        # The cookie is computed per attempt, not frozen at start-up.
        assert server.cookies[:2] == ["VouchCookie=t0", "VouchCookie=t1"]
    finally:
        await client.aclose()
        await server.stop()


async def test_failover_to_second_url_when_first_refuses() -> None:
    dead = Server()
    dead_url = await dead.start()
    await dead.stop()  # nothing listens there any more
    server = Server()
    url = await server.start()
    client = SipWsClient(RecordingAgent(), fast_config(dead_url, url))
    await client.start()
    try:
        up = await next_state(client, TransportState.CONNECTED)
        assert up.url == url
    finally:
        await client.aclose()
        await server.stop()


async def test_gateway_403_is_explained() -> None:
    async with client_of(Server(status=403), rng=random.Random(1)) as (client, _):
        down = await next_state(client, TransportState.DISCONNECTED)
        assert down.error is not None and "VouchCookie" in down.error


async def test_server_without_sip_subprotocol_is_rejected() -> None:
    async with client_of(Server(subprotocols=[])) as (client, _):
        down = await next_state(client, TransportState.DISCONNECTED)
        assert down.error is not None and "subprotocol" in down.error


async def test_silent_connection_is_declared_dead_and_replaced() -> None:
    server = Server(answer_pings=False)
    quick = dict(keepalive_interval=0.1, keepalive_timeout=0.1)
    async with client_of(server, **quick) as (client, agent):
        await next_state(client, TransportState.CONNECTED)
        # Freeze the server's side: no CRLF pong, no WebSocket pong.
        server.connections[0].transport.pause_reading()
        await next_state(client, TransportState.DISCONNECTED, timeout=5)
        await next_state(client, TransportState.CONNECTED, timeout=5)
        assert agent.lost >= 1 and agent.made >= 2


async def test_aclose_runs_before_close_while_connected() -> None:
    server = Server()
    url = await server.start()
    agent = RecordingAgent()
    client = SipWsClient(agent, fast_config(url))
    await client.start()
    await next_state(client, TransportState.CONNECTED)
    assert await asyncio.wait_for(server.frames.get(), 5) == "HELLO"
    await client.aclose(
        before_close=lambda: client.act(lambda a, now: a.out.append(b"BYE-REGISTER")), linger=0.2
    )
    assert await asyncio.wait_for(server.frames.get(), 5) == "BYE-REGISTER"
    assert client.state is TransportState.CLOSED
    await server.stop()


async def test_other_refusals_name_the_status() -> None:
    async with client_of(Server(status=404)) as (client, _):
        down = await next_state(client, TransportState.DISCONNECTED)
        assert down.error == "WebSocket handshake refused (HTTP 404)"


async def test_nothing_listening_is_explained() -> None:
    dead = Server()
    url = await dead.start()
    await dead.stop()
    client = SipWsClient(RecordingAgent(), fast_config(url))
    await client.start()
    try:
        down = await next_state(client, TransportState.DISCONNECTED)
        assert down.error == "the server refused the connection (not running?)"
    finally:
        await client.aclose()


async def test_unknown_host_is_explained() -> None:
    client = SipWsClient(RecordingAgent(), fast_config("ws://sip.softphone-test.invalid/ws"))
    await client.start()
    try:
        down = await next_state(client, TransportState.DISCONNECTED, timeout=30)
        assert down.error is not None and down.error.startswith("cannot connect: "), down.error
    finally:
        await client.aclose()


async def test_tls_is_verified_against_the_configured_ca(tmp_path: Path) -> None:
    """An untrusted certificate is named as such; the deployment's CA bundle makes it trusted."""
    cert, key = self_signed(tmp_path, "pbx")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = Server(tls=context)
    url = await server.start()
    untrusting = SipWsClient(RecordingAgent(), fast_config(url))
    await untrusting.start()
    try:
        down = await next_state(untrusting, TransportState.DISCONNECTED)
        assert down.error is not None and down.error.startswith("TLS certificate not trusted")
    finally:
        await untrusting.aclose()
    # the system's CAs: aiohttp's own verified context, not a second parsed CA store
    assert make_ssl_context(fast_config(url)) is True
    trusting = SipWsClient(RecordingAgent(), fast_config(url, ca_file=str(cert)))
    await trusting.start()
    try:
        await next_state(trusting, TransportState.CONNECTED)
        assert await asyncio.wait_for(server.frames.get(), 5) == "HELLO"
    finally:
        await trusting.aclose()
        await server.stop()


async def test_server_close_code_and_reason_are_reported() -> None:
    server = Server()
    async with client_of(server) as (client, _):
        await next_state(client, TransportState.CONNECTED)
        await server.connections[0].close(4403, "shutting down")
        down = await next_state(client, TransportState.DISCONNECTED)
        assert down.error == "closed by server (code 4403: shutting down)"


async def test_server_pings_are_answered() -> None:
    server = Server()
    async with client_of(server) as (client, _):
        await next_state(client, TransportState.CONNECTED)
        pong = await server.connections[0].ping()
        await asyncio.wait_for(pong, 5)


async def test_an_oversized_message_drops_the_connection() -> None:
    """Nothing near 1 MiB is a SIP message: it is refused, not buffered."""
    server = Server()
    async with client_of(server) as (client, agent):
        await next_state(client, TransportState.CONNECTED)
        await server.connections[0].send("x" * (2**20 + 1))
        await next_state(client, TransportState.DISCONNECTED)
        assert all(len(frame) <= 2**20 for frame in agent.received)
        await next_state(client, TransportState.CONNECTED)  # and it comes back


async def test_user_agent_is_sent_only_when_configured() -> None:
    server = Server()
    url = await server.start()
    for user_agent in (None, "Softphone/1.0"):
        client = SipWsClient(RecordingAgent(), fast_config(url, user_agent=user_agent))
        await client.start()
        try:
            await next_state(client, TransportState.CONNECTED)
        finally:
            await client.aclose()
    await server.stop()
    assert server.user_agents == [None, "Softphone/1.0"]


def test_config_rejects_non_websocket_urls() -> None:
    with pytest.raises(ValueError, match="WebSocket URL"):
        TransportConfig(urls=("http://example.invalid",))
