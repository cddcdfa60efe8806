"""Registration watchdog: never sit "available" with a dead extension.

Mediatel hands calls to an available agent whether or not its SIP extension
is registered; a call to a dead extension rings nowhere and ends in Force
Pause after the customer already waited. So when the extension has been
unregistered for ``grace_s`` (15 s) while the agent is available, the
watchdog pauses the agent with a configured reason, and lifts exactly that
pause when the extension is back. A pause the agent (or the platform) chose
is never undone: the watchdog remembers the pause it made and resumes only
if the agent is still in it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from softphone.core import sentences as S
from softphone.core.agent_ports import Clock, Timer
from softphone.core.sentences import Sentence
from softphone.net.mediatel import AgentState, Pause, State

DEFAULT_PAUSE_NAME = "technical error"
AVAILABLE_STATES = frozenset({State.IDLE, State.MAKECALL_FAILED})


def choose_pause(pauses: Sequence[Pause], wanted: str | int | None = None) -> Pause | None:
    """The configured pause (id or name), else one named like "Technical Error", else the first."""
    if wanted is not None:
        for pause in pauses:
            if str(pause.id) == str(wanted) or pause.name.casefold() == str(wanted).casefold():
                return pause
    for pause in pauses:
        if DEFAULT_PAUSE_NAME in pause.name.casefold():
            return pause
    return pauses[0] if pauses else None


class RegistrationWatchdog:
    """Feed it every registration change and every Mediatel snapshot.

    ``pause(p)`` and ``resume()`` are called (synchronously) when it acts;
    the session sends the commands. ``paused`` is the pause it made, if any.
    """

    def __init__(
        self,
        clock: Clock,
        *,
        pause: Callable[[Pause], None],
        resume: Callable[[], None],
        grace_s: float = 15.0,
        wanted: str | int | None = None,
    ) -> None:
        self.clock = clock
        self.grace_s = grace_s
        self.wanted = wanted
        self._pause = pause
        self._resume = resume
        self._registered = False
        self._agent: AgentState | None = None
        self._timer: Timer | None = None
        self.paused: Pause | None = None
        self._confirmed = False
        self.down_since: float | None = None

    @property
    def cause(self) -> str:
        return Sentence(S.WATCHDOG_CAUSE, seconds=f"{self.grace_s:g}")

    def on_registration(self, registered: bool) -> None:
        self._registered = registered
        if registered:
            self.down_since = None
        elif self.down_since is None:
            self.down_since = self.clock.time()
        self._check()

    def on_state(self, agent: AgentState | None) -> None:
        self._agent = agent
        if self.paused is not None:
            ours = (
                agent is not None
                and agent.state is State.PAUSE
                and agent.pause_id == self.paused.id
            )
            if ours:
                self._confirmed = True
            elif self._confirmed or agent is None or agent.state not in AVAILABLE_STATES:
                # The agent left (or changed) our pause, or it never took: not ours now.
                self.paused = None
                self._confirmed = False
        self._check()

    def _check(self) -> None:
        if self._registered:
            self._cancel()
            if self.paused is not None and self._confirmed:
                self.paused = None
                self._confirmed = False
                self._resume()
            return
        agent = self._agent
        available = agent is not None and agent.state in AVAILABLE_STATES
        if not available:
            self._cancel()
        elif self._timer is None and self.paused is None:
            waited = self.clock.time() - (self.down_since or self.clock.time())
            self._timer = self.clock.call_later(max(0.0, self.grace_s - waited), self._fire)

    def _fire(self) -> None:
        self._timer = None
        agent = self._agent
        if self._registered or agent is None or agent.state not in AVAILABLE_STATES:
            return
        pause = choose_pause(agent.pause_list, self.wanted)
        if pause is not None:
            self.paused = pause
            self._pause(pause)

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def close(self) -> None:
        self._cancel()
