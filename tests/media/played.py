"""What a null sound device 'played', for tests that wait for audio rather than for time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import numpy as np


class Played:
    """A ``NullBackend`` tap: keeps every block and wakes waiters as audio arrives.

    The null device calls its tap on the event loop, so ``until`` can wait
    on an ``asyncio.Event`` for the condition a test means (so much audio,
    a tone started) instead of sleeping and hoping it happened.
    """

    def __init__(self) -> None:
        self.blocks: list[np.ndarray] = []
        self.samples = 0
        self._grew = asyncio.Event()

    def __call__(self, block: np.ndarray) -> None:
        self.blocks.append(block.copy())
        self.samples += block.size
        self._grew.set()

    def mark(self) -> int:
        return len(self.blocks)

    def since(self, mark: int) -> np.ndarray:
        parts = self.blocks[mark:]
        return np.concatenate(parts) if parts else np.zeros(0, np.int16)

    def samples_since(self, mark: int) -> int:
        return sum(b.size for b in self.blocks[mark:])

    async def until(self, check: Callable[[], bool], timeout: float = 10.0) -> None:
        """Until ``check()`` holds, re-checked at each played block."""
        async with asyncio.timeout(timeout):
            while not check():
                self._grew.clear()
                await self._grew.wait()
