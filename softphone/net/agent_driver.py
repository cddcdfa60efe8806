"""The one way to drive a sans-IO SIP agent from asyncio.

Both ends of a SIP WebSocket run a ``softphone.sip`` user agent: the phone's
client connection (``sip_ws.SipWsClient``) and the simulator's server-side
lines. Each must, after *every* interaction with the agent, send what it
wants sent, hand on its events and re-arm its single timer — forget one and
a retransmission or a refresh silently never happens. ``AgentDriver`` is
that discipline in one place: touch the agent only through :meth:`act`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class SansIoAgent(Protocol):
    """The IO surface of :class:`softphone.sip.ua.UserAgent` a driver needs."""

    def receive_data(self, data: bytes, now: float) -> None: ...
    def data_to_send(self) -> list[bytes]: ...
    def next_event(self) -> Any: ...
    def get_timer(self) -> float | None: ...
    def handle_timer(self, now: float) -> None: ...
    def connection_lost(self, now: float) -> None: ...
    def connection_made(self, now: float) -> None: ...


class AgentDriver:
    """Runs ``fn(agent, now)`` and then flushes the agent.

    ``send`` gets each outgoing message (one WebSocket frame each), ``emit``
    each event. Time is the loop's monotonic clock, the same one the timer
    is armed on.
    """

    def __init__(
        self,
        agent: SansIoAgent,
        send: Callable[[bytes], None],
        emit: Callable[[Any], None],
    ) -> None:
        self.agent = agent
        self._send = send
        self._emit = emit
        self._timer: asyncio.TimerHandle | None = None
        self._stopped = False

    def act(self, fn: Callable[[Any, float], T]) -> T:
        try:
            return fn(self.agent, asyncio.get_running_loop().time())
        finally:
            self.flush()

    def flush(self) -> None:
        for data in self.agent.data_to_send():
            self._send(data)
        while (event := self.agent.next_event()) is not None:
            self._emit(event)
        self._arm()

    def stop(self) -> None:
        """No more timer callbacks (the agent is done with)."""
        self._stopped = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _arm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        deadline = self.agent.get_timer()
        if deadline is not None and not self._stopped:
            self._timer = asyncio.get_running_loop().call_at(deadline, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self.act(lambda agent, now: agent.handle_timer(now))
