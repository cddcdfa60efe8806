"""The one ``softphone`` command; each sub-command lives in its own module.

Sub-command modules are imported lazily so that ``softphone --version`` and
``softphone phone`` do not pay for Qt or the simulator.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

from softphone import __version__

DESCRIPTION = "The desktop phone for Mediatel contact-center agents."

# name -> (module, help). Each module exposes ``add_arguments(parser)`` and
# ``run(args) -> int``.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "phone": ("softphone.cli.phone", "headless SIP phone, JSON lines in and out"),
    "sim": ("softphone.cli.sim", "Mediatel simulator with its SIP registrar"),
    "devices": ("softphone.cli.devices", "list the sound devices (names for --mic/--speaker)"),
    "dial": ("softphone.cli.dial", "dial a number in the running app (starting it if needed)"),
}

LINK_SCHEMES = ("tel:", "callto:", "sip:")
"""A first argument like these is a link opened with the app (the CRM's "call" links)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="softphone", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"softphone {__version__}")
    parser.add_argument(
        "--demo", action="store_true", help="run against the built-in Mediatel simulator"
    )
    parser.add_argument("--minimized", action="store_true", help="start in the tray (or minimised)")
    sub = parser.add_subparsers(dest="command")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text)
        sub_parser.set_defaults(_module=module_name)
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        module.add_arguments(sub_parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(argv) if argv is not None else None
    link = _link_argument(argv)
    args = parser.parse_args([a for a in (argv or []) if a != link] if link else argv)
    if link:
        args.request = [link]
    module_name = getattr(args, "_module", None)
    if module_name is None:
        # No sub-command: the desktop app (the demo, until the app can run the
        # simulator in-process, is the standalone simulator).
        if args.demo:
            # Until the desktop app exists, the demo is the standalone
            # simulator with its built-in SIP registrar, on its default ports.
            module_name = "softphone.cli.sim"
            args = parser.parse_args(["sim"])
        else:
            module_name = "softphone.cli.desktop"
    module = importlib.import_module(module_name)
    result: int = module.run(args)
    return result


def _link_argument(argv: list[str] | None) -> str | None:
    """A ``tel:``/``callto:``/``sip:`` link among the arguments, if any."""
    import sys

    for arg in argv if argv is not None else sys.argv[1:]:
        if arg.lower().startswith(LINK_SCHEMES):
            return arg
    return None
