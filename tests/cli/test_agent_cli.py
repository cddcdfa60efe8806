"""``softphone agent --headless`` as an integrator runs it: a real process against
``softphone sim`` (its built-in SIP registrar, real audio), driven through the
integration API by a client, with the CTI events on stdout and on the API."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from softphone.core.cti_client import CtiClient
from softphone.media import tones
from softphone.media.tracks import read_wav, write_wav
from tests.peers.subprocess_env import softphone_env
from tests.sim.test_sip_telephony_cli import start_sim
from tests.test_imports import NOT_LOADED_IN_A_CALL

WAIT = 30.0
TOKEN = "headless-token"
AGENT_TONE = 440.0
CALL_EVENTS = (
    "onNewCall",
    "onAcceptCall",
    "onUuidCall",
    "onBridgeCall",
    "onHangupCall",
    "onCallCodeSet",
)


@dataclass
class HeadlessAgent:
    proc: asyncio.subprocess.Process
    lines: list[dict[str, Any]] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def kill(self) -> None:
        """SIGKILL if still running (it holds the per-user agent lock), then reap it."""
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
        await self.proc.wait()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    async def read(self) -> None:
        assert self.proc.stdout is not None
        async for line in self.proc.stdout:
            self.lines.append(json.loads(line))
            self.changed.set()
        self.changed.set()

    async def read_err(self) -> None:
        assert self.proc.stderr is not None
        async for line in self.proc.stderr:
            self.stderr.append(line.decode().rstrip())

    async def line(self, event: str, **fields: Any) -> dict[str, Any]:
        """The first stdout line with ``event`` and ``fields``; fails with what came instead."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(WAIT):
                while True:
                    for line in self.lines:
                        if line.get("event") == event and all(
                            line.get(k) == v for k, v in fields.items()
                        ):
                            return line
                    if self.proc.stdout is not None and self.proc.stdout.at_eof():
                        break
                    self.changed.clear()
                    await self.changed.wait()
        raise AssertionError(
            f"no {event} {fields} on stdout; got {self.lines[-5:]}; stderr {self.stderr[-20:]}"
        )


@dataclass
class Sim:
    mediatel: str
    ws: str
    realm: str
    records: Path


@pytest.fixture
async def sim(tmp_path: Path) -> AsyncIterator[Sim]:
    proc, printed = await start_sim("--records-dir", str(tmp_path / "records"))
    mediatel = re.search(r"Mediatel: (http://\S+)", printed)
    sip = re.search(r"SIP WebSocket: (ws://\S+)\s+\(realm (\S+)\)", printed)
    assert mediatel and sip, printed
    yield Sim(mediatel.group(1), sip.group(1), sip.group(2), tmp_path / "records")
    proc.send_signal(signal.SIGINT)
    await asyncio.wait_for(proc.communicate(), WAIT)


def agent_args(sim: Sim, tone: Path, *extra: str) -> list[str]:
    return [
        "agent", "--headless", "--insecure",
        "--mediatel-url", sim.mediatel, "--login", "demo", "--extension", "1001",
        "--sip-ws", sim.ws, "--sip-realm", sim.realm, "--sip-user", "1001",
        "--api-port", "0", "--auto-answer-ms", "0",
        "--no-audio-device", "--play", str(tone),
        *extra,
    ]  # fmt: skip


def agent_env(tmp_path: Path) -> dict[str, str]:
    return softphone_env(
        SOFTPHONE_TEST_MODULES=str(tmp_path / "modules.json"),  # tests/peers/loopback_site
        SOFTPHONE_RUNTIME_DIR=str(tmp_path / "run"),
        SOFTPHONE_PASSWORD="demo",
        SOFTPHONE_SIP_PASSWORD="1001",
        SOFTPHONE_API_TOKEN=TOKEN,
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )


StartAgent = Callable[[list[str]], Awaitable[HeadlessAgent]]


