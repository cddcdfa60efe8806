"""``softphone`` with no sub-command: the desktop app (the window agents keep open)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable

from softphone.core.agent_api import AgentApi

SESSION_MODULE = "softphone.core.agent_session"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The app takes the top-level flags only (for now)."""


def session_factory(args: argparse.Namespace) -> Callable[[], AgentApi]:
    """How to build the agent session on the app's loop; fails before any window opens."""
    try:
        module = importlib.import_module(SESSION_MODULE)
    except ImportError as exc:
        raise RuntimeError("the agent core (AgentSession) is not part of this build") from exc
    session_class: Callable[[], AgentApi] = module.AgentSession
    return session_class


def run(args: argparse.Namespace) -> int:
    try:
        factory = session_factory(args)
    except RuntimeError as exc:
        print(f"softphone: {exc}", file=sys.stderr)
        return 2
    from softphone.ui.app import run_app

    request = list(getattr(args, "request", None) or [])
    if getattr(args, "minimized", False):
        request.append("--minimized")
    return run_app(factory, request=request)
