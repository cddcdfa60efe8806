"""Snapshots of the main states an agent sees, for UI tests and screenshots.

Each scene is what ``AgentSession`` would publish at that moment, with the
commands allowed then and a reason for each that is not.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from types import MappingProxyType

from softphone.core.agent_commands import AgentCommand
from softphone.core.agent_snapshot import (
    AgentSnapshot,
    CallCode,
    CallPhase,
    CallQualityView,
    CallType,
    CallView,
    ClericalView,
    Direction,
    LinkHealth,
    LinkState,
    Pause,
    PauseView,
    QualityLevel,
    SignIn,
    State,
    Status,
)

NOW = 1_765_000_000.0
"""The scenes' clock (epoch s): tests pass ``clock=lambda: NOW + n``."""

PAUSES = (Pause(1, "Break"), Pause(2, "Lunch"), Pause(3, "Meeting"), Pause(4, "Training"))
QUEUES = ("Sales", "Support", "Billing")
CALL_CODES = (
    CallCode(10, "Sale"),
    CallCode(11, "Callback requested"),
    CallCode(12, "Not interested"),
    CallCode(13, "Wrong number"),
    CallCode(14, "Complaint"),
    CallCode(15, "Information given"),
)

EVERY = frozenset(AgentCommand)


def allowed(names: Iterable[AgentCommand], why: str) -> MappingProxyType[AgentCommand, str | None]:
    """Every command refused with ``why`` except ``names``."""
    chosen = set(names)
    return MappingProxyType({c: (None if c in chosen else why) for c in AgentCommand})


def refusals(
    names: Iterable[AgentCommand], reasons: dict[AgentCommand, str]
) -> MappingProxyType[AgentCommand, str | None]:
    """``names`` allowed; the rest refused with their own reason (or a general one)."""
    chosen = set(names)
    return MappingProxyType(
        {c: None if c in chosen else reasons.get(c, "not now") for c in AgentCommand}
    )


UP = LinkHealth(LinkState.UP, since=NOW - 3600)


NO_CALL_REASONS: dict[AgentCommand, str] = {
    AgentCommand.ANSWER: "no call is ringing",
    AgentCommand.REJECT: "no call is ringing",
    AgentCommand.HANGUP: "no call to hang up",
    AgentCommand.HOLD: "no call to hold",
    AgentCommand.UNHOLD: "no call on hold",
    AgentCommand.MUTE: "no call to mute",
    AgentCommand.UNMUTE: "no call to unmute",
    AgentCommand.DTMF: "no call to send digits to",
    AgentCommand.RESUME: "you are not in a pause",
    AgentCommand.CANCEL_NEXT_PAUSE: "no pause is waiting",
    AgentCommand.SET_CALL_CODE: "no call to give a code to",
}
"""Why each call command is refused when there is no call."""


def signed_out(error: str | None = None) -> AgentSnapshot:
    return AgentSnapshot(sign_in=SignIn.SIGNED_OUT, sign_in_error=error)


def idle() -> AgentSnapshot:
    return AgentSnapshot(
        seq=1,
        sign_in=SignIn.SIGNED_IN,
        login="olena",
        agent_name="Olena Kovalenko",
        extension="1001",
        state=State.IDLE,
        status=Status.AVAILABLE,
        status_name="available",
        state_since=NOW - 75,
        mediatel=UP,
        sip=UP,
        pauses=PAUSES,
        queues=QUEUES,
        commands=refusals(
            {
                AgentCommand.DIAL,
                AgentCommand.PAUSE,
                AgentCommand.TOGGLE_PREDICTIVE,
                AgentCommand.LOGOUT,
            },
            NO_CALL_REASONS,
        ),
    )


def _call(phase: CallPhase, **changes: object) -> CallView:
    call = CallView(
        id="c-1",
        direction=Direction.INBOUND,
        call_type=CallType.INBOUND,
        phase=phase,
        number="+380 44 123 4567",
        queue="Support",
        call_trace_id="7f3c2a91-5b1e-4d0c-9e8a-1a2b3c4d5e6f",
        recording_url="https://rec.example.com/calls/7f3c2a91",
        started_at=NOW - 20,
        answered_at=None if phase is CallPhase.RINGING else NOW - 94,
        announced=True,
        quality=CallQualityView(QualityLevel.GOOD, 0.2, 4.0, 38.0, 4.3),
    )
    return dataclasses.replace(call, **changes)  # type: ignore[arg-type]


IN_CALL_REASONS = {
    AgentCommand.DIAL: "finish the current call first",
    AgentCommand.ANSWER: "the call is already answered",
    AgentCommand.REJECT: "the call is already answered",
    AgentCommand.UNHOLD: "the call is not on hold",
    AgentCommand.UNMUTE: "the microphone is not muted",
    AgentCommand.RESUME: "you are not in a pause",
    AgentCommand.CANCEL_NEXT_PAUSE: "no pause is waiting",
    AgentCommand.SET_CALL_CODE: "a code is chosen after the call",
    AgentCommand.TOGGLE_PREDICTIVE: "not during a call",
    AgentCommand.LOGOUT: "finish the current call first",
}