@pytest.fixture
async def start_agent(tmp_path: Path) -> AsyncIterator[StartAgent]:
    """Starts ``softphone ...`` children; every one still running at teardown is killed,
    so a test that fails mid-way never leaves an agent holding the per-user lock."""
    started: list[HeadlessAgent] = []

    async def start(args: list[str]) -> HeadlessAgent:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "softphone", *args,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env=agent_env(tmp_path),
        )  # fmt: skip
        agent = HeadlessAgent(proc)
        started.append(agent)
        agent.tasks = [asyncio.create_task(agent.read()), asyncio.create_task(agent.read_err())]
        return agent

    yield start
    for agent in started:
        await agent.kill()


async def test_headless_agent_through_a_call(
    sim: Sim, tmp_path: Path, start_agent: StartAgent
) -> None:
    tone = tmp_path / "tone.wav"
    write_wav(tone, tones.sine(AGENT_TONE, 1.0, 48000, 0.3), 48000)
    # The profile file holds the servers; flags override it (auto-answer at once, not 5 s).
    profile = tmp_path / "profile.toml"
    profile.write_text(
        f'mediatel_url = "{sim.mediatel}"\nsip_ws = ["{sim.ws}"]\nsip_realm = "{sim.realm}"\n'
        f'insecure = true\nauto_answer_ms = 5000\ndata_dir = "{tmp_path / "data"}"\n'
    )
    args = [
        "agent", "--headless", "--profile", str(profile),
        "--login", "demo", "--extension", "1001", "--sip-user", "1001",
        "--api-port", "0", "--auto-answer-ms", "0", "--no-audio-device", "--play", str(tone),
    ]  # fmt: skip
    agent = await start_agent(args)
    client: CtiClient | None = None
    try:
        ready = await agent.line("apiReady")
        client = await CtiClient.connect(ready["port"], TOKEN)
        first = await client.wait_event("onState")
        assert first["login"] == "demo"
        await client.wait_event("onState", WAIT, lambda m: m["state"] == "STATE_IDLE")
        assert (await agent.line("onAgentStateChange", state="STATE_IDLE"))["status"]

        reply = await client.request("makeCall", number="0661234567")
        assert reply["ok"] is True, reply
        bridge = await client.wait_event("onBridgeCall", WAIT)
        trace_id = bridge["callTraceID"]
        assert trace_id and bridge["number"] == "0661234567"
        new_call = await client.wait_event("onNewCall")
        accept = await client.wait_event("onAcceptCall")
        assert accept["time"] - new_call["time"] < 1.0, "not auto-answered within a second"
        talking = await client.wait_event(
            "onState", WAIT, lambda m: (m["call"] or {}).get("phase") == "talking"
        )
        assert talking["call"]["callTraceID"] == trace_id
        await asyncio.sleep(1.5)  # let the customer's recording hold our voice

        assert (await client.request("hangup"))["ok"] is True
        await client.wait_event("onHangupCall", WAIT)
        clerical = await client.wait_event(
            "onState", WAIT, lambda m: m["state"] == "STATE_CLERICAL" and m["clerical"]
        )
        code = clerical["clerical"]["callCodes"][0]
        reply = await client.request("setCallCode", codeId=code["id"])
        assert reply["ok"] is True, reply
        await client.wait_event("onCallCodeSet", WAIT)
        await client.wait_event("onState", WAIT, lambda m: m["state"] == "STATE_IDLE")
        await agent.line("onCallCodeSet")

        # The same CTI events, in the same order, on stdout and on the API.
        def cti(messages: list[dict[str, Any]]) -> list[tuple[str, Any]]:
            return [
                (m["event"], m.get("callId"))
                for m in messages
                if m["event"].startswith("on") and m["event"] != "onState"
            ]

        await agent.line("onAgentStateChange", state="STATE_IDLE", callId=None)
        api_events = cti(client.events)
        stdout_events = cti(agent.lines)
        assert stdout_events[-len(api_events) :] == api_events
        assert [name for name, _ in api_events if name in CALL_EVENTS] == list(CALL_EVENTS)

        history_reply = await client.request("getHistory")
        [record] = history_reply["result"]
        assert record["callTraceID"] == trace_id and record["callCodeId"] == code["id"]

        recorded, rate = read_wav(sim.records / f"{trace_id}.wav")
        assert tones.contains_tone(recorded[-rate:], AGENT_TONE, rate), (
            "the customer heard no agent"
        )
    finally:
        if client is not None:
            await client.aclose()
        if agent.proc.returncode is None:
            agent.proc.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(agent.proc.wait(), WAIT)
    assert code == 0, agent.stderr
    await asyncio.gather(*agent.tasks)
    assert agent.lines[-1]["event"] == "onAgentStateChange", agent.lines[-3:]
    assert agent.lines[-1]["state"] == "STATE_LOGOUT"
    assert not (tmp_path / "run" / "agent.json").exists()
    assert not any("Traceback" in line for line in agent.stderr), agent.stderr
    # Through sign-in, a call and sign-out, the agent ran none of the modules kept out.
    ran = set(json.loads((tmp_path / "modules.json").read_text(encoding="utf-8")))
    assert ran.isdisjoint(NOT_LOADED_IN_A_CALL), sorted(ran & set(NOT_LOADED_IN_A_CALL))
    assert "softphone.media.session" in ran  # the report is the call's process


