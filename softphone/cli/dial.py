"""``softphone dial NUMBER`` (and ``softphone tel:...``): click-to-dial from anywhere.

Hands the number to the agent that is already running for this user —
the desktop app or ``softphone agent --headless`` — through its local
integration API; it never starts a phone of its own. Exit code 0 when the
agent took the call request, 1 with a sentence on stderr otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from softphone.core.cti_client import CtiClient, CtiClientError
from softphone.core.cti_discovery import DiscoveryError, read_discovery
from softphone.core.dial_target import dial_number

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


def run(args: argparse.Namespace) -> int:
    try:
        number = dial_number(args.number)
        ok, message = asyncio.run(_dial(number, args.queue, args.timeout))
    except (ValueError, DiscoveryError, CtiClientError) as exc:
        ok, message = False, str(exc)
    print(message, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1
