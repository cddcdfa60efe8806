"""A bare SIP user agent on a WebSocket, with aiortc media, driven by hand.

Where a test (or the benchmark) needs the far end to do what neither a
``Phone`` nor JsSIP ever does on its own — an INVITE without SDP, a
re-INVITE asking for an offer, timestamps on the wire — it drives our
sans-IO ``UserAgent`` directly through this peer. The phone under test stays
the real product behind a real Kamailio.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from softphone.net.sip_ws import SipWsClient, TransportConfig
from softphone.sip import events as sip
from softphone.sip.ua import UAConfig, UserAgent

E = TypeVar("E")


class SipPeer:
    """``wrap`` may wrap the ``UserAgent`` (the benchmark timestamps the wire)."""

    def __init__(
        self,
        ws_url: str,
        user: str,
        password: str,
        domain: str,
        *,
        wrap: Callable[[UserAgent], Any] = lambda ua: ua,
    ) -> None:
        loop = asyncio.get_event_loop()
        ua = UserAgent(UAConfig(user=user, domain=domain, password=password), now=loop.time())
        self.agent = wrap(ua)
        self.client = SipWsClient(self.agent, TransportConfig(urls=(ws_url,)))
        self.events: list[Any] = []
        self._new = asyncio.Event()
        self._pump_task: asyncio.Task[None] | None = None

    async def start(self) -> SipPeer:
        await self.client.start()
        self._pump_task = asyncio.get_running_loop().create_task(self._pump())
        await self.client.wait_connected(10)
        self.act(lambda ua, now: ua.register(now))
        await self.wait_for(sip.Registered)
        return self

    def act(self, command: Callable[[UserAgent, float], E]) -> E:
        result: E = self.client.act(command)
        return result

    async def _pump(self) -> None:
        async for event in self.client.events():
            self.events.append(event)
            self._new.set()

    def mark(self) -> int:
        return len(self.events)

    async def wait_for(self, kind: type[E], *, after: int = 0, timeout: float = 10.0) -> E:
        """The first event of ``kind`` from index ``after`` on; a call that
        ends meanwhile fails at once with what ended it."""
        async with asyncio.timeout(timeout):
            while True:
                for event in self.events[after:]:
                    if isinstance(event, kind):
                        return event
                    if isinstance(event, sip.CallEnded) and kind is not sip.CallEnded:
                        raise AssertionError(f"call ended: {event}")
                self._new.clear()
                await self._new.wait()

    async def aclose(self) -> None:
        def unregister() -> None:
            self.act(lambda ua, now: ua.unregister(now))

        await self.client.aclose(before_close=unregister)
        if self._pump_task is not None:
            self._pump_task.cancel()
