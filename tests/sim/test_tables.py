"""The simulator's state table against the protocol doc's own markdown tables."""

from __future__ import annotations

import re

import pytest

from softphone.net.mediatel import CommandType, State, Status
from softphone.net.mediatel.state import Command
from softphone.sim.commands import NEEDS
from softphone.sim.tables import COMMANDS_IN, STATUS_OF, TRANSITIONS, UNDESCRIBED, Trigger
from tests.net.mediatel.vectors import PROTOCOL_DOC, vector


def doc() -> str:
    if not PROTOCOL_DOC.exists():
        pytest.fail(f"protocol doc missing: {PROTOCOL_DOC}")
    return PROTOCOL_DOC.read_text(encoding="utf-8")


def section(title: str) -> str:
    text = doc()
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def table_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not re.fullmatch(r"\|[-| ]+\|", line):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows[1:]  # drop the header


def documented_statuses() -> dict[str, str]:
    out = {}
    for states, status, *_ in table_rows(section("States and statuses")):
        for name in states.split(","):
            out[name.strip()] = status
    return out


def test_doc_table_is_parsed() -> None:
    table = documented_statuses()
    assert table["STATE_LOGOUT"] == "offline" and table["STATE_HOLD_DIALPAD"] == "on_hold"
    assert len(table) == 17


def test_every_documented_status_matches() -> None:
    table = documented_statuses()
    described = {name: status for name, status in table.items() if status != "—"}
    assert {str(s): str(st) for s, st in STATUS_OF.items()} == described


def test_undescribed_states_are_never_entered() -> None:
    table = documented_statuses()
    assert {str(s) for s in UNDESCRIBED} == {n for n, st in table.items() if st == "—"}
    assert not UNDESCRIBED & set(COMMANDS_IN)
    # and our enums name every documented state and status
    assert set(table) <= {str(s) for s in State}
    assert {st for st in table.values() if st != "—"} <= {str(s) for s in Status}


def test_every_state_offers_only_documented_commands() -> None:
    seen = set(re.findall(r"CMD_[A-Z_]+", section("States and statuses").split("Commands seen")[1]))
    assert set(COMMANDS_IN) == set(STATUS_OF)
    for state, commands in COMMANDS_IN.items():
        assert set(commands) <= seen, state
        assert len(set(commands)) == len(commands), state


def test_the_seen_command_lists_are_reproduced() -> None:
    logout = vector("state-logout-legacy.json")["avaliableCommand"]
    assert [str(c) for c in COMMANDS_IN[State.LOGOUT]] == logout
    in_call = vector("state-in-call-legacy.json")["avaliableCommand"]
    # the seeds cut this list short ("…"): ours starts with exactly what they show
    assert [str(c) for c in COMMANDS_IN[State.CALL_ACTIVE]][: len(in_call)] == in_call


def test_client_and_simulator_know_exactly_the_documented_commands() -> None:
    payload_types = set(
        re.findall(
            r'type: "(\w+)"', section("Client → server: everything is event `data` with a `type`")
        )
    )
    assert payload_types == {str(t) for t in CommandType} == set(NEEDS)


def test_transitions_stay_within_the_described_states() -> None:
    for trigger, (sources, target) in TRANSITIONS.items():
        assert target in STATUS_OF, trigger
        assert sources <= set(STATUS_OF), trigger
    assert set(TRANSITIONS) == set(Trigger)


def test_commands_move_only_from_states_that_offer_them() -> None:
    """A transition a command causes is possible only where that command is offered."""
    offered_by = {
        Trigger.LOGIN: Command.LOGIN,
        Trigger.MAKE_CALL: Command.MAKECALL,
        Trigger.CALL_FAILED: Command.MAKECALL,
        Trigger.CONSULT: Command.MAKECALL,
        Trigger.HOLD: Command.HOLDCALL,
        Trigger.PAUSE: Command.PAUSE,
        Trigger.UNPAUSE: Command.PAUSE,
    }
    for trigger, command in offered_by.items():
        sources, _ = TRANSITIONS[trigger]
        refused = {s for s in sources if command not in COMMANDS_IN[s]}
        assert not refused, (trigger, refused)
