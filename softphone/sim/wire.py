"""Rendering the simulator's view of an agent as a ``data`` snapshot on the wire.

Kept apart from the state machine so the two wire styles (legacy/modern
spelling, ids as strings or as numbers) are decided in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from softphone.net.mediatel.state import EMPTY_TIME, State
from softphone.sim.config import Numbers, SimSettings, Spelling
from softphone.sim.tables import COMMANDS_IN, STATUS_OF


@dataclass(frozen=True)
class WireCall:
    trace_id: str
    ani: str
    customer_id: str
    call_type: int
    crm_connect_type: int
    crm_connect_target: str
    dnis: str
    queue_name: str
    queue_id: int
    start_time: datetime | None
    max_duration: int


@dataclass(frozen=True)
class WireView:
    state: State
    server_time_ms: int
    agent_id: int | None = None
    agent_name: str = ""
    agent_ext: str = ""
    queues: tuple[str, ...] = ()
    call_codes: tuple[tuple[int, str, int], ...] = ()
    pause_id: int = 0
    pause_acknowledge: bool = False
    predictive: bool = False
    mute: bool = False
    call: WireCall | None = None
    #: the call codes' queue is known from STATE_CALL_DELIVERED on, the trace id from ACTIVE on
    show_call_details: bool = False
    call_error: tuple[int, str] | None = None
    login_error: tuple[int, str] | None = None
    login_attempt: int = 0
    history: tuple[dict[str, str], ...] = ()
    last_call_ms: int = 0
    state_since_ms: int | None = None
    web_server: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def render(view: WireView, settings: SimSettings) -> dict[str, Any]:
    """The ``data`` payload for ``view`` in the configured wire style."""
    as_numbers = settings.numbers is Numbers.NUMBERS

    def ident(value: int | str) -> int | str:
        """An id/number field the seeds show as a string."""
        if as_numbers:
            try:
                return int(value)
            except ValueError:
                return value
        return str(value)

    legacy = settings.spelling is Spelling.LEGACY
    call = view.call
    detailed = call is not None and view.show_call_details
    codes = [
        {"Name": name, "ID": ident(code_id), "ActionFlag": ident(flag)}
        for code_id, name, flag in view.call_codes
    ]
    data: dict[str, Any] = {
        "agentExt": view.agent_ext,
        "agentId": ident(view.agent_id if view.agent_id is not None else -1),
        "agentName": view.agent_name,
        "ani": call.ani if detailed and call else "",
        ("avaliableCommand" if legacy else "availableCommand"): [
            str(c) for c in COMMANDS_IN[view.state]
        ],
        ("awaliableCallCodes" if legacy else "availableCallCodes"): codes,
        "callCustomerID": ident(call.customer_id if detailed and call else -1),
        "callErrorID": ident(view.call_error[0] if view.call_error else 0),
        "callErrorText": view.call_error[1] if view.call_error else "",
        "callHistory": list(view.history),
        "callStartTime": (
            call.start_time.strftime("%Y-%m-%d %H:%M:%S")
            if detailed and call and call.start_time
            else EMPTY_TIME
        ),
        "callTraceID": ident(call.trace_id if detailed and call else -1),
        "callType": ident(call.call_type if call else -1),
        "callWaitDuration": ident(0),
        "crmConnectTarget": call.crm_connect_target if call else "",
        "crmConnectType": ident(call.crm_connect_type if call else -1),
        "dnis": call.dnis if call else "",
        "holdQueue": "",
        "host": settings.host_name,
        ("isAvaliable" if legacy else "isAvailable"): view.state
        in (State.IDLE, State.MAKECALL_FAILED),
        "lastCallTime": view.last_call_ms,
        "loginAttempt": view.login_attempt,
        "loginErrorID": ident(view.login_error[0] if view.login_error else 0),
        "loginErrorText": view.login_error[1] if view.login_error else "",
        "maxCallDuration": ident(call.max_duration if call else 0),
        "mcc": "",
        "multipleCallCodeAllow": ident(0),
        "mute": 1 if view.mute else 0,
        "pauseAcknowledge": ident(1 if view.pause_acknowledge else 0),
        "pauseId": ident(view.pause_id),
        "pauseList": [[str(pid), name] for pid, name in settings.pauses],
        "predictiveStatus": ident(1 if view.predictive else 0),
        "queueId": ident(call.queue_id if call else -1),
        "queueName": call.queue_name if call else "",
        "queues": list(view.queues) or [""],
        "serverTime": view.server_time_ms,
        "state": str(view.state),
        "status": str(STATUS_OF[view.state]),
        "time": view.state_since_ms,
        "webServer": view.web_server,
    }
    if as_numbers:
        data["pauseList"] = [[pid, name] for pid, name in settings.pauses]
    data.update(view.extra)
    return data
