"""Missed calls, counted on the window's History tab and the tray until the agent has looked.

The core counts every missed call; the UI remembers how many had been seen.
Kept apart from the history view: the count is shown all day, the view is
built only when the History tab is first opened.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class MissedCalls(QObject):
    """Missed calls not yet seen: the core's running count minus those already seen."""

    changed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._total = 0
        self._seen = 0

    @property
    def unseen(self) -> int:
        return max(0, self._total - self._seen)

    def set_total(self, total: int) -> None:
        """The snapshot's ``missed_calls`` (a new session may start again at 0)."""
        before = self.unseen
        if total < self._seen:
            self._seen = 0
        self._total = total
        if self.unseen != before:
            self.changed.emit(self.unseen)

    def mark_seen(self) -> None:
        if self.unseen:
            self._seen = self._total
            self.changed.emit(0)
