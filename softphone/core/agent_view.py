"""What the agent may do now, and the pause as the agent should read it.

Pure functions of the session's facts, so the rules behind every disabled
button (and every refused CRM command) sit in one table-like place and are
tested without a session. Each "why not" is a sentence for the agent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from softphone.core import sentences as S
from softphone.core.agent_commands import AgentCommand
from softphone.core.agent_snapshot import CallPhase, CallView, PauseView
from softphone.core.sentences import Sentence
from softphone.net.mediatel import AgentState, Command, Pause, State
from softphone.net.mediatel.state import CALL_STATES, HOLD_STATES

C = AgentCommand
_MEDIATEL_COMMANDS = frozenset(
    {C.DIAL, C.HOLD, C.UNHOLD, C.PAUSE, C.RESUME, C.SET_CALL_CODE, C.TOGGLE_PREDICTIVE, C.LOGOUT}
)
_SPOKEN = frozenset({CallPhase.CONNECTING, CallPhase.TALKING})


@dataclass(frozen=True)
class Facts:
    signed_in: bool
    agent: AgentState | None
    mediatel_up: bool
    sip_registered: bool
    call: CallView | None
    call_live: bool
    ringing_handle: str | None
    next_pause: Pause | None


def _status(agent: AgentState) -> str:
    return agent.status_name or agent.state_name


def command_availability(f: Facts) -> Mapping[AgentCommand, str | None]:
    """Every command mapped to None (allowed now) or the reason it is not."""
    if not f.signed_in or f.agent is None:
        return MappingProxyType(dict.fromkeys(AgentCommand, Sentence(S.NOT_SIGNED_IN)))
    a = f.agent
    out: dict[AgentCommand, str | None] = {}
    live = f.call if f.call_live else None
    spoken = live is not None and live.phase in _SPOKEN

    out[C.DIAL] = (
        Sentence(S.NOT_REGISTERED)
        if not f.sip_registered
        else Sentence(S.CALL_ALREADY_UP)
        if live is not None
        else None
        if a.can(Command.MAKECALL)
        else Sentence(S.NO_DIALLING_WHILE, status=_status(a))
    )
    ringing = None if f.ringing_handle is not None else Sentence(S.NO_CALL_RINGING)
    out[C.ANSWER] = ringing
    out[C.REJECT] = ringing
    out[C.HANGUP] = None if live is not None else Sentence(S.NO_CALL_TO_HANG_UP)
    out[C.HOLD] = (
        Sentence(S.CUSTOMER_NOT_CONNECTED)
        if a.state not in (State.CALL_ACTIVE, State.MUTE)
        else None
        if a.can(Command.HOLDCALL)
        else Sentence(S.NO_HOLD_NOW)
    )
    out[C.UNHOLD] = None if a.state in HOLD_STATES else Sentence(S.NOT_ON_HOLD)
    muted = live is not None and live.muted
    out[C.MUTE] = (
        Sentence(S.NO_CONNECTED_CALL)
        if not spoken
        else Sentence(S.ALREADY_MUTED)
        if muted
        else None
    )
    out[C.UNMUTE] = (
        Sentence(S.NO_CONNECTED_CALL) if not spoken else None if muted else Sentence(S.NOT_MUTED)
    )
    out[C.DTMF] = None if spoken else Sentence(S.NO_CONNECTED_CALL)
    in_call_life = a.state in CALL_STATES or a.state in (State.CLERICAL, State.MAKECALL_REQUEST)
    out[C.PAUSE] = (
        None
        if a.can(Command.PAUSE) or in_call_life
        else Sentence(S.NO_PAUSE_WHILE, status=_status(a))
    )
    out[C.RESUME] = (
        None
        if a.state is State.PAUSE and a.can(Command.PAUSE)
        else Sentence(S.NOT_ON_PAUSE)
        if a.state is not State.PAUSE
        else Sentence(S.NO_RESUME_NOW)
    )
    out[C.CANCEL_NEXT_PAUSE] = None if f.next_pause is not None else Sentence(S.NO_PAUSE_QUEUED)
    out[C.SET_CALL_CODE] = None if a.state is State.CLERICAL else Sentence(S.ONLY_AFTER_CALL)
    out[C.TOGGLE_PREDICTIVE] = (
        None if a.can(Command.PREDICTIVE) else Sentence(S.NOT_AVAILABLE_WHILE, status=_status(a))
    )
    out[C.LOGOUT] = (
        None if a.can(Command.LOGOUT) and live is None else Sentence(S.FINISH_CALL_FIRST)
    )
    if not f.mediatel_up:
        for command in _MEDIATEL_COMMANDS:
            if command is C.SET_CALL_CODE and out[command] is None and a.call_trace_id:
                continue  # kept, and sent when Mediatel is back (MediatelClient.set_result)
            out[command] = Sentence(S.MEDIATEL_RECONNECTING)
    return MappingProxyType(out)


FORCE_PAUSE_NAME = "Force Pause"


def pause_view(
    agent: AgentState | None,
    *,
    forced_reason: str | None,
    watchdog_pause: Pause | None,
    watchdog_cause: str,
) -> PauseView | None:
    """The pause the agent is in, with who put it there and why."""
    if agent is None or agent.state is not State.PAUSE:
        return None
    pause = agent.pause
    pause_id = agent.pause_id if agent.pause_id is not None else 0
    by_watchdog = watchdog_pause is not None and watchdog_pause.id == pause_id
    reason = forced_reason or agent.call_error
    forced = reason is not None and not by_watchdog
    if by_watchdog:
        reason = Sentence(S.PAUSED_AUTOMATICALLY, cause=watchdog_cause)
    name = pause.name if pause is not None else FORCE_PAUSE_NAME if forced else f"Pause {pause_id}"
    return PauseView(pause_id, name, forced=forced, by_watchdog=by_watchdog, reason=reason)
