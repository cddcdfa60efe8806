"""``softphone dial NUMBER`` (and ``softphone tel:...``): click-to-dial from anywhere.

The number goes to whatever already runs for this user, in this order:

1. the desktop app: its window comes up with the number in the dial field
   (the agent still presses Call: a number from a link is never dialled
   unseen);
2. the headless agent (``softphone agent --headless``): it dials through its
   local integration API;
3. nothing: a clicked ``tel:``/``sip:`` link starts the desktop app with the
   number filled in; a typed ``softphone dial`` says that no agent runs
   (exit 1).
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from softphone.core.cti_client import CtiClient, CtiClientError
from softphone.core.cti_discovery import DiscoveryError, read_discovery
from softphone.core.dial_target import dial_number, is_dial_link

NOT_RUNNING = (
    "No softphone agent is running for this user: start the softphone "
    "(or `softphone agent --headless`), sign in, then dial again."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", help="a phone number, or a tel: or sip: link")
    parser.add_argument("--queue", default=None, help="dial through this queue")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for the agent")


async def _dial(number: str, queue: str | None, timeout: float) -> tuple[bool, str]:
    agent = read_discovery()
    if agent is None:
        return False, NOT_RUNNING
    token = agent.token()
    try:
        client = await CtiClient.connect(agent.port, token, timeout=timeout)
    except CtiClientError as exc:
        return False, f"{NOT_RUNNING} ({exc})"
    try:
        args = {"number": number} | ({"queue": queue} if queue else {})
        reply = await client.request("makeCall", timeout=timeout, **args)
    finally:
        await client.aclose()
    if reply.get("ok"):
        return True, f"Dialling {number}."
    return False, f"The agent did not dial {number}: {reply.get('error')}"


def _desktop_app_took(number: str) -> bool:
    """True when a running desktop app took the number (its window is up)."""
    try:
        from softphone.ui.app import forward_to_running
    except ImportError:  # an installation without Qt: only the headless agent
        return False
    return forward_to_running(["dial", number])


def run(args: argparse.Namespace) -> int:
    try:
        number = dial_number(args.number)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if _desktop_app_took(number):
        print(f"The softphone window shows {number}.")
        return 0
    try:
        ok, message = asyncio.run(_dial(number, args.queue, args.timeout))
    except (DiscoveryError, CtiClientError) as exc:
        ok, message = False, str(exc)
    if not ok and message.startswith(NOT_RUNNING) and is_dial_link(args.number):
        from softphone.cli import desktop  # a clicked link opens the app, number filled in

        args.request = ["dial", number]
        return desktop.run(args)
    print(message, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1
