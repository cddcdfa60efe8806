"""AgentState from the doc's real snapshots, and from hostile ones."""

from __future__ import annotations

import contextlib
import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from softphone.net.mediatel import (
    CallCode,
    Command,
    Pause,
    State,
    StateParseError,
    Status,
    crm_navigate_url,
    parse_state,
)
from tests.net.mediatel.vectors import vector


def test_logout_snapshot_legacy_spelling() -> None:
    s = parse_state(vector("state-logout-legacy.json"))
    assert s.state is State.LOGOUT and s.status is Status.OFFLINE
    assert s.available_commands == {
        "CMD_EXIT",
        "CMD_REQ_PAUSE_LIST",
        "CMD_REQ_CRT_DETAILS",
        "CMD_LOGIN",
    }
    assert s.can(Command.LOGIN) and not s.can(Command.MAKECALL)
    assert s.call_codes == (CallCode(4, "10. Обещание об оплате", 0),)
    assert s.pause_list[0] == Pause(1, "Technical Break") and len(s.pause_list) == 4
    assert s.is_available is True
    # the "empty" sentinels
    assert s.agent_id is None and s.call_trace_id is None and s.call_customer_id is None
    assert s.call_start_time is None and s.time is None and s.queues == ()
    assert s.agent_ext is None and s.ani is None and s.queue_id is None
    assert s.login_error is None and s.pause_id is None
    assert s.server_time == datetime(2021, 3, 25, 8, 45, 2, 768000, tzinfo=UTC)
    assert not s.logged_in


def test_modern_and_legacy_spellings_give_the_same_state() -> None:
    legacy = parse_state(vector("state-logout-legacy.json"))
    modern = parse_state(vector("state-logout-modern.json"))
    assert legacy == modern


def test_in_call_snapshot() -> None:
    s = parse_state(vector("state-in-call-legacy.json"))
    assert s.state is State.CALL_ACTIVE and s.status is Status.IN_A_CALL
    assert s.in_call and s.logged_in and not s.on_hold
    assert s.call_trace_id == "1185574264"
    assert s.ani == "0661234567"
    assert s.call_start_time == datetime(2021, 3, 25, 11, 58, 15)
    assert s.agent_id == 329 and s.agent_ext == "webrtc-2016" and s.agent_name == "AKramarenko"
    assert s.queues == ("DM_Banks_ManualCalls",) and s.queue_name == "DM_MFO_1"
    assert s.queue_id == 9 and s.max_call_duration == 180 and s.call_type == 3
    assert s.predictive is True and s.mute is False
    assert s.call_history[0]["MCC_SAMPLEID"] == "39553609"
    assert s.can(Command.HOLDCALL) and s.can(Command.MUTE)
    assert Pause(102, "Online chat") in s.pause_list
    assert s.last_call_time is None  # 0 means never
    assert s.dnis == "77@192.168.1.1:5060"


def test_crm_navigate_url_is_extracted() -> None:
    web = vector("webserver-crmnavigate.json")["webServer"]
    assert crm_navigate_url(web) == "http://mccdb.creditexpress.ua/AgentSurveyKyiv/"
    data = vector("state-logout-modern.json") | {"webServer": web}
    assert parse_state(data).crm_navigate_url == "http://mccdb.creditexpress.ua/AgentSurveyKyiv/"
    assert crm_navigate_url("") is None and crm_navigate_url("javascript:void(0)") is None


def test_numbers_may_arrive_as_numbers() -> None:
    data = vector("state-in-call-legacy.json")
    as_numbers = {
        k: (int(v) if isinstance(v, str) and v.lstrip("-").isdigit() and str(int(v)) == v else v)
        for k, v in data.items()
    }
    assert as_numbers["agentId"] == 329 and as_numbers["callTraceID"] == 1185574264
    as_numbers["pauseList"] = [[int(i), n] for i, n in data["pauseList"]]
    assert parse_state(as_numbers) == parse_state(data)


