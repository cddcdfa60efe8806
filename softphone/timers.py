"""Timers that never fire before their time.

Under the desktop app asyncio runs on Qt's event loop (qasync), and qasync
arms every ``call_later`` with a Qt *coarse* timer, which may fire up to 5 %
of its interval early: a 1.5 s auto-answer delay could answer 75 ms before
the moment the agent was shown. Anything the user is promised to happen
"after N seconds" (auto-answer delays, grace periods, reminders) goes
through ``call_not_before``, which re-arms itself for what is left when it
wakes up early. It costs one extra wake-up at most.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class NotBefore:
    """A cancellable timer that runs ``callback`` once, never before ``due``
    on the loop's clock."""

    def __init__(
        self, loop: asyncio.AbstractEventLoop, delay: float, callback: Callable[[], None]
    ) -> None:
        self._loop = loop
        self._callback = callback
        self.due = loop.time() + max(0.0, delay)
        self._handle = loop.call_at(self.due, self._wake)
        self._cancelled = False

    def _wake(self) -> None:
        left = self.due - self._loop.time()
        if left > 0:
            self._handle = self._loop.call_later(left, self._wake)
            return
        self._callback()

    def cancel(self) -> None:
        self._cancelled = True
        self._handle.cancel()

    def cancelled(self) -> bool:
        return self._cancelled


def call_not_before(delay: float, callback: Callable[[], None]) -> NotBefore:
    """``loop.call_later`` on the running loop, but never early (see above)."""
    return NotBefore(asyncio.get_running_loop(), delay, callback)
