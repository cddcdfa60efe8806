"""Clerical reminder: nudge an agent who sits in after-call work without a code.

Per-agent settings (``ClericalReminder``, seconds) or the profile give the
time; the snapshot's ``ClericalView.reminder_due`` turns on when it passes and
the UI draws attention to the call codes. Choosing a code or leaving
after-call work ends it.
"""

from __future__ import annotations

from collections.abc import Callable

from softphone.core.agent_ports import Clock, Timer


class ClericalReminder:
    def __init__(self, clock: Clock, seconds: float | None, changed: Callable[[], None]) -> None:
        self.clock = clock
        self.seconds = seconds
        self._changed = changed
        self._timer: Timer | None = None
        self.reminder_at: float | None = None
        self.due = False

    def on_clerical(self, in_clerical: bool, code_chosen: bool) -> None:
        """Every snapshot: are we in after-call work, and is a code chosen?"""
        if in_clerical and not code_chosen:
            if self.reminder_at is None and self.seconds:
                self.reminder_at = self.clock.time() + self.seconds
                self._timer = self.clock.call_later(self.seconds, self._fire)
            return
        self.close()

    def _fire(self) -> None:
        self._timer = None
        self.due = True
        self._changed()

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.reminder_at = None
        self.due = False
