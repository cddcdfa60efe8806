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
from softphone.sim.records import RECORD_PATH
from softphone.sim.server import MediatelSimulator
from softphone.sim.sip_telephony import (
    ExternalServer,
    SipListenError,
    SipTelephony,
    SipTelephonyConfig,
    sip_account,
)
from softphone.sim.telephony import Telephony, VirtualTelephony


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8090, help="Mediatel (Socket.IO) port")
    parser.add_argument(
        "--sip-port",
        type=int,
        default=8091,
        help="SIP WebSocket port of the built-in registrar (0: any free port)",
    )
    parser.add_argument("--sip-realm", help="SIP domain and digest realm (default: --host)")
    parser.add_argument(
        "--sip-server",
        metavar="URL",
        help="call agents through this SIP server (ws:// or wss://) instead of the built-in "
        "registrar; needs --sip-user and --sip-password",
    )
    parser.add_argument("--sip-user", help="the simulator's own SIP user on --sip-server")
    parser.add_argument("--sip-password", help="its password")
    parser.add_argument("--sip-domain", help="the agents' SIP domain there (default: its host)")
    parser.add_argument(
        "--records-dir", type=Path, help="keep call recordings here (default: a temp dir)"
    )
    parser.add_argument(
        "--virtual-extensions",
        action="store_true",
        help="no SIP: extensions are simulated in-process and answer by themselves",
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
        telephony = _telephony(args, settings)
    except ConfigError as exc:
        print(f"softphone sim: {exc}", file=sys.stderr)
        return 2
    try:
        asyncio.run(_serve(settings, args.host, args.port, telephony))
    except ConfigError as exc:
        print(f"softphone sim: {exc}", file=sys.stderr)
        return 2
    except SipListenError as exc:
        print(f"softphone sim: {exc.strerror}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"softphone sim: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    return 0


def _telephony(args: argparse.Namespace, settings: SimSettings) -> Telephony:
    """The built-in registrar by default (the demo needs no Kamailio), or the options' choice."""
    if args.virtual_extensions:
        return VirtualTelephony()
    external = None
    if args.sip_server:
        if not args.sip_server.startswith(("ws://", "wss://")):
            raise ConfigError(f"--sip-server must be a ws:// or wss:// URL: {args.sip_server!r}")
        if not args.sip_user:
            raise ConfigError("--sip-server needs --sip-user (and --sip-password)")
        external = ExternalServer(
            args.sip_server, args.sip_user, args.sip_password or "", args.sip_domain
        )
    config = SipTelephonyConfig(
        host=args.host,
        port=args.sip_port,
        realm=args.sip_realm,
        records_dir=args.records_dir,
        external=external,
        vouch_secret=settings.vouch_secret,
    )
    return SipTelephony(settings.agents, config)


async def _serve(settings: SimSettings, host: str, port: int, telephony: Telephony) -> None:
    sim = MediatelSimulator(settings, telephony)
    if isinstance(telephony, SipTelephony):
        telephony.records.add_routes(sim.app)  # where the HES serves recordings
    try:
        await sim.start(host, port)
    except BaseException:
        await sim.aclose()  # the SIP side may be up already
        raise
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows
            loop.add_signal_handler(sig, stop.set)
    try:
        print(f"Mediatel: {sim.url}  (Socket.IO path /mediatel/socket.io)", flush=True)
        sip = telephony.sip_url()
        if isinstance(telephony, SipTelephony) and sip is not None:
            if telephony.external is not None:
                print(f"SIP WebSocket: {sip}  (external server; agents register there)", flush=True)
            else:
                print(f"SIP WebSocket: {sip}  (realm {telephony.realm})", flush=True)
            print(
                f"recordings: {telephony.records.directory}  "
                f"({sim.url}{RECORD_PATH}?calltraceID=<id>)",
                flush=True,
            )
        else:
            print(
                "SIP WebSocket: none; extensions are simulated in-process and answer by themselves",
                flush=True,
            )
        for agent in settings.agents:
            sip_user, sip_password = sip_account(agent)
            print(
                f"agent: login {agent.login} password {agent.password} "
                f"extension {agent.extension} (SIP user {sip_user} password {sip_password})",
                flush=True,
            )
        print("Ctrl-C stops the simulator.", flush=True)
        await stop.wait()
    finally:
        await sim.aclose()
        print("simulator stopped", flush=True)
