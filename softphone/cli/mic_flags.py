"""The microphone processing switches, one definition for every command that makes calls.

``softphone phone``, ``softphone agent --headless`` and the desktop app take
the same three flags. Each has a ``--no-`` form and defaults to "not given"
(None), so for the agent a flag only overrides the profile when it is typed;
``softphone phone`` has no profile and starts from ``MicProcessingConfig``'s
defaults (noise suppression and gain on, echo cancellation off).
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from softphone.media.config import MicProcessingConfig

KEYS = ("noise_suppression", "auto_gain", "echo_cancellation")
"""The flags' profile keys (``--no-auto-gain`` → ``auto_gain = false``)."""


def add_mic_arguments(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    flag = argparse.BooleanOptionalAction
    add(
        "--noise-suppression",
        action=flag,
        default=None,
        help="clean background noise from the microphone (default on)",
    )
    add(
        "--auto-gain",
        action=flag,
        default=None,
        help="bring a quiet or loud voice to a steady level (default on)",
    )
    add(
        "--echo-cancellation",
        action=flag,
        default=None,
        help="remove the speakers' sound from the microphone: for speakers, not a headset "
        "(default off)",
    )


def mic_overrides(args: argparse.Namespace) -> dict[str, str | None]:
    """The flags given, as profile values (None: not given)."""
    values: dict[str, str | None] = {}
    for key in KEYS:
        value = getattr(args, key, None)
        values[key] = None if value is None else str(value).lower()
    return values


def mic_config(args: argparse.Namespace, base: MicProcessingConfig) -> MicProcessingConfig:
    """``base`` with the flags given on top."""
    given = {key: getattr(args, key) for key in KEYS if getattr(args, key, None) is not None}
    return replace(base, **given)
