"""Global shortcuts from the settings onto the desktop, and their presses onto the window's actions.

A press triggers the same ``QAction`` the window's own shortcut does, so it
goes through the same controller path and does nothing while the snapshot
disables the action (no call to hang up, nothing ringing to answer). The
backend is made only when the agent turns global shortcuts on (nothing is
grabbed, no X or D-Bus connection opened, before that) and gives every key
back when they are turned off or the app quits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction

from softphone.ui.settings.store import UiSettings
from softphone.ui.shortcuts import GLOBAL_KEYS, Shortcut

if TYPE_CHECKING:
    from softphone.ui.global_keys.base import HotkeysBase, Registration

logger = logging.getLogger(__name__)

PROBE = "probe"
"""The name a key is registered under while the settings page checks it."""


class GlobalShortcuts(QObject):
    changed = Signal()
    """The registrations changed: applied, or the desktop answered later (portal)."""

    def __init__(
        self,
        settings: UiSettings,
        actions: Mapping[Shortcut, QAction],
        *,
        factory: Callable[[QObject], HotkeysBase] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.actions = {name: actions[name] for name in GLOBAL_KEYS if name in actions}
        self._factory = factory
        self._backend: HotkeysBase | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.settings.get("global_shortcuts/enabled"))

    def backend(self) -> HotkeysBase:
        if self._backend is None:
            if self._factory is None:
                # Imported here: global shortcuts are off by default, and the backends,
                # their key tables and the chord parser load when the agent turns them on.
                from softphone.ui.global_keys import make_global_hotkeys

                self._factory = make_global_hotkeys
            self._backend = self._factory(self)
            self._backend.pressed.connect(self._pressed)
            self._backend.changed.connect(self.changed)
        return self._backend

    def unavailable_reason(self) -> str:
        return self.backend().unavailable_reason()

    def apply(self) -> dict[Shortcut, Registration]:
        """Register the saved keys (or give them all back when switched off)."""
        if not self.enabled:
            self.close()
            self.changed.emit()
            return {}
        backend = self.backend()
        for shortcut in GLOBAL_KEYS:  # all released first: keys swapped between actions
            backend.unregister(shortcut.value)
        results = {}
        for shortcut in GLOBAL_KEYS:
            sequence = str(self.settings.get(f"global_shortcuts/{shortcut.value}"))
            results[shortcut] = backend.register(shortcut.value, sequence)
            if not results[shortcut].ok:
                logger.info("global shortcut %s: %s", sequence, results[shortcut].sentence)
        self.changed.emit()
        return results

    def problems(self) -> list[str]:
        """The sentences of the keys not held (each once)."""
        return list(dict.fromkeys(r.sentence for r in self.registrations().values() if not r.ok))

    def registrations(self) -> dict[Shortcut, Registration]:
        if self._backend is None:
            return {}
        return {
            Shortcut(name): registration
            for name, registration in self._backend.registrations().items()
            if name != PROBE
        }

    def check(self, shortcut: Shortcut, sequence: str) -> Registration:
        """Could ``sequence`` be had now? (What this app holds for ``shortcut`` counts as free.)"""
        held = self.registrations().get(shortcut)
        if held is not None and held.sequence == sequence and held.ok:
            return held
        from softphone.ui.global_keys.base import Outcome, Registration

        backend = self.backend()
        if not backend.can_check:  # the desktop decides, and asks the user (portal)
            return Registration(shortcut.value, sequence, Outcome.REQUESTED)
        result = backend.register(PROBE, sequence)  # another of our keys counts as taken
        backend.unregister(PROBE)
        return Registration(shortcut.value, sequence, result.outcome, result.sentence)

    def close(self) -> None:
        """Give every key back and drop the backend's connection (a new one if turned on again)."""
        if self._backend is not None:
            self._backend.close()
            self._backend.deleteLater()
            self._backend = None

    def _pressed(self, name: str) -> None:
        if name == PROBE:
            return
        action = self.actions.get(Shortcut(name))
        if action is not None and action.isEnabled():
            action.trigger()
