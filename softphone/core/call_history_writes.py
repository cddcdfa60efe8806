"""The call history written as a call goes, never at the call's expense.

The call tracker records a call at its first sign and each later fact as its
own write, so a crash loses nothing known. Each write is handed to ``defer``
(the session holds them while it answers a ringing call first), and one that
fails (a full disk, a locked database) is logged rather than raised: the call
itself must go on.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import Any

from softphone.core.call_records import CallRecord
from softphone.core.history import CallHistory

log = logging.getLogger(__name__)


class HistoryWrites:
    """Deferred, failure-proof writes to a :class:`CallHistory` (none when it is None)."""

    def __init__(
        self,
        history: CallHistory | None,
        defer: Callable[[Callable[[], None]], None] = lambda deed: deed(),
    ) -> None:
        self.history = history
        self._defer = defer

    @property
    def kept(self) -> bool:
        """Whether calls are recorded at all."""
        return self.history is not None

    def start(self, record: CallRecord) -> None:
        """A new call's first record."""
        history = self.history
        if history is None:
            return

        def write() -> None:
            try:
                history.start(record)
            except sqlite3.Error as exc:
                log.error("call history not written: %s", exc)

        self._defer(write)

    def update(self, call_id: str, **changes: Any) -> None:
        """A later fact of the call ``call_id``."""
        history = self.history
        if history is None:
            return

        def write() -> None:
            try:
                history.update(call_id, **changes)
            except sqlite3.Error as exc:
                log.error("call history not updated: %s", exc)

        self._defer(write)
