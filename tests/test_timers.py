"""call_not_before: a timer on a loop that wakes early still runs on time.

The loop here fires every timer a fifth of its interval early, as Qt's
coarse timers under qasync may (they allow 5 %): the auto-answer delay an
agent set must not be cut short by it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from softphone.timers import call_not_before

EARLY = 0.2  # of each interval


class _EarlyLoop(asyncio.SelectorEventLoop):
    def call_at(self, when: float, callback: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        early = EARLY * max(0.0, when - self.time())
        return super().call_at(when - early, callback, *args, **kw)


def _fire_times(schedule: Callable[[float, Callable[[], None]], object]) -> tuple[float, float]:
    """When a 0.2 s timer fired, next to when it was due."""
    loop = _EarlyLoop()
    try:

        async def run() -> tuple[float, float]:
            fired = loop.create_future()
            due = loop.time() + 0.2
            schedule(0.2, lambda: fired.set_result(loop.time()))
            return await asyncio.wait_for(fired, 5), due

        return loop.run_until_complete(run())
    finally:
        loop.close()


def test_the_plain_loop_timer_fires_early_here() -> None:
    """The reference: without the guard this loop does cut delays short."""
    fired, due = _fire_times(lambda delay, cb: asyncio.get_running_loop().call_later(delay, cb))
    assert fired < due - 0.2 * EARLY / 2


def test_a_timer_never_fires_before_its_delay() -> None:
    fired, due = _fire_times(call_not_before)
    assert fired >= due


def test_a_cancelled_timer_never_fires_even_after_an_early_wake_up() -> None:
    loop = _EarlyLoop()
    try:

        async def run() -> list[str]:
            calls: list[str] = []
            timer = call_not_before(0.1, lambda: calls.append("fired"))
            await asyncio.sleep(0.115)  # wakes at 0.092: past the timer's first wake-up at 0.08
            assert loop.time() < timer.due
            timer.cancel()
            await asyncio.sleep(0.1)
            assert timer.cancelled()
            return calls

        assert loop.run_until_complete(run()) == []
    finally:
        loop.close()
