"""Many calls in one process leave nothing of the calls behind.

aioice starts a consent-freshness task (``Connection.query_consent``, RFC
7675) once ICE connects; it must end with the call, on the agent's phone and
on the simulator's side alike, or each call leaves a task and its buffers
for the life of the process (a soak's memory grows call after call).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from softphone.core.agent_snapshot import CallPhase
from softphone.net.mediatel import State
from tests.core.agent.session_harness import DEMO, build_agent
from tests.peers.mediatel import FAST
from tests.peers.mediatel_sip import SipSimFactory
from tests.waiting import until

pytestmark = pytest.mark.usefixtures("loopback_ice")
CALLS = 6


def consent_tasks() -> list[asyncio.Task[object]]:
    return [
        t
        for t in asyncio.all_tasks()
        if not t.done() and "query_consent" in getattr(t.get_coro(), "__qualname__", "")
    ]


async def test_no_consent_check_outlives_its_call(sip_sim: SipSimFactory, tmp_path: Path) -> None:
    h = await sip_sim(timings=replace(FAST, clerical_timeout=0.05))
    agent = build_agent(h, tmp_path)
    await agent.session.sign_in(DEMO)
    await agent.until(lambda s: s.state is State.IDLE, what="idle")
    for i in range(CALLS):
        await h.sim.inbound_call("demo", ani=f"050111223{i}")
        await agent.until(
            lambda s: s.call is not None and s.call.phase is CallPhase.TALKING, what="talking"
        )
        if i % 2:
            await agent.session.hangup()
        else:
            await h.sim.customer_hangup("demo")
        await agent.until(lambda s: s.state is State.IDLE and s.call is None, what="idle again")
    await until(lambda: not consent_tasks(), timeout=10)
    await agent.session.sign_out()
