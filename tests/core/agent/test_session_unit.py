"""The session on fake ports: the order of sign-in and sign-out, and what is published."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from softphone.core import phone_events as ev
from softphone.core.agent_api import SignInRequest
from softphone.core.agent_commands import AgentCommand, CommandRefused, SignInError, SignInField
from softphone.core.agent_ports import SipLogin
from softphone.core.agent_session import AgentSession, SessionPolicy
from softphone.core.agent_snapshot import AgentSnapshot, SignIn
from softphone.core.cti_events import CtiEvent
from softphone.net.mediatel import State
from tests.core.agent.fake_clock import FakeClock
from tests.core.agent.fake_ports import FakeMediatel, FakePhone
from tests.core.agent.states import agent_state

REQUEST = SignInRequest("demo", "demo", "1001", sip_password="1001")


class Rig:
    def __init__(self, *, login_ok: bool = True, registers: bool = True) -> None:
        self.log: list[str] = []
        self.clock = FakeClock()
        self.mediatel = FakeMediatel(self.log, login_ok=login_ok)
        self.phones: list[FakePhone] = []
        self.snapshots: list[AgentSnapshot] = []
        self.cti: list[CtiEvent] = []

        def phone(login: SipLogin) -> Any:
            fake = FakePhone(self.log, login, registers=registers)
            self.phones.append(fake)
            return fake

        self.session = AgentSession(
            mediatel=lambda: self.mediatel,  # type: ignore[arg-type,return-value]
            phone=phone,
            sip_urls=("wss://pbx.example/ws",),
            policy=SessionPolicy(sign_in_timeout_s=2.0),
            clock=self.clock,
        )
        self.session.subscribe(self.snapshots.append)
        self.session.subscribe_cti(self.cti.append)

    async def settle(self) -> None:
        for _ in range(20):
            await asyncio.sleep(0)


async def test_sign_in_registers_before_logging_in_and_sign_out_reverses() -> None:
    rig = Rig()
    await rig.session.sign_in(REQUEST)
    assert rig.log == ["mediatel.connect", "phone.start", "mediatel.login"]
    assert rig.phones[0].login.password == "1001" and rig.phones[0].login.user == "1001"
    await rig.settle()
    snap = rig.session.snapshot
    assert snap.sign_in is SignIn.SIGNED_IN and snap.state is State.IDLE
    assert snap.sip.up and snap.can(AgentCommand.DIAL)
    rig.log.clear()
    await rig.session.sign_out()
    assert rig.log == ["mediatel.logout", "phone.close", "mediatel.close"]
    assert rig.session.snapshot.sign_in is SignIn.SIGNED_OUT


async def test_a_refused_sip_password_never_logs_in() -> None:
    rig = Rig(registers=False)
    with pytest.raises(SignInError) as error:
        await rig.session.sign_in(REQUEST)
    assert error.value.field is SignInField.SIP
    assert "mediatel.login" not in rig.log
    assert rig.log[-2:] == ["phone.close", "mediatel.close"]


async def test_a_refused_login_closes_the_phone_and_the_socket() -> None:
    rig = Rig(login_ok=False)
    with pytest.raises(SignInError) as error:
        await rig.session.sign_in(REQUEST)
    assert error.value.field is SignInField.LOGIN and "Invalid password" in str(error.value)
    assert rig.log[-2:] == ["phone.close", "mediatel.close"]
    assert rig.session.snapshot.sign_in_error == str(error.value)


async def test_snapshots_only_on_change_and_commands_say_why_not() -> None:
    rig = Rig()
    await rig.session.sign_in(REQUEST)
    await rig.settle()
    count = len(rig.snapshots)
    rig.mediatel.push(agent_state(State.IDLE))  # the same state again
    await rig.settle()
    assert len(rig.snapshots) == count
    seqs = [s.seq for s in rig.snapshots]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    snap = rig.session.snapshot
    assert snap.why_not(AgentCommand.RESUME) == "not on pause"
    assert snap.why_not(AgentCommand.SET_CALL_CODE) == "only during after-call work"
    with pytest.raises(CommandRefused, match="unknown pause 9"):
        await rig.session.pause(9)
    await rig.session.sign_out()
    assert rig.session.snapshot.why_not(AgentCommand.DIAL) == "not signed in"


async def test_the_invite_waits_for_its_snapshot_on_the_clock() -> None:
    rig = Rig()
    await rig.session.sign_in(REQUEST)
    await rig.settle()
    phone = rig.phones[0]
    phone.emit(ev.IncomingCall("h1", "sip:0501@pbx", "0501", None))
    await rig.settle()
    assert rig.session.snapshot.can(AgentCommand.ANSWER)
    rig.clock.advance(1.9)
    assert not any(entry.startswith("phone.answer") for entry in rig.log)
    rig.mediatel.push(agent_state(State.CALL_DELIVERED, callType="2", ani="0501"))
    await rig.settle()
    assert "phone.answer h1" in rig.log
    await rig.settle()
    assert [str(e.name) for e in rig.cti if e.call_id][:2] == ["onNewCall", "onAgentStateChange"]
    await rig.session.sign_out()


async def test_dtmf_from_the_far_end_and_a_logged_out_resync_keep_the_call() -> None:
    rig = Rig()
    await rig.session.sign_in(REQUEST)
    await rig.settle()
    phone = rig.phones[0]
    rig.mediatel.push(agent_state(State.CALL_DELIVERED, callType="2", ani="0501"))
    phone.emit(ev.IncomingCall("h1", "sip:0501@pbx", "0501", None))
    await rig.settle()
    rig.mediatel.push(agent_state(State.CALL_ACTIVE, callType="2", ani="0501", callTraceID="77"))
    phone.emit(ev.DtmfReceived("h1", "5", ev.DtmfMethod.RFC4733))
    await rig.settle()
    dtmf = [e for e in rig.cti if str(e.name) == "onDtmfCall"]
    assert dtmf and dtmf[0].data["digit"] == "5" and dtmf[0].data["callTraceID"] == "77"
    # Mediatel's new socket starts logged out while the phone still carries the call
    rig.mediatel.push(agent_state(State.LOGOUT))
    await rig.settle()
    assert not any(entry.startswith("phone.hangup") for entry in rig.log)
    assert rig.session.snapshot.call is not None and rig.session.tracker.live
    rig.mediatel.push(agent_state(State.CALL_ACTIVE, callType="2", ani="0501", callTraceID="77"))
    phone.active_call = None
    phone.emit(ev.CallEnded("h1", "hangup", ev.By.REMOTE))
    await rig.settle()
    assert [str(e.name) for e in rig.cti].count("onHangupCall") == 1
    await rig.session.sign_out()


def test_snapshot_json_shape() -> None:
    import json

    from softphone.core.agent_snapshot import CallPhase, CallType, CallView, Direction
    from softphone.core.snapshot_json import snapshot_to_json

    call = CallView("c1", Direction.INBOUND, CallType.INBOUND, CallPhase.TALKING, call_trace_id="7")
    data = snapshot_to_json(AgentSnapshot(call=call))
    json.dumps(data)  # JSON-ready
    assert data["signIn"] == "signed_out" and data["state"] == "STATE_LOGOUT"
    assert data["call"]["callTraceID"] == "7" and data["call"]["callType"] == "inbound"
    assert data["commands"]["dial"] == "not signed in"
    assert data["autoAnswer"]["byType"]["manual"] is True
