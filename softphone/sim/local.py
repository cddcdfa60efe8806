"""The simulator inside the app's own process: the Mediatel the demo and the self-test use.

``softphone --demo`` and ``softphone --self-test`` need a Mediatel server and
a SIP registrar on a machine that may have neither, nor Kamailio, nor a
network: so both run here, on 127.0.0.1 and ports the OS picks free.
:func:`start_local_sim` starts one on the running loop (the self-test, one
loop for everything); :class:`SimThread` runs one on a loop of its own in a
thread, so the desktop app's Qt loop only carries the agent's side.

Both ends of every call are in this process and on loopback, so ICE must
offer 127.0.0.1: aioice never gathers loopback host candidates, and a
laptop with no network (or a CI runner with only ``lo``) would have none at
all. :func:`loopback_ice` (``sim/loopback_ice.py``) switches that on for the process; only these
in-process modes use it, a real call never does.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from softphone.sim.config import SimSettings, Timings
from softphone.sim.loopback_ice import HOST
from softphone.sim.server import MediatelSimulator
from softphone.sim.sip_telephony import SipTelephony, SipTelephonyConfig

T = TypeVar("T")


@dataclass
class LocalSim:
    """A running simulator: Mediatel (Socket.IO) and its SIP registrar, both on loopback."""

    sim: MediatelSimulator
    telephony: SipTelephony

    @property
    def mediatel_url(self) -> str:
        return self.sim.url

    @property
    def sip_url(self) -> str:
        url = self.telephony.sip_url()
        assert url is not None  # the built-in registrar always has one
        return url

    async def aclose(self) -> None:
        await self.sim.aclose()


async def start_local_sim(
    records_dir: Path,
    *,
    settings: SimSettings | None = None,
    timings: Timings | None = None,
    voice: Path | None = None,
) -> LocalSim:
    """Start the simulator on the running loop (free loopback ports; recordings in
    ``records_dir``; ``voice``: the customer's audio, default the bundled sample)."""
    sim_settings = settings or SimSettings()
    if timings is not None:
        sim_settings = replace(sim_settings, timings=timings)
    telephony = SipTelephony(
        sim_settings.agents,
        SipTelephonyConfig(host=HOST, port=0, records_dir=records_dir, voice=voice),
    )
    sim = MediatelSimulator(sim_settings, telephony)
    try:
        await sim.start(HOST, 0)
    except BaseException:
        await sim.aclose()  # the SIP side may be up already
        raise
    return LocalSim(sim, telephony)


class SimThread:
    """A :class:`LocalSim` on its own event loop in a daemon thread.

    ``start()`` returns once both servers listen (or raises what stopped
    them); ``stop()`` closes them and ends the thread. ``call(coro)`` runs a
    coroutine on the simulator's loop from any thread.
    """

    def __init__(self, records_dir: Path, *, timings: Timings | None = None) -> None:
        self._records_dir = records_dir
        self._timings = timings
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="sim", daemon=True)
        self.local: LocalSim | None = None

    def start(self, timeout: float = 30.0) -> LocalSim:
        self._thread.start()
        started = start_local_sim(self._records_dir, timings=self._timings)
        self.local = self.call(started, timeout)
        return self.local

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        if self.local is not None:
            with contextlib.suppress(Exception):  # stopping anyway: nothing to tell the user
                self.call(self.local.aclose(), timeout)
                self.call(_cancel_others(), timeout)  # e.g. Socket.IO pings of closed sockets
            self.local = None
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout)
        if not self._thread.is_alive():
            self._loop.close()


async def _cancel_others() -> None:
    """Cancel and await every other task on this loop, so none is destroyed pending."""
    current = asyncio.current_task()
    others = [t for t in asyncio.all_tasks() if t is not current]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)
