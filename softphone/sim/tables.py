"""The simulator's state tables: status and available commands per state, and transitions.

Statuses are the protocol doc's table verbatim. The command lists follow the
two lists the seeds show (STATE_LOGOUT exactly, STATE_CALL_ACTIVE as a
superset of the cut-short example); the rest are our reading, written down in
docs/mediatel-decisions.md. tests/sim/test_tables.py checks this module
against the doc's markdown tables.
"""

from __future__ import annotations

from enum import StrEnum

from softphone.net.mediatel.state import CALL_STATES, HOLD_STATES, Command, State, Status

C = Command
S = State

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


class Trigger(StrEnum):
    """What moves an agent from one state to another (a command, the telephony, a timer)."""

    LOGIN = "login"
    MAKE_CALL = "make_call"  # makeCall accepted; the customer is dialled after dial_delay
    CALL_FAILED = "call_failed"  # makeCall refused (bad number or queue)
    FAILED_RESET = "failed_reset"  # failed_reset after a refused makeCall
    CONSULT = "consult"  # makeCall while the customer holds
    CONSULT_FAILED = "consult_failed"  # consultation calls are not simulated
    DELIVER = "deliver"  # the agent's extension rings
    NO_ANSWER = "no_answer"  # it did not answer: Force Pause
    CUSTOMER_ANSWERED = "customer_answered"  # it answered and the customer is connected
    CANCEL_DELIVERY = "cancel_delivery"  # closeCall before the customer was dialled
    HOLD = "hold"
    RETRIEVE = "retrieve"
    PAUSE = "pause"
    UNPAUSE = "unpause"
    CALL_ENDED = "call_ended"  # either side hung up: the wrap-up starts
    WRAP_UP_DONE = "wrap_up_done"  # call code or clerical timeout
    WRAP_UP_TO_PAUSE = "wrap_up_to_pause"  # the same, with a pause requested during the call
    LOGOUT = "logout"


_ANY = frozenset(STATUS_OF)

#: trigger -> (the states it may happen in, the state it leads to). A trigger in
#: any other state is refused; ``force_state`` (training, tests) alone bypasses this.
TRANSITIONS: dict[Trigger, tuple[frozenset[State], State]] = {
    Trigger.LOGIN: (frozenset({S.LOGOUT}), S.IDLE),
    Trigger.MAKE_CALL: (frozenset({S.IDLE, S.MAKECALL_FAILED}), S.MAKECALL_REQUEST),
    Trigger.CALL_FAILED: (frozenset({S.IDLE, S.MAKECALL_FAILED}), S.MAKECALL_FAILED),
    Trigger.FAILED_RESET: (frozenset({S.MAKECALL_FAILED}), S.IDLE),
    Trigger.CONSULT: (frozenset({S.HOLD, S.HOLD_MAKECALL_FAILED}), S.HOLD_MAKECALL_PROGRESS),
    Trigger.CONSULT_FAILED: (frozenset({S.HOLD_MAKECALL_PROGRESS}), S.HOLD_MAKECALL_FAILED),
    Trigger.DELIVER: (frozenset({S.IDLE, S.MAKECALL_REQUEST}), S.CALL_DELIVERED),
    Trigger.NO_ANSWER: (frozenset({S.CALL_DELIVERED}), S.PAUSE),
    Trigger.CUSTOMER_ANSWERED: (frozenset({S.CALL_DELIVERED}), S.CALL_ACTIVE),
    Trigger.CANCEL_DELIVERY: (frozenset({S.CALL_DELIVERED}), S.IDLE),
    Trigger.HOLD: (frozenset({S.CALL_ACTIVE}), S.HOLD),
    Trigger.RETRIEVE: (HOLD_STATES, S.CALL_ACTIVE),
    Trigger.PAUSE: (frozenset({S.IDLE, S.MAKECALL_FAILED, S.PAUSE}), S.PAUSE),
    Trigger.UNPAUSE: (frozenset({S.PAUSE}), S.IDLE),
    Trigger.CALL_ENDED: (CALL_STATES - UNDESCRIBED, S.CLERICAL),
    Trigger.WRAP_UP_DONE: (frozenset({S.CLERICAL}), S.IDLE),
    Trigger.WRAP_UP_TO_PAUSE: (frozenset({S.CLERICAL}), S.PAUSE),
    Trigger.LOGOUT: (_ANY, S.LOGOUT),
}
