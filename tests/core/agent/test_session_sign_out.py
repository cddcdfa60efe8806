"""Signing out during a call or after-call work leaves Mediatel logged out, or says why not.

Mediatel refuses ``logout`` in a call and in after-call work, and a hang-up
puts the agent into after-call work, so a quit mid-call used to leave the
agent logged in at Mediatel with a dead extension, and nobody was told.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from softphone.core.agent_commands import CommandFailed
from softphone.core.agent_snapshot import CallPhase, SignIn
from softphone.core.call_records import HistoryQuery
from softphone.net.mediatel import CommandNotAvailable, MediatelClient, State
from tests.core.agent.session_harness import DEMO, Agent, build_agent
from tests.peers.mediatel import FAST
from tests.peers.mediatel_sip import SipSimFactory, SipSimHarness

pytestmark = pytest.mark.usefixtures("loopback_ice")


async def talking(h: SipSimHarness, tmp_path: Path, **kw: Any) -> Agent:
    agent = build_agent(h, tmp_path, **kw)
    await agent.session.sign_in(DEMO)
    await agent.until(lambda s: s.state is State.IDLE, what="idle")
    await h.sim.inbound_call("demo", ani="0501112233")
    await agent.until(
        lambda s: s.call is not None and s.call.phase is CallPhase.TALKING, what="talking"
    )
    return agent


async def test_sign_out_mid_call_hangs_up_and_logs_out_of_mediatel(
    sip_sim: SipSimFactory, tmp_path: Path
) -> None:
    h = await sip_sim()  # the wrap-up would last 30 s: sign-out must not wait for it
    agent = await talking(h, tmp_path)
    await agent.session.sign_out()
    assert h.sim.state_of("demo") is State.LOGOUT
    snap = agent.session.snapshot
    assert snap.sign_in is SignIn.SIGNED_OUT
    assert snap.notice is not None and "without" in snap.notice  # no call code was chosen
    (record,) = agent.history.query(HistoryQuery())
    assert record.ended_at is not None and record.call_code_id is None


async def test_sign_out_after_the_call_code_waits_for_it_then_logs_out(
    sip_sim: SipSimFactory, tmp_path: Path
) -> None:
    h = await sip_sim(timings=replace(FAST, clerical_timeout=30.0))
    agent = await talking(h, tmp_path)
    await agent.session.hangup()
    snap = await agent.until(lambda s: s.state is State.CLERICAL, what="clerical")
    assert snap.clerical is not None and snap.clerical.call_codes
    code = snap.clerical.call_codes[0]
    await agent.session.set_call_code(code.id)
    await agent.session.sign_out()
    assert h.sim.state_of("demo") is State.LOGOUT
    assert agent.session.snapshot.notice is None
    (record,) = agent.history.query(HistoryQuery())
    assert record.call_code_id == code.id


class RefusesToLeave:
    """A Mediatel client whose server refuses logout and exit (a platform fault)."""

    def __init__(self, client: MediatelClient) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    async def logout(self) -> None:
        raise CommandNotAvailable("logout", "refused by the server")

    async def exit(self) -> None:
        raise CommandNotAvailable("exit", "refused by the server")


async def test_a_refused_logout_is_said_with_the_state_mediatel_was_left_in(
    sip_sim: SipSimFactory, tmp_path: Path
) -> None:
    h = await sip_sim()
    agent = await talking(h, tmp_path, wrap_mediatel=RefusesToLeave)
    with pytest.raises(CommandFailed) as failed:
        await agent.session.sign_out()
    assert h.sim.state_of("demo") is State.CLERICAL  # the truth the sentence must tell
    text = str(failed.value)
    assert "still logged in at Mediatel" in text and "STATE_CLERICAL" in text
    snap = agent.session.snapshot
    assert snap.sign_in is SignIn.SIGNED_OUT and snap.notice == text
