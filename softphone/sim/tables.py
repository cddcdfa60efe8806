"""The simulator's state table: status and available commands per state.

Statuses are the protocol doc's table verbatim. The command lists follow the
two lists the seeds show (STATE_LOGOUT exactly, STATE_CALL_ACTIVE as a
superset of the cut-short example); the rest are our reading, written down in
docs/mediatel-decisions.md. tests/sim/test_tables.py checks this module
against the doc's markdown tables.
"""

from __future__ import annotations

from softphone.net.mediatel.state import Command, State, Status

C = Command

#: state -> status, for every state the doc gives a status for.
STATUS_OF: dict[State, Status] = {
    State.LOGOUT: Status.OFFLINE,
    State.IDLE: Status.AVAILABLE,
    State.PAUSE: Status.PAUSE,
    State.MAKECALL_REQUEST: Status.START_DIALING,
    State.MAKECALL_FAILED: Status.AVAILABLE,
    State.CALL_DELIVERED: Status.START_DIALING,
    State.CALL_ACTIVE: Status.IN_A_CALL,
    State.HOLD: Status.ON_HOLD,
    State.HOLD_DIALPAD: Status.ON_HOLD,
    State.HOLD_MAKECALL_PROGRESS: Status.ON_HOLD,
    State.HOLD_MAKECALL_FAILED: Status.ON_HOLD,
    State.CLERICAL: Status.CLERICAL,
}

#: States the doc names but does not describe; the simulator never enters them.
UNDESCRIBED = frozenset(
    {State.MUTE, State.DIALPAD, State.PAUSE_LIST, State.PREDICTIVE, State.CRT_DETAILS}
)

_IN_CALL = (C.ADD_CALL_INFO, C.PAUSE, C.EXIT, C.HOLDCALL, C.REQ_PAUSE_LIST, C.MUTE, C.DIALPAD)
_AVAILABLE = (
    C.LOGOUT,
    C.EXIT,
    C.PAUSE,
    C.MAKECALL,
    C.PREDICTIVE,
    C.REQ_PAUSE_LIST,
    C.REQ_CRT_DETAILS,
)

#: state -> the ``availableCommand`` list, in the order it is sent.
COMMANDS_IN: dict[State, tuple[Command, ...]] = {
    # seen verbatim in the seeds
    State.LOGOUT: (C.EXIT, C.REQ_PAUSE_LIST, C.REQ_CRT_DETAILS, C.LOGIN),
    State.IDLE: _AVAILABLE,
    State.MAKECALL_FAILED: _AVAILABLE,
    State.PAUSE: (C.LOGOUT, C.EXIT, C.PAUSE, C.PREDICTIVE, C.REQ_PAUSE_LIST),
    State.MAKECALL_REQUEST: (C.EXIT, C.REQ_PAUSE_LIST),
    State.CALL_DELIVERED: (C.EXIT, C.REQ_PAUSE_LIST),
    # the seeds' in-call list, then what they cut off ("…")
    State.CALL_ACTIVE: _IN_CALL,
    State.HOLD: (C.ADD_CALL_INFO, C.PAUSE, C.EXIT, C.HOLDCALL, C.REQ_PAUSE_LIST, C.MAKECALL),
    State.HOLD_DIALPAD: (C.EXIT, C.HOLDCALL, C.REQ_PAUSE_LIST),
    State.HOLD_MAKECALL_PROGRESS: (C.EXIT, C.REQ_PAUSE_LIST),
    State.HOLD_MAKECALL_FAILED: (C.EXIT, C.HOLDCALL, C.REQ_PAUSE_LIST, C.MAKECALL),
    State.CLERICAL: (C.ADD_CALL_INFO, C.PAUSE, C.EXIT, C.REQ_PAUSE_LIST),
}
