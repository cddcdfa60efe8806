"""``softphone agent --headless``: the whole agent without Qt, for integrators and automation.

Signs in (Mediatel, the extension, the agent), serves the local integration
API (docs/cti-api.md) and prints every CTI event as one JSON object per
line on stdout — the same objects the API sends — so a script can follow
the agent with nothing but a pipe. Human messages and logs go to stderr.
SIGINT/SIGTERM sign out cleanly (log out, unregister, disconnect) before
exiting.

Exit codes: 0 after a clean stop, 1 when sign-in fails or another agent is
already running for this user, 2 for bad settings.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from typing import Any, TextIO

from softphone.cli.agent_settings import (
    AgentPlan,
    SettingsError,
    add_settings_arguments,
    build_from_args,
)
from softphone.core.agent_api import SignInRequest
from softphone.core.agent_commands import AgentError, SignInError
from softphone.core.agent_session import AgentSession
from softphone.core.cti_discovery import DiscoveryError
from softphone.core.cti_events import CtiEvent
from softphone.core.cti_host import integration_api
from softphone.core.cti_json import dumps, to_json_value
from softphone.logs import log_to_stderr

log = logging.getLogger("softphone.agent")
SIGN_OUT_TIMEOUT_S = 20.0


class JsonEvents:
    """CTI events as JSON lines (flushed each, so a pipe sees them at once)."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def write(self, message: dict[str, Any]) -> None:
        self._out.write(dumps(message) + "\n")
        self._out.flush()

    def cti(self, event: CtiEvent) -> None:
        self.write(to_json_value(event.to_json()))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--headless",
        action="store_true",
        help="run without a window (required: the desktop app is plain `softphone`)",
    )
    add_settings_arguments(parser)
    parser.add_argument("--log-level", default="WARNING", help="stderr log level")


async def serve(plan: AgentPlan, out: JsonEvents, err: TextIO) -> int:
    """API up → sign in → wait for a signal → sign out → API down."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for sig in signals:
        with contextlib.suppress(NotImplementedError):  # Windows: KeyboardInterrupt instead
            loop.add_signal_handler(sig, stop.set)
    session = plan.make_session()
    unsubscribe = session.subscribe_cti(out.cti)
    try:
        async with integration_api(
            session,
            port=plan.api_port,
            token=plan.api_token,
            login=plan.login,
            origins=plan.api_origins,
        ) as server:
            out.write({"event": "apiReady", "url": server.url, "port": server.port})
            print(f"integration API: {server.url}?token=…", file=err, flush=True)
            return await _signed_in(session, plan.request, stop, out, err)
    except (DiscoveryError, OSError) as exc:
        print(f"softphone agent: {exc}", file=err)
        return 1
    finally:
        unsubscribe()
        for sig in signals:
            with contextlib.suppress(NotImplementedError):
                loop.remove_signal_handler(sig)


async def _signed_in(
    session: AgentSession,
    request: SignInRequest,
    stop: asyncio.Event,
    out: JsonEvents,
    err: TextIO,
) -> int:
    try:
        await session.sign_in(request)
    except SignInError as exc:
        out.write({"event": "signInFailed", "field": str(exc.field), "error": exc.message})
        print(f"softphone agent: sign-in failed: {exc.message}", file=err)
        return 1
    print(f"signed in as {request.login} on extension {request.extension}", file=err)
    await stop.wait()
    print("signing out…", file=err, flush=True)
    try:
        await asyncio.wait_for(session.sign_out(), SIGN_OUT_TIMEOUT_S)
    except (TimeoutError, AgentError) as exc:
        print(f"softphone agent: sign-out did not finish: {exc or 'timed out'}", file=err)
        return 1
    if session.snapshot.notice:  # e.g. after-call work ended without a call code
        print(f"softphone agent: {session.snapshot.notice}", file=err)
    return 0


def run(args: argparse.Namespace) -> int:
    log_to_stderr(args.log_level)
    if not args.headless:
        print(
            "softphone agent: only --headless is here; the desktop app starts with `softphone`",
            file=sys.stderr,
        )
        return 2
    try:
        plan = build_from_args(args)
    except SettingsError as exc:
        print(f"softphone agent: {exc}", file=sys.stderr)
        return 2
    out = JsonEvents(sys.stdout)
    try:
        return _run_loop(serve(plan, out, sys.stderr))
    except KeyboardInterrupt:
        return 130


def _run_loop(main: Any) -> int:
    """uvloop where installed: the agent spends its time in per-packet callbacks."""
    try:
        import uvloop
    except ImportError:
        return int(asyncio.run(main))
    return int(uvloop.run(main))
