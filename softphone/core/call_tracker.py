"""One call as the agent, the CRM and the history see it, from both sockets.

Mediatel's snapshots and the phone's SIP events describe the same call from
two sides and in no fixed order. The tracker merges them into one
``CallView``, emits the CTI events of seed 004 as each fact becomes known,
and writes the call history as it goes (a record at the first sign of the
call, each later fact as its own write), so a crash loses nothing known.

CTI order for a call: ``onNewCall`` (dialled, announced or ringing), then
``onUuidCall`` whenever the callTraceID appears or changes, ``onAcceptCall``
(the extension answered), ``onBridgeCall`` (STATE_CALL_ACTIVE: the customer
is on), hold/unhold/DTMF, and ``onHangupCall`` exactly once. How the history
is written (deferred, never failing the call) is ``call_history_writes``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import quote, urlsplit

from softphone.core.agent_ports import Clock
from softphone.core.agent_snapshot import CallPhase, CallQualityView, CallType, CallView, Direction
from softphone.core.auto_answer import call_type_of
from softphone.core.call_end import CUT, SENTENCES, CallEnd
from softphone.core.call_history_writes import HistoryWrites
from softphone.core.call_quality_view import quality_summary
from softphone.core.call_records import CallRecord
from softphone.core.cti_events import CtiEvent, CtiEventName
from softphone.core.history import CallHistory
from softphone.core.phone_events import CallQuality
from softphone.net.mediatel import AgentState, CallCode, State
from softphone.net.mediatel.state import CALL_STATES, HOLD_STATES

N = CtiEventName
#: Mediatel states that belong to a call after its request (wrap-up included).
_CALL_LIFE = frozenset(CALL_STATES | {State.MAKECALL_REQUEST, State.CLERICAL})


def recording_url_base(mediatel_url: str) -> str:
    """``https://<hes-host>/records/mediatel-record?calltraceID=`` for a Mediatel URL."""
    url = mediatel_url if "://" in mediatel_url else f"https://{mediatel_url}"
    parts = urlsplit(url)
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme)
    return f"{scheme}://{parts.netloc}/records/mediatel-record?calltraceID="


def _direction(call_type: CallType) -> Direction:
    """Manual and predictive calls go out to the customer; the rest come in."""
    if call_type in (CallType.MANUAL, CallType.PREDICTIVE):
        return Direction.OUTBOUND
    return Direction.INBOUND


def cti_call_data(call: CallView) -> dict[str, Any]:
    """The call's fields as every call event carries them (JSON-ready)."""
    return {
        "direction": call.direction.value,
        "callType": call.call_type.value,
        "phase": call.phase.value,
        "number": call.number,
        "queue": call.queue,
        "callTraceID": call.call_trace_id,
        "recordingUrl": call.recording_url,
        "startedAt": call.started_at,
        "answeredAt": call.answered_at,
        "onHold": call.on_hold,
        "muted": call.muted,
    }


