"""The Mediatel simulator as a real peer: started on a free loopback port per test.

``mediatel_sim`` is a factory: ``harness = await mediatel_sim(reconnect=...)``
starts a :class:`MediatelSimulator` (fast timings unless overridden) and
``harness.client()`` makes a :class:`MediatelClient` pointed at it; both are
closed at teardown. Import the fixture into a conftest to use it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from softphone.net.mediatel import MediatelClient, MediatelConfig, State
from softphone.sim.config import SimSettings, Timings
from softphone.sim.server import MediatelSimulator
from softphone.sim.telephony import VirtualTelephony

#: Short enough to keep the suite quick, long enough never to race a test.
FAST = Timings(
    dial_delay=0.02,
    answer_timeout=10.0,
    customer_answer_delay=0.02,
    clerical_timeout=30.0,
    predictive_interval=0.1,
    failed_reset=30.0,
    orphan_grace=30.0,
)
WAIT = 10.0  # safety net for every wait in these tests; never a speed claim


@dataclass
class SimHarness:
    sim: MediatelSimulator
    telephony: VirtualTelephony
    clients: list[MediatelClient] = field(default_factory=list)

    def client(self, **config: Any) -> MediatelClient:
        options: dict[str, Any] = {
            "url": self.sim.url,
            "reconnection_delay": 0.05,
            "reconnection_delay_max": 0.2,
            "connect_timeout": WAIT,
        }
        options.update(config)
        client = MediatelClient(MediatelConfig(**options))
        self.clients.append(client)
        return client

    async def logged_in(
        self, user: str = "demo", password: str = "demo", extension: str = "1001", **config: Any
    ) -> MediatelClient:
        client = self.client(**config)
        await client.connect()
        await client.login(user, password, extension)
        await client.wait_for(lambda s: s.state == State.IDLE, WAIT)
        return client

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()
        await self.sim.aclose()


SimFactory = Callable[..., Awaitable[SimHarness]]


@pytest.fixture
async def mediatel_sim(tmp_path: Path) -> AsyncIterator[SimFactory]:
    harnesses: list[SimHarness] = []

    async def make(
        *, timings: Timings | None = None, answer_after: float | None = 0.0, **settings: Any
    ) -> SimHarness:
        telephony = VirtualTelephony(default_answer_after=answer_after)
        config = replace(SimSettings(), timings=timings or FAST, **settings)
        sim = MediatelSimulator(config, telephony)
        await sim.start("127.0.0.1", 0)
        harness = SimHarness(sim, telephony)
        harnesses.append(harness)
        return harness

    yield make
    for harness in harnesses:
        await harness.aclose()
