"""``softphone sim`` and ``softphone phone`` as a trainer runs them: two processes,
the phone pointed at the URL and realm the simulator printed, no Kamailio."""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from pathlib import Path

from softphone.net.mediatel import MediatelClient, MediatelConfig, State
from tests.cli.test_phone_cli import CliPhone
from tests.peers.mediatel import WAIT
from tests.peers.subprocess_env import softphone_env


async def start_sim(*args: str) -> tuple[asyncio.subprocess.Process, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "softphone", "sim", "--port", "0", "--sip-port", "0", *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=softphone_env(),
    )  # fmt: skip
    assert proc.stdout is not None
    lines: list[str] = []
    while not lines or not lines[-1].startswith("Ctrl-C"):
        line = await asyncio.wait_for(proc.stdout.readline(), WAIT)
        if not line:
            break
        lines.append(line.decode().strip())
    return proc, "\n".join(lines)


async def test_cli_phone_registers_to_cli_sim_and_takes_a_call(tmp_path: Path) -> None:
    sim, printed = await start_sim("--records-dir", str(tmp_path))
    phones: list[CliPhone] = []
    try:
        mediatel = re.search(r"Mediatel: (http://\S+)", printed)
        sip = re.search(r"SIP WebSocket: (ws://\S+)\s+\(realm (\S+)\)", printed)
        assert mediatel and sip, printed
        ws_url, realm = sip.groups()

        def phone(password: str) -> CliPhone:
            cli = CliPhone(
                "--ws", ws_url, "--user", "1001", "--password", password, "--realm", realm,
                "--no-audio-device", "--auto-answer", "0",
            )  # fmt: skip
            phones.append(cli)
            return cli

        wrong = await phone("wrong").start()
        failed = await wrong.wait_for("registration_failed", timeout=WAIT, code=403)
        assert "password" in failed["reason"]
        assert await wrong.quit() == 0

        agent = await phone("1001").start()
        await agent.wait_for("registered", timeout=WAIT)
        client = MediatelClient(MediatelConfig(mediatel.group(1), connect_timeout=WAIT))
        try:
            await client.connect()
            await client.login("demo", "demo", "1001")
            await client.wait_for(lambda s: s.state is State.IDLE, WAIT)
            await client.make_call("0661234567")
            active = await client.wait_for(lambda s: s.state is State.CALL_ACTIVE, WAIT)
            await agent.wait_for("media_started", timeout=WAIT, codec="PCMA/8000")
            await client.close_call()
            await agent.wait_for("call_ended", timeout=WAIT, by="remote")
            await client.wait_for(lambda s: s.state is State.CLERICAL, WAIT)
        finally:
            await client.aclose()
        assert await agent.quit() == 0
        assert (tmp_path / f"{active.call_trace_id}.wav").is_file()
    finally:
        for cli in phones:
            if cli.proc is not None and cli.proc.returncode is None:
                cli.proc.kill()
                await cli.proc.wait()
        sim.send_signal(signal.SIGINT)
        out, err = await asyncio.wait_for(sim.communicate(), WAIT)
    assert sim.returncode == 0, err.decode()
    assert "simulator stopped" in out.decode() and "Traceback" not in err.decode()
