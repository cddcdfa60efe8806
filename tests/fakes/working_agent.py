"""``FakeAgent`` that acts like a session: an in-memory ``AgentApi`` for the integration API.

Beside ``tests/fakes/agent.py`` (the UI's scripted fake: tests publish the
exact snapshots a screen must show), this one *behaves*: commands change its
state the way ``AgentSession`` would, so a CRM client can run a whole call.

The UI and the integration API only see ``AgentApi``; this fake implements
it faithfully enough that a screen or a CRM can follow a whole call — sign
in, dial, the platform connects, hang up, after-call work, call code, back
to available — with the refusals a real session gives (``CommandRefused``
with a sentence) and the CTI events in the order the session emits them.

Tests drive the platform's side with ``connect_call()``, ``remote_hangup()``,
``publish()`` and ``emit()``; ``refuse``/``fail`` make any command raise; every
command received is logged in ``calls`` (name, args) for assertions.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from softphone.core.agent_api import SignInRequest, Unsubscribe
from softphone.core.agent_commands import AgentCommand, CommandFailed, CommandRefused
from softphone.core.agent_snapshot import (
    AgentSnapshot,
    CallCode,
    CallPhase,
    CallType,
    CallView,
    ClericalView,
    Direction,
    LinkHealth,
    LinkState,
    Pause,
    PauseView,
    SignIn,
    State,
    Status,
)
from softphone.core.call_end import CallEnd
from softphone.core.call_records import CallRecord, HistoryQuery
from softphone.core.cti_events import CtiEvent, CtiEventName

PAUSES = (Pause(1, "Technical Error"), Pause(2, "Meeting"), Pause(3, "Lunch"))
CALL_CODES = (CallCode(10, "Sale"), CallCode(11, "Call back"), CallCode(12, "No interest"))

_STATUS = {
    State.LOGOUT: Status.OFFLINE,
    State.IDLE: Status.AVAILABLE,
    State.PAUSE: Status.PAUSE,
    State.MAKECALL_REQUEST: Status.START_DIALING,
    State.CALL_DELIVERED: Status.IN_A_CALL,
    State.CALL_ACTIVE: Status.IN_A_CALL,
    State.HOLD: Status.ON_HOLD,
    State.CLERICAL: Status.CLERICAL,
}


def _commands(s: AgentSnapshot) -> dict[AgentCommand, str | None]:
    """Which commands the fake allows in a snapshot, each with the reason when not."""
    if s.sign_in is not SignIn.SIGNED_IN:
        return dict.fromkeys(AgentCommand, "not signed in")
    call, talking = s.call, s.call is not None and s.call.phase is CallPhase.TALKING
    no_call = "no call is up"
    allowed: dict[AgentCommand, str | None] = {
        AgentCommand.DIAL: None if s.state is State.IDLE else "the agent is not available",
        AgentCommand.ANSWER: None if call and call.phase is CallPhase.RINGING else "nothing rings",
        AgentCommand.REJECT: None if call and call.phase is CallPhase.RINGING else "nothing rings",
        AgentCommand.HANGUP: None if call else no_call,
        AgentCommand.HOLD: None if talking and call and not call.on_hold else no_call,
        AgentCommand.UNHOLD: None if call and call.on_hold else "the call is not on hold",
        AgentCommand.MUTE: None if talking and call and not call.muted else no_call,
        AgentCommand.UNMUTE: None if call and call.muted else "the microphone is not muted",
        AgentCommand.DTMF: None if talking else no_call,
        AgentCommand.PAUSE: None if s.state in (State.IDLE, State.PAUSE) else "not now",
        AgentCommand.RESUME: None if s.state is State.PAUSE else "the agent is not in pause",
        AgentCommand.CANCEL_NEXT_PAUSE: None if s.next_pause else "no pause is queued",
        AgentCommand.SET_CALL_CODE: None if s.clerical else "no after-call work",
        AgentCommand.TOGGLE_PREDICTIVE: None,
        AgentCommand.LOGOUT: None if call is None else "hang up first",
    }
    return allowed


class FakeAgent:
    """An ``AgentApi`` with a scripted platform behind it (see module doc)."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._snapshot = AgentSnapshot()
        self._subscribers: list[Callable[[AgentSnapshot], None]] = []
        self._cti: list[Callable[[CtiEvent], None]] = []
        self._ids = itertools.count(1)
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.refuse: dict[str, str] = {}
        """method name -> reason: that command raises CommandRefused."""
        self.fail: dict[str, str] = {}
        """method name -> reason: that command raises CommandFailed."""
        self.on_call: Callable[[str, tuple[Any, ...]], None] | None = None
        """Called with every command as it arrives (a process can print them)."""
        self.records: list[CallRecord] = []
        self.auto_answer = True
        self.command_delay_s = 0.0

    def _log(self, call: tuple[str, tuple[Any, ...]]) -> None:
        self.calls.append(call)
        if self.on_call is not None:
            self.on_call(*call)

    # -- observing ------------------------------------------------------------

    @property
    def snapshot(self) -> AgentSnapshot:
        return self._snapshot

    def subscribe(self, callback: Callable[[AgentSnapshot], None]) -> Unsubscribe:
        self._subscribers.append(callback)
        callback(self._snapshot)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    async def snapshots(self) -> AsyncIterator[AgentSnapshot]:
        queue: asyncio.Queue[AgentSnapshot] = asyncio.Queue()
        unsubscribe = self.subscribe(queue.put_nowait)
        try:
            while True:
                yield await queue.get()
        finally:
            unsubscribe()

    def subscribe_cti(self, callback: Callable[[CtiEvent], None]) -> Unsubscribe:
        self._cti.append(callback)
        return lambda: self._cti.remove(callback) if callback in self._cti else None

    # -- the platform's side, for tests -----------------------------------------

    def publish(self, **changes: Any) -> AgentSnapshot:
        """A new snapshot with ``changes`` (status and commands follow the state)."""
        s = replace(self._snapshot, seq=self._snapshot.seq + 1, **changes)
        if "state" in changes:
            s = replace(s, status=_STATUS.get(s.state, Status.UNKNOWN), state_since=self._clock())
            s = replace(s, status_name=str(s.status))
        s = replace(s, commands=MappingProxyType(_commands(s)))
        self._snapshot = s
        for callback in list(self._subscribers):
            callback(s)
        return s

    def emit(self, name: CtiEventName, **data: Any) -> CtiEvent:
        call = self._snapshot.call
        fields: dict[str, Any] = {}
        if call is not None:
            fields = {
                "number": call.number,
                "queue": call.queue,
                "direction": str(call.direction),
                "callType": str(call.call_type),
                "callTraceID": call.call_trace_id,
                "recordingUrl": call.recording_url,
            }
        fields.update(data)
        event = CtiEvent(name, self._clock(), call.id if call else None, MappingProxyType(fields))
        for callback in list(self._cti):
            callback(event)
        return event

    def _state_event(self) -> None:
        s = self._snapshot
        self.emit(
            CtiEventName.AGENT_STATE_CHANGE,
            state=str(s.state),
            status=str(s.status),
            pauseId=s.pause.id if s.pause else None,
            pauseName=s.pause.name if s.pause else None,
        )

    def incoming_call(self, number: str, call_type: CallType = CallType.INBOUND) -> CallView:
        call = CallView(
            id=f"c{next(self._ids)}",
            direction=Direction.INBOUND,
            call_type=call_type,
            phase=CallPhase.RINGING,
            number=number,
            started_at=self._clock(),
            announced=True,
        )
        self.publish(call=call, state=State.CALL_DELIVERED)
        self.emit(CtiEventName.NEW_CALL)
        return call

    def connect_call(self, call_trace_id: str = "trace-1") -> None:
        """The extension answered and Mediatel connected the customer."""
        call = self._require_call()
        now = self._clock()
        url = f"https://records.example/{call_trace_id}.wav"
        answered = replace(call, phase=CallPhase.CONNECTING, answered_at=now)
        self.publish(call=answered, state=State.CALL_DELIVERED)
        self.emit(CtiEventName.ACCEPT_CALL)
        self.publish(
            call=replace(
                answered, phase=CallPhase.TALKING, call_trace_id=call_trace_id, recording_url=url
            ),
            state=State.CALL_ACTIVE,
        )
        self.emit(CtiEventName.UUID_CALL)
        self.emit(CtiEventName.BRIDGE_CALL)
        self._state_event()

    def remote_hangup(self, cause: str = "remote") -> None:
        self._end_call(cause, CallEnd.CUSTOMER_HUNG_UP)

    def _require_call(self) -> CallView:
        if self._snapshot.call is None:
            raise CommandRefused(AgentCommand.HANGUP, "no call is up")
        return self._snapshot.call

    def _end_call(self, cause: str, end: CallEnd = CallEnd.AGENT_HUNG_UP) -> None:
        call = self._require_call()
        now = self._clock()
        self.publish(call=replace(call, phase=CallPhase.ENDED))
        self.emit(CtiEventName.HANGUP_CALL, cause=cause)
        self.records.append(
            CallRecord(
                id=call.id,
                direction=call.direction,
                call_type=call.call_type,
                started_at=call.started_at or now,
                number=call.number,
                queue=call.queue,
                call_trace_id=call.call_trace_id,
                recording_url=call.recording_url,
                answered_at=call.answered_at,
                ended_at=now,
                end_cause=cause,
                end_reason=end,
            )
        )
        clerical = ClericalView(call_codes=CALL_CODES, ends_at=now + 60)
        self.publish(call=None, clerical=clerical, state=State.CLERICAL)
        self._state_event()

    # -- AgentApi -----------------------------------------------------------------

    async def _command(self, name: str, command: AgentCommand, *args: Any) -> None:
        self._log((name, args))
        if self.command_delay_s:
            await asyncio.sleep(self.command_delay_s)
        if name in self.refuse:
            raise CommandRefused(command, self.refuse[name])
        if name in self.fail:
            raise CommandFailed(command, self.fail[name])
        reason = self._snapshot.why_not(command)
        if reason is not None:
            raise CommandRefused(command, reason)

    async def sign_in(self, request: SignInRequest) -> None:
        self._log(("sign_in", (request.login, request.extension)))
        up = LinkHealth(LinkState.UP, since=self._clock())
        self.publish(
            sign_in=SignIn.SIGNED_IN,
            login=request.login,
            agent_name=request.login,
            extension=request.extension,
            mediatel=up,
            sip=up,
            pauses=PAUSES,
            queues=("Sales", "Support"),
            state=State.IDLE,
        )
        self.emit(CtiEventName.REGISTRATION_CHANGE, registered=True, reason=None)
        self._state_event()

    async def sign_out(self) -> None:
        self._log(("sign_out", ()))
        self.publish(
            sign_in=SignIn.SIGNED_OUT,
            mediatel=LinkHealth(),
            sip=LinkHealth(),
            call=None,
            pause=None,
            clerical=None,
            state=State.LOGOUT,
        )
        self._state_event()

    async def dial(self, number: str, queue: str | None = None) -> None:
        await self._command("dial", AgentCommand.DIAL, number, queue)
        call = CallView(
            id=f"c{next(self._ids)}",
            direction=Direction.OUTBOUND,
            call_type=CallType.MANUAL,
            phase=CallPhase.REQUESTED,
            number=number,
            queue=(queue or self._snapshot.queues[0]) if self._snapshot.queues else queue,
            started_at=self._clock(),
            announced=True,
        )
        self.publish(call=call, state=State.MAKECALL_REQUEST)
        self.emit(CtiEventName.NEW_CALL)
        self._state_event()

    async def answer(self) -> None:
        await self._command("answer", AgentCommand.ANSWER)
        self.connect_call()

    async def reject(self) -> None:
        await self._command("reject", AgentCommand.REJECT)
        self._end_call("rejected")

    async def hangup(self) -> None:
        await self._command("hangup", AgentCommand.HANGUP)
        self._end_call("agent")

    async def _set_call(self, name: str, command: AgentCommand, **changes: Any) -> None:
        await self._command(name, command)
        self.publish(call=replace(self._require_call(), **changes))

    async def hold(self) -> None:
        await self._set_call("hold", AgentCommand.HOLD, on_hold=True)
        self.emit(CtiEventName.HOLD_CALL)

    async def unhold(self) -> None:
        await self._set_call("unhold", AgentCommand.UNHOLD, on_hold=False)
        self.emit(CtiEventName.UNHOLD_CALL)

    async def mute(self) -> None:
        await self._set_call("mute", AgentCommand.MUTE, muted=True)

    async def unmute(self) -> None:
        await self._set_call("unmute", AgentCommand.UNMUTE, muted=False)

    async def dtmf(self, digits: str) -> None:
        await self._command("dtmf", AgentCommand.DTMF, digits)
        for digit in digits:
            self.emit(CtiEventName.DTMF_CALL, digit=digit)

    async def pause(self, pause_id: int) -> None:
        await self._command("pause", AgentCommand.PAUSE, pause_id)
        chosen = next((p for p in self._snapshot.pauses if p.id == pause_id), None)
        if chosen is None:
            raise CommandRefused(AgentCommand.PAUSE, f"there is no pause with id {pause_id}")
        self.publish(pause=PauseView(chosen.id, chosen.name), state=State.PAUSE)
        self._state_event()

    async def resume(self) -> None:
        await self._command("resume", AgentCommand.RESUME)
        self.publish(pause=None, state=State.IDLE)
        self._state_event()

    async def cancel_next_pause(self) -> None:
        await self._command("cancel_next_pause", AgentCommand.CANCEL_NEXT_PAUSE)
        self.publish(next_pause=None)

    async def set_call_code(self, code_id: int) -> None:
        await self._command("set_call_code", AgentCommand.SET_CALL_CODE, code_id)
        codes = self._snapshot.clerical.call_codes if self._snapshot.clerical else ()
        code = next((c for c in codes if c.id == code_id), None)
        if code is None:
            raise CommandRefused(AgentCommand.SET_CALL_CODE, f"there is no call code {code_id}")
        if self.records:
            self.records[-1] = replace(
                self.records[-1], call_code_id=code.id, call_code_name=code.name
            )
        self.emit(CtiEventName.CALL_CODE_SET, codeId=code.id, codeName=code.name)
        self.publish(clerical=None, state=State.IDLE)
        self._state_event()

    async def toggle_predictive(self) -> None:
        await self._command("toggle_predictive", AgentCommand.TOGGLE_PREDICTIVE)
        self.publish(predictive=not self._snapshot.predictive)

    async def logout(self) -> None:
        await self._command("logout", AgentCommand.LOGOUT)
        await self.sign_out()

    def set_auto_answer(self, enabled: bool) -> None:
        self._log(("set_auto_answer", (enabled,)))
        self.auto_answer = enabled

    def set_auto_answer_rules(self, rules: Any) -> None:
        self._log(("set_auto_answer_rules", (rules,)))

    def set_audio(self, prefs: Any) -> None:
        self._log(("set_audio", (prefs,)))

    async def history(self, query: HistoryQuery) -> list[CallRecord]:
        self._log(("history", (query,)))
        found = [
            r
            for r in reversed(self.records)
            if (query.since is None or r.started_at >= query.since)
            and (query.until is None or r.started_at < query.until)
            and (query.number is None or query.number in (r.number or ""))
            and (query.call_code_id is None or r.call_code_id == query.call_code_id)
        ]
        return found[: query.limit]


async def signed_in_agent(login: str = "agent1", extension: str = "1001") -> FakeAgent:
    """A fake already signed in and available."""
    agent = FakeAgent()
    await agent.sign_in(SignInRequest(login=login, password="secret", extension=extension))
    return agent
