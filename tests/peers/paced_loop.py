"""An event loop on its own thread with real-time scheduling, for paced media.

On a loaded machine (2 cores shared by several test runs and a Chromium),
a sender on the main event loop misses its 20 ms ticks by 10–40 ms: that is
jitter nobody asked for, and it differs from call to call, so two receivers
no longer get the same stream. The speech benchmark therefore runs its
plain-RTP sender and its impairment relay on a `PacedLoop`: a thread with
its own asyncio loop, asking the kernel for ``SCHED_FIFO`` (it sleeps between
packets, so it never holds a core) and falling back to a raised nice level,
then to nothing (``policy`` says which it got).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def _raise_priority() -> str:
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))  # this thread only
        return "SCHED_FIFO"
    except (OSError, AttributeError):
        pass
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), -10)
        return "nice -10"
    except (OSError, AttributeError):
        return "normal"


class PacedLoop:
    def __init__(self, name: str = "paced-media") -> None:
        self.loop = asyncio.new_event_loop()
        self.policy = "not started"
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)

    def start(self) -> PacedLoop:
        self._thread.start()
        self._ready.wait()
        return self

    def _main(self) -> None:
        self.policy = _raise_priority()
        asyncio.set_event_loop(self.loop)
        self.loop.call_soon(self._ready.set)
        self.loop.run_forever()

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the paced loop; await its result from the caller's loop."""
        future: concurrent.futures.Future[T] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return await asyncio.wrap_future(future)

    def call(self, fn: Callable[..., Any], *args: Any) -> None:
        """``fn(*args)`` soon, on the paced loop (transports are not thread-safe)."""
        self.loop.call_soon_threadsafe(fn, *args)

    def stop(self) -> None:
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(5)
        if not self._thread.is_alive():
            self.loop.close()
