"""The phone's SIP connection as the phone sees it: a port, not a WebSocket.

The phone drives a sans-IO :class:`~softphone.sip.ua.UserAgent` and reads its
events; *how* the agent's bytes travel is not the phone's business. In
production that is :class:`~softphone.net.sip_ws.SipWsClient` (SIP over a
WebSocket, with keepalive, failover and reconnect); in tests it is an
in-memory wire to another agent with a clock the test moves, so the phone's
call logic runs in milliseconds without a SIP server. ``Phone`` takes a
:data:`TransportFactory` and defaults to :func:`websocket_transport`.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from typing import Protocol, TypeVar

from softphone.net.sip_ws import SipWsClient, TransportConfig, TransportStateChanged
from softphone.sip import events as sip
from softphone.sip.ua import UserAgent

T = TypeVar("T")

#: Everything a SIP connection reports: the agent's events and its own ups and downs.
SipLineEvent = sip.Event | TransportStateChanged


class SipTransport(Protocol):
    """What the phone needs of its SIP connection (``SipWsClient`` is one).

    ``act`` is the only way to touch the agent: it runs ``fn(agent, now)``
    and then sends the agent's output and re-arms its timer. ``start``
    connects in the background: a ``TransportStateChanged(CONNECTED)`` in
    ``events()`` says when the phone may register.
    """

    def act(self, fn: Callable[[UserAgent, float], T]) -> T: ...
    def events(self) -> AsyncIterator[SipLineEvent]: ...
    async def start(self) -> None: ...
    async def aclose(self, *, before_close: Callable[[], object] | None = None) -> None: ...


TransportFactory = Callable[[UserAgent], SipTransport]


def websocket_transport(config: TransportConfig, rng: random.Random) -> TransportFactory:
    """The production transport: SIP over WebSocket to ``config.urls``."""

    def make(agent: UserAgent) -> SipTransport:
        client: SipWsClient[UserAgent, sip.Event] = SipWsClient(agent, config, rng=rng)
        return client

    return make
