"""Publishing snapshots: callbacks and async iterators, each seeing every change.

A new snapshot is published only when something an observer can see changed
(``seq`` aside), so a UI redraws no more often than needed; ``seq`` then
grows by one. A late observer gets the current snapshot first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import replace

from softphone.core.agent_snapshot import AgentSnapshot

log = logging.getLogger(__name__)
_END = None


class SnapshotBus:
    def __init__(self, first: AgentSnapshot) -> None:
        self.current = first
        self._callbacks: list[Callable[[AgentSnapshot], None]] = []
        self._queues: list[asyncio.Queue[AgentSnapshot | None]] = []

    def publish(self, snapshot: AgentSnapshot) -> bool:
        """Publish ``snapshot`` unless it equals the current one; True if published."""
        if replace(snapshot, seq=self.current.seq) == self.current:
            return False
        self.current = replace(snapshot, seq=self.current.seq + 1)
        for callback in list(self._callbacks):
            try:
                callback(self.current)
            except Exception:
                log.exception("a snapshot observer failed")
        for queue in self._queues:
            queue.put_nowait(self.current)
        return True

    def subscribe(self, callback: Callable[[AgentSnapshot], None]) -> Callable[[], None]:
        self._callbacks.append(callback)
        callback(self.current)

        def unsubscribe() -> None:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

        return unsubscribe

    async def stream(self) -> AsyncIterator[AgentSnapshot]:
        queue: asyncio.Queue[AgentSnapshot | None] = asyncio.Queue()
        queue.put_nowait(self.current)
        self._queues.append(queue)
        try:
            while (item := await queue.get()) is not None:
                yield item
        finally:
            self._queues.remove(queue)

    def close(self) -> None:
        """End every async iterator."""
        for queue in self._queues:
            queue.put_nowait(_END)