def test_unknown_fields_are_kept_and_unknown_states_tolerated() -> None:
    data = vector("state-logout-modern.json") | {
        "state": "STATE_SOMETHING_NEW",
        "status": "busy",
        "newField": {"x": 1},
    }
    s = parse_state(data)
    assert s.state is State.UNKNOWN and s.state_name == "STATE_SOMETHING_NEW"
    assert s.status is Status.UNKNOWN and s.status_name == "busy"
    assert s.extra == {"newField": {"x": 1}}
    assert not s.logged_in


def test_readable_errors() -> None:
    data = vector("state-logout-modern.json") | {
        "loginErrorID": "-101",
        "loginErrorText": "Invalid user name or password",
    }
    assert parse_state(data).login_error == "Invalid user name or password (code -101)"
    data = vector("state-logout-modern.json") | {
        "callErrorID": -223,
        "callErrorText": "No Answer from agent",
    }
    assert parse_state(data).call_error == "No Answer from agent (code -223)"
    assert parse_state(vector("state-logout-modern.json") | {"callErrorID": "-5"}).call_error == (
        "Call failed (code -5)"
    )


def test_a_minimal_snapshot_is_enough() -> None:
    s = parse_state({"state": "STATE_IDLE"})
    assert s.state is State.IDLE and s.status is Status.UNKNOWN
    assert s.available_commands == frozenset() and s.pause_list == ()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"state": None}, "state"),
        ({"state": 5}, "state"),
        ({"agentId": [1]}, "agentId"),
        ({"agentId": "abc"}, "agentId"),
        ({"pauseList": {"1": "x"}}, "pauseList"),
        ({"pauseList": [["1"]]}, "pauseList"),
        ({"pauseList": [[{"id": 1}, "x"]]}, "pauseList"),
        ({"avaliableCommand": "CMD_LOGIN"}, "avaliableCommand"),
        ({"avaliableCommand": [1, 2]}, "avaliableCommand"),
        ({"awaliableCallCodes": [["4", "x"]]}, "awaliableCallCodes"),
        ({"awaliableCallCodes": [{"Name": "no id"}]}, "awaliableCallCodes"),
        ({"callStartTime": "yesterday"}, "callStartTime"),
        ({"serverTime": 10**30}, "serverTime"),
        ({"serverTime": -5}, "serverTime"),
        ({"pauseId": "9" * 5000}, "pauseId"),
        ({"queues": "DM"}, "queues"),
        ({"callHistory": ["x"]}, "callHistory"),
        ({"agentName": {"first": "A"}}, "agentName"),
        ({"mcc": [1]}, "mcc"),
    ],
)
def test_malformed_fields_raise_our_error(change: dict[str, Any], field: str) -> None:
    data = vector("state-logout-legacy.json") | change
    with pytest.raises(StateParseError) as info:
        parse_state(data)
    assert info.value.field == field


@pytest.mark.parametrize("payload", [None, [], "STATE_IDLE", 42, [{"state": "STATE_IDLE"}]])
def test_a_snapshot_that_is_not_an_object_raises(payload: object) -> None:
    with pytest.raises(StateParseError):
        parse_state(payload)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(vector("state-in-call-legacy.json"))), _json)
def test_any_value_in_any_field_parses_or_raises_our_error(key: str, value: object) -> None:
    data = copy.deepcopy(vector("state-in-call-legacy.json"))
    data[key] = value
    with contextlib.suppress(StateParseError):
        parse_state(data)


@settings(max_examples=200, deadline=None)
@given(_json)
def test_any_payload_parses_or_raises_our_error(payload: object) -> None:
    with contextlib.suppress(StateParseError):
        parse_state(payload)


def test_states_are_frozen() -> None:
    s = parse_state(vector("state-in-call-legacy.json"))
    with pytest.raises(AttributeError):
        s.state = State.IDLE  # type: ignore[misc]
    with pytest.raises(TypeError):
        s.extra["x"] = 1  # type: ignore[index]
