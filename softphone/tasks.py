"""Stopping asyncio tasks without swallowing our own cancellation.

The tempting ``task.cancel(); with suppress(CancelledError): await task``
has a trap: if the *caller* is cancelled while it waits, that
CancelledError is suppressed too, and the caller runs on as if nothing had
happened. That wedged ``Phone.aclose()``: its SIP event pump, cancelled
while it was closing a call's media, went back to waiting for events
forever, and the application could not quit.

The other trap is ``asyncio.wait_for`` on Python 3.11: when the awaited
thing finishes in the same loop turn as the caller is cancelled, it returns
the result and the cancellation is lost. Code that a close cancels and then
waits for — a loop reading a track for aiortc's sender, a keepalive — waits
with ``async with asyncio.timeout(...)`` instead, which runs in the caller's
own task and cannot lose it (see ``MicrophoneTrack.recv``).
"""

from __future__ import annotations

import asyncio
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
