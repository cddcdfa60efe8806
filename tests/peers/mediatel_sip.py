"""The Mediatel simulator with its real SIP telephony, as a peer for tests.

``sip_sim`` is a factory: ``h = await sip_sim()`` starts a
:class:`MediatelSimulator` whose telephony is a :class:`SipTelephony` on a
free loopback port (or, with ``external=...``, registered to another SIP
server). ``h.client()`` / ``h.logged_in()`` give Mediatel clients and
``h.phone()`` an agent phone (a :class:`PhoneProbe`) registered to it; all
are closed at teardown. Import the fixture into a conftest or test module.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from softphone.core import phone_events as ev
from softphone.net.mediatel import MediatelClient, MediatelConfig, State
from softphone.sim.config import SimSettings, Timings
from softphone.sim.server import MediatelSimulator
from softphone.sim.sip_telephony import ExternalServer, SipTelephony, SipTelephonyConfig
from tests.core.phone_probe import PhoneProbe, start_probe
from tests.peers.mediatel import FAST, WAIT


@dataclass
class SipSimHarness:
    sim: MediatelSimulator
    telephony: SipTelephony
    clients: list[MediatelClient] = field(default_factory=list)
    probes: list[PhoneProbe] = field(default_factory=list)

    @property
    def mediatel_url(self) -> str:
        return self.sim.url

    @property
    def ws_url(self) -> str:
        url = self.telephony.sip_url()
        assert url is not None
        return url

    def client(self, **config: Any) -> MediatelClient:
        options: dict[str, Any] = {"url": self.sim.url, "connect_timeout": WAIT}
        options.update(config)
        client = MediatelClient(MediatelConfig(**options))
        self.clients.append(client)
        return client

    async def logged_in(
        self, user: str = "demo", password: str = "demo", extension: str = "1001"
    ) -> MediatelClient:
        client = self.client()
        await client.connect()
        await client.login(user, password, extension)
        await client.wait_for(lambda s: s.state == State.IDLE, WAIT)
        return client

    async def phone(
        self,
        user: str = "1001",
        password: str = "1001",
        *,
        tone_hz: float = 440.0,
        auto_answer_ms: int | None = 0,
        registered: bool = True,
        ws_url: str | None = None,
        **overrides: Any,
    ) -> PhoneProbe:
        """The agent's phone with a tone as its microphone; by default registered."""
        probe = await start_probe(
            ws_url or self.ws_url,
            user,
            password,
            tone_hz=tone_hz,
            auto_answer_ms=auto_answer_ms,
            **overrides,
        )
        self.probes.append(probe)
        if registered:
            await probe.wait_for(ev.Registered, timeout=WAIT)
        return probe

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()
        for probe in self.probes:
            await probe.aclose()
        await self.sim.aclose()


SipSimFactory = Callable[..., Awaitable[SipSimHarness]]


async def start_sip_sim(
    tmp_path: Path,
    *,
    timings: Timings | None = None,
    external: ExternalServer | None = None,
    settings: SimSettings | None = None,
    **config: Any,
) -> SipSimHarness:
    """A running simulator with SIP telephony on free loopback ports (caller closes it).

    For tests that run their own loop (the desktop app's, through qasync);
    the others use the ``sip_sim`` fixture.
    """
    sim_settings = replace(settings or SimSettings(), timings=timings or FAST)
    telephony = SipTelephony(
        sim_settings.agents,
        SipTelephonyConfig(port=0, records_dir=tmp_path / "records", external=external, **config),
    )
    sim = MediatelSimulator(sim_settings, telephony)
    telephony.records.add_routes(sim.app)
    await sim.start("127.0.0.1", 0)
    return SipSimHarness(sim, telephony)


@pytest.fixture
async def sip_sim(tmp_path: Path) -> AsyncIterator[SipSimFactory]:
    harnesses: list[SipSimHarness] = []

    async def make(**options: Any) -> SipSimHarness:
        harness = await start_sip_sim(tmp_path, **options)
        harnesses.append(harness)
        return harness

    yield make
    for harness in harnesses:
        await harness.aclose()
