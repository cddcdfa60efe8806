"""Soak: many calls through the headless agent, as a CRM drives them, with audio.

One ``softphone agent --headless`` process, signed in to the simulator (in
this process, with its SIP registrar and real media), is driven through the
integration API only: makeCall → auto-answered → the customer connected →
talk (the agent's 440 Hz tone must reach the customer's recording) →
hangup → call code → available, N times. Reported:

* failures (any step that did not happen, or a call the customer did not hear);
* the agent's PSS after call 20 and after call N, and the growth between
  (target ≤ 5 MiB: aiortc has had per-call leaks);
* idle CPU of the signed-in agent over a quiet window (target ≤ 0.5 % of a
  core).

The reference, in the same run: a bare ``softphone phone --auto-answer 0``
(no Mediatel, no session) registered to the same simulator takes a call
after each of the agent's (the simulator rings it for a second login), and
its PSS and idle CPU are measured at the same moments.

    python bench/soak.py [--calls 200] [--talk 1.0] [--idle 30]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from agent_rig import (
    AGENT_TONE,
    BARE,
    HeadlessAgent,
    cpu_seconds,
    private_mib,
    pss_mib,
    start_agent,
    start_bare_phone,
    start_sim,
    stop_bare_phone,
    until,
)

from softphone.core.cti_client import CtiClientError
from softphone.media import tones
from softphone.media.tracks import read_wav
from softphone.net.mediatel import MediatelClient, MediatelConfig, MediatelError, State
from softphone.sim.server import MediatelSimulator
from tests.peers.loopback_ice import loopback_ice

STEP_TIMEOUT = 20.0


async def one_call(agent: HeadlessAgent, records: Path, talk_s: float) -> str | None:
    """One call from dial to available again; None when it went well, else what failed."""
    client = agent.client
    mark = client.mark()
    reply = await client.request("makeCall", number="0661234567")
    if not reply["ok"]:
        return f"makeCall refused: {reply['error']}"
    bridge = await client.wait_event("onBridgeCall", STEP_TIMEOUT, after=mark)
    trace_id = bridge["callTraceID"]
    await asyncio.sleep(talk_s)
    reply = await client.request("hangup")
    if not reply["ok"]:
        return f"hangup refused: {reply['error']}"
    clerical = await client.wait_event(
        "onState",
        STEP_TIMEOUT,
        lambda m: m["state"] == "STATE_CLERICAL" and bool(m["clerical"]),
        after=mark,
    )
    code = clerical["clerical"]["callCodes"][0]["id"]
    coded = client.mark()
    reply = await client.request("setCallCode", codeId=code)
    if not reply["ok"]:
        return f"setCallCode refused: {reply['error']}"
    await client.wait_event(
        "onState", STEP_TIMEOUT, lambda m: m["state"] == "STATE_IDLE", after=coded
    )
    path = records / f"{trace_id}.wav"
    for _ in range(100):  # the recording is closed as the customer's leg ends
        if path.exists():
            break
        await asyncio.sleep(0.02)
    return heard(path, trace_id)


async def bare_call(
    sim: MediatelSimulator, client: MediatelClient, records: Path, talk_s: float
) -> str | None:
    """The reference: the same call to the bare phone (answered by itself at once)."""
    trace_id = await sim.inbound_call(BARE.login, ani="0661234567")
    await until(lambda: sim.state_of(BARE.login) is State.CALL_ACTIVE, STEP_TIMEOUT, "talking")
    await asyncio.sleep(talk_s)
    await sim.customer_hangup(BARE.login)
    state = await client.wait_for(
        lambda s: s.state is State.CLERICAL and bool(s.call_codes), STEP_TIMEOUT
    )
    await client.set_result(state.call_codes[0].id)
    await until(lambda: sim.state_of(BARE.login) is State.IDLE, STEP_TIMEOUT, "idle")
    return heard(records / f"{trace_id}.wav", trace_id)


def heard(path: Path, trace_id: str) -> str | None:
    try:
        pcm, rate = read_wav(path)
    except (OSError, ValueError, EOFError) as exc:
        return f"no recording of {trace_id}: {exc}"
    if not tones.contains_tone(pcm[-rate // 2 :], AGENT_TONE, rate):
        return f"the customer did not hear the callee in {trace_id}"
    return None


async def main(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    failures: list[str] = []
    bare_failures: list[str] = []
    pss: dict[int, float] = {}
    bare_pss: dict[int, float] = {}
    private: dict[int, float] = {}
    bare_private: dict[int, float] = {}
    with loopback_ice():
        sim = await start_sim(workdir)
        agent = bare = None
        client = MediatelClient(MediatelConfig(url=sim.url, connect_timeout=STEP_TIMEOUT))
        try:
            agent = await start_agent(sim, workdir)
            bare = await start_bare_phone(sim, workdir)
            await client.connect()
            await client.login(BARE.login, BARE.password, BARE.extension)
            await client.wait_for(lambda s: s.state is State.IDLE, STEP_TIMEOUT)
            began = time.monotonic()
            for n in range(1, args.calls + 1):
                try:
                    failed = await one_call(agent, workdir / "records", args.talk)
                except (CtiClientError, TimeoutError) as exc:
                    failed = str(exc)
                    # back to available before the next call, whatever happened
                    await agent.client.request("hangup")
                    await asyncio.sleep(1.0)
                if failed:
                    failures.append(f"call {n}: {failed}")
                    print(f"  call {n}: {failed}", file=sys.stderr)
                try:
                    failed = await bare_call(sim, client, workdir / "records", args.talk)
                except (MediatelError, TimeoutError) as exc:
                    failed = str(exc) or type(exc).__name__
                if failed:
                    bare_failures.append(f"call {n}: {failed}")
                    print(f"  bare phone call {n}: {failed}", file=sys.stderr)
                if n == min(20, args.calls) or n % 20 == 0 or n == args.calls:
                    pss[n] = pss_mib([agent.proc.pid])
                    bare_pss[n] = pss_mib([bare.pid])
                    private[n] = private_mib(agent.proc.pid)
                    bare_private[n] = private_mib(bare.pid)
                    print(
                        f"  call {n:4d}: PSS/private MiB agent {pss[n]:6.1f}/{private[n]:6.1f}, "
                        f"bare phone {bare_pss[n]:6.1f}/{bare_private[n]:6.1f}, "
                        f"{(time.monotonic() - began) / n:4.2f} s per pair",
                        file=sys.stderr,
                    )
            await asyncio.sleep(5.0)  # let the last call's media and timers wind down
            pids = {"agent (signed in)": agent.proc.pid, "bare phone (registered)": bare.pid}
            before = {name: cpu_seconds([pid]) for name, pid in pids.items()}
            start = time.monotonic()
            await asyncio.sleep(args.idle)
            elapsed = time.monotonic() - start
            idle = {
                name: 100 * (cpu_seconds([pid]) - before[name]) / elapsed
                for name, pid in pids.items()
            }
            idle_pss = {name: pss_mib([pid]) for name, pid in pids.items()}
        finally:
            await client.aclose()
            if agent is not None:
                await agent.stop()
            if bare is not None:
                await stop_bare_phone(bare)
            await sim.aclose()

    first, last = min(pss), args.calls
    print(
        f"\n{args.calls} calls through the headless agent and {args.calls} to the bare phone, "
        f"alternating ({args.talk:g} s talk each)"
    )
    print(f"failures: agent {len(failures)}, bare phone {len(bare_failures)}")
    for line in (failures + bare_failures)[:10]:
        print(f"  {line}")
    print("memory after call n (PSS, private), MiB:")
    for name, series, own in (("agent", pss, private), ("bare phone", bare_pss, bare_private)):
        print(f"  {name:10} " + ", ".join(f"{n}: {series[n]:.1f}/{own[n]:.1f}" for n in series))
        print(
            f"  {name:10} growth from call {first} to call {last}: PSS "
            f"{series[last] - series[first]:+.1f} MiB, private {own[last] - own[first]:+.1f} MiB"
        )
    print(f"idle CPU over {args.idle:g} s (% of one core), PSS:")
    for name, value in idle.items():
        print(f"  {name:26} {value:6.2f} %   {idle_pss[name]:6.1f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--talk", type=float, default=1.0, help="seconds of talk per call")
    parser.add_argument("--idle", type=float, default=30.0, help="seconds of the idle CPU window")
    asyncio.run(main(parser.parse_args()))
