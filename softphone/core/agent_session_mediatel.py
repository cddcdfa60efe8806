"""Mediatel's half of the agent session: its events, and the agent state they carry.

A mixin of ``AgentSession`` (agent_session.py holds the session's life).
Every snapshot from Mediatel goes through ``_on_agent``, which feeds the
call tracker and each policy in turn (auto-answer, watchdog, clerical
reminder, registrar switching, next pause, screen pop) and tells the CRM
about the agent's state.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from softphone.core import sentences as S
from softphone.core.agent_snapshot import LinkState
from softphone.core.auto_answer import call_type_of
from softphone.core.cti_events import CtiEvent, CtiEventName
from softphone.core.gateway_refresh import GatewayRefresh, refused_by_gateway
from softphone.core.sentences import Sentence
from softphone.net.mediatel import (
    AgentState,
    CallCode,
    CallCodeDropped,
    CallFailed,
    Connected,
    Disconnected,
    LoginFailed,
    MediatelConfig,
    Reconnecting,
    State,
    StateChanged,
)
from softphone.net.mediatel.state import CALL_STATES

if TYPE_CHECKING:
    from softphone.core.agent_ports import Clock, MediatelPort, PhonePort
    from softphone.core.auto_answer import AutoAnswer
    from softphone.core.call_tracker import CallTracker
    from softphone.core.clerical_reminder import ClericalReminder
    from softphone.core.history import CallHistory
    from softphone.core.next_pause import NextPause
    from softphone.core.registrar_switch import RegistrarSwitch
    from softphone.core.screen_pop import ScreenPop
    from softphone.core.watchdog import RegistrationWatchdog

log = logging.getLogger(__name__)
#: How often, and how many times, a reconnecting Mediatel link is asked why it fails.
_GATEWAY_PROBE_S = 1.0
_GATEWAY_PROBES = 30


class MediatelSide:
    """Mixin of ``AgentSession``: everything Mediatel reports."""

    if TYPE_CHECKING:
        clock: Clock
        tracker: CallTracker
        auto_answer: AutoAnswer
        watchdog: RegistrationWatchdog
        registrars: RegistrarSwitch
        next_pause: NextPause
        reminder: ClericalReminder
        screen_pop: ScreenPop
        gateway: GatewayRefresh
        _gateway_watch: asyncio.Task[None] | None
        _mediatel: MediatelPort | None
        _history: CallHistory | None
        _agent: AgentState | None
        _phone: PhonePort | None
        _state_since: float | None
        _forced_reason: str | None
        _chosen: CallCode | None
        _notice: str | None

        def _publish(self) -> None: ...
        def _hold_for_invite(self) -> None: ...
        def _spawn(self, coro: Awaitable[Any]) -> None: ...
        async def _guard(self, coro: Awaitable[Any]) -> None: ...
        def _emit_cti(self, event: CtiEvent) -> None: ...
        def _port(self) -> MediatelPort: ...
        def _link(
            self,
            which: str,
            state: LinkState,
            reason: str | None = None,
            retry: float | None = None,
        ) -> None: ...

    # -- Mediatel events -------------------------------------------------------------

    async def _pump_mediatel(self, stream: Any) -> None:
        async for event in stream:
            try:
                self._on_mediatel(event)
            except Exception:
                log.exception("while handling %r", event)

    def _on_mediatel(self, event: object) -> None:
        match event:
            case StateChanged(new=new):
                self._on_agent(new)
            case Connected():
                self._link("_mediatel_link", LinkState.UP)
                self.gateway.recovered()
            case Reconnecting(retry_in=retry_in, reason=reason):
                self._link("_mediatel_link", LinkState.RECONNECTING, reason, retry_in)
                if self.gateway.wanted() and (
                    self._gateway_watch is None or self._gateway_watch.done()
                ):
                    self._gateway_watch = asyncio.ensure_future(self._watch_gateway())
            case Disconnected(reason=reason, final=False):
                self._link(
                    "_mediatel_link",
                    LinkState.RECONNECTING,
                    Sentence(S.DISCONNECTED, reason=reason),
                )
            case CallFailed(message=message, force_pause=forced):
                if forced:
                    self._forced_reason = message
                self._notice = message
            case CallCodeDropped(call_trace_id=trace, code_id=code_id):
                self._notice = self._dropped_code_notice(trace, code_id)
            case LoginFailed(message=message, automatic=True):
                self._link("_mediatel_link", LinkState.FAILED, message)
                self._notice = message
            case _:
                return
        self._publish()

    def _on_agent(self, new: AgentState) -> None:
        old = self._agent
        self._agent = new
        if old is None or old.state is not new.state:
            self._state_since = self.clock.time()
        # First: an INVITE waiting for this announcement is answered before anything else,
        # and one still on its way finds the session free (answer_first.py).
        call_type, asked = call_type_of(new.call_type), self.tracker.asked
        if self.auto_answer.answers_at_once(new.state, call_type, asked=asked):
            self._hold_for_invite()
        self.auto_answer.on_state(new.state, call_type, asked=asked)
        if new.state is not State.PAUSE:
            self._forced_reason = None
        if new.state is not State.CLERICAL:
            self._chosen = None
        if (
            new.state is State.CLERICAL
            and self.tracker.call is None
            and new.call_trace_id
            and self._history is not None
        ):
            record = self._history.find_by_trace(new.call_trace_id)
            if record is not None:  # restarted during after-call work
                self.tracker.resume(record, new)
                if record.call_code_id is not None:
                    self._chosen = new.call_code(record.call_code_id)
        was_live = self.tracker.live
        phone_call = self._phone.active_call if self._phone is not None else None
        if new.logged_in or not (was_live and phone_call == self.tracker.handle):
            # A socket that comes back logged out (before our automatic re-login) says
            # nothing about a call the phone still carries: the phone's word stands.
            self.tracker.on_agent(new)
        if self.tracker.live and new.state in CALL_STATES and self.tracker.call is not None:
            self.screen_pop.on_call(self.tracker.call.id, new)
        if was_live and not self.tracker.live and self._phone is not None:
            handle = self.tracker.handle or self._phone.active_call
            if handle is not None and self._phone.active_call == handle:
                self._spawn(self._guard(self._phone.hangup(handle)))
        self.watchdog.on_state(new)
        self.reminder.on_clerical(new.state is State.CLERICAL, self._chosen is not None)
        self.registrars.set_busy(self.tracker.live or new.state in CALL_STATES)
        due = self.next_pause.due(new)
        if due is not None:
            self._spawn(self._guard(self._port().pause(due.id)))
        if old is None or (old.state, old.status, old.pause_id) != (
            new.state,
            new.status,
            new.pause_id,
        ):
            self._emit_cti(
                CtiEvent(
                    CtiEventName.AGENT_STATE_CHANGE,
                    self.clock.time(),
                    self.tracker.call.id if self.tracker.call else None,
                    {
                        "state": new.state_name,
                        "status": new.status_name,
                        "pauseId": new.pause_id,
                        "pauseName": new.pause.name if new.pause else None,
                    },
                )
            )

    def _dropped_code_notice(self, trace: str, code_id: int) -> str:
        """Mediatel came back without the call in after-call work: the code chosen during
        the outage never reached it. Say so; the call's history keeps the code."""
        record = self._history.find_by_trace(trace) if self._history is not None else None
        name = record.call_code_name if record is not None else None
        code = f"“{name}”" if name else f"#{code_id}"
        return Sentence(S.CALL_CODE_DROPPED, code=code, trace=trace)

    async def _watch_gateway(self) -> None:
        """While Mediatel reconnects, ask its endpoint why (python-socketio does not say);
        the gateway's 401/403 re-provisions the token (gateway_refresh.py)."""
        client = self._mediatel
        config = getattr(client, "config", None)
        if client is None or not isinstance(config, MediatelConfig):
            return
        for _ in range(_GATEWAY_PROBES):
            await asyncio.sleep(_GATEWAY_PROBE_S)
            if client is not self._mediatel or client.connected:
                return
            from softphone.net.mediatel.diagnose import diagnose_connect  # only when it fails

            if refused_by_gateway(await diagnose_connect(config)):
                await self.gateway.refused("Mediatel")
                return

    async def _watchdog_pause(self, pause_id: int) -> None:
        self._notice = Sentence(S.PAUSED_AUTOMATICALLY, cause=self.watchdog.cause)
        await self._guard(self._port().pause(pause_id))
        self._publish()
