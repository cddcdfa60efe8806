"""cancel_and_wait: tasks stop, and a cancelled caller stays cancelled."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from softphone.tasks import ExactTimer, cancel_and_wait


async def test_tasks_are_cancelled_and_awaited_and_their_errors_kept_quiet() -> None:
    async def forever() -> None:
        await asyncio.Event().wait()

    async def fails() -> None:
        raise RuntimeError("boom")

    a = asyncio.ensure_future(forever())
    b = asyncio.ensure_future(fails())
    await asyncio.sleep(0)
    await cancel_and_wait(a, b, None)
    assert a.cancelled() and b.done()


async def test_the_callers_own_cancellation_is_not_swallowed() -> None:
    """The bug it replaces: ``with suppress(CancelledError): await task``
    swallowed the caller's cancellation and left it running forever."""
    release = asyncio.Event()

    async def slow_to_stop() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            await release.wait()  # takes its time to clean up

    child = asyncio.ensure_future(slow_to_stop())
    after_wait: list[str] = []

    async def caller() -> None:
        await cancel_and_wait(child)
        after_wait.append("ran on")  # must not happen once the caller is cancelled
        await asyncio.Event().wait()

    outer = asyncio.ensure_future(caller())
    await asyncio.sleep(0.01)
    outer.cancel()  # lands while the caller waits for the child
    await asyncio.sleep(0.01)
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(outer, 2)
    assert after_wait == []


async def test_an_exact_timer_never_runs_early_on_a_loop_whose_timers_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """qasync's Qt timers may fire up to 5 % early; the auto-answer delay must not."""
    loop = asyncio.get_running_loop()
    early = loop.call_later

    def coarse(delay: float, callback: Any, *args: Any) -> asyncio.TimerHandle:
        return early(delay * 0.9, callback, *args)  # as a coarse Qt timer may

    monkeypatch.setattr(loop, "call_later", coarse)
    fired = asyncio.Event()
    due = loop.time() + 0.2
    at: list[float] = []
    ExactTimer(0.2, lambda: (at.append(loop.time()), fired.set()))
    await asyncio.wait_for(fired.wait(), 5)
    assert at[0] >= due - 0.001
    cancelled = ExactTimer(0.05, lambda: at.append(-1.0))
    cancelled.cancel()
    await asyncio.sleep(0.1)
    assert cancelled.cancelled() and at[-1] != -1.0
