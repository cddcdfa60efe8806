"""``softphone sim`` as its own process on fixed ports, so a test can kill it and start it again.

Why a process: the in-process simulator closes its sockets politely when it
stops; a Mediatel server that crashes or is restarted by its operator takes
its state and its sockets with it (both the Socket.IO and the SIP WebSocket
ends, the customer's media too). ``kill()`` is SIGKILL; ``start()`` again
listens on the same two ports with a fresh, empty state, as the real server
comes back. The customer side is driven through the admin API (``/sim/``).

    async with SimProcess(tmp_path) as sim:
        ... sim.mediatel_url, sim.ws_url ...
        await sim.kill(); await sim.start()

Every process it started is killed at ``aclose()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path
from typing import Any, Self

import aiohttp

from tests.peers.ports import LOOPBACK, free_port
from tests.peers.subprocess_env import softphone_env

START_WAIT_S = 30.0


class SimProcess:
    def __init__(self, directory: Path, *extra: str) -> None:
        self.port = free_port(udp=False)
        self.sip_port = free_port(udp=False)
        self.records = directory / "records"
        self.extra = extra
        self.proc: asyncio.subprocess.Process | None = None
        self.printed: list[str] = []
        self.starts = 0
        self._drain: asyncio.Task[None] | None = None

    @property
    def mediatel_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{LOOPBACK}:{self.sip_port}/ws"

    async def start(self) -> None:
        """Start it and wait until it says it serves (its last banner line)."""
        assert self.proc is None or self.proc.returncode is not None, "already running"
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "softphone", "sim",
            "--port", str(self.port), "--sip-port", str(self.sip_port),
            "--records-dir", str(self.records), *self.extra,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            env=softphone_env(),
        )  # fmt: skip
        self.starts += 1
        assert self.proc.stdout is not None
        async with asyncio.timeout(START_WAIT_S):
            while True:
                line = (await self.proc.stdout.readline()).decode()
                if not line:
                    code = await self.proc.wait()
                    raise RuntimeError(f"softphone sim exited ({code}): {self.printed[-10:]}")
                self.printed.append(line.rstrip())
                if line.startswith("Ctrl-C"):
                    break
        self._drain = asyncio.create_task(self._read_rest(self.proc.stdout))
        assert f"SIP WebSocket: {self.ws_url}" in "\n".join(self.printed), self.printed

    async def _read_rest(self, stream: asyncio.StreamReader) -> None:
        """Keep reading what it logs, so a full pipe never blocks it."""
        async for line in stream:
            self.printed.append(line.decode().rstrip())

    async def kill(self) -> None:
        """SIGKILL: no goodbye on any socket, every agent's state gone."""
        if self.proc is not None and self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
            await self.proc.wait()
        if self._drain is not None:
            await self._drain

    async def admin(self, action: str, **body: Any) -> Any:
        """POST ``/sim/<action>`` (inbound, hangup, drop) as a trainer would."""
        async with aiohttp.ClientSession() as http:
            url = f"{self.mediatel_url}/sim/{action}"
            async with http.post(url, json=body) as response:
                reply = await response.json()
                assert response.status == 200, reply
                return reply

    async def agents(self) -> list[dict[str, Any]]:
        url = f"{self.mediatel_url}/sim/agents"
        async with aiohttp.ClientSession() as http, http.get(url) as response:
            return list(await response.json())

    async def aclose(self) -> None:
        await self.kill()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
