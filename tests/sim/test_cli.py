"""``softphone sim`` as a user runs it: a separate process, a URL, demo/demo, Ctrl-C."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from pathlib import Path

from softphone.net.mediatel import MediatelClient, MediatelConfig, State
from tests.peers.mediatel import WAIT

ROOT = Path(__file__).resolve().parents[2]


async def start(*args: str) -> tuple[asyncio.subprocess.Process, list[str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "softphone",
        "sim",
        "--port",
        "0",
        "--sip-port",
        "0",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    lines = []
    while not lines or not lines[-1].startswith("Ctrl-C"):
        line = await asyncio.wait_for(proc.stdout.readline(), WAIT)
        if not line:
            break
        lines.append(line.decode().strip())
    return proc, lines


async def test_sim_runs_standalone_and_demo_can_log_in() -> None:
    # In-process extensions answer by themselves; the SIP path: test_sip_telephony_cli.py.
    proc, lines = await start("--virtual-extensions")
    try:
        url = re.search(r"Mediatel: (http://\S+)", "\n".join(lines))
        assert url, lines
        assert any(line.startswith("SIP WebSocket:") for line in lines)
        assert any("login demo password demo extension 1001" in line for line in lines)
        client = MediatelClient(MediatelConfig(url.group(1), connect_timeout=WAIT))
        await client.connect()
        await client.login("demo", "demo", "1001")
        await client.wait_for(lambda s: s.state is State.IDLE, WAIT)
        await client.make_call("0661234567")
        await client.wait_for(lambda s: s.state is State.CALL_ACTIVE, WAIT)
        await client.aclose()
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = await asyncio.wait_for(proc.communicate(), WAIT)
    assert proc.returncode == 0, err.decode()
    assert "simulator stopped" in out.decode()
    assert "Traceback" not in err.decode()


async def test_agents_file_and_its_errors(tmp_path: Path) -> None:
    agents = tmp_path / "agents.json"
    agents.write_text(json.dumps([{"login": "mt_agent1", "password": "pw", "extension": "3444"}]))
    proc, lines = await start("--agents", str(agents))
    proc.send_signal(signal.SIGINT)
    await asyncio.wait_for(proc.communicate(), WAIT)
    assert any("login mt_agent1" in line for line in lines)

    agents.write_text("{oops")
    proc, _ = await start("--agents", str(agents))
    _, err = await asyncio.wait_for(proc.communicate(), WAIT)
    assert proc.returncode == 2
    assert "not valid JSON" in err.decode() and "Traceback" not in err.decode()
