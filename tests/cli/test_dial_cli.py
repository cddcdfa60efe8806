"""``softphone dial`` and ``softphone tel:...`` as a user (or the OS) runs them,
against a running agent process found through the discovery file."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.peers.subprocess_env import softphone_env

WAIT = 30.0


class AgentProcess:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    async def next(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), WAIT)
        assert line, "the agent process exited"
        result: dict[str, Any] = json.loads(line)
        return result


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return softphone_env(
        loopback_ice=False,
        SOFTPHONE_RUNTIME_DIR=str(tmp_path / "run"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )


@pytest.fixture
async def agent(env: dict[str, str]) -> AsyncIterator[AgentProcess]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fakes.agent_process",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=env,
    )  # fmt: skip
    process = AgentProcess(proc)
    assert "ready" in await process.next()
    yield process
    proc.terminate()
    await asyncio.wait_for(proc.wait(), WAIT)


async def softphone(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "softphone", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), WAIT)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_dial_hands_the_number_to_the_running_agent(
    agent: AgentProcess, env: dict[str, str]
) -> None:
    code, out, err = await softphone(env, "dial", "0661234567", "--queue", "Support")
    assert (code, out.strip(), err) == (0, "Dialling 0661234567.", "")
    assert await agent.next() == {"call": "dial", "args": ["0661234567", "Support"]}


async def test_a_tel_link_is_dialled(agent: AgentProcess, env: dict[str, str]) -> None:
    code, out, _ = await softphone(env, "tel:+380-44-123-45-67")
    assert (code, out.strip()) == (0, "Dialling +380441234567.")
    assert await agent.next() == {"call": "dial", "args": ["+380441234567", None]}


async def test_agent_refusal_is_shown(agent: AgentProcess, env: dict[str, str]) -> None:
    assert (await softphone(env, "dial", "100"))[0] == 0
    await agent.next()
    code, out, err = await softphone(env, "sip:200@pbx.example")
    assert (code, out) == (1, "")
    assert err.strip() == "The agent did not dial 200: the agent is not available"


async def test_no_agent_running(env: dict[str, str]) -> None:
    code, out, err = await softphone(env, "dial", "0661234567")
    assert (code, out) == (1, "")
    assert err.startswith("No softphone agent is running for this user")
    assert "Traceback" not in err


async def test_a_link_that_is_no_number(env: dict[str, str]) -> None:
    code, _, err = await softphone(env, "sip:alice@example.com")
    assert code == 1 and "is not a phone number" in err and "Traceback" not in err


async def test_stale_discovery_file(env: dict[str, str]) -> None:
    run = Path(env["SOFTPHONE_RUNTIME_DIR"])
    run.mkdir(mode=0o700)
    (run / "agent.json").write_text('{"pid": 1, "port": 9, "token_from": {"env": "X"}}')
    code, _, err = await softphone(env | {"SOFTPHONE_API_TOKEN": "t"}, "dial", "123")
    assert code == 1 and err.startswith("No softphone agent is running")
