"""A fake sound card that can be pulled out, for tests of one layer (media, phone)."""

from __future__ import annotations

import numpy as np

from softphone.media.devices import NullBackend


class Unpluggable:
    """The null device, except that its card can be 'pulled out': the
    callbacks stop, which is what PortAudio often does when a headset goes."""

    def __init__(self, **kwargs: object) -> None:
        self.inner = NullBackend(**kwargs)  # type: ignore[arg-type]
        self.plugged = True

    async def open_input(self, device: str | None, callback: object, **kw: float) -> object:
        return await self.inner.open_input(device, self._gate(callback), **kw)

    async def open_output(self, device: str | None, callback: object, **kw: float) -> object:
        return await self.inner.open_output(device, self._gate(callback), **kw)

    def _gate(self, callback: object) -> object:
        def gated(block: np.ndarray) -> None:
            if self.plugged:
                callback(block)  # type: ignore[operator]

        return gated
