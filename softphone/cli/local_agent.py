"""The demo account against the in-process simulator: what ``--demo`` and ``--self-test`` share.

:func:`demo_config` is the profile a newcomer would otherwise have to type
(the simulator's addresses, login demo, extension 1001), with its data
folder in a throwaway directory; :func:`demo_secrets` keeps the demo
passwords in memory, so the user's keyring is never written. The session is
built by the same ``build_session`` the app uses.

:class:`LocalAgent` is the self-test's agent: that session plus the
simulator on the same loop, a tone for a microphone and a collector for a
speaker, so what each side hears can be checked by content.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from softphone.core.agent_api import SignInRequest
from softphone.core.agent_factory import build_session
from softphone.core.agent_session import AgentSession
from softphone.core.agent_snapshot import AgentSnapshot
from softphone.core.config import AgentConfig
from softphone.core.secrets import Secrets
from softphone.media import tones
from softphone.media.devices import AudioSettings
from softphone.media.tones import Pcm
from softphone.media.tracks import PcmCollector, read_wav, tone_source, write_wav
from softphone.sim.config import DEMO_AGENT
from softphone.sim.local import LocalSim, start_local_sim
from softphone.sim.loopback_ice import loopback_ice
from softphone.sim.sip_lines import sip_account

AGENT_HZ = 440.0
"""The self-test agent's microphone: the simulator's recording must contain it."""
CUSTOMER_HZ = 1000.0
"""The self-test customer's voice: the agent's speaker must receive it."""
RATE = 48_000


def demo_config(sim: LocalSim, data_dir: Path) -> AgentConfig:
    """The demo agent's profile for the simulator at ``sim``; state lives in ``data_dir``."""
    sip_user, _ = sip_account(DEMO_AGENT)
    return AgentConfig(
        mediatel_url=sim.mediatel_url,
        login=DEMO_AGENT.login,
        extension=DEMO_AGENT.extension,
        sip_ws=(sim.sip_url,),
        sip_user=sip_user,
        insecure=True,  # loopback only: nothing leaves this computer
        data_dir=data_dir,
    )


def demo_secrets() -> Secrets:
    """The demo passwords, in memory only (never the keyring)."""
    _, sip_password = sip_account(DEMO_AGENT)
    return Secrets(password=DEMO_AGENT.password, sip_password=sip_password)


def demo_request() -> SignInRequest:
    sip_user, sip_password = sip_account(DEMO_AGENT)
    return SignInRequest(
        DEMO_AGENT.login,
        DEMO_AGENT.password,
        DEMO_AGENT.extension,
        sip_user=sip_user,
        sip_password=sip_password,
        remember=False,
    )


@dataclass
class LocalAgent:
    """The self-test's agent session and its simulator, on one loop."""

    sim: LocalSim
    session: AgentSession
    collector: PcmCollector
    _closing: list[Any] = field(default_factory=list)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def where(self) -> str:
        return f"{self.sim.mediatel_url} and {self.sim.sip_url}"

    async def sign_in(self) -> None:
        await self.session.sign_in(demo_request())

    async def until(self, predicate: Callable[[AgentSnapshot], bool], what: str) -> AgentSnapshot:
        """The first snapshot ``predicate`` holds for (the step's timeout bounds the wait)."""
        while not predicate(self.session.snapshot):
            self._changed.clear()
            await self._changed.wait()
        return self.session.snapshot

    async def hears(self, hz: float, seconds: float = 1.0, within: float = 10.0) -> bool:
        """Whether a ``seconds`` stretch of what the speaker got is the tone ``hz``."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            start = time.monotonic()
            await asyncio.sleep(seconds)
            pcm = self.collector.since(start)
            if pcm.size >= RATE * seconds / 2 and tones.contains_tone(pcm, hz, RATE):
                return True
        return False

    def recording(self, call_trace_id: str) -> tuple[Pcm, int]:
        """What the simulator's customer heard of the call (its recording)."""
        return read_wav(self.sim.telephony.records.path_for(call_trace_id))

    async def aclose(self) -> None:
        try:
            await self.session.aclose()
        finally:
            await self.sim.aclose()
            for close in self._closing:
                close()


async def start_local_agent(folder: Path, env: Mapping[str, str] | None = None) -> LocalAgent:
    """The simulator (the customer speaks ``CUSTOMER_HZ``) and a demo session on this loop."""
    ice = contextlib.ExitStack()
    ice.enter_context(loopback_ice())
    voice = folder / "customer-tone.wav"
    write_wav(voice, tones.sine(CUSTOMER_HZ, 12.0, 8000, 0.3), 8000)
    try:
        sim = await start_local_sim(folder / "records", voice=voice)
    except BaseException:
        ice.close()
        raise
    collector = PcmCollector(RATE)
    phone_options = {
        "audio": AudioSettings(null=True),
        "ring_incoming": False,
        "source_factory": lambda: tone_source(AGENT_HZ),
        "sink_factory": lambda: collector,
    }
    session = build_session(
        demo_config(sim, folder / "data"),
        demo_secrets(),
        env=env or {},
        opener=lambda _url: None,
        phone_options=phone_options,
    )
    agent = LocalAgent(sim, session, collector, [ice.close])
    session.subscribe(lambda _snapshot: agent._changed.set())
    return agent
