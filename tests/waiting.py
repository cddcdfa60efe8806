"""Waiting for what a test means, not for a number of seconds.

Under load (two cores shared by several test runs) any fixed sleep is either
too short — a flaky test — or too long — a slow one. These helpers wait for a
condition or an event with a generous timeout, and return as soon as it holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

E = TypeVar("E")
Ev = TypeVar("Ev")

POLL = 0.02


async def until(
    check: Callable[[], bool | Awaitable[bool]],
    *,
    timeout: float = 10.0,
    interval: float = POLL,
    what: str = "the condition",
) -> None:
    """Polls ``check`` (plain or async) until it holds; AssertionError after ``timeout``.

    The timeout is a bound against hangs, not a speed check.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout} s")
        await asyncio.sleep(interval)


class EventLog(Generic[Ev]):
    """Everything a component reported, in order, with ``wait_for`` on it."""

    def __init__(self) -> None:
        self.events: list[Ev] = []
        self._new = asyncio.Event()

    def add(self, event: Ev) -> None:
        self.events.append(event)
        self._new.set()

    def mark(self) -> int:
        return len(self.events)

    async def wait_for(
        self,
        kind: type[E],
        predicate: Callable[[E], bool] = lambda e: True,
        *,
        timeout: float = 10.0,
        after: int = 0,
    ) -> E:
        """The first event of ``kind`` (from index ``after`` on) matching ``predicate``."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events[after:]:
                if isinstance(event, kind) and predicate(event):
                    return event
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {kind.__name__} within {timeout} s; saw {self.events}")
            self._new.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new.wait(), remaining)

    def of(self, kind: type[E], after: int = 0) -> list[E]:
        return [e for e in self.events[after:] if isinstance(e, kind)]
