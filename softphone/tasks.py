"""Stopping asyncio tasks without swallowing our own cancellation.

The tempting ``task.cancel(); with suppress(CancelledError): await task``
has a trap: if the *caller* is cancelled while it waits, that
CancelledError is suppressed too, and the caller runs on as if nothing had
happened. That wedged ``Phone.aclose()``: its SIP event pump, cancelled
while it was closing a call's media, went back to waiting for events
forever, and the application could not quit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any


async def cancel_and_wait(*tasks: asyncio.Future[Any] | None) -> None:
    """Cancel ``tasks`` (None and finished ones are skipped) and wait until
    they are done. Their own exceptions are collected, never raised; the
    caller's cancellation still goes through."""
    live = [task for task in tasks if task is not None and not task.done()]
    for task in live:
        task.cancel()
    if live:
        await asyncio.wait(live)
    for done in live:
        if not done.cancelled():
            done.exception()  # retrieved: asyncio will not log it as lost


class ExactTimer:
    """``loop.call_later`` that never runs its callback early.

    Under qasync a loop timer is a Qt timer, and Qt's default (coarse) timers
    may fire up to 5 % early: an auto-answer delay of 1.5 s answered 30–75 ms
    before the time the window showed. When it fires early, it waits out the rest.
    """

    def __init__(self, delay: float, callback: Callable[[], None]) -> None:
        self._loop = asyncio.get_running_loop()
        self._due = self._loop.time() + max(0.0, delay)
        self._callback = callback
        self._cancelled = False
        self._handle = self._loop.call_later(max(0.0, delay), self._fire)

    def _fire(self) -> None:
        left = self._due - self._loop.time()
        if left > 0.0005:
            self._handle = self._loop.call_later(left, self._fire)
            return
        self._callback()

    def cancel(self) -> None:
        self._cancelled = True
        self._handle.cancel()

    def cancelled(self) -> bool:
        return self._cancelled
