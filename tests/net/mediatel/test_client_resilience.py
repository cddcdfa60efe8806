"""Nothing lost: reconnects, app restarts, the gateway cookie, and a hostile server."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path

import pytest

from softphone.net.mediatel import (
    AgentUnavailable,
    CallCodeDropped,
    CallCodeResent,
    CallCodeSettled,
    Connected,
    Credentials,
    LoginFailed,
    MediatelClient,
    MediatelConfig,
    MediatelConnectionError,
    PendingCallCodeStore,
    ProtocolError,
    Reconnecting,
    RemoteConnect,
    State,
    StateChanged,
)
from softphone.net.vouch import VouchConfig, mint_token
from softphone.sim.config import Reconnect
from tests.net.mediatel.vectors import vector
from tests.net.mediatel.waits import next_of, reach
from tests.peers.mediatel import WAIT, SimFactory, SimHarness

SECRET = "the-gateway-shared-secret-32-bytes!!"
BOTH = pytest.mark.parametrize("reconnect", [Reconnect.KEEP_LOGIN, Reconnect.LOGOUT])


async def in_clerical(h: SimHarness, client: MediatelClient) -> str:
    await client.make_call("0661234567")
    await reach(client, State.CALL_ACTIVE)
    await client.close_call()
    await reach(client, State.CLERICAL)
    assert client.state is not None and client.state.call_trace_id is not None
    return client.state.call_trace_id


def codes_applied(h: SimHarness) -> list[str]:
    return [e["MCC_CALLCODE"] for e in h.sim.snapshot("demo")["callHistory"]]


@BOTH
async def test_reconnect_restores_the_login(mediatel_sim: SimFactory, reconnect: Reconnect) -> None:
    h = await mediatel_sim(reconnect=reconnect)
    client = await h.logged_in()
    events = client.events()
    await h.sim.drop_connection("demo")
    await next_of(events, Reconnecting)
    assert (await next_of(events, Connected)).reconnected
    await reach(client, State.IDLE)
    assert client.user == "demo"
    assert not [e for e in events.pending() if isinstance(e, LoginFailed)]
    await client.make_call("0661234567")  # the session really works again
    await reach(client, State.CALL_ACTIVE)


async def test_a_command_sent_as_soon_as_connected_is_accepted(
    mediatel_sim: SimFactory,
) -> None:
    """Whoever reacts to Connected (the agent's button, the session) may send at once:
    python-socketio is ready before its own ``connected`` flag turns true."""
    h = await mediatel_sim(reconnect=Reconnect.KEEP_LOGIN)
    client = await h.logged_in()
    events = client.events()
    await h.sim.drop_connection("demo")
    async with asyncio.timeout(WAIT):  # in this task: no loop turn between event and command
        assert (await events.next_of(Connected)).reconnected
    assert client.connected
    await client.make_call("0661234567")
    await reach(client, State.CALL_ACTIVE)


async def test_wait_for_after_a_reconnect_answers_from_the_new_connection(
    mediatel_sim: SimFactory,
) -> None:
    """The socket comes back logged out: the IDLE from before the drop must not answer."""
    h = await mediatel_sim(reconnect=Reconnect.LOGOUT)
    client = await h.logged_in()
    events = client.events()
    before = client.state
    await h.sim.drop_connection("demo")
    async with asyncio.timeout(WAIT):  # in this task: no loop turn after the event
        await events.next_of(Connected)
    await reach(client, State.IDLE)  # the automatic re-login, not the stale snapshot
    assert client.state is not before
    assert h.sim.state_of("demo") is State.IDLE
    received = [e.new for e in events.pending() if isinstance(e, StateChanged)]
    assert [s.state for s in received][:1] == [State.LOGOUT]  # what the new socket said first


async def test_a_stale_snapshot_does_not_answer_while_offline(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim(reconnect=Reconnect.KEEP_LOGIN)
    client = await h.logged_in(reconnection_delay=0.2)
    events = client.events()
    open_gate = h.sim.settings
    h.sim.settings = replace(open_gate, vouch_token="nobody-has-this")
    await h.sim.drop_connection("demo")
    await next_of(events, Reconnecting)
    assert not client.connected
    assert client.state is not None and client.state.state is State.IDLE  # still shown
    with pytest.raises(TimeoutError):
        await client.wait_for(lambda s: s.state is State.IDLE, 0.3)
    h.sim.settings = open_gate
    await reach(client, State.IDLE)
    assert client.connected


@BOTH
async def test_call_code_lost_with_the_connection_is_resent(
    mediatel_sim: SimFactory, reconnect: Reconnect, tmp_path: Path
) -> None:
    h = await mediatel_sim(reconnect=reconnect)
    client = await h.logged_in(data_dir=tmp_path)
    events = client.events()
    trace = await in_clerical(h, client)
    h.sim.lose_next("resolutionSet", drop_connection=True)
    await client.set_result(15)
    assert PendingCallCodeStore(tmp_path).load() is not None  # on disk before it is sent
    resent = await next_of(events, CallCodeResent)
    assert (resent.call_trace_id, resent.code_id) == (trace, 15)
    await next_of(events, CallCodeSettled)
    await reach(client, State.IDLE)
    assert codes_applied(h) == ["15"]
    assert PendingCallCodeStore(tmp_path).load() is None


@BOTH
async def test_app_restart_with_a_pending_call_code(
    mediatel_sim: SimFactory, reconnect: Reconnect, tmp_path: Path
) -> None:
    h = await mediatel_sim(reconnect=reconnect)
    first = await h.logged_in(data_dir=tmp_path)
    trace = await in_clerical(h, first)
    lost = h.sim.lose_next("resolutionSet")
    await first.set_result(4)
    await asyncio.wait_for(lost.wait(), WAIT)
    await first.aclose()  # the app dies before the server applied the code

    second = h.client(data_dir=tmp_path)
    assert second.pending_call_code is not None
    assert second.pending_call_code.call_trace_id == trace
    events = second.events()
    await second.connect()
    if reconnect is Reconnect.LOGOUT:
        await reach(second, State.LOGOUT)
        await second.login("demo", "demo", "1001")  # the app's stored credentials
    resent = await next_of(events, CallCodeResent)
    assert resent.code_id == 4
    await reach(second, State.IDLE)
    assert codes_applied(h) == ["4"]
    assert second.pending_call_code is None and PendingCallCodeStore(tmp_path).load() is None


async def test_a_code_for_another_call_is_not_sent(
    mediatel_sim: SimFactory, tmp_path: Path
) -> None:
    PendingCallCodeStore(tmp_path).save("42", 4)
    h = await mediatel_sim()
    client = h.client(data_dir=tmp_path)
    events = client.events()
    await client.connect()
    await client.login("demo", "demo", "1001")
    await next_of(events, CallCodeSettled)
    assert not [e for e in events.pending() if isinstance(e, CallCodeResent)]
    await in_clerical(h, client)
    assert codes_applied(h) == []


async def test_server_side_disconnect_is_recovered(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim(reconnect=Reconnect.LOGOUT)
    client = await h.logged_in()
    events = client.events()
    await h.sim.disconnect("demo")
    assert (await next_of(events, Connected)).reconnected
    await reach(client, State.IDLE)


async def test_refused_relogin_is_reported_once(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim(reconnect=Reconnect.LOGOUT)
    client = await h.logged_in()
    events = client.events()
    # the password changed on the server while the agent was connected
    h.sim.settings = type(h.sim.settings)(
        **{
            **h.sim.settings.__dict__,
            "agents": (
                type(h.sim.settings.agents[0])(login="demo", password="new", extension="1001"),
            ),
        }
    )
    await h.sim.drop_connection("demo")
    failed = await next_of(events, LoginFailed)
    assert failed.automatic
    assert client.user is None
    await reach(client, State.LOGOUT)


async def test_a_code_chosen_while_offline_is_sent_when_back(
    mediatel_sim: SimFactory, tmp_path: Path
) -> None:
    """The agent picks the code while Mediatel cannot be reached (the gateway refuses
    every handshake): kept on disk, each attempt announced with its delay, sent once
    the server shows the same call in clerical again."""
    h = await mediatel_sim(reconnect=Reconnect.KEEP_LOGIN)
    client = await h.logged_in(data_dir=tmp_path, reconnection_delay=0.2)
    events = client.events()
    trace = await in_clerical(h, client)
    open_gate = h.sim.settings
    h.sim.settings = replace(open_gate, vouch_token="nobody-has-this")
    await h.sim.drop_connection("demo")
    first = await next_of(events, Reconnecting)
    assert first.reason == "the connection dropped" and 0 < (first.retry_in or 0) <= 0.2
    again = await next_of(events, Reconnecting)
    assert again.reason == "Mediatel does not answer"
    await client.set_result(15)  # no exception: kept
    pending = PendingCallCodeStore(tmp_path).load()
    assert pending is not None and (pending.call_trace_id, pending.sent) == (trace, False)
    h.sim.settings = open_gate
    resent = await next_of(events, CallCodeResent)
    assert (resent.call_trace_id, resent.code_id) == (trace, 15)
    await next_of(events, CallCodeSettled)
    await reach(client, State.IDLE)
    assert codes_applied(h) == ["15"]


async def test_a_code_chosen_while_offline_for_a_forgotten_call_is_reported(
    mediatel_sim: SimFactory, tmp_path: Path
) -> None:
    PendingCallCodeStore(tmp_path).save("42", 4, sent=False)
    h = await mediatel_sim()
    client = h.client(data_dir=tmp_path)
    events = client.events()
    await client.connect()
    await client.login("demo", "demo", "1001")
    dropped = await next_of(events, CallCodeDropped)
    assert (dropped.call_trace_id, dropped.code_id) == ("42", 4)
    assert not [e for e in events.pending() if isinstance(e, CallCodeSettled)]
    assert PendingCallCodeStore(tmp_path).load() is None


# -- the gateway cookie ----------------------------------------------------------------


async def test_gateway_refuses_a_handshake_without_the_cookie(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim(vouch_secret=SECRET)
    with pytest.raises(MediatelConnectionError, match="forbidden"):
        await h.client(connect_timeout=2.0).connect()
    wrong = VouchConfig(
        token=mint_token("another-secret-another-secret-xx", username="demo", user_id="1")
    )
    with pytest.raises(MediatelConnectionError):
        await h.client(vouch=wrong, connect_timeout=2.0).connect()
    assert h.sim.rejected_handshakes >= 2


async def test_cookie_is_sent_on_every_reconnect(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim(vouch_secret=SECRET, reconnect=Reconnect.LOGOUT)
    vouch = VouchConfig(secret=SECRET, username="demo", user_id="329")
    client = await h.logged_in(vouch=vouch)
    events = client.events()
    for _ in range(2):
        await h.sim.drop_connection("demo")
        assert (await next_of(events, Connected)).reconnected
        await reach(client, State.IDLE)
    assert h.sim.rejected_handshakes == 0


async def test_keep_login_finds_the_agent_by_its_cookie(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim(vouch_secret=SECRET, reconnect=Reconnect.KEEP_LOGIN)
    vouch = VouchConfig(secret=SECRET, username="demo", user_id="329")
    client = await h.logged_in(vouch=vouch)
    trace = await in_clerical(h, client)
    events = client.events()
    await h.sim.drop_connection("demo")
    await next_of(events, Connected)
    # the new socket continues the session: the first snapshot is clerical, not logout
    first = await next_of(events, StateChanged)
    assert first.new.state is State.CLERICAL and first.new.call_trace_id == trace


# -- a hostile server -------------------------------------------------------------------

HOSTILE = [
    ["not", "an", "object"],
    "STATE_IDLE",
    42,
    None,
    {"state": 5},
    {"state": "STATE_IDLE", "pauseList": {"1": "x"}},
    {"state": "STATE_IDLE", "serverTime": 10**40},
    {"state": "STATE_IDLE", "agentId": "x" * 100_000},
    {"no": "state"},
]


async def test_hostile_snapshots_keep_the_last_good_state(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim()
    client = await h.logged_in()
    good = client.state
    events = client.events()
    for payload in HOSTILE:
        await h.sim.send_raw("demo", "data", payload)
        error = await next_of(events, ProtocolError)
        assert error.message
        assert client.state == good
    await h.sim.send_raw("demo", "data", "two", "args")
    await next_of(events, ProtocolError)
    await h.sim.send_raw("demo", "undocumentedEvent", {"x": 1})
    assert client.connected and client.state == good
    await client.pause(1)  # still fully working
    await reach(client, State.PAUSE)


async def test_a_real_vector_from_the_server_is_accepted(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim()
    client = await h.logged_in()
    await h.sim.send_raw("demo", "data", vector("state-in-call-legacy.json"))
    await client.wait_for(lambda s: s.call_trace_id == "1185574264", WAIT)


async def test_agent_unavailable_and_remote_connect(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim()
    client = await h.logged_in()
    events = client.events()
    await h.sim.agent_unavailable("demo", {"queue": "DM_MFO_1"})
    assert (await next_of(events, AgentUnavailable)).payload == {"queue": "DM_MFO_1"}
    await h.sim.remote_connect("demo", "10.0.0.5", 5060)
    remote = await next_of(events, RemoteConnect)
    assert (remote.host, remote.port) == ("10.0.0.5", 5060)
    await h.sim.send_raw("demo", "remoteConnect", "garbage")
    assert (await next_of(events, ProtocolError)).event == "remoteConnect"
    await h.sim.send_raw("demo", "remoteConnect", {"host": "h", "port": "99999"})
    assert (await next_of(events, RemoteConnect)).port is None


async def test_nothing_secret_in_reprs_or_files(mediatel_sim: SimFactory, tmp_path: Path) -> None:
    h = await mediatel_sim()
    client = await h.logged_in(password="demo", data_dir=tmp_path)
    await in_clerical(h, client)
    await client.set_result(4)
    assert "pa55word" not in repr(Credentials("demo", "pa55word", "1001"))
    for path in tmp_path.iterdir():
        assert "password" not in path.read_text() and json.loads(path.read_text())


async def test_connecting_to_nothing_is_a_clear_error() -> None:
    client = MediatelClient(MediatelConfig("http://127.0.0.1:9", connect_timeout=2.0))
    with pytest.raises(MediatelConnectionError, match=r"127\.0\.0\.1:9"):
        await client.connect()
    await client.aclose()
