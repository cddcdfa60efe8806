"""How fast and how light is the softphone as a callee, next to the browser?

One caller (our SIP core + aiortc media, in this process) calls, through one
Kamailio with digest auth, in turn:

  (a) the softphone — ``softphone phone --auto-answer 0`` as a subprocess;
  (b) JsSIP in headless Chromium, answering at once (the tab we replace).

Calls alternate between the two so both see the same machine load. For each
callee it prints INVITE→200 OK and INVITE→first decoded remote audio frame
at the caller (median and p90; timed from the authenticated INVITE, as
Kamailio answers the first one with 407), then holds one 30 s call to each
and reports the callee's CPU (% of one core) and memory (PSS, whole process
tree).

    python bench/answer_latency.py [--calls 20] [--hold 30]

Needs what the test suite needs (scripts/install-deps.sh). Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from softphone.media.config import JitterConfig, MediaConfig  # noqa: E402
from softphone.media.session import MediaSession  # noqa: E402
from softphone.media.tones import sine  # noqa: E402
from softphone.media.tracks import tone_source, write_wav  # noqa: E402
from softphone.sip import events as sip  # noqa: E402
from softphone.sip.ua import UserAgent  # noqa: E402
from tests.peers.jssip import JsSipPeer  # noqa: E402
from tests.peers.kamailio import Kamailio  # noqa: E402
from tests.peers.loopback_ice import loopback_ice  # noqa: E402
from tests.peers.sip_peer import SipPeer  # noqa: E402
from tests.peers.subprocess_env import softphone_env  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")


class TimingAgent:
    """Wraps the caller's user agent to timestamp the wire: the authenticated
    INVITE leaving, and the 200 OK to an INVITE arriving."""

    def __init__(self, ua: UserAgent) -> None:
        self.ua = ua
        self.invite_sent: float | None = None
        self.ok_received: float | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ua, name)

    def data_to_send(self) -> list[bytes]:
        frames = self.ua.data_to_send()
        for frame in frames:
            authorized = b"\r\nProxy-Authorization:" in frame
            if frame.startswith(b"INVITE ") and authorized and self.invite_sent is None:
                self.invite_sent = time.monotonic()
        return frames

    def receive_data(self, data: bytes, now: float) -> None:
        if (
            data.startswith(b"SIP/2.0 200")
            and b" INVITE\r\n" in data
            and self.invite_sent is not None
            and self.ok_received is None
        ):
            self.ok_received = time.monotonic()
        self.ua.receive_data(data, now)

    def reset(self) -> None:
        self.invite_sent = self.ok_received = None


@dataclass
class Figures:
    ok_ms: list[float] = field(default_factory=list)
    audio_ms: list[float] = field(default_factory=list)
    failures: int = 0
    cpu_pct: float | None = None
    pss_mib: float | None = None


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (via /proc/*/stat parent ids)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(children.get(current, []))
    return out


def callee_pids(name: str, softphone_pid: int, driver_pid: int) -> list[int]:
    """The callee's processes: the softphone, or Chromium's whole tree — but
    not the Node.js test driver that launched it (not part of the browser)."""
    if name == "softphone":
        return [softphone_pid]
    return [pid for pid in tree(driver_pid) if pid != driver_pid]


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLK_TCK


def pss_mib(pids: list[int]) -> float:
    total_kb = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kb += int(line.split()[1])
    return total_kb / 1024


class Caller:
    def __init__(self, kamailio: Kamailio, jitter: JitterConfig) -> None:
        self.media_config = MediaConfig(jitter=jitter)
        self.peer = SipPeer(
            kamailio.ws_url, "1001", kamailio.password("1001"), kamailio.domain, wrap=TimingAgent
        )
        self.agent: TimingAgent = self.peer.agent

    async def start(self) -> None:
        await self.peer.start()

    async def call(self, target: str, hold_s: float = 0.0) -> tuple[float, float]:
        """One call; returns (INVITE→200 ms, INVITE→first audio frame ms)."""
        self.agent.reset()
        media = MediaSession(self.media_config, source=tone_source(440))
        mark = self.peer.mark()
        try:
            offer = await media.create_offer()
            handle = self.peer.act(lambda ua, now: ua.invite(target, offer, now))
            answered = await self.peer.wait_for(sip.CallAnswered, after=mark)
            await media.accept_answer(answered.sdp or "")
            deadline = time.monotonic() + 5
            while media.first_frame_at is None and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
            if hold_s:
                await asyncio.sleep(hold_s)
            self.peer.act(lambda ua, now: ua.hangup(handle, now))
            await self.peer.wait_for(sip.CallEnded, after=mark)
        finally:
            await media.close()
        sent, ok, audio = self.agent.invite_sent, self.agent.ok_received, media.first_frame_at
        if sent is None or ok is None or audio is None:
            raise RuntimeError("missing timestamps")
        return (ok - sent) * 1000, (audio - sent) * 1000

    async def aclose(self) -> None:
        await self.peer.aclose()


async def start_softphone(kamailio: Kamailio, workdir: Path) -> asyncio.subprocess.Process:
    tone = workdir / "callee-tone.wav"
    write_wav(tone, sine(1000, 1.0, 48000, 0.3), 48000)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "softphone", "phone",
        "--ws", kamailio.ws_url, "--user", "1002", "--realm", kamailio.domain,
        "--auto-answer", "0", "--no-audio-device", "--play", str(tone),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env=softphone_env(SOFTPHONE_SIP_PASSWORD=kamailio.password("1002")),
    )  # fmt: skip
    assert proc.stdout is not None
    async with asyncio.timeout(20):
        async for line in proc.stdout:
            if b'"registered"' in line:
                break
    # keep draining its event lines so the pipe never blocks it
    asyncio.get_running_loop().create_task(_drain(proc))
    return proc


async def _drain(proc: asyncio.subprocess.Process) -> None:
    assert proc.stdout is not None
    async for _ in proc.stdout:
        pass


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-answer-"))
    kamailio = Kamailio(workdir=workdir / "kamailio")
    kamailio.start()
    (workdir / "jssip").mkdir()
    peer = JsSipPeer("jssip-callee", workdir=workdir / "jssip")
    softphone: asyncio.subprocess.Process | None = None
    jitter = JitterConfig(enabled=not args.stock_jitter)
    with loopback_ice():
        try:
            softphone = await start_softphone(kamailio, workdir)
            await peer.start(tone_hz=1000, auto_answer=True, answer_delay_ms=0)
            await peer.register(kamailio.ws_url, "1003", kamailio.password("1003"), kamailio.realm)
            caller = Caller(kamailio, jitter)
            await caller.start()
            callees = {"softphone": "1002", "JsSIP/Chromium": "1003"}
            driver_pid: int = peer._proc.pid  # type: ignore[union-attr]
            results = {name: Figures() for name in callees}
            for _ in range(2):  # warm-up, not counted
                for target in callees.values():
                    await caller.call(target)
            for i in range(args.calls):
                for name, target in callees.items():
                    try:
                        ok, audio = await caller.call(target)
                    except (RuntimeError, TimeoutError, AssertionError) as exc:
                        results[name].failures += 1
                        print(f"  {name} call {i + 1}: {exc}", file=sys.stderr)
                        continue
                    results[name].ok_ms.append(ok)
                    results[name].audio_ms.append(audio)
                    await asyncio.sleep(0.2)
            for name, target in callees.items():
                procs = callee_pids(name, softphone.pid, driver_pid)
                before = cpu_seconds(procs)
                began = time.monotonic()
                await caller.call(target, hold_s=args.hold)
                elapsed = time.monotonic() - began
                results[name].cpu_pct = 100 * (cpu_seconds(procs) - before) / elapsed
                results[name].pss_mib = pss_mib(callee_pids(name, softphone.pid, driver_pid))
            await caller.aclose()
        finally:
            await peer.stop()
            if softphone is not None and softphone.returncode is None:
                with contextlib.suppress(ProcessLookupError, BrokenPipeError):
                    assert softphone.stdin is not None
                    softphone.stdin.write(b'{"command": "quit"}\n')
                    await asyncio.wait_for(softphone.wait(), 10)
            kamailio.stop()

    path = "aiortc stock (4-packet prefetch)" if args.stock_jitter else "ours"
    print(
        f"\n{args.calls} calls per callee, same Kamailio and caller, alternating; "
        f"caller receive path: {path}"
    )
    print(
        f"{'callee':16} {'INVITE→200 OK ms':>20} {'INVITE→first audio ms':>24} "
        f"{'CPU % core':>11} {'PSS MiB':>8} {'failed':>7}"
    )
    print(f"{'':16} {'median':>9} {'p90':>9}  {'median':>11} {'p90':>10}")
    for name, fig in results.items():
        if not fig.ok_ms:
            print(f"{name:16} no successful call")
            continue
        print(
            f"{name:16} {statistics.median(fig.ok_ms):9.1f} {pct(fig.ok_ms, 0.9):9.1f}  "
            f"{statistics.median(fig.audio_ms):11.1f} {pct(fig.audio_ms, 0.9):10.1f} "
            f"{fig.cpu_pct or 0:11.1f} {fig.pss_mib or 0:8.0f} {fig.failures:7d}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--hold", type=float, default=30.0, help="seconds of the CPU/PSS call")
    parser.add_argument(
        "--stock-jitter",
        action="store_true",
        help="caller uses aiortc's stock receive buffer (as the anchor figures)",
    )
    asyncio.run(main(parser.parse_args()))
