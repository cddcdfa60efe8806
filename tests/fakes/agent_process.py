"""A stand-in agent process: ``FakeAgent`` behind the real integration API and
discovery file, for testing local clients (``softphone dial``) process to process.

    python -m tests.fakes.agent_process

Prints ``{"ready": PORT}`` once it listens, then every command the session
received as ``{"call": NAME, "args": [...]}``; exits on SIGTERM or closed stdin.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys

from softphone.core.cti_discovery import InstanceLock, api_token
from softphone.core.cti_server import CtiServer, CtiServerConfig
from tests.fakes.agent import signed_in_agent


async def main() -> int:
    lock = InstanceLock().acquire()
    agent = await signed_in_agent()
    token, source = api_token(None, lock.directory)
    server = CtiServer(agent, CtiServerConfig(token=token))
    await server.start()
    lock.publish(server.port, source)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_reader(sys.stdin.fileno(), lambda: stop.set() if not sys.stdin.readline() else None)
    agent.on_call = lambda name, args: print(
        json.dumps({"call": name, "args": list(args)}), flush=True
    )
    print(json.dumps({"ready": server.port}), flush=True)
    try:
        await stop.wait()
    finally:
        await server.aclose()
        lock.release()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
