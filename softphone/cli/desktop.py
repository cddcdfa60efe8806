"""``softphone`` with no sub-command: the desktop app (the window agents keep open)."""

from __future__ import annotations

import argparse
import sys

from softphone.core.agent_api import AgentApi


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The app takes the top-level flags only (for now)."""


def make_session(args: argparse.Namespace) -> AgentApi:
    """The real agent session for the app's loop."""
    try:
        from softphone.core.agent_session import AgentSession
    except ImportError as exc:
        raise RuntimeError("the agent core (AgentSession) is not part of this build") from exc
    session: AgentApi = AgentSession()
    return session


def run(args: argparse.Namespace) -> int:
    from softphone.ui.app import run_app

    try:
        request = list(getattr(args, "request", None) or [])
        if getattr(args, "minimized", False):
            request.append("--minimized")
        return run_app(lambda: make_session(args), request=request)
    except RuntimeError as exc:
        print(f"softphone: {exc}", file=sys.stderr)
        return 2
