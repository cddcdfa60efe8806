"""What does the whole agent add to answering a call, next to the bare phone?

The simulator (in this process: Mediatel and the SIP side that rings the
agent) delivers inbound calls, alternating between:

  (a) the agent — ``softphone agent --headless --auto-answer-ms 0``: the call is
      answered by the session's auto-answer policy once Mediatel announced it
      (STATE_CALL_DELIVERED) and the INVITE is there, whichever came first (an
      announcement first arms the phone, which then answers the INVITE itself);
  (b) the bare phone — ``softphone phone --auto-answer 0`` (answers any INVITE
      at once, no Mediatel), on the same simulator with a second agent login.

INVITE → 200 OK is stamped on the wire at the simulator's registrar (the
initial INVITE leaving, the 200 OK to it arriving), so both callees are
measured by the same clock and the same code. Target: the agent's median
≤ 10 ms (the bare phone measures 5–8 ms).

    python bench/agent_answer.py [--calls 30]

Loopback only; needs what the test suite needs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from agent_rig import (
    AGENT,
    BARE,
    WireClock,
    pct,
    start_agent,
    start_bare_phone,
    start_sim,
    stop_bare_phone,
    until,
)

from softphone.net.mediatel import MediatelClient, MediatelConfig, State
from softphone.sim.server import MediatelSimulator
from tests.peers.loopback_ice import loopback_ice


async def one_call(sim: MediatelSimulator, clock: WireClock, login: str, talk_s: float) -> float:
    before = sim.state_of(login)
    assert before is State.IDLE, f"{login} is {before}"
    answered = asyncio.create_task(clock.next_answer())
    await sim.inbound_call(login, ani="0661234567")
    ms = await answered
    await until(lambda: sim.state_of(login) is State.CALL_ACTIVE, what=f"{login} talking")
    await asyncio.sleep(talk_s)
    await sim.customer_hangup(login)
    await until(lambda: sim.state_of(login) is State.IDLE, what=f"{login} idle again")
    return ms


async def main(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-agent-answer-"))
    clock = WireClock()
    clock.install()
    with loopback_ice():
        sim = await start_sim(workdir, clerical_timeout=0.2)
        agent = bare = None
        client = MediatelClient(MediatelConfig(url=sim.url, connect_timeout=30))
        try:
            agent = await start_agent(sim, workdir)
            bare = await start_bare_phone(sim, workdir)
            await client.connect()
            await client.login(BARE.login, BARE.password, BARE.extension)
            await client.wait_for(lambda s: s.state is State.IDLE, 30)
            callees: dict[str, Callable[[], Awaitable[float]]] = {
                "agent (policy, delay 0)": lambda: one_call(sim, clock, AGENT.login, args.talk),
                "bare phone": lambda: one_call(sim, clock, BARE.login, args.talk),
            }
            results: dict[str, list[float]] = {name: [] for name in callees}
            failures = dict.fromkeys(callees, 0)
            for _ in range(2):  # warm-up, not counted
                for call in callees.values():
                    await call()
            for i in range(args.calls):
                for name, call in callees.items():
                    try:
                        results[name].append(await call())
                    except (TimeoutError, AssertionError) as exc:
                        failures[name] += 1
                        print(f"  {name} call {i + 1}: {exc}", file=sys.stderr)
        finally:
            await client.aclose()
            if agent is not None:
                await agent.stop()
            if bare is not None:
                await stop_bare_phone(bare)
            await sim.aclose()

    print(f"\n{args.calls} inbound calls per callee from one simulator, alternating")
    print(f"{'callee':26} {'INVITE→200 OK ms':>22} {'failed':>7}")
    print(f"{'':26} {'median':>10} {'p90':>10}")
    for name, values in results.items():
        if not values:
            print(f"{name:26} no successful call")
            continue
        print(
            f"{name:26} {statistics.median(values):10.1f} {pct(values, 0.9):10.1f} "
            f"{failures[name]:7d}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--talk", type=float, default=0.3, help="seconds of talk per call")
    asyncio.run(main(parser.parse_args()))
