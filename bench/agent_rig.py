"""The rig the agent benchmarks share: the simulator in this process, timed on the
wire, and the headless agent (or a bare phone) as a subprocess.

The simulator is Mediatel *and* the SIP side that rings the agent's
extension, so it sees both ends of "INVITE → 200 OK": ``WireClock`` stamps
the initial INVITE leaving the simulator's registrar and the 200 OK to it
coming back, in this process's monotonic clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.answer_latency import _drain as drain_events  # noqa: E402
from bench.answer_latency import cpu_seconds, pct, pss_mib  # noqa: E402
from softphone.core.cti_client import CtiClient  # noqa: E402
from softphone.media import tones  # noqa: E402
from softphone.media.tracks import write_wav  # noqa: E402
from softphone.sim import sip_telephony  # noqa: E402
from softphone.sim.config import SimAgent, SimSettings, Timings  # noqa: E402
from softphone.sim.server import MediatelSimulator  # noqa: E402
from softphone.sim.sip_telephony import SipTelephony, SipTelephonyConfig  # noqa: E402
from tests.peers.subprocess_env import softphone_env  # noqa: E402

__all__ = ["cpu_seconds", "pct", "private_mib", "pss_mib"]

TOKEN = "bench-token"
AGENT_TONE = 440.0
WAIT = 30.0
AGENT = SimAgent("demo", "demo", "1001", name="Demo Agent", agent_id=1)
BARE = SimAgent("bare", "bare", "1002", name="Bare Phone", agent_id=2)
_CALL_ID = re.compile(r"^(?:Call-ID|i)\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class WireClock:
    """INVITE → 200 OK at the simulator's registrar, per Call-ID."""

    def __init__(self) -> None:
        self.sent: dict[str, float] = {}
        self.ok_ms: dict[str, float] = {}
        self.answered = asyncio.Event()

    def install(self) -> None:
        send_text = sip_telephony.ServerLine.send_text
        on_frame = sip_telephony.SipTelephony._on_frame
        clock = self

        def timed_send(line: Any, text: str) -> None:
            if text.startswith("INVITE ") and (m := _CALL_ID.search(text)):
                clock.sent.setdefault(m.group(1), time.monotonic())
            send_text(line, text)

        def timed_frame(telephony: Any, line: Any, data: bytes) -> None:
            if data.startswith(b"SIP/2.0 200") and b" INVITE\r\n" in data:
                m = _CALL_ID.search(data.decode("utf-8", "replace"))
                if m and m.group(1) in clock.sent and m.group(1) not in clock.ok_ms:
                    clock.ok_ms[m.group(1)] = (time.monotonic() - clock.sent[m.group(1)]) * 1000
                    clock.answered.set()
            on_frame(telephony, line, data)

        sip_telephony.ServerLine.send_text = timed_send  # type: ignore[method-assign]
        sip_telephony.SipTelephony._on_frame = timed_frame  # type: ignore[method-assign]

    async def next_answer(self, timeout: float = WAIT) -> float:
        """The INVITE→200 time of the next call answered (ms)."""
        seen = set(self.ok_ms)
        while True:
            self.answered.clear()
            new = [cid for cid in self.ok_ms if cid not in seen]
            if new:
                return self.ok_ms[new[0]]
            await asyncio.wait_for(self.answered.wait(), timeout)


async def start_sim(workdir: Path, clerical_timeout: float = 30.0) -> MediatelSimulator:
    timings = replace(
        Timings(),
        dial_delay=0.02,
        customer_answer_delay=0.02,
        clerical_timeout=clerical_timeout,
        predictive_interval=3600.0,
    )
    settings = SimSettings(agents=(AGENT, BARE), timings=timings)
    telephony = SipTelephony(
        settings.agents, SipTelephonyConfig(port=0, records_dir=workdir / "records")
    )
    sim = MediatelSimulator(settings, telephony)
    telephony.records.add_routes(sim.app)
    await sim.start("127.0.0.1", 0)
    return sim


