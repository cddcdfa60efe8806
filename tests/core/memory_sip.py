"""The phone's SIP transport, in memory: two user agents back to back, a fake clock.

``Wire`` stands where Kamailio stands in the interop tests: each side's
REGISTERs go to its own registrar (``tests.sip.pair.Registrar``: digest
auth, scripted failures), everything else to the other side. Delivery is
synchronous — whatever an agent sends is delivered, and the answers to it,
before ``act`` returns — and SIP time does not pass unless the test calls
``advance``: no retransmission, refresh or timeout happens behind its back.
Media is not on this wire: the phones' aiortc sessions talk over loopback.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from softphone.core.sip_transport import SipLineEvent, SipTransport, TransportFactory
from softphone.media.session import MediaSession
from softphone.media.tracks import PcmCollector, tone_source
from softphone.net.sip_ws import TransportState, TransportStateChanged
from softphone.sip import Request, parse_message
from softphone.sip import events as sip
from softphone.sip.ua import UAConfig, UserAgent
from tests.audio_checks import RATE
from tests.sip.pair import Registrar
from tests.waiting import EventLog

T = TypeVar("T")

DOMAIN = "example.com"
URL = "ws://memory.invalid/ws"


@dataclass
class Wire:
    """Connects at most two lines; ``now`` is the SIP clock every agent sees."""

    now: float = 1000.0
    lines: list[MemoryLine] = field(default_factory=list)
    # Rewrites (or drops, returning None) a message on its way to the other side.
    tamper: Callable[[bytes], bytes | None] | None = None

    def factory(self, registrar: Registrar | None = None) -> TransportFactory:
        """A transport factory for a Phone: its REGISTERs go to ``registrar``."""

        def make(agent: UserAgent) -> SipTransport:
            return self.attach(agent, registrar)

        return make

    def attach(self, agent: UserAgent, registrar: Registrar | None = None) -> MemoryLine:
        if len(self.lines) == 2:
            raise RuntimeError("a wire connects two user agents")
        line = MemoryLine(self, agent, registrar or Registrar(auth=False))
        self.lines.append(line)
        return line

    def pump(self) -> None:
        """Deliver until every side is quiet; hand each its events."""
        for _ in range(10_000):
            moved = False
            for line in self.lines:
                for data in line.agent.data_to_send():
                    moved = True
                    self._route(line, data)
            for line in self.lines:
                line.collect()
            if not moved:
                return
        raise AssertionError("endless message loop on the wire")

    def advance(self, seconds: float) -> None:
        """Let SIP time pass: fire every timer due in the next ``seconds``."""
        until = self.now + seconds
        self.pump()
        while True:
            deadlines = [d for line in self.lines if (d := line.agent.get_timer()) is not None]
            if not deadlines or min(deadlines) > until:
                break
            self.now = max(self.now, min(deadlines))
            for line in self.lines:
                line.agent.handle_timer(self.now)
            self.pump()
        self.now = until

    def _route(self, line: MemoryLine, data: bytes) -> None:
        if not line.connected:
            return
        message = parse_message(data)
        if isinstance(message, Request) and message.method == "REGISTER":
            line.registrar.receive_data(data, self.now)
            for reply in line.registrar.data_to_send():
                line.agent.receive_data(reply, self.now)
            return
        others = [other for other in self.lines if other is not line and other.connected]
        if not others:
            return
        if self.tamper is not None:
            tampered = self.tamper(data)
            if tampered is None:
                return
            data = tampered
        others[0].agent.receive_data(data, self.now)


class MemoryLine:
    """One user agent's end of the wire; what ``Phone`` gets as its transport."""

    def __init__(self, wire: Wire, agent: UserAgent, registrar: Registrar) -> None:
        self.wire = wire
        self.agent = agent
        self.registrar = registrar
        self.connected = False
        self._queue: asyncio.Queue[SipLineEvent] = asyncio.Queue()

    def act(self, fn: Callable[[UserAgent, float], T]) -> T:
        try:
            return fn(self.agent, self.wire.now)
        finally:
            self.wire.pump()

    async def events(self) -> AsyncIterator[SipLineEvent]:
        while True:
            yield await self._queue.get()

    async def start(self) -> None:
        self.connected = True
        self._queue.put_nowait(TransportStateChanged(TransportState.CONNECTED, URL))
        self.act(lambda ua, now: ua.connection_made(now))

    async def aclose(self, *, before_close: Callable[[], object] | None = None) -> None:
        if before_close is not None and self.connected:
            before_close()
        self.connected = False
        self._queue.put_nowait(TransportStateChanged(TransportState.CLOSED, URL))

    def collect(self) -> None:
        while (event := self.agent.next_event()) is not None:
            self._queue.put_nowait(event)


class SipEnd:
    """The far end as the test drives it: a bare ``UserAgent`` and a media session.

    For what neither a ``Phone`` nor a browser does on its own — an INVITE
    without SDP, a re-INVITE asking for an offer, a refused hold — and to
    read exactly what the phone sent.
    """

    def __init__(self, wire: Wire, user: str = "1002", tone_hz: float = 440.0) -> None:
        loop = asyncio.get_running_loop()
        self.agent = UserAgent(
            UAConfig(user=user, domain=DOMAIN, password=user, user_agent=f"far-{user}"),
            now=loop.time(),
        )
        self.line = wire.attach(self.agent)
        self.log: EventLog[sip.Event] = EventLog()
        self.heard = PcmCollector(RATE)
        self.media = MediaSession(source=tone_source(tone_hz), sink=self.heard)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> SipEnd:
        self.line.connected = True
        self._task = asyncio.get_running_loop().create_task(self._collect())
        return self

    def act(self, fn: Callable[[UserAgent, float], T]) -> T:
        return self.line.act(fn)

    async def wait_for(self, kind: type[T], *, after: int = 0, timeout: float = 10.0) -> T:
        return await self.log.wait_for(kind, after=after, timeout=timeout)

    def mark(self) -> int:
        return self.log.mark()

    async def _collect(self) -> None:
        async for event in self.line.events():
            if not isinstance(event, TransportStateChanged):
                self.log.add(event)

    async def aclose(self) -> None:
        await self.media.close()
        if self._task is not None:
            self._task.cancel()
