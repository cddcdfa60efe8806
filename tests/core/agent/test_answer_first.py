"""An auto-answered INVITE is answered before the CRM, the snapshot and the history hear of it.

The caller waits for the 200 OK; the snapshot, CTI events and SQLite commits
do not need to go first, so they are held while the answer goes out and
delivered, in their order, right after it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from softphone.core import phone_events as ev
from softphone.core.agent_api import SignInRequest
from softphone.core.agent_ports import SipLogin
from softphone.core.agent_session import AgentSession, SessionPolicy
from softphone.core.call_records import CallRecord
from softphone.core.history import CallHistory
from softphone.net.mediatel import State
from tests.core.agent.fake_clock import FakeClock
from tests.core.agent.fake_ports import FakeMediatel, FakePhone
from tests.core.agent.states import agent_state

REQUEST = SignInRequest("demo", "demo", "1001", sip_password="1001")


class LoggedHistory(CallHistory):
    def __init__(self, log: list[str]) -> None:
        super().__init__(":memory:")
        self.log = log

    def start(self, record: CallRecord) -> None:
        self.log.append("history.start")
        super().start(record)

    def update(self, call_id: str, **changes: Any) -> None:
        self.log.append("history.update")
        super().update(call_id, **changes)


class Rig:
    def __init__(self) -> None:
        self.log: list[str] = []
        self.clock = FakeClock()
        self.mediatel = FakeMediatel(self.log)
        self.phones: list[FakePhone] = []
        self.history = LoggedHistory(self.log)

        def phone(login: SipLogin) -> Any:
            self.phones.append(FakePhone(self.log, login))
            return self.phones[-1]

        self.session = AgentSession(
            mediatel=lambda: self.mediatel,  # type: ignore[arg-type,return-value]
            phone=phone,
            sip_urls=("wss://pbx.example/ws",),
            policy=SessionPolicy(sign_in_timeout_s=2.0),
            clock=self.clock,
            history=self.history,
        )
        self.session.subscribe(lambda s: self.log.append("snapshot"))
        self.session.subscribe_cti(lambda e: self.log.append(f"cti {e.name}"))

    async def settle(self) -> None:
        for _ in range(20):
            await asyncio.sleep(0)

    def since(self, mark: int) -> list[str]:
        return self.log[mark:]


def _first_answer(entries: list[str]) -> int:
    return next(i for i, e in enumerate(entries) if e.startswith("phone.answer"))


async def test_an_invite_waiting_for_its_snapshot_is_answered_before_anything_is_told() -> None:
    rig = Rig()
    await rig.session.sign_in(REQUEST)
    await rig.settle()
    rig.phones[0].emit(ev.IncomingCall("h1", "sip:0501@pbx", "0501", None))
    await rig.settle()
    mark = len(rig.log)
    rig.mediatel.push(agent_state(State.CALL_DELIVERED, callType="2", ani="0501", callTraceID="77"))
    await rig.settle()
    after = rig.since(mark)
    assert after[0] == "phone.answer h1", after
    assert rig.phones[0].answered_automatically, "the agent would hear no auto-answer beep"
    # what was held comes right after, in order: the history, the CRM, one snapshot
    assert "history.update" in after and "cti onUuidCall" in after and "snapshot" in after
    assert after.index("cti onUuidCall") < after.index("cti onAgentStateChange")
    record = rig.history.get(rig.session.snapshot.call.id)  # type: ignore[union-attr]
    assert record is not None and record.call_trace_id == "77"
    await rig.session.sign_out()


async def test_an_announced_call_is_answered_before_the_invite_is_published() -> None:
    rig = Rig()
    await rig.session.sign_in(REQUEST)
    await rig.settle()
    rig.mediatel.push(agent_state(State.CALL_DELIVERED, callType="2", ani="0501"))
    await rig.settle()
    mark = len(rig.log)
    rig.phones[0].emit(ev.IncomingCall("h1", "sip:0501@pbx", "0501", None))
    await rig.settle()
    after = rig.since(mark)
    assert _first_answer(after) == 0, after
    assert "snapshot" in after  # published once the answer is out
    assert rig.session.snapshot.call is not None
    assert rig.session.snapshot.call.answered_at is not None
    await rig.session.sign_out()


async def test_a_failing_answer_still_tells_everything() -> None:
    rig = Rig()
    await rig.session.sign_in(REQUEST)
    await rig.settle()
    phone = rig.phones[0]

    async def refuse(handle: str | None = None, *, automatic: bool = False) -> None:
        from softphone.core.phone import PhoneCommandError

        rig.log.append(f"phone.answer {handle}")
        raise PhoneCommandError("the call is gone")

    phone.answer = refuse  # type: ignore[method-assign]
    phone.emit(ev.IncomingCall("h1", "sip:0501@pbx", "0501", None))
    await rig.settle()
    mark = len(rig.log)
    rig.mediatel.push(agent_state(State.CALL_DELIVERED, callType="2", ani="0501"))
    await rig.settle()
    after = rig.since(mark)
    assert after[0] == "phone.answer h1" and "cti onAgentStateChange" in after
    assert rig.session.snapshot.notice == "the call is gone"
    assert not rig.session.answer_first.holding
    await rig.session.sign_out()


async def test_an_announcement_keeps_the_session_free_for_its_invite_for_a_moment() -> None:
    rig = Rig()
    await rig.session.sign_in(REQUEST)
    await rig.settle()
    mark = len(rig.log)
    rig.mediatel.push(agent_state(State.CALL_DELIVERED, callType="2", ani="0501"))
    await rig.settle()
    assert rig.since(mark) == []  # the INVITE is due any moment: nothing runs before it
    rig.phones[0].emit(ev.IncomingCall("h1", "sip:0501@pbx", "0501", None))
    await rig.settle()
    after = rig.since(mark)
    assert after[0] == "phone.answer h1", after
    assert after[1:4] == ["history.start", "cti onNewCall", "cti onAgentStateChange"], after
    await rig.session.sign_out()


async def test_an_announced_call_whose_invite_is_late_is_told_after_the_bound() -> None:
    rig = Rig()
    await rig.session.sign_in(REQUEST)
    await rig.settle()
    mark = len(rig.log)
    rig.mediatel.push(agent_state(State.CALL_DELIVERED, callType="2", ani="0501"))
    await rig.settle()
    assert rig.since(mark) == []
    rig.clock.advance(0.3)
    assert rig.since(mark)[:2] == ["history.start", "cti onNewCall"]
    assert rig.session.snapshot.call is not None
    await rig.session.sign_out()


async def test_an_announcement_arms_the_phone_which_answers_before_the_session_hears() -> None:
    """The phone answers the announced INVITE itself; the session then records, tells the
    CRM and publishes in the same order as when it answered the call itself."""
    rig = Rig()
    await rig.session.sign_in(REQUEST)
    await rig.settle()
    phone = rig.phones[0]
    assert phone.armed_for is None
    mark = len(rig.log)
    rig.mediatel.push(agent_state(State.CALL_DELIVERED, callType="2", ani="0501"))
    await rig.settle()
    assert rig.since(mark) == [] and phone.armed_for == SessionPolicy().invite_grace_s
    phone.invite("h1")
    await rig.settle()
    after = rig.since(mark)
    assert after[:2] == ["phone.answered-itself h1", "phone.answer h1"], after
    assert after[2:5] == ["history.start", "cti onNewCall", "cti onAgentStateChange"], after
    assert "snapshot" in after
    assert phone.armed_for is None, "the arming outlived its INVITE"
    call = rig.session.snapshot.call
    assert call is not None and call.answered_at is not None
    await rig.session.sign_out()


async def test_the_phone_is_disarmed_when_the_announced_call_goes_elsewhere() -> None:
    rig = Rig()
    await rig.session.sign_in(REQUEST)
    await rig.settle()
    phone = rig.phones[0]
    rig.mediatel.push(agent_state(State.CALL_DELIVERED, callType="2", ani="0501"))
    await rig.settle()
    assert phone.armed_for is not None
    rig.mediatel.push(agent_state(State.IDLE))  # the customer hung up before it rang
    await rig.settle()
    assert phone.armed_for is None
    mark = len(rig.log)
    phone.invite("h2")  # not announced: rings, and nobody answers it by itself
    await rig.settle()
    rig.clock.advance(3)
    await rig.settle()
    assert not [e for e in rig.since(mark) if e.startswith("phone.answer")], rig.since(mark)
    await rig.session.sign_out()


async def test_switching_auto_answer_off_disarms_the_phone() -> None:
    rig = Rig()
    await rig.session.sign_in(REQUEST)
    await rig.settle()
    phone = rig.phones[0]
    rig.mediatel.push(agent_state(State.CALL_DELIVERED, callType="2", ani="0501"))
    await rig.settle()
    assert phone.armed_for is not None
    rig.session.set_auto_answer(False)
    assert phone.armed_for is None
    mark = len(rig.log)
    phone.invite("h1")
    await rig.settle()
    assert not [e for e in rig.since(mark) if e.startswith("phone.answer")], rig.since(mark)
    await rig.session.sign_out()
