"""``softphone sim``: the Mediatel simulator, standalone, for demos, training and tests.

Prints where to connect, then serves until Ctrl-C (or SIGTERM).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from dataclasses import replace
from pathlib import Path

from softphone.sim.config import (
    ConfigError,
    Numbers,
    Reconnect,
    SimSettings,
    Spelling,
    Timings,
    load_agents,
)
from softphone.sim.server import MediatelSimulator


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8090, help="Mediatel (Socket.IO) port")
    parser.add_argument(
        "--sip-port",
        type=int,
        default=8091,
        help="SIP WebSocket port (used once the real telephony lands)",
    )
    parser.add_argument("--agents", type=Path, help="JSON file with agents (default: demo/demo)")
    parser.add_argument(
        "--spelling", choices=[s.value for s in Spelling], default=Spelling.LEGACY.value
    )
    parser.add_argument(
        "--numbers", choices=[n.value for n in Numbers], default=Numbers.AS_SEEN.value
    )
    parser.add_argument(
        "--reconnect", choices=[r.value for r in Reconnect], default=Reconnect.KEEP_LOGIN.value
    )
    parser.add_argument("--clerical-timeout", type=float, default=Timings.clerical_timeout)
    parser.add_argument("--answer-timeout", type=float, default=Timings.answer_timeout)
    parser.add_argument("--vouch-secret", help="require a VouchCookie signed with this secret")
    parser.add_argument("-v", "--verbose", action="store_true")


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = SimSettings(
            spelling=Spelling(args.spelling),
            numbers=Numbers(args.numbers),
            reconnect=Reconnect(args.reconnect),
            timings=replace(
                Timings(),
                clerical_timeout=args.clerical_timeout,
                answer_timeout=args.answer_timeout,
            ),
            vouch_secret=args.vouch_secret,
        )
        if args.agents is not None:
            settings = replace(settings, agents=load_agents(args.agents))
    except ConfigError as exc:
        print(f"softphone sim: {exc}", file=sys.stderr)
        return 2
    try:
        asyncio.run(_serve(settings, args.host, args.port, args.sip_port))
    except ConfigError as exc:
        print(f"softphone sim: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"softphone sim: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    return 0


async def _serve(settings: SimSettings, host: str, port: int, sip_port: int) -> None:
    sim = MediatelSimulator(settings)
    await sim.start(host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows
            loop.add_signal_handler(sig, stop.set)
    try:
        print(f"Mediatel: {sim.url}  (Socket.IO path /mediatel/socket.io)", flush=True)
        sip = sim.telephony.sip_url()
        if sip is not None:
            print(f"SIP WebSocket: {sip}", flush=True)
        else:
            print(
                f"SIP WebSocket: not yet (port {sip_port} reserved); "
                "extensions are simulated in-process and answer by themselves",
                flush=True,
            )
        for agent in settings.agents:
            print(
                f"agent: login {agent.login} password {agent.password} "
                f"extension {agent.extension} (SIP user {agent.sip_user})",
                flush=True,
            )
        print("Ctrl-C stops the simulator.", flush=True)
        await stop.wait()
    finally:
        await sim.aclose()
        print("simulator stopped", flush=True)