def sip_url(sim: MediatelSimulator) -> str:
    url = sim.telephony.sip_url()
    assert url is not None
    return url


def tone_file(workdir: Path) -> Path:
    path = workdir / "agent-tone.wav"
    write_wav(path, tones.sine(AGENT_TONE, 1.0, 48000, 0.3), 48000)
    return path


def private_mib(pid: int) -> float:
    """Memory only this process holds (Private_Clean + Private_Dirty): unlike PSS, it does
    not move when other processes map or drop the same libraries, so it shows a leak."""
    total_kb = 0
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                total_kb += int(line.split()[1])
    return total_kb / 1024


async def until(predicate: Callable[[], bool], timeout: float = WAIT, what: str = "") -> None:
    """Poll the in-process simulator (it has no change events to await)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


@dataclass
class HeadlessAgent:
    proc: asyncio.subprocess.Process
    client: CtiClient
    port: int
    stdout_lines: int = 0
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)

    async def stop(self) -> int:
        await self.client.aclose()
        if self.proc.returncode is None:
            self.proc.terminate()
        code = await asyncio.wait_for(self.proc.wait(), WAIT)
        for task in self.tasks:
            task.cancel()
        return code


async def start_agent(sim: MediatelSimulator, workdir: Path, *extra: str) -> HeadlessAgent:
    """``softphone agent --headless`` signed in to ``sim`` as demo/1001, idle."""
    env = softphone_env(
        SOFTPHONE_RUNTIME_DIR=str(workdir / "run"),
        SOFTPHONE_PASSWORD=AGENT.password,
        SOFTPHONE_SIP_PASSWORD=AGENT.extension,
        SOFTPHONE_API_TOKEN=TOKEN,
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "softphone", "agent", "--headless", "--insecure",
        "--mediatel-url", sim.url, "--login", AGENT.login, "--extension", AGENT.extension,
        "--sip-ws", sip_url(sim), "--sip-realm", "127.0.0.1",
        "--api-port", "0", "--auto-answer-ms", "0", "--data-dir", str(workdir / "data"),
        "--no-audio-device", "--play", str(tone_file(workdir)), *extra,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, env=env,
    )  # fmt: skip
    assert proc.stdout is not None
    port = None
    async with asyncio.timeout(WAIT):
        async for line in proc.stdout:
            message = json.loads(line)
            if message.get("event") == "apiReady":
                port = int(message["port"])
                break
    assert port is not None, "the agent printed no apiReady"
    agent = HeadlessAgent(proc, await CtiClient.connect(port, TOKEN), port)
    agent.tasks.append(asyncio.create_task(_drain(proc, agent)))
    await agent.client.wait_event("onState", WAIT, lambda m: m["state"] == "STATE_IDLE")
    return agent


async def _drain(proc: asyncio.subprocess.Process, agent: HeadlessAgent) -> None:
    assert proc.stdout is not None
    async for _ in proc.stdout:
        agent.stdout_lines += 1


async def start_bare_phone(sim: MediatelSimulator, workdir: Path) -> asyncio.subprocess.Process:
    """``softphone phone --auto-answer 0`` as extension 1002, registered to ``sim``."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "softphone", "phone",
        "--ws", sip_url(sim), "--user", BARE.extension, "--realm", "127.0.0.1",
        "--auto-answer", "0", "--no-audio-device", "--play", str(tone_file(workdir)),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env=softphone_env(SOFTPHONE_SIP_PASSWORD=BARE.extension),
    )  # fmt: skip
    assert proc.stdout is not None
    async with asyncio.timeout(WAIT):
        async for line in proc.stdout:
            if b'"registered"' in line:
                break
    asyncio.get_running_loop().create_task(drain_events(proc))
    return proc


async def stop_bare_phone(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError, BrokenPipeError):
            assert proc.stdin is not None
            proc.stdin.write(b'{"command": "quit"}\n')
        await asyncio.wait_for(proc.wait(), WAIT)
