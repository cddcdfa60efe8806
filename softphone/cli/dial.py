"""``softphone dial NUMBER``: the number goes to the running app's dial field.

With no app running, the app starts with the number filled in. The agent
still presses Call: a number from a link is never dialled unseen.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", help="the number to dial (spaces, dashes and brackets allowed)")


def run(args: argparse.Namespace) -> int:
    from softphone.cli import desktop

    args.request = ["dial", args.number]
    return desktop.run(args)
