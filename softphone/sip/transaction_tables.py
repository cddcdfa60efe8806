"""The four SIP transaction kinds as transition tables (RFC 3261 §17, RFC 6026).

``(state, input) -> (new state, actions)``: the table is the specification,
read side by side with the RFC's figures; ``transaction.Transaction`` only
interprets the actions. Kept apart so the tables can be read in one sitting.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class TxKind(enum.Enum):
    INVITE_CLIENT = "invite-client"
    NON_INVITE_CLIENT = "non-invite-client"
    INVITE_SERVER = "invite-server"
    NON_INVITE_SERVER = "non-invite-server"


class TxState(enum.Enum):
    CALLING = "calling"
    TRYING = "trying"
    PROCEEDING = "proceeding"
    COMPLETED = "completed"
    CONFIRMED = "confirmed"
    ACCEPTED = "accepted"
    TERMINATED = "terminated"


class TxInput(enum.Enum):
    # from the network (client side: responses; server side: requests)
    PROVISIONAL = "1xx"
    SUCCESS = "2xx"
    FAILURE = "300-699"
    REQUEST = "request retransmission"
    ACK = "ACK"
    # from our TU (server side)
    TU_PROVISIONAL = "TU 1xx"
    TU_SUCCESS = "TU 2xx"
    TU_FAILURE = "TU 300-699"
    # timers and the transport
    TIMER_A = "A"
    TIMER_B = "B"
    TIMER_D = "D"
    TIMER_E = "E"
    TIMER_F = "F"
    TIMER_G = "G"
    TIMER_H = "H"
    TIMER_I = "I"
    TIMER_J = "J"
    TIMER_K = "K"
    TIMER_L = "L"
    TIMER_M = "M"
    TRANSPORT_ERROR = "transport error"


TU_INPUTS = frozenset({TxInput.TU_PROVISIONAL, TxInput.TU_SUCCESS, TxInput.TU_FAILURE})


class Act(enum.Enum):
    SEND_REQUEST = "send the request again"
    SEND_ACK = "send (again) the ACK for a non-2xx"
    PASS_TO_TU = "pass the response to the TU"
    SEND_RESPONSE = "send the TU's response"
    RESEND_RESPONSE = "send the last response again"
    TIMEOUT = "tell the TU: timeout"
    TRANSPORT_FAILED = "tell the TU: transport error"


@dataclass(frozen=True, slots=True)
class Start:
    """Start timer ``name`` with its initial value (not started if None)."""

    timer: str


@dataclass(frozen=True, slots=True)
class Backoff:
    """Restart timer ``name`` with its previous interval doubled (capped at
    T2 when ``cap``), the retransmission rule of timers A, E and G."""

    timer: str
    cap: bool


@dataclass(frozen=True, slots=True)
class AtT2:
    """Restart timer ``name`` with T2 (timer E in the Proceeding state)."""

    timer: str


@dataclass(frozen=True, slots=True)
class Stop:
    timer: str


Action = Act | Start | Backoff | AtT2 | Stop
Table = dict[tuple[TxState, TxInput], tuple[TxState, tuple[Action, ...]]]

S = TxState
I = TxInput  # noqa: E741

INVITE_CLIENT_TABLE: Table = {
    (S.CALLING, I.TIMER_A): (S.CALLING, (Act.SEND_REQUEST, Backoff("A", cap=False))),
    (S.CALLING, I.TIMER_B): (S.TERMINATED, (Act.TIMEOUT,)),
    (S.CALLING, I.PROVISIONAL): (S.PROCEEDING, (Stop("A"), Stop("B"), Act.PASS_TO_TU)),
    (S.CALLING, I.SUCCESS): (S.ACCEPTED, (Stop("A"), Stop("B"), Start("M"), Act.PASS_TO_TU)),
    (S.CALLING, I.FAILURE): (
        S.COMPLETED,
        (Stop("A"), Stop("B"), Act.SEND_ACK, Act.PASS_TO_TU, Start("D")),
    ),
    (S.CALLING, I.TRANSPORT_ERROR): (S.TERMINATED, (Act.TRANSPORT_FAILED,)),
    (S.PROCEEDING, I.PROVISIONAL): (S.PROCEEDING, (Act.PASS_TO_TU,)),
    (S.PROCEEDING, I.SUCCESS): (S.ACCEPTED, (Start("M"), Act.PASS_TO_TU)),
    (S.PROCEEDING, I.FAILURE): (S.COMPLETED, (Act.SEND_ACK, Act.PASS_TO_TU, Start("D"))),
    (S.PROCEEDING, I.TRANSPORT_ERROR): (S.TERMINATED, (Act.TRANSPORT_FAILED,)),
    (S.COMPLETED, I.FAILURE): (S.COMPLETED, (Act.SEND_ACK,)),
    (S.COMPLETED, I.TIMER_D): (S.TERMINATED, ()),
    (S.COMPLETED, I.TRANSPORT_ERROR): (S.TERMINATED, ()),
    (S.ACCEPTED, I.SUCCESS): (S.ACCEPTED, (Act.PASS_TO_TU,)),
    (S.ACCEPTED, I.TIMER_M): (S.TERMINATED, ()),
    (S.ACCEPTED, I.TRANSPORT_ERROR): (S.TERMINATED, ()),
}

_NON_INVITE_FINAL = (Stop("E"), Stop("F"), Act.PASS_TO_TU, Start("K"))
NON_INVITE_CLIENT_TABLE: Table = {
    (S.TRYING, I.TIMER_E): (S.TRYING, (Act.SEND_REQUEST, Backoff("E", cap=True))),
    (S.TRYING, I.TIMER_F): (S.TERMINATED, (Act.TIMEOUT,)),
    (S.TRYING, I.PROVISIONAL): (S.PROCEEDING, (Act.PASS_TO_TU,)),
    (S.TRYING, I.SUCCESS): (S.COMPLETED, _NON_INVITE_FINAL),
    (S.TRYING, I.FAILURE): (S.COMPLETED, _NON_INVITE_FINAL),
    (S.TRYING, I.TRANSPORT_ERROR): (S.TERMINATED, (Act.TRANSPORT_FAILED,)),
    (S.PROCEEDING, I.TIMER_E): (S.PROCEEDING, (Act.SEND_REQUEST, AtT2("E"))),
    (S.PROCEEDING, I.TIMER_F): (S.TERMINATED, (Act.TIMEOUT,)),
    (S.PROCEEDING, I.PROVISIONAL): (S.PROCEEDING, (Act.PASS_TO_TU,)),
    (S.PROCEEDING, I.SUCCESS): (S.COMPLETED, _NON_INVITE_FINAL),
    (S.PROCEEDING, I.FAILURE): (S.COMPLETED, _NON_INVITE_FINAL),
    (S.PROCEEDING, I.TRANSPORT_ERROR): (S.TERMINATED, (Act.TRANSPORT_FAILED,)),
    (S.COMPLETED, I.TIMER_K): (S.TERMINATED, ()),
    (S.COMPLETED, I.TRANSPORT_ERROR): (S.TERMINATED, ()),
}

INVITE_SERVER_TABLE: Table = {
    (S.PROCEEDING, I.REQUEST): (S.PROCEEDING, (Act.RESEND_RESPONSE,)),
    (S.PROCEEDING, I.TU_PROVISIONAL): (S.PROCEEDING, (Act.SEND_RESPONSE,)),
    (S.PROCEEDING, I.TU_SUCCESS): (S.ACCEPTED, (Act.SEND_RESPONSE, Start("L"))),
    (S.PROCEEDING, I.TU_FAILURE): (S.COMPLETED, (Act.SEND_RESPONSE, Start("G"), Start("H"))),
    (S.PROCEEDING, I.TRANSPORT_ERROR): (S.TERMINATED, (Act.TRANSPORT_FAILED,)),
    (S.COMPLETED, I.REQUEST): (S.COMPLETED, (Act.RESEND_RESPONSE,)),
    (S.COMPLETED, I.TIMER_G): (S.COMPLETED, (Act.RESEND_RESPONSE, Backoff("G", cap=True))),
    (S.COMPLETED, I.ACK): (S.CONFIRMED, (Stop("G"), Stop("H"), Start("I"))),
    (S.COMPLETED, I.TIMER_H): (S.TERMINATED, (Act.TIMEOUT,)),
    (S.COMPLETED, I.TRANSPORT_ERROR): (S.TERMINATED, (Act.TRANSPORT_FAILED,)),
    (S.CONFIRMED, I.ACK): (S.CONFIRMED, ()),
    (S.CONFIRMED, I.TIMER_I): (S.TERMINATED, ()),
    (S.ACCEPTED, I.REQUEST): (S.ACCEPTED, ()),
    (S.ACCEPTED, I.TU_SUCCESS): (S.ACCEPTED, (Act.SEND_RESPONSE,)),
    (S.ACCEPTED, I.TIMER_L): (S.TERMINATED, ()),
    (S.ACCEPTED, I.TRANSPORT_ERROR): (S.TERMINATED, ()),
}

_NON_INVITE_SERVER_FINAL = (Act.SEND_RESPONSE, Start("J"))
NON_INVITE_SERVER_TABLE: Table = {
    (S.TRYING, I.REQUEST): (S.TRYING, ()),
    (S.TRYING, I.TU_PROVISIONAL): (S.PROCEEDING, (Act.SEND_RESPONSE,)),
    (S.TRYING, I.TU_SUCCESS): (S.COMPLETED, _NON_INVITE_SERVER_FINAL),
    (S.TRYING, I.TU_FAILURE): (S.COMPLETED, _NON_INVITE_SERVER_FINAL),
    (S.TRYING, I.TRANSPORT_ERROR): (S.TERMINATED, (Act.TRANSPORT_FAILED,)),
    (S.PROCEEDING, I.REQUEST): (S.PROCEEDING, (Act.RESEND_RESPONSE,)),
    (S.PROCEEDING, I.TU_PROVISIONAL): (S.PROCEEDING, (Act.SEND_RESPONSE,)),
    (S.PROCEEDING, I.TU_SUCCESS): (S.COMPLETED, _NON_INVITE_SERVER_FINAL),
    (S.PROCEEDING, I.TU_FAILURE): (S.COMPLETED, _NON_INVITE_SERVER_FINAL),
    (S.PROCEEDING, I.TRANSPORT_ERROR): (S.TERMINATED, (Act.TRANSPORT_FAILED,)),
    (S.COMPLETED, I.REQUEST): (S.COMPLETED, (Act.RESEND_RESPONSE,)),
    (S.COMPLETED, I.TIMER_J): (S.TERMINATED, ()),
    (S.COMPLETED, I.TRANSPORT_ERROR): (S.TERMINATED, ()),
}

TABLES: dict[TxKind, Table] = {
    TxKind.INVITE_CLIENT: INVITE_CLIENT_TABLE,
    TxKind.NON_INVITE_CLIENT: NON_INVITE_CLIENT_TABLE,
    TxKind.INVITE_SERVER: INVITE_SERVER_TABLE,
    TxKind.NON_INVITE_SERVER: NON_INVITE_SERVER_TABLE,
}

INITIAL_STATE = {
    TxKind.INVITE_CLIENT: S.CALLING,
    TxKind.NON_INVITE_CLIENT: S.TRYING,
    TxKind.INVITE_SERVER: S.PROCEEDING,
    TxKind.NON_INVITE_SERVER: S.TRYING,
}

# Timers started on creation: A and B for INVITE, E and F otherwise.
INITIAL_TIMERS = {
    TxKind.INVITE_CLIENT: ("A", "B"),
    TxKind.NON_INVITE_CLIENT: ("E", "F"),
    TxKind.INVITE_SERVER: (),
    TxKind.NON_INVITE_SERVER: (),
}


class Failure(enum.Enum):
    """Why a client transaction ended without a final response."""

    TIMEOUT = "timeout"
    TRANSPORT = "transport error"


def response_input(code: int) -> TxInput:
    if code < 200:
        return TxInput.PROVISIONAL
    if code < 300:
        return TxInput.SUCCESS
    return TxInput.FAILURE


def tu_input(code: int) -> TxInput:
    if code < 200:
        return TxInput.TU_PROVISIONAL
    if code < 300:
        return TxInput.TU_SUCCESS
    return TxInput.TU_FAILURE
