"""One subscription to the Mediatel client's events.

Each subscriber gets its own queue from the moment it subscribed, so a slow
reader (the UI) never makes a fast one (the session) miss an event, and a
closed client ends every stream instead of leaving readers waiting.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from softphone.net.mediatel.events import MediatelEvent

E = TypeVar("E")


class EventStream:
    """One subscription to the client's events: ``async for event in stream``."""

    _END = object()

    def __init__(self, on_close: Callable[[EventStream], None]) -> None:
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        self._on_close = on_close
        self._closed = False

    def _put(self, event: object) -> None:
        if not self._closed:
            self._queue.put_nowait(event)

    def close(self) -> None:
        if not self._closed:
            self._queue.put_nowait(self._END)
            self._closed = True
            self._on_close(self)

    def __aiter__(self) -> EventStream:
        return self

    async def __anext__(self) -> MediatelEvent:
        item = await self._queue.get()
        if item is self._END:
            raise StopAsyncIteration
        return item  # type: ignore[return-value]

    async def get(self) -> MediatelEvent:
        """The next event; raises EOFError once the client is closed."""
        try:
            return await self.__anext__()
        except StopAsyncIteration:
            raise EOFError("event stream closed") from None

    async def next_of(self, kind: type[E]) -> E:
        """Skip events until one of ``kind`` arrives (handy for tests and scripts)."""
        while True:
            event = await self.get()
            if isinstance(event, kind):
                return event

    def pending(self) -> list[MediatelEvent]:
        """Events already queued, without waiting."""
        out: list[MediatelEvent] = []
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if item is self._END:
                self._queue.put_nowait(item)
                break
            out.append(item)  # type: ignore[arg-type]
        return out
