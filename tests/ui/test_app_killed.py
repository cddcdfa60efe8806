"""A killed desktop app loses nothing: ``kill -9`` mid-call and in after-call work, start again.

Real processes: ``softphone sim`` (Mediatel + SIP) and the desktop app
itself (offscreen, signed in from its flags), driven through the local
integration API it serves, as a CRM would. Between them a TCP relay plays
the network, so Mediatel can vanish for the app while the simulator keeps
the agent's state. What the agent finds after each restart: the call in
the history, the call code offered for the call that was cut, and a code
chosen with Mediatel unreachable applied when the app comes back.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from softphone.core.cti_client import CtiClient
from softphone.media import tones
from softphone.media.tracks import write_wav
from tests.peers.ports import free_port
from tests.peers.sim_process import SimProcess
from tests.peers.subprocess_env import softphone_env
from tests.peers.tcp_relay import TcpRelay

pytestmark = pytest.mark.peers
WAIT = 40.0  # process starts under load
TOKEN = "killed-app-token"
Message = dict[str, Any]


class App:
    """The desktop app as a process, started again with the same folders after a kill."""

    def __init__(self, tmp_path: Path, mediatel_url: str, ws_url: str) -> None:
        self.port = free_port(udp=False)
        tone = tmp_path / "tone.wav"
        write_wav(tone, tones.sine(440.0, 1.0, 48000, 0.3), 48000)
        home = tmp_path / "home"
        self.env = softphone_env(
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_DATA_HOME=str(home / ".local" / "share"),
            XDG_STATE_HOME=str(home / ".local" / "state"),
            QT_QPA_PLATFORM="offscreen",
            SOFTPHONE_RUNTIME_DIR=str(tmp_path / "run"),
            SOFTPHONE_PASSWORD="demo",
            SOFTPHONE_SIP_PASSWORD="1001",
            SOFTPHONE_API_TOKEN=TOKEN,
            PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        )
        self.args = [
            "--insecure", "--mediatel-url", mediatel_url, "--login", "demo",
            "--extension", "1001", "--sip-ws", ws_url, "--sip-realm", "127.0.0.1",
            "--sip-user", "1001", "--api-port", str(self.port), "--auto-answer-ms", "0",
            "--no-audio-device", "--play", str(tone), "--data-dir", str(tmp_path / "data"),
        ]  # fmt: skip
        self.proc: asyncio.subprocess.Process | None = None
        self.log = tmp_path / "app.log"
        self.client: CtiClient | None = None

    async def start(self) -> CtiClient:
        """Start it and connect to its API once it serves."""
        with self.log.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "softphone", *self.args,
                stdout=log, stderr=log, env=self.env,
            )  # fmt: skip
        async with asyncio.timeout(WAIT):
            while True:
                assert self.proc.returncode is None, self.log.read_text()[-3000:]
                try:
                    self.client = await CtiClient.connect(self.port, TOKEN)
                    return self.client
                except (OSError, Exception):
                    await asyncio.sleep(0.2)

    async def kill(self) -> None:
        """SIGKILL: no sign-out, no goodbye, nothing flushed but what was already on disk."""
        if self.client is not None:
            with contextlib.suppress(Exception):
                await self.client.aclose()
            self.client = None
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
            await self.proc.wait()

    async def state(self, predicate: Any, what: str, after: int = 0) -> Message:
        """The first ``onState`` from index ``after`` on (``client.mark()``) that matches."""
        assert self.client is not None
        try:
            return await self.client.wait_event("onState", WAIT, predicate, after=after)
        except TimeoutError:
            raise AssertionError(f"timed out waiting for {what}") from None


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[tuple[SimProcess, TcpRelay, App]]:
    sim = SimProcess(tmp_path)
    await sim.start()
    relay = TcpRelay(sim.port)
    await relay.restore()
    app = App(tmp_path, relay.url, sim.ws_url)
    try:
        yield sim, relay, app
    finally:
        await app.kill()
        await relay.aclose()
        await sim.aclose()


def links_up(m: Message) -> bool:
    return bool(m["mediatel"]["state"] == "up" and m["sip"]["state"] == "up")


def talking(m: Message) -> bool:
    return bool(m.get("call")) and m["call"].get("phase") == "talking"


async def test_kill_mid_call_and_in_after_call_work(
    rig: tuple[SimProcess, TcpRelay, App],
) -> None:
    sim, relay, app = rig
    api = await app.start()
    await app.state(lambda m: m["state"] == "STATE_IDLE", "available")
    assert (await api.request("makeCall", number="0661234567"))["ok"] is True
    call = (await app.state(talking, "talking"))["call"]
    trace = call["callTraceID"]

    # 1. killed mid-call: started again, the call is in the history and its code is offered
    await app.kill()
    api = await app.start()
    offered = await app.state(
        lambda m: m["state"] == "STATE_CLERICAL" and m["clerical"] and m["call"] and links_up(m),
        "after-call work for the call that was cut",
    )
    assert offered["call"]["callTraceID"] == trace
    [record] = (await api.request("getHistory"))["result"]
    assert record["callTraceID"] == trace and record["number"] == "0661234567"
    assert record["answeredAt"] is not None and record["endedAt"] is not None

    # 2. killed in after-call work with the chosen code not yet sent (Mediatel unreachable)
    code = offered["clerical"]["callCodes"][-1]
    mark = api.mark()
    await relay.cut()
    await app.state(lambda m: m["mediatel"]["state"] != "up", "Mediatel unreachable", mark)
    reply = await api.request("setCallCode", codeId=code["id"])
    assert reply["ok"] is True, reply
    await app.state(
        lambda m: (m["clerical"] or {}).get("chosenHeld") is True, "the code kept for later", mark
    )
    await app.kill()
    await relay.restore()
    api = await app.start()
    await app.state(lambda m: m["state"] == "STATE_IDLE", "the kept code applied")
    [record] = (await api.request("getHistory"))["result"]
    assert record["callCodeId"] == code["id"] and record["callCodeName"] == code["name"]
    # the simulator ends after-call work by itself only after 60 s: it took the code
    assert [a["state"] for a in await sim.agents()] == ["STATE_IDLE"]
    assert "Traceback" not in app.log.read_text()
