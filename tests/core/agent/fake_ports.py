"""Fake Mediatel client and phone for unit tests of the session: every call is logged.

The fakes keep the real types at the boundary (``AgentState`` from the
parser, the phone's events), so the session under test cannot tell them
from the real ports; ``log`` records the order of calls across both.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

from softphone.core import phone_events as ev
from softphone.core.agent_ports import SipLogin
from softphone.core.phone_events import CallQuality, DtmfMethod, PhoneEvent
from softphone.net.mediatel import AgentState, MediatelEvent, State, StateChanged
from tests.core.agent.states import agent_state


class FakeStream:
    def __init__(self) -> None:
        self.queue: asyncio.Queue[MediatelEvent | None] = asyncio.Queue()

    def close(self) -> None:
        self.queue.put_nowait(None)

    async def _iter(self) -> AsyncIterator[MediatelEvent]:
        while (event := await self.queue.get()) is not None:
            yield event

    def __aiter__(self) -> AsyncIterator[MediatelEvent]:
        return self._iter()


class FakeMediatel:
    def __init__(self, log: list[str], *, login_ok: bool = True) -> None:
        self.log = log
        self.login_ok = login_ok
        self.state: AgentState | None = None
        self.connected = False
        self.streams: list[FakeStream] = []

    def events(self) -> FakeStream:
        stream = FakeStream()
        self.streams.append(stream)
        return stream

    def push(self, new: AgentState) -> None:
        old, self.state = self.state, new
        for stream in self.streams:
            stream.queue.put_nowait(StateChanged(old, new))

    async def connect(self) -> AgentState:
        self.log.append("mediatel.connect")
        self.connected = True
        self.push(agent_state(State.LOGOUT, availableCommand=["CMD_LOGIN"]))
        assert self.state is not None
        return self.state

    async def aclose(self) -> None:
        self.log.append("mediatel.close")
        self.connected = False
        for stream in self.streams:
            stream.close()

    async def wait_for(
        self, predicate: Callable[[AgentState], bool], timeout: float | None = None
    ) -> AgentState:
        assert self.state is not None
        if not predicate(self.state):
            raise TimeoutError  # nothing else would change the fake's state meanwhile
        return self.state

    async def login(self, user: str, password: str, extension: str) -> None:
        self.log.append("mediatel.login")
        if self.login_ok:
            self.push(agent_state(State.IDLE))
        else:
            self.push(
                agent_state(State.LOGOUT, loginErrorID="-101", loginErrorText="Invalid password")
            )

    async def logout(self) -> None:
        self.log.append("mediatel.logout")
        self.push(agent_state(State.LOGOUT))

    async def exit(self) -> None:
        self.log.append("mediatel.exit")
        self.push(agent_state(State.LOGOUT))

    async def _cmd(self, name: str, *args: Any) -> None:
        self.log.append(f"mediatel.{name}{args if args else ''}")

    async def make_call(self, phone_number: str, queue: str | None = None) -> None:
        await self._cmd("make_call", phone_number)

    async def close_call(self) -> None:
        await self._cmd("close_call")

    async def pause(self, pause_id: int) -> None:
        await self._cmd("pause", pause_id)

    async def resume(self) -> None:
        await self._cmd("resume")

    async def toggle_predictive(self) -> None:
        await self._cmd("predictive")

    async def hold(self) -> None:
        await self._cmd("hold")

    async def retrieve(self) -> None:
        await self._cmd("retrieve")

    async def mute(self) -> None:
        await self._cmd("mute")

    async def set_result(self, code_id: int) -> None:
        await self._cmd("set_result", code_id)


class FakePhone:
    def __init__(self, log: list[str], login: SipLogin, *, registers: bool = True) -> None:
        self.log = log
        self.login = login
        self.registers = registers
        self.registered = False
        self.active_call: str | None = None
        self.answered_automatically: bool | None = None
        self.armed_for: float | None = None  # arm_auto_answer's window, until used or disarmed
        self.answered_itself: set[str] = set()
        self.queue: asyncio.Queue[PhoneEvent] = asyncio.Queue()

    def emit(self, event: PhoneEvent) -> None:
        self.queue.put_nowait(event)

    def invite(self, handle: str, number: str = "0501") -> None:
        """An INVITE arrives, handled as ``Phone`` does: an armed phone answers it itself."""
        armed, self.armed_for = self.armed_for is not None, None
        self.emit(ev.IncomingCall(handle, f"sip:{number}@pbx", number, 0 if armed else None))
        if armed:
            self.log.append(f"phone.answered-itself {handle}")
            self.answered_itself.add(handle)
            self.answered_automatically = True
            self.active_call = handle
            self.emit(ev.Answered(handle, False))

    def arm_auto_answer(self, within_s: float) -> None:
        self.armed_for = within_s

    def disarm_auto_answer(self) -> None:
        self.armed_for = None

    async def start(self) -> None:
        self.log.append("phone.start")
        if self.registers:
            self.registered = True
            self.emit(ev.Registered(300, False))
        else:
            self.emit(ev.RegistrationFailed("authentication failed", 401, False))

    async def aclose(self) -> None:
        self.log.append("phone.close")
        self.registered = False

    async def events(self) -> AsyncIterator[PhoneEvent]:
        while True:
            yield await self.queue.get()

    async def answer(self, handle: str | None = None, *, automatic: bool = False) -> None:
        self.log.append(f"phone.answer {handle}")
        if handle in self.answered_itself:
            return  # joins the phone's own answer, as Phone.answer does
        self.answered_automatically = automatic
        self.active_call = handle
        self.emit(ev.Answered(handle or "", False))

    async def reject(
        self, code: int = 486, handle: str | None = None, reason: str | None = None
    ) -> None:
        self.log.append(f"phone.reject {code} {handle}")

    async def hangup(self, handle: str | None = None) -> None:
        self.log.append(f"phone.hangup {handle}")

    async def hold(self, handle: str | None = None) -> None: ...
    async def unhold(self, handle: str | None = None) -> None: ...

    def mute(self, muted: bool = True, handle: str | None = None) -> None:
        self.log.append(f"phone.mute {muted}")

    async def send_dtmf(
        self, digits: str, method: DtmfMethod = DtmfMethod.AUTO, handle: str | None = None
    ) -> DtmfMethod:
        return DtmfMethod.RFC4733

    def set_audio(self, prefs: object) -> None:
        self.log.append(f"phone.set_audio {prefs}")

    async def call_quality(self, handle: str | None = None) -> CallQuality:
        return CallQuality("PCMA/8000", 100, 100, 0, 0.0, 2.0, 0, 0.0, 20.0)