async def finish(agent: HeadlessAgent) -> int:
    code = await asyncio.wait_for(agent.proc.wait(), WAIT)
    await asyncio.gather(*agent.tasks)
    return code


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--sip-ws", "ws://127.0.0.1:9/ws"],
            "mediatel_url (--mediatel-url): the Mediatel server address is required",
        ),
        (
            ["--mediatel-url", "http://127.0.0.1:9", "--login", "a", "--extension", "1"],
            "mediatel_url (--mediatel-url): 'http://127.0.0.1:9' is not encrypted; "
            "use https:// (or set insecure for a local test server)",
        ),
        (
            ["--mediatel-url", "https://hes.example", "--extension", "1", "--login", "a"],
            "--sip-ws is required (sip_ws in the profile)",
        ),
        (
            ["--mediatel-url", "https://hes.example", "--auto-answer-ms", "-5"],
            "auto_answer_ms (--auto-answer-ms): must be between 0 and 60000, got -5",
        ),
    ],
)
async def test_bad_settings_are_named(
    args: list[str], message: str, start_agent: StartAgent
) -> None:
    agent = await start_agent(["agent", "--headless", *args])
    assert await finish(agent) == 2
    assert agent.stderr == [f"softphone agent: {message}"]


async def test_wrong_password_and_a_second_instance(
    sim: Sim, tmp_path: Path, start_agent: StartAgent
) -> None:
    tone = tmp_path / "tone.wav"
    write_wav(tone, tones.sine(AGENT_TONE, 1.0, 48000, 0.3), 48000)
    wrong = await start_agent(agent_args(sim, tone, "--password", "wrong"))
    failed = await wrong.line("signInFailed")
    assert failed["field"] == "login" and failed["error"]
    assert await finish(wrong) == 1
    assert not any("Traceback" in line for line in wrong.stderr), wrong.stderr

    first = await start_agent(agent_args(sim, tone))
    await first.line("onAgentStateChange", state="STATE_IDLE")
    second = await start_agent(agent_args(sim, tone))
    assert await finish(second) == 1
    assert "another softphone agent is already running (pid" in second.stderr[-1]

    # Click-to-dial finds the running agent through its discovery file.
    dial = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "softphone", "tel:+380-66-123-45-67",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=agent_env(tmp_path),
    )  # fmt: skip
    out, err = await asyncio.wait_for(dial.communicate(), WAIT)
    assert (dial.returncode, out.decode().strip()) == (0, "Dialling +380661234567."), err
    bridged = await first.line("onBridgeCall")
    assert bridged["number"] == "+380661234567"
    ready = await first.line("apiReady")
    client = await CtiClient.connect(ready["port"], TOKEN)
    try:
        assert (await client.request("hangup"))["ok"] is True
        clerical = await client.wait_event(
            "onState", WAIT, lambda m: m["state"] == "STATE_CLERICAL" and m["clerical"]
        )
        code = clerical["clerical"]["callCodes"][0]["id"]
        assert (await client.request("setCallCode", codeId=code))["ok"] is True
        await client.wait_event("onState", WAIT, lambda m: m["state"] == "STATE_IDLE")
    finally:
        await client.aclose()
    first.proc.send_signal(signal.SIGINT)
    assert await finish(first) == 0
    assert first.lines[-1]["state"] == "STATE_LOGOUT", first.lines[-3:]