class CallTracker:
    def __init__(
        self,
        clock: Clock,
        emit: Callable[[CtiEvent], None],
        *,
        history: CallHistory | None = None,
        recording_base: str | None = None,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
        defer: Callable[[Callable[[], None]], None] = lambda deed: deed(),
        tell: Callable[[str], None] = lambda _sentence: None,
    ) -> None:
        """``defer`` runs each history write (the session holds them while it answers);
        ``tell`` gets the sentence of a call that was cut rather than hung up."""
        self._tell = tell
        self.clock = clock
        self._emit = emit
        self._history = HistoryWrites(history, defer)
        self.recording_base = recording_base
        self._new_id = new_id
        self.call: CallView | None = None
        self.handle: str | None = None
        """The phone's handle of the current call's SIP leg."""
        self.asked = False
        """The agent asked for the current call (makeCall): it is announced."""
        self._bridged = False
        self._ended = False
        self._lost: set[CallEnd] = set()
        """Links that went down while this call was up (MEDIATEL_LOST, SIP_LOST)."""
        self.end: CallEnd | None = None
        """How the current (or last) call ended."""

    # -- helpers -------------------------------------------------------------------

    def _event(self, name: CtiEventName, **extra: Any) -> None:
        call = self.call
        data = cti_call_data(call) if call is not None else {}
        data.update(extra)
        self._emit(CtiEvent(name, self.clock.time(), call.id if call else None, data))

    def _write(self, **changes: Any) -> None:
        if self.call is not None:
            self._history.update(self.call.id, **changes)

    def _begin(self, call: CallView) -> None:
        self.call, self.handle, self._bridged, self._ended = call, None, False, False
        self._lost, self.end = set(), None
        if self._history.kept:
            self._history.start(
                CallRecord(
                    call.id,
                    call.direction,
                    call.call_type,
                    call.started_at or self.clock.time(),
                    call.number,
                    call.queue,
                    call.call_trace_id,
                    call.recording_url,
                )
            )
        self._event(N.NEW_CALL)

    def _set(self, **changes: Any) -> None:
        assert self.call is not None
        self.call = replace(self.call, **changes)

    @property
    def live(self) -> bool:
        """A call is up or on its way (not yet hung up)."""
        return self.call is not None and not self._ended

    # -- the agent's side ----------------------------------------------------------

    def dialled(self, number: str, queue: str | None) -> None:
        """The agent sent makeCall."""
        self.asked = True
        if self.call is not None and not self._ended:
            return  # the platform's snapshot got here first
        call = CallView(
            id=self._new_id(),
            direction=Direction.OUTBOUND,
            call_type=CallType.MANUAL,
            phase=CallPhase.REQUESTED,
            number=number,
            queue=queue,
            started_at=self.clock.time(),
            announced=True,
        )
        self._begin(call)

    def resume(self, record: CallRecord, agent: AgentState) -> None:
        """After a restart in after-call work: pick the recorded call up again."""
        self.call = CallView(
            id=record.id,
            direction=record.direction,
            call_type=record.call_type,
            phase=CallPhase.ENDED,
            number=record.number,
            queue=record.queue,
            call_trace_id=record.call_trace_id,
            recording_url=record.recording_url,
            started_at=record.started_at,
            answered_at=record.answered_at,
            announced=True,
        )
        self._ended, self._bridged = True, True
        if record.ended_at is None:
            self.end = CallEnd.APP_CLOSED
            self._write(
                ended_at=self.clock.time(),
                end_cause="the application restarted",
                end_reason=CallEnd.APP_CLOSED,
            )

    def call_code_set(self, code: CallCode) -> None:
        if self.call is None:
            return
        self._write(call_code_id=code.id, call_code_name=code.name)
        self._event(N.CALL_CODE_SET, codeId=code.id, codeName=code.name)

    # -- Mediatel ------------------------------------------------------------------

    def on_agent(self, agent: AgentState) -> None:
        """Every Mediatel snapshot."""
        state = agent.state
        if state in CALL_STATES:
            self._on_call_state(agent)
        elif state is State.MAKECALL_REQUEST or state is State.CLERICAL:
            if state is State.CLERICAL and self.call is not None and not self._ended:
                self.ended("ended by the platform", by="remote", end=CallEnd.PLATFORM)
            if state is State.CLERICAL and self.call is not None:
                self._trace(agent)
        else:
            if self.call is not None and not self._ended:
                cause = agent.call_error or "ended by the platform"
                end = CallEnd.FAILED if agent.call_error else CallEnd.PLATFORM
                self.ended(cause, by="remote", error=agent.call_error, end=end)
            self.call, self.handle, self.asked = None, None, False

    def _on_call_state(self, agent: AgentState) -> None:
        call_type = call_type_of(agent.call_type)
        if self.call is None or self._ended:
            self._begin(
                CallView(
                    id=self._new_id(),
                    direction=_direction(call_type),
                    call_type=call_type,
                    phase=CallPhase.RINGING,
                    number=agent.ani,
                    queue=agent.queue_name,
                    started_at=self.clock.time(),
                    announced=True,
                )
            )
        else:
            assert self.call is not None
            changes: dict[str, Any] = {"announced": True}
            if not self.call.announced or self.call.call_type is CallType.OTHER:
                changes["call_type"] = call_type if not self.asked else CallType.MANUAL
                changes["direction"] = _direction(changes["call_type"])
            if agent.ani and agent.ani != self.call.number and not self.asked:
                changes["number"] = agent.ani
            if agent.queue_name and agent.queue_name != self.call.queue:
                changes["queue"] = agent.queue_name
            before = self.call
            self._set(**changes)
            keys = ("call_type", "direction", "number", "queue")
            written = {k: v for k, v in changes.items() if k in keys}
            if written and any(getattr(before, k) != v for k, v in written.items()):
                self._write(**written)
        self._trace(agent)
        assert self.call is not None
        if agent.state is not State.CALL_DELIVERED and not self._bridged:
            self._bridged = True
            now = self.clock.time()
            self._set(phase=CallPhase.TALKING, answered_at=self.call.answered_at or now)
            self._write(answered_at=self.call.answered_at)
            self._event(N.BRIDGE_CALL)
        hold = agent.state in HOLD_STATES
        if hold != self.call.on_hold:
            self._set(on_hold=hold)
            self._event(N.HOLD_CALL if hold else N.UNHOLD_CALL)

    def _trace(self, agent: AgentState) -> None:
        trace = agent.call_trace_id
        if self.call is None or trace is None or trace == self.call.call_trace_id:
            return
        url = f"{self.recording_base}{quote(trace)}" if self.recording_base else None
        self._set(call_trace_id=trace, recording_url=url)
        self._write(call_trace_id=trace, recording_url=url)
        self._event(N.UUID_CALL)

    # -- the phone -----------------------------------------------------------------

    def on_invite(self, handle: str, number: str | None) -> bool:
        """The extension rings. False: another call is in view (the INVITE is a stray)."""
        if self.call is not None and not self._ended and self.handle is None:
            self.handle = handle
            if self.call.phase is CallPhase.REQUESTED:
                self._set(phase=CallPhase.RINGING)
            if number and self.call.number is None and not self.asked:
                # The platform announced the call before its ``ani``: the INVITE's
                # caller shows while it rings, until Mediatel names the customer.
                self._set(number=number)
                self._write(number=number)
            return True
        if self.call is not None:
            return False
        self._begin(
            CallView(
                id=self._new_id(),
                direction=Direction.INBOUND,
                call_type=CallType.OTHER,
                phase=CallPhase.RINGING,
                number=number,
                started_at=self.clock.time(),
            )
        )
        self.handle = handle
        return True

    def auto_answer_at(self, at: float | None) -> None:
        if self.call is not None:
            self._set(auto_answer_at=at)

    def answered(self) -> None:
        if self.call is None or self._ended:
            return
        phase = self.call.phase if self.call.phase is CallPhase.TALKING else CallPhase.CONNECTING
        self._set(phase=phase, answered_at=self.call.answered_at or self.clock.time())
        self._write(answered_at=self.call.answered_at)
        self._event(N.ACCEPT_CALL)

    def local_hold(self, on: bool) -> None:
        if self.live and self.call is not None and self.call.on_hold != on:
            self._set(on_hold=on)
            self._event(N.HOLD_CALL if on else N.UNHOLD_CALL)

    def remote_hold(self, on: bool) -> None:
        if self.live:
            self._set(remote_hold=on)

    def muted(self, on: bool) -> None:
        if self.live:
            self._set(muted=on)

    def dtmf(self, digit: str) -> None:
        if self.live:
            self._event(N.DTMF_CALL, digit=digit)

    def quality(self, view: CallQualityView) -> None:
        if self.live:
            self._set(quality=view)

    def link_lost(self, end: CallEnd) -> None:
        """The Mediatel or SIP link went down (``MEDIATEL_LOST``/``SIP_LOST``).

        A live call may survive it (media does not go through either server);
        if the platform then ends the call, this is why, and the agent is told.
        """
        if self.live:
            self._lost.add(end)

    def ended(
        self,
        cause: str,
        *,
        by: str,
        quality: CallQuality | None = None,
        error: str | None = None,
        end: CallEnd | None = None,
    ) -> None:
        """The call is over. ``end`` None: a hang-up by ``by`` ("agent" or "remote")."""
        if self.call is None:
            return
        if end is None:
            answered = self.call.answered_at is not None
            if by == "agent":
                end = CallEnd.AGENT_HUNG_UP
            else:
                end = CallEnd.CUSTOMER_HUNG_UP if answered else CallEnd.NOT_ANSWERED
        if self._ended:
            # Mediatel's after-call work can overtake the customer's BYE: the BYE,
            # arriving second, says better who ended the call.
            if self.end is CallEnd.PLATFORM and end in (
                CallEnd.CUSTOMER_HUNG_UP,
                CallEnd.NOT_ANSWERED,
            ):
                self.end = end
                self._write(end_reason=end)
            return
        if end is CallEnd.PLATFORM and self._lost:
            end = CallEnd.MEDIATEL_LOST if CallEnd.MEDIATEL_LOST in self._lost else CallEnd.SIP_LOST
        self._ended, self.end = True, end
        self._set(phase=CallPhase.ENDED, auto_answer_at=None, error=error)
        self._write(
            ended_at=self.clock.time(),
            end_cause=cause,
            end_reason=end,
            quality=quality_summary(quality),
        )
        self._event(N.HANGUP_CALL, cause=cause, by=by)
        if end in CUT:
            self._tell(SENTENCES[end])

    def stray(self, number: str | None, cause: str) -> None:
        """An INVITE refused outside the current call: in the history only."""
        if not self._history.kept:
            return
        now = self.clock.time()
        self._history.start(
            CallRecord(
                self._new_id(),
                Direction.INBOUND,
                CallType.OTHER,
                now,
                number,
                ended_at=now,
                end_cause=cause,
                end_reason=CallEnd.REFUSED,
            )
        )
