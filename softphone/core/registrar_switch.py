"""Registrar switching (seed 002): follow a published list of SIP WebSocket URLs.

The contact center publishes, at a URL, the registrars the phones should
use; it changes the list to move agents off a server before maintenance.
The session polls it (every 15 s); a changed list is applied at once when
no call is up, otherwise after the call ends, so a switch never cuts a
conversation's audio. A list that cannot be fetched or read changes
nothing: the phone stays where it is.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)


def parse_registrar_list(body: Any) -> tuple[str, ...]:
    """``["wss://a/ws", ...]`` or ``{"urls": [...]}`` -> the URLs; ValueError if unusable."""
    if isinstance(body, dict):
        body = body.get("urls")
    if not isinstance(body, list) or not body:
        raise ValueError("expected a non-empty list of SIP WebSocket URLs")
    urls = []
    for item in body:
        if not isinstance(item, str) or not item.startswith(("ws://", "wss://")):
            raise ValueError(f"not a SIP WebSocket URL: {str(item)[:80]!r}")
        urls.append(item)
    return tuple(urls)


class RegistrarSwitch:
    """Decides when a new registrar list takes effect; ``switch(urls)`` does it."""

    def __init__(self, current: tuple[str, ...], switch: Callable[[tuple[str, ...]], None]) -> None:
        self.current = current
        self.pending: tuple[str, ...] | None = None
        self._switch = switch
        self._busy = False

    def offer(self, urls: tuple[str, ...]) -> None:
        """A freshly fetched list."""
        if urls == self.current:
            self.pending = None
            return
        if self._busy:
            self.pending = urls
            return
        self._apply(urls)

    def set_busy(self, busy: bool) -> None:
        """True while a call is up (ringing, talking, held)."""
        self._busy = busy
        if not busy and self.pending is not None:
            self._apply(self.pending)

    def _apply(self, urls: tuple[str, ...]) -> None:
        self.current, self.pending = urls, None
        self._switch(urls)


async def poll_registrars(
    fetch: Callable[[], Awaitable[Any]],
    offer: Callable[[tuple[str, ...]], None],
    *,
    interval_s: float = 15.0,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Fetch the list every ``interval_s`` and offer it; runs until cancelled."""
    while True:
        try:
            offer(parse_registrar_list(await fetch()))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the network or the list is bad: keep what we have
            log.warning("registrar list not usable: %s", exc)
        await sleep(interval_s)
