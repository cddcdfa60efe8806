"""Controls that follow what the platform allows now.

A view binds each button or action to the command it sends (or to a function
that picks one, for toggles such as hold/unhold); ``render`` then enables it
only when ``snapshot.can(command)`` and puts ``snapshot.why_not(command)`` in
its tooltip, so a greyed button always says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from softphone.core.agent_commands import AgentCommand
from softphone.core.agent_snapshot import AgentSnapshot
from softphone.ui.views import text

Picker = Callable[[AgentSnapshot], AgentCommand]


def hold_command(snapshot: AgentSnapshot) -> AgentCommand:
    """The hold button sends unhold while the call is on hold."""
    on_hold = snapshot.call is not None and snapshot.call.on_hold
    return AgentCommand.UNHOLD if on_hold else AgentCommand.HOLD


def mute_command(snapshot: AgentSnapshot) -> AgentCommand:
    muted = snapshot.call is not None and snapshot.call.muted
    return AgentCommand.UNMUTE if muted else AgentCommand.MUTE


@dataclass
class Binding:
    target: QWidget | QAction
    pick: Picker
    help: Callable[[AgentCommand], str]
    """The tooltip while allowed (what it does, and its key)."""
    extra_check: Callable[[AgentSnapshot], str | None] | None = None
    """A view's own reason to stay disabled (an empty number field)."""


def _always(command: AgentCommand) -> Picker:
    return lambda _snapshot: command


def _text(words: str) -> Callable[[AgentCommand], str]:
    return lambda _command: words


def unavailable(reason: str) -> str:
    return QCoreApplication.translate("Commands", "Not available: {reason}").format(reason=reason)


class CommandTargets:
    """The command-bound controls of one view."""

    def __init__(self) -> None:
        self.bindings: list[Binding] = []

    def bind(
        self,
        target: QWidget | QAction,
        command: AgentCommand | Picker,
        help: str | Callable[[AgentCommand], str],
        extra_check: Callable[[AgentSnapshot], str | None] | None = None,
    ) -> None:
        pick = _always(command) if isinstance(command, AgentCommand) else command
        describe = _text(help) if isinstance(help, str) else help
        self.bindings.append(Binding(target, pick, describe, extra_check))

    def present(self, snapshot: AgentSnapshot) -> None:
        for binding in self.bindings:
            command = binding.pick(snapshot)
            reason = text.why_not(snapshot, command)
            if reason is None and binding.extra_check is not None:
                reason = binding.extra_check(snapshot)
            allowed = reason is None
            binding.target.setEnabled(allowed)
            tip = binding.help(command) if allowed else unavailable(reason or "")
            binding.target.setToolTip(tip)
            if isinstance(binding.target, QAction):
                binding.target.setStatusTip(tip)
