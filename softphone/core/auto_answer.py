"""Auto-answer: only calls Mediatel announced, per call type, after a delay.

The INVITE (SIP WebSocket) and the ``data`` snapshot that announces it
(Mediatel's Socket.IO) travel on different sockets, so either may come
first. An announcement is the platform saying "a call is coming to your
extension now": the state STATE_CALL_DELIVERED, or STATE_MAKECALL_REQUEST
after the agent itself asked for a call. One announcement pairs with one
INVITE:

* announcement first: it is kept until the INVITE arrives;
* INVITE first: it rings and waits ``grace_s`` (default 2 s) for the
  announcement, then is handed back as unannounced.

An unannounced INVITE is never answered by itself: answering whatever rings
would let anyone who can reach the extension listen in on the agent.

While an announcement that is answered at once waits for its INVITE, the
policy says so (``armed``), so the phone can answer that INVITE straight from
its SIP event instead of waiting for this policy to hear of it; the arming
ends the moment the announcement is used up, withdrawn or the rules change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from softphone.core.agent_ports import Clock, Timer
from softphone.core.agent_snapshot import AutoAnswerView, CallType
from softphone.net.mediatel import State
from softphone.net.mediatel.state import CALL_STATES

#: Mediatel's ``callType`` codes (manual 1, inbound 2, predictive 3, as the simulator sends).
CALL_TYPE_CODES: Mapping[int, CallType] = MappingProxyType(
    {1: CallType.MANUAL, 2: CallType.INBOUND, 3: CallType.PREDICTIVE}
)


def call_type_of(code: int | None) -> CallType:
    return CALL_TYPE_CODES.get(code, CallType.OTHER) if code is not None else CallType.OTHER


@dataclass(frozen=True)
class AutoAnswerRules:
    """Which announced calls answer by themselves, and after how long."""

    enabled: bool = True
    """The agent's master switch."""
    by_type: Mapping[CallType, bool] = field(
        default_factory=lambda: MappingProxyType(dict.fromkeys(CallType, True))
    )
    delay_ms: int = 0
    from_server: bool = False

    def delay_for(self, call_type: CallType) -> int | None:
        """Milliseconds until an announced call of ``call_type`` is answered; None: never."""
        if not self.enabled or not self.by_type.get(call_type, False):
            return None
        return max(0, self.delay_ms)

    def view(self) -> AutoAnswerView:
        return AutoAnswerView(
            enabled=self.enabled,
            by_type=MappingProxyType({t: bool(self.by_type.get(t, False)) for t in CallType}),
            delay_ms=self.delay_ms,
            from_server=self.from_server,
        )


@dataclass
class _Waiting:
    handle: str
    timer: Timer


class AutoAnswer:
    """Pairs INVITEs with announcements and decides what each INVITE does.

    Callbacks (all synchronous; the session does the async work):
    ``answer(handle, call_type)`` when an announced call is due,
    ``scheduled(handle, call_type, at)`` when it will be answered at ``at`` (or None: the
    agent answers), ``unannounced(handle)`` when the grace ran out with no announcement,
    ``armed(True)`` when an announcement answered at once waits for its INVITE and
    ``armed(False)`` when it no longer does.
    """

    def __init__(
        self,
        clock: Clock,
        rules: AutoAnswerRules,
        *,
        answer: Callable[[str, CallType], None],
        scheduled: Callable[[str, CallType, float | None], None],
        unannounced: Callable[[str], None],
        armed: Callable[[bool], None] = lambda _armed: None,
        grace_s: float = 2.0,
    ) -> None:
        self.clock = clock
        self._rules = rules
        self._arm = armed
        self._armed = False
        self.grace_s = grace_s
        self._answer = answer
        self._scheduled = scheduled
        self._unannounced = unannounced
        self._announcing = False
        self._announcement: CallType | None = None
        self._waiting: _Waiting | None = None
        self._timers: dict[str, Timer] = {}

    @property
    def rules(self) -> AutoAnswerRules:
        return self._rules

    @rules.setter
    def rules(self, rules: AutoAnswerRules) -> None:
        self._rules = rules
        self._sync_arming()  # switched off (or delayed) while an announcement waits

    def _sync_arming(self) -> None:
        announced = self._announcement
        armed = announced is not None and self._rules.delay_for(announced) == 0
        if armed != self._armed:
            self._armed = armed
            self._arm(armed)

    def answers_at_once(self, state: State, call_type: CallType, *, asked: bool) -> bool:
        """Whether this snapshot newly announces a call that is answered at once (delay 0)."""
        if self._announcing:
            return False
        if state is State.MAKECALL_REQUEST and asked:
            call_type = CallType.MANUAL
        elif state is not State.CALL_DELIVERED:
            return False
        return self._rules.delay_for(call_type) == 0

    def on_state(self, state: State, call_type: CallType, *, asked: bool) -> None:
        """Every Mediatel snapshot: ``asked`` is True when the agent requested a call."""
        if state is State.CALL_DELIVERED or (state is State.MAKECALL_REQUEST and asked):
            if not self._announcing:
                self._announcing = True
                self._announce(CallType.MANUAL if state is State.MAKECALL_REQUEST else call_type)
            return
        if state not in CALL_STATES:
            self._announcing = False
            self._announcement = None
            self._sync_arming()

    def _announce(self, call_type: CallType) -> None:
        waiting = self._waiting
        if waiting is not None:
            waiting.timer.cancel()
            self._waiting = None
            self._decide(waiting.handle, call_type)
        else:
            self._announcement = call_type
            self._sync_arming()

    def on_invite(self, handle: str) -> None:
        if self._announcement is not None:
            call_type, self._announcement = self._announcement, None
            self._sync_arming()
            self._decide(handle, call_type)
            return
        if self._waiting is not None:  # a second unannounced INVITE: the first stays waiting
            self._unannounced(handle)
            return
        timer = self.clock.call_later(self.grace_s, lambda: self._grace_over(handle))
        self._waiting = _Waiting(handle, timer)

    def _grace_over(self, handle: str) -> None:
        if self._waiting is not None and self._waiting.handle == handle:
            self._waiting = None
            self._unannounced(handle)

    def _decide(self, handle: str, call_type: CallType) -> None:
        delay = self._rules.delay_for(call_type)
        if delay is None:
            self._scheduled(handle, call_type, None)
        elif delay == 0:  # answer first: the caller waits, the snapshot can
            self._answer(handle, call_type)
            self._scheduled(handle, call_type, self.clock.time())
        else:
            self._scheduled(handle, call_type, self.clock.time() + delay / 1000)
            self._timers[handle] = self.clock.call_later(
                delay / 1000, lambda: self._due(handle, call_type)
            )

    def _due(self, handle: str, call_type: CallType) -> None:
        if self._timers.pop(handle, None) is not None:
            self._answer(handle, call_type)

    def on_call_gone(self, handle: str) -> None:
        """The INVITE was answered by hand, cancelled or ended: forget it."""
        timer = self._timers.pop(handle, None)
        if timer is not None:
            timer.cancel()
        if self._waiting is not None and self._waiting.handle == handle:
            self._waiting.timer.cancel()
            self._waiting = None

    def close(self) -> None:
        self._announcement = None
        self._sync_arming()
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        if self._waiting is not None:
            self._waiting.timer.cancel()
            self._waiting = None
