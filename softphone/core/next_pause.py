"""Next state: a pause chosen during a call or after-call work waits its turn.

An agent who knows they need a break picks it while still talking; the
platform cannot pause a call, so the choice is queued (and shown as queued)
and sent as soon as the platform allows it — once the call code is set and
the agent is back to available — unless the agent cancels it first. If the
platform applies a pause of its own meanwhile, the queued one is dropped.
"""

from __future__ import annotations

from softphone.net.mediatel import AgentState, Command, Pause, State
from softphone.net.mediatel.state import CALL_STATES

#: While in these states a chosen pause is queued rather than sent.
QUEUE_STATES = frozenset(CALL_STATES | {State.CLERICAL, State.MAKECALL_REQUEST})
APPLY_STATES = frozenset({State.IDLE, State.MAKECALL_FAILED})


class NextPause:
    def __init__(self) -> None:
        self.queued: Pause | None = None

    @staticmethod
    def must_queue(agent: AgentState) -> bool:
        return agent.state in QUEUE_STATES

    def choose(self, pause: Pause) -> None:
        self.queued = pause

    def cancel(self) -> bool:
        had, self.queued = self.queued is not None, None
        return had

    def due(self, agent: AgentState) -> Pause | None:
        """The pause to send now (and forget), if the platform allows it in ``agent``."""
        if self.queued is None:
            return None
        if agent.state is State.PAUSE or agent.state is State.LOGOUT:
            self.queued = None  # the platform paused (or logged out) the agent itself
            return None
        if agent.state in APPLY_STATES and agent.can(Command.PAUSE):
            pause, self.queued = self.queued, None
            return pause
        return None
