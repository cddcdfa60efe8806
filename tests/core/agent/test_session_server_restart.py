"""The whole Mediatel server restarts: its process killed, then back with an empty state.

``softphone sim`` runs as its own process (tests/peers/sim_process.py), so
the Socket.IO link, the SIP WebSocket and the customer's media all go at
once, as when the real server crashes or is restarted. What a supervisor
checks afterwards: the agent is signed in and available again without
touching anything, the call that was cut is in the history with its end,
and a call code picked during the outage is either applied or reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from softphone.core.agent_snapshot import CallPhase, LinkState
from softphone.core.call_end import SENTENCES, CallEnd
from softphone.core.call_records import HistoryQuery
from softphone.net.mediatel import State
from tests.core.agent.session_harness import DEMO, Agent, build_agent
from tests.peers.sim_process import SimProcess

pytestmark = pytest.mark.usefixtures("loopback_ice")
WAIT = 30.0  # a process start under load


async def signed_in(sim: SimProcess, tmp_path: Path) -> Agent:
    agent = build_agent(sim, tmp_path)
    await agent.session.sign_in(DEMO)
    await agent.until(lambda s: s.state is State.IDLE, WAIT, what="idle")
    return agent


async def back_and_available(agent: Agent) -> None:
    await agent.until(
        lambda s: s.mediatel.up and s.sip.up and s.state is State.IDLE and s.call is None,
        WAIT,
        what="signed in and available again",
    )


async def test_restart_mid_call_ends_the_call_in_history_and_signs_back_in(
    tmp_path: Path,
) -> None:
    async with SimProcess(tmp_path) as sim:
        agent = await signed_in(sim, tmp_path)
        await agent.session.dial("0661234567")
        snap = await agent.until(
            lambda s: s.call is not None and s.call.phase is CallPhase.TALKING, WAIT
        )
        assert snap.call is not None
        call_id, trace = snap.call.id, snap.call.call_trace_id
        await sim.kill()
        down = await agent.until(
            lambda s: (
                s.mediatel.state is LinkState.RECONNECTING and s.mediatel.retry_at is not None
            ),
            WAIT,
            what="Mediatel reconnecting with a next attempt",
        )
        assert down.mediatel.reason in ("the connection dropped", "Mediatel does not answer")
        assert down.sip.state is LinkState.RECONNECTING
        await agent.until(
            lambda s: s.sip.reason == "the server refused the connection (not running?)",
            WAIT,
            what="SIP's reason in words",
        )
        await sim.start()
        await back_and_available(agent)
        [record] = await agent.session.history(HistoryQuery())
        assert (record.id, record.call_trace_id) == (call_id, trace)
        assert record.answered_at is not None and record.ended_at is not None
        assert record.end_reason is CallEnd.MEDIATEL_LOST, record
        assert agent.session.snapshot.notice == SENTENCES[CallEnd.MEDIATEL_LOST]
        assert [a["state"] for a in await sim.agents()] == ["STATE_IDLE"]
        await agent.session.dial("0661234567")  # the next call works
        await agent.until(lambda s: s.call is not None and s.call.phase is CallPhase.TALKING, WAIT)
        await agent.session.hangup()
        await agent.until(lambda s: s.state is State.CLERICAL, WAIT)
        await agent.session.sign_out()


async def test_a_code_chosen_during_the_outage_is_kept_and_reported(tmp_path: Path) -> None:
    async with SimProcess(tmp_path) as sim:
        agent = await signed_in(sim, tmp_path)
        await agent.session.dial("0661234567")
        await agent.until(lambda s: s.call is not None and s.call.phase is CallPhase.TALKING, WAIT)
        await agent.session.hangup()
        snap = await agent.until(lambda s: s.clerical is not None, WAIT, what="clerical")
        assert snap.clerical is not None and snap.call is not None
        code, trace = snap.clerical.call_codes[-1], snap.call.call_trace_id
        await sim.kill()
        await agent.until(lambda s: not s.mediatel.up, WAIT, what="Mediatel down")
        await agent.session.set_call_code(code.id)  # allowed: kept for later
        held = agent.session.snapshot.clerical
        assert held is not None and held.chosen == code and held.chosen_held
        await sim.start()
        snap = await agent.until(
            lambda s: s.notice is not None and "was not sent" in s.notice, WAIT, what="reported"
        )
        assert f"“{code.name}”" in (snap.notice or "") and str(trace) in (snap.notice or "")
        await back_and_available(agent)
        [record] = await agent.session.history(HistoryQuery())
        assert record.call_trace_id == trace and record.call_code_id == code.id
        assert record.ended_at is not None
        await agent.session.sign_out()
