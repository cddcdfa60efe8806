"""The Mediatel client against the simulator over real loopback sockets: the documented flows."""

from __future__ import annotations

import pytest

from softphone.net.mediatel import (
    CallCodeSettled,
    CallFailed,
    CommandNotAvailable,
    EventStream,
    InvalidArgument,
    LoginFailed,
    State,
    StateChanged,
    Status,
)
from softphone.sim.config import Timings
from softphone.sim.telephony import CallKind
from tests.net.mediatel.waits import next_of, reach
from tests.peers.mediatel import FAST, WAIT, SimFactory


def states_seen(stream: EventStream) -> list[State]:
    return [e.new.state for e in stream.pending() if isinstance(e, StateChanged)]


async def test_manual_call_from_login_to_call_code(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim()
    client = h.client()
    events = client.events()
    trail = client.events()  # a second subscriber sees every event too
    first = await client.connect()
    assert first.state is State.LOGOUT
    await client.login("demo", "demo", "1001")
    await reach(client, State.IDLE)
    assert client.state is not None and client.state.status is Status.AVAILABLE
    assert client.user == "demo"

    await client.make_call("0661234567")  # queue defaults to queues[0]
    await reach(client, State.CALL_ACTIVE)
    active = client.state
    assert active is not None
    assert active.call_trace_id is not None and active.ani == "0661234567"
    assert active.call_start_time is not None and active.queue_name == active.queues[0]
    ring = h.telephony.extension("1001").rings[-1]
    assert ring.call_trace_id == active.call_trace_id and ring.kind is CallKind.MANUAL

    await client.close_call()
    await reach(client, State.CLERICAL)
    clerical = client.state
    assert clerical is not None and clerical.call_trace_id == active.call_trace_id
    assert clerical.call_codes and clerical.status is Status.CLERICAL
    await client.set_result(clerical.call_codes[0].id)
    await reach(client, State.IDLE)
    settled = await next_of(events, CallCodeSettled)
    assert settled.call_trace_id == active.call_trace_id
    assert client.pending_call_code is None

    seen = states_seen(trail)
    order = [
        State.LOGOUT,
        State.IDLE,
        State.MAKECALL_REQUEST,
        State.CALL_DELIVERED,
        State.CALL_ACTIVE,
        State.CLERICAL,
        State.IDLE,
    ]
    assert [s for s in seen if s in order] == order
    # call codes arrive with STATE_CALL_DELIVERED, the trace id with STATE_CALL_ACTIVE
    history = h.sim.snapshot("demo")["callHistory"]
    assert history[-1]["MCC_CALLCODE"] == str(clerical.call_codes[0].id)


async def test_pause_with_reason_and_resume(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim()
    client = await h.logged_in()
    with pytest.raises(InvalidArgument):
        await client.pause(999)
    with pytest.raises(CommandNotAvailable):
        await client.resume()  # not on pause
    await client.pause(2)
    await reach(client, State.PAUSE)
    assert client.state is not None and client.state.pause is not None
    assert client.state.pause.name == "Talk with Supervisor"
    assert client.state.status is Status.PAUSE
    with pytest.raises(CommandNotAvailable):
        await client.make_call("0661234567")
    await client.resume()
    await reach(client, State.IDLE)
    assert client.state is not None and client.state.pause_id is None


async def test_pause_requested_during_a_call_starts_after_wrap_up(
    mediatel_sim: SimFactory,
) -> None:
    h = await mediatel_sim()
    client = await h.logged_in()
    await client.make_call("0661234567")
    await reach(client, State.CALL_ACTIVE)
    await client.pause(4)
    await client.wait_for(lambda s: s.pause_acknowledge, WAIT)
    await client.close_call()
    await reach(client, State.CLERICAL)
    assert client.state is not None
    await client.set_result(client.state.call_codes[0].id)
    await reach(client, State.PAUSE)
    assert client.state.pause_id == 4


async def test_predictive_call_with_customer_card(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim()
    client = await h.logged_in()
    await client.toggle_predictive()
    await client.wait_for(lambda s: s.predictive, WAIT)
    await reach(client, State.CALL_ACTIVE)
    state = client.state
    assert state is not None and state.call_type == 3
    assert state.crm_connect_target and state.call_customer_id
    assert state.call_customer_id in state.crm_connect_target
    assert h.telephony.extension("1001").rings[-1].kind is CallKind.PREDICTIVE
    await h.sim.customer_hangup("demo")
    await reach(client, State.CLERICAL)
    await client.set_result(state.call_codes[0].id)
    await client.wait_for(
        lambda s: s.state in (State.IDLE, State.CALL_DELIVERED, State.CALL_ACTIVE), WAIT
    )
    await client.wait_for(lambda s: s.can("CMD_PREDICTIVE"), WAIT)
    await client.toggle_predictive()
    await client.wait_for(lambda s: not s.predictive, WAIT)


async def test_inbound_call(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim()
    client = await h.logged_in()
    trace = await h.sim.inbound_call("demo", ani="0501112233")
    await reach(client, State.CALL_ACTIVE)
    assert client.state is not None
    assert client.state.ani == "0501112233" and client.state.call_trace_id == trace
    assert client.state.call_type == 2
    await h.sim.customer_hangup("demo")
    await reach(client, State.CLERICAL)


async def test_hold_retrieve_and_mute(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim()
    client = await h.logged_in()
    with pytest.raises(CommandNotAvailable):
        await client.hold()
    await client.make_call("0661234567")
    await reach(client, State.CALL_ACTIVE)
    with pytest.raises(CommandNotAvailable):
        await client.retrieve()  # not on hold
    await client.mute()
    await client.wait_for(lambda s: s.mute, WAIT)
    await client.mute()
    await client.wait_for(lambda s: not s.mute, WAIT)
    await client.hold()
    await reach(client, State.HOLD)
    assert client.state is not None and client.state.status is Status.ON_HOLD
    assert h.telephony.extension("1001").on_hold
    with pytest.raises(CommandNotAvailable):
        await client.hold()
    await client.retrieve()
    await reach(client, State.CALL_ACTIVE)
    assert not h.telephony.extension("1001").on_hold


async def test_consultation_call_while_on_hold_fails_visibly(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim()
    client = await h.logged_in()
    events = client.events()
    await client.make_call("0661234567")
    await reach(client, State.CALL_ACTIVE)
    await client.hold()
    await reach(client, State.HOLD)
    await client.make_call("0501112233")
    await reach(client, State.HOLD_MAKECALL_FAILED)
    assert (await next_of(events, CallFailed)).error_id == -303
    await client.retrieve()
    await reach(client, State.CALL_ACTIVE)


async def test_agent_hangs_up_on_the_phone(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim()
    client = await h.logged_in()
    await client.make_call("0661234567")
    await reach(client, State.CALL_ACTIVE)
    h.telephony.extension("1001").hang_up()
    await reach(client, State.CLERICAL)


async def test_wrong_password_is_a_readable_error(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim()
    client = h.client()
    events = client.events()
    await client.connect()
    await client.login("demo", "wrong", "1001")
    failed = await next_of(events, LoginFailed)
    assert failed.message == "Invalid user name or password (code -101)"
    assert not failed.automatic
    assert client.state is not None and client.state.state is State.LOGOUT
    assert client.user is None  # a refused password is never retried
    await client.login("demo", "demo", "9999")
    failed = await next_of(events, LoginFailed)
    assert "extension" in failed.message
    await client.login("demo", "demo", "1001")
    await reach(client, State.IDLE)


async def test_commands_not_offered_raise_instead_of_vanishing(
    mediatel_sim: SimFactory,
) -> None:
    h = await mediatel_sim()
    client = h.client()
    with pytest.raises(CommandNotAvailable, match="not connected"):
        await client.make_call("0661234567")
    await client.connect()
    with pytest.raises(CommandNotAvailable) as info:
        await client.make_call("0661234567")
    assert info.value.state == "STATE_LOGOUT" and "CMD_LOGIN" in info.value.available
    for command in (
        client.logout,
        client.close_call,
        client.hold,
        client.mute,
        client.toggle_predictive,
    ):
        with pytest.raises(CommandNotAvailable):
            await command()
    with pytest.raises(CommandNotAvailable, match="STATE_CLERICAL"):
        await client.set_result(4)
    await client.login("demo", "demo", "1001")
    await reach(client, State.IDLE)
    with pytest.raises(CommandNotAvailable):
        await client.login("demo", "demo", "1001")
    with pytest.raises(InvalidArgument):
        await client.make_call("   ")


async def test_bad_number_puts_the_call_in_makecall_failed(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim()
    client = await h.logged_in()
    events = client.events()
    await client.make_call("not-a-number")
    await reach(client, State.MAKECALL_FAILED)
    failed = await next_of(events, CallFailed)
    assert failed.error_id == -301 and not failed.force_pause
    assert client.state is not None and client.state.status is Status.AVAILABLE
    await client.make_call("0661234567")  # MAKECALL_FAILED still offers CMD_MAKECALL
    await reach(client, State.CALL_ACTIVE)


async def test_force_pause_when_the_extension_does_not_answer(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim(
        answer_after=None, timings=Timings(**{**FAST.__dict__, "answer_timeout": 0.3})
    )
    client = await h.logged_in()
    events = client.events()
    await client.make_call("0661234567")
    failed = await next_of(events, CallFailed)
    assert failed.error_id == -223 and failed.text == "No Answer from agent"
    assert failed.force_pause
    assert client.state is not None and client.state.state is State.PAUSE
    assert len(h.telephony.extension("1001").rings) == 1
    assert not h.telephony.extension("1001").ringing
    await client.resume()
    await reach(client, State.IDLE)
    assert client.state.call_error is None


async def test_an_unregistered_extension_is_force_paused_too(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim()
    h.telephony.extension("1001").registered = False
    client = await h.logged_in()
    events = client.events()
    await h.sim.inbound_call("demo")
    assert (await next_of(events, CallFailed)).force_pause


async def test_clerical_timeout_returns_to_idle(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim(timings=Timings(**{**FAST.__dict__, "clerical_timeout": 0.3}))
    client = await h.logged_in()
    await client.make_call("0661234567")
    await reach(client, State.CALL_ACTIVE)
    await client.close_call()
    await reach(client, State.CLERICAL)
    await reach(client, State.IDLE)
    assert "MCC_CALLCODE" not in str(h.sim.snapshot("demo")["callHistory"])


async def test_close_call_while_ringing_skips_wrap_up(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim(answer_after=None)
    client = await h.logged_in()
    await client.make_call("0661234567")
    await reach(client, State.CALL_DELIVERED)
    await client.close_call()
    await reach(client, State.IDLE)
    assert not h.telephony.extension("1001").ringing


async def test_logout_and_exit(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim()
    client = await h.logged_in()
    await client.logout()
    await reach(client, State.LOGOUT)
    assert client.user is None
    await client.login("demo", "demo", "1001")
    await reach(client, State.IDLE)
    await client.exit()
    await reach(client, State.LOGOUT)
    assert client.user is None


async def test_a_second_login_takes_the_agent_over(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim()
    first = await h.logged_in()
    second = await h.logged_in()
    await reach(first, State.LOGOUT)
    assert second.state is not None and second.state.state is State.IDLE