def ringing() -> AgentSnapshot:
    return dataclasses.replace(
        idle(),
        state=State.CALL_DELIVERED,
        status=Status.IN_A_CALL,
        status_name="ringing",
        state_since=NOW - 3,
        call=_call(
            CallPhase.RINGING,
            started_at=NOW - 3,
            quality=None,
            announced=False,
            recording_url=None,
            call_trace_id=None,
        ),
        commands=refusals(
            {AgentCommand.ANSWER, AgentCommand.REJECT, AgentCommand.PAUSE},
            {
                **IN_CALL_REASONS,
                AgentCommand.HANGUP: "answer or reject the call",
                AgentCommand.HOLD: "the call is not answered yet",
                AgentCommand.MUTE: "the call is not answered yet",
                AgentCommand.DTMF: "the call is not answered yet",
            },
        ),
    )


def in_call() -> AgentSnapshot:
    return dataclasses.replace(
        idle(),
        state=State.CALL_ACTIVE,
        status=Status.IN_A_CALL,
        status_name="in a call",
        state_since=NOW - 94,
        call=_call(CallPhase.TALKING),
        commands=refusals(
            {
                AgentCommand.HANGUP,
                AgentCommand.HOLD,
                AgentCommand.MUTE,
                AgentCommand.DTMF,
                AgentCommand.PAUSE,
            },
            IN_CALL_REASONS,
        ),
    )


def on_hold() -> AgentSnapshot:
    snap = in_call()
    assert snap.call is not None
    return dataclasses.replace(
        snap,
        state=State.HOLD,
        status=Status.ON_HOLD,
        status_name="on hold",
        state_since=NOW - 12,
        call=dataclasses.replace(snap.call, on_hold=True),
        commands=refusals(
            {
                AgentCommand.HANGUP,
                AgentCommand.UNHOLD,
                AgentCommand.PAUSE,
                AgentCommand.CANCEL_NEXT_PAUSE,
            },
            {
                **IN_CALL_REASONS,
                AgentCommand.HOLD: "the call is already on hold",
                AgentCommand.MUTE: "the call is on hold",
                AgentCommand.DTMF: "the call is on hold",
            },
        ),
        next_pause=PAUSES[2],
    )


def clerical() -> AgentSnapshot:
    talked = in_call().call
    assert talked is not None
    return dataclasses.replace(
        idle(),
        state=State.CLERICAL,
        status=Status.CLERICAL,
        status_name="after-call work",
        state_since=NOW - 8,
        call=dataclasses.replace(talked, phase=CallPhase.ENDED),  # the session keeps it
        clerical=ClericalView(call_codes=CALL_CODES, ends_at=NOW + 52),
        commands=refusals(
            {AgentCommand.SET_CALL_CODE, AgentCommand.PAUSE},
            {
                **IN_CALL_REASONS,
                AgentCommand.DIAL: "choose a call code first",
                AgentCommand.HANGUP: "no call to hang up",
                AgentCommand.HOLD: "no call to hold",
                AgentCommand.MUTE: "no call to mute",
                AgentCommand.DTMF: "no call to send digits to",
                AgentCommand.LOGOUT: "choose a call code first",
            },
        ),
    )


def paused(forced: bool = False) -> AgentSnapshot:
    pause = (
        PauseView(0, "Force Pause", forced=True, reason="the extension did not answer a call")
        if forced
        else PauseView(2, "Lunch")
    )
    return dataclasses.replace(
        idle(),
        state=State.PAUSE,
        status=Status.PAUSE,
        status_name=pause.name,
        state_since=NOW - 252,
        pause=pause,
        commands=refusals(
            {AgentCommand.RESUME, AgentCommand.PAUSE, AgentCommand.DIAL, AgentCommand.LOGOUT},
            {
                **NO_CALL_REASONS,
                AgentCommand.TOGGLE_PREDICTIVE: "not during a pause",
            },
        ),
    )


def reconnecting() -> AgentSnapshot:
    return dataclasses.replace(
        idle(),
        mediatel=LinkHealth(
            LinkState.RECONNECTING,
            since=NOW - 14,
            reason="Mediatel closed the connection",
            retry_at=NOW + 6,
        ),
        commands=allowed({AgentCommand.LOGOUT}, "reconnecting to Mediatel"),
    )


SCENES = {
    "signed-out": signed_out,
    "idle": idle,
    "ringing": ringing,
    "in-call": in_call,
    "on-hold": on_hold,
    "after-call-work": clerical,
    "paused": paused,
    "reconnecting": reconnecting,
}
