"""The seams of the agent session: what it needs from Mediatel, the phone and time.

``AgentSession`` talks to ``MediatelClient`` and ``Phone`` only through these
``Protocol``s, so unit tests put small fakes behind them and end-to-end tests
put the real client, the real phone and the simulator. Both real classes
satisfy the protocols structurally; nothing here wraps them.

A session outlives one connection: signing out closes the client and the
phone for good, and the next sign-in makes new ones. So the session is given
*factories*, not instances. The phone factory takes the SIP WebSocket URLs,
because switching registrars (seed 002) means a new phone on new URLs.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Protocol

from softphone.core.phone_events import CallQuality, DtmfMethod, PhoneEvent
from softphone.net.mediatel import AgentState, MediatelEvent


class Timer(Protocol):
    def cancel(self) -> None: ...


class Clock(Protocol):
    """Wall time and timers; tests drive a fake one by hand."""

    def time(self) -> float:
        """Epoch seconds (snapshots, history and CTI events speak wall time)."""
        ...

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer: ...


class LoopClock:
    """The real clock: ``time.time`` and the running event loop's timers."""

    def time(self) -> float:
        return time.time()

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        return asyncio.get_running_loop().call_later(max(0.0, delay), callback)


class MediatelEvents(Protocol):
    """One subscription to the client's events (``MediatelClient.events()``)."""

    def __aiter__(self) -> AsyncIterator[MediatelEvent]: ...
    def close(self) -> None: ...


class MediatelPort(Protocol):
    """What the session uses of ``softphone.net.mediatel.MediatelClient``."""

    @property
    def state(self) -> AgentState | None: ...
    @property
    def connected(self) -> bool: ...
    def events(self) -> MediatelEvents: ...
    async def connect(self) -> AgentState: ...
    async def aclose(self) -> None: ...
    async def wait_for(
        self, predicate: Callable[[AgentState], bool], timeout: float | None = None
    ) -> AgentState: ...
    async def login(self, user: str, password: str, extension: str) -> None: ...
    async def logout(self) -> None: ...
    async def make_call(self, phone_number: str, queue: str | None = None) -> None: ...
    async def close_call(self) -> None: ...
    async def pause(self, pause_id: int) -> None: ...
    async def resume(self) -> None: ...
    async def toggle_predictive(self) -> None: ...
    async def hold(self) -> None: ...
    async def retrieve(self) -> None: ...
    async def mute(self) -> None: ...
    async def set_result(self, code_id: int) -> None: ...


class PhonePort(Protocol):
    """What the session uses of ``softphone.core.phone.Phone``."""

    @property
    def registered(self) -> bool: ...
    @property
    def active_call(self) -> str | None: ...
    async def start(self) -> None: ...
    async def aclose(self) -> None: ...
    def events(self) -> AsyncIterator[PhoneEvent]: ...
    async def answer(self, handle: str | None = None) -> None: ...
    async def reject(
        self, code: int = 486, handle: str | None = None, reason: str | None = None
    ) -> None: ...
    async def hangup(self, handle: str | None = None) -> None: ...
    async def hold(self, handle: str | None = None) -> None: ...
    async def unhold(self, handle: str | None = None) -> None: ...
    def mute(self, muted: bool = True, handle: str | None = None) -> None: ...
    async def send_dtmf(
        self, digits: str, method: DtmfMethod = DtmfMethod.AUTO, handle: str | None = None
    ) -> DtmfMethod: ...
    async def call_quality(self, handle: str | None = None) -> CallQuality: ...


@dataclass(frozen=True)
class SipLogin:
    """What a phone registers with: the WebSocket URLs (tried in order) and the account."""

    urls: tuple[str, ...]
    user: str
    password: str = field(repr=False)


MediatelFactory = Callable[[], MediatelPort]
PhoneFactory = Callable[[SipLogin], PhonePort]
