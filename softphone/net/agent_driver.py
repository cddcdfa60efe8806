"""The one way to drive a sans-IO SIP agent from asyncio.

Both ends of a SIP WebSocket run a ``softphone.sip`` user agent: the phone's
client connection (``sip_ws.SipWsClient``) and the simulator's server-side
lines. Each must, after *every* interaction with the agent, send what it
wants sent, hand on its events and re-arm its single timer — forget one and
a retransmission or a refresh silently never happens. ``AgentDriver`` is
that discipline in one place: touch the agent only through :meth:`act`.

The driver is generic over the agent (``act`` hands the caller the agent's
own type, so ``ua.invite`` is checked) and over its event type (what
``emit`` gets, and so what a driver's event queue holds). Python's type
system cannot tie the two together — a type variable's bound cannot mention
another — so a driver is spelled with both, e.g.
``AgentDriver[UserAgent, sip.Event]``; the agent's bound only promises the
IO surface below.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")
E = TypeVar("E")
E_co = TypeVar("E_co", covariant=True)


class SansIoAgent(Protocol[E_co]):
    """The IO surface of :class:`softphone.sip.ua.UserAgent` a driver needs."""

    def receive_data(self, data: bytes, now: float) -> None: ...
    def data_to_send(self) -> list[bytes]: ...
    def next_event(self) -> E_co | None: ...
    def get_timer(self) -> float | None: ...
    def handle_timer(self, now: float) -> None: ...
    def connection_lost(self, now: float) -> None: ...
    def connection_made(self, now: float) -> None: ...


# The bound's event type is open (see the module docstring): ``E`` names it.
A = TypeVar("A", bound=SansIoAgent[Any])


class AgentDriver(Generic[A, E]):
    """Runs ``fn(agent, now)`` and then flushes the agent.

    ``send`` gets each outgoing message (one WebSocket frame each), ``emit``
    each event. Time is the loop's monotonic clock, the same one the timer
    is armed on.
    """

    def __init__(
        self,
        agent: A,
        send: Callable[[bytes], None],
        emit: Callable[[E], None],
    ) -> None:
        self.agent = agent
        self._send = send
        self._emit = emit
        self._timer: asyncio.TimerHandle | None = None
        self._stopped = False

    def act(self, fn: Callable[[A, float], T]) -> T:
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
        self.act(_handle_timer)


def _handle_timer(agent: SansIoAgent[object], now: float) -> None:
    agent.handle_timer(now)
