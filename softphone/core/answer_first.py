"""Answer first, tell afterwards: what waits while an auto-answer goes out.

The platform wants an announced call answered within a second, and the
bare phone sends its 200 OK 5-8 ms after the INVITE. Everything else the
session does on the same event -- building and serializing the snapshot for
the CRM, CTI events to every observer, the call-history commits to SQLite --
is worth nothing to the caller while the extension still rings, yet runs on
the same loop. So while an auto-answer is on its way out those deeds are
queued here, in order, and done as soon as the answer has been sent (or has
failed), or after ``bound_s`` at the latest, so a stuck answer never hides
the call from the CRM for long. The snapshot that announces a call to be
answered at once holds them too (briefly), since its INVITE is due any
moment: the agent must be free when it comes, not busy telling the CRM.
"""

from __future__ import annotations

from collections.abc import Callable

from softphone.core.agent_ports import Clock, Timer


class AnswerFirst:
    def __init__(self, clock: Clock, flush: Callable[[], None], *, bound_s: float = 1.0) -> None:
        """``flush`` runs after the queued deeds when something was held (the publish)."""
        self._clock = clock
        self._flush = flush
        self._bound_s = bound_s
        self._pending: list[Callable[[], None]] = []
        self._holds = 0
        self._round = 0
        self.dirty = False
        """Something asked to be published while held."""

    @property
    def holding(self) -> bool:
        return self._holds > 0

    def later(self, deed: Callable[[], None]) -> None:
        """Do ``deed`` now, or once the answer in flight is out."""
        if self._holds:
            self._pending.append(deed)
        else:
            deed()

    def hold(self, bound_s: float | None = None) -> Callable[[], None]:
        """Start holding; returns the release (idempotent), also due after ``bound_s``."""
        self._holds += 1
        released, round_ = False, self._round
        timer: Timer | None = None

        def release() -> None:
            nonlocal released
            if timer is not None:
                timer.cancel()
            if released or round_ != self._round:
                return  # released already, or given up on (sign-out)
            released = True
            self._holds -= 1
            if not self._holds:
                self._run()

        timer = self._clock.call_later(self._bound_s if bound_s is None else bound_s, release)
        return release

    def _run(self) -> None:
        pending, self._pending = self._pending, []
        for deed in pending:
            deed()
        if self.dirty:
            self.dirty = False
            self._flush()

    def close(self) -> None:
        """Do what waits now, whatever holds (sign-out: the history must not lose a write)."""
        self._holds = 0
        self._round += 1
        self._run()
