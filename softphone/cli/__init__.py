"""The one ``softphone`` command; each sub-command lives in its own module.

Sub-command modules are imported lazily, only the one that runs (its options
too: a sub-command's parser is filled in only when it is named), so that
``softphone --version`` starts in a fraction of a second and ``softphone
phone`` does not pay for Qt or the simulator.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from softphone import __version__
from softphone.core.dial_target import is_dial_link
from softphone.memory import limit_process_memory

DESCRIPTION = "The desktop phone for Mediatel contact-center agents."

# name -> (module, help). Each module exposes ``add_arguments(parser)`` and
# ``run(args) -> int``.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "phone": ("softphone.cli.phone", "headless SIP phone, JSON lines in and out"),
    "sim": ("softphone.cli.sim", "Mediatel simulator with its SIP registrar"),
    "devices": ("softphone.cli.devices", "list the sound devices (names for --mic/--speaker)"),
    "agent": ("softphone.cli.agent", "the whole agent without a window: CTI API + JSON events"),
    "dial": ("softphone.cli.dial", "hand a number (or tel:/sip: link) to the running app or agent"),
}


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 5 <= value <= 86_400:
        raise argparse.ArgumentTypeError("must be between 5 and 86400 seconds")
    return value


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line; only ``command``'s own options are loaded (its module imported)."""
    parser = argparse.ArgumentParser(prog="softphone", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"softphone {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="try the app without an account: signs in as a demo agent to a simulator "
        "started inside the app",
    )
    parser.add_argument(
        "--training",
        type=_seconds,
        metavar="SECONDS",
        help="with --demo: a simulated customer calls in every SECONDS",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this PC (sound devices, keyring, API port, a call through the simulator) "
        "and exit 0, or 1 naming what failed",
    )
    parser.add_argument("--minimized", action="store_true", help="start in the tray (or minimised)")
    if command is None:  # the desktop app: the headless agent's settings flags
        importlib.import_module("softphone.cli.desktop").add_arguments(parser)
    sub = parser.add_subparsers(dest="command")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text)
        sub_parser.set_defaults(_module=module_name)
        if name != command:
            continue
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        module.add_arguments(sub_parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    limit_process_memory()  # before any thread starts or numpy is imported
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and is_dial_link(argv[0]):
        # The OS hands a clicked tel:/sip: link over as the only argument.
        argv = ["dial", *argv]
    parser = build_parser(next((a for a in argv if a in SUBCOMMANDS), None))
    args = parser.parse_args(argv)
    module_name = getattr(args, "_module", None)
    if module_name is None:
        if args.training is not None and not args.demo:
            parser.error("--training goes with --demo")
        if args.self_test:
            module_name = "softphone.cli.selftest"
        elif args.demo:
            module_name = "softphone.cli.demo"
        else:  # no sub-command: the desktop app
            module_name = "softphone.cli.desktop"
    del parser  # its option tables would otherwise stay in memory while the app runs
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:  # a broken or partial installation: a sentence, not a traceback
        print(f"softphone: this installation is incomplete ({exc}); reinstall it", file=sys.stderr)
        return 1
    result: int = module.run(args)
    return result
