"""A fake ``AgentApi``: publishes scripted snapshots and records commands.

UI tests drive the window through it: ``publish()`` a snapshot and check what
the window shows; click a button and ``await next_command()`` to see what the
window asked for. A command can be scripted to fail with ``refuse()`` /
``fail()`` (once), to check that the agent sees the sentence.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from softphone.core.agent_api import SignInRequest, Unsubscribe
from softphone.core.agent_commands import (
    AgentCommand,
    CommandFailed,
    CommandRefused,
    SignInError,
)
from softphone.core.agent_snapshot import AgentSnapshot
from softphone.core.call_records import CallRecord, HistoryQuery
from softphone.core.cti_events import CtiEvent


@dataclass(frozen=True)
class Recorded:
    """One call the UI made: the method's name and its arguments."""

    name: str
    args: tuple[Any, ...] = ()


class FakeAgent:
    """Implements ``AgentApi`` with no network; every call is recorded."""

    def __init__(self, snapshot: AgentSnapshot | None = None) -> None:
        self._snapshot = snapshot or AgentSnapshot()
        self._subscribers: list[Callable[[AgentSnapshot], None]] = []
        self._cti_subscribers: list[Callable[[CtiEvent], None]] = []
        self._queue: asyncio.Queue[Recorded] | None = None
        self.calls: list[Recorded] = []
        self._errors: dict[str, Exception] = {}
        self.gates: dict[str, asyncio.Event] = {}
        """name -> an event the command waits for (to test slow commands)."""
        self.records: list[CallRecord] = []
        self.auto_answer_enabled = True

    # -- scripting -----------------------------------------------------------
    def publish(self, snapshot: AgentSnapshot | None = None, **changes: Any) -> AgentSnapshot:
        """Publish ``snapshot`` (or the current one with ``changes``), seq + 1."""
        base = snapshot if snapshot is not None else self._snapshot
        self._snapshot = dataclasses.replace(base, seq=self._snapshot.seq + 1, **changes)
        for callback in list(self._subscribers):
            callback(self._snapshot)
        return self._snapshot

    def refuse(self, name: str, reason: str) -> None:
        self._errors[name] = CommandRefused(AgentCommand(name), reason)

    def fail(self, name: str, reason: str) -> None:
        self._errors[name] = CommandFailed(AgentCommand(name), reason)

    def fail_sign_in(self, error: SignInError) -> None:
        self._errors["sign_in"] = error

    def raise_in(self, name: str, error: BaseException) -> None:
        """Any exception (even CancelledError) from the next ``name`` call."""
        self._errors[name] = error  # type: ignore[assignment]

    def emit_cti(self, event: CtiEvent) -> None:
        for callback in list(self._cti_subscribers):
            callback(event)

    async def next_command(self, timeout: float = 10.0) -> Recorded:
        """The next call the UI makes (waits for it)."""
        return await asyncio.wait_for(self._commands().get(), timeout)

    def _commands(self) -> asyncio.Queue[Recorded]:
        if self._queue is None:
            self._queue = asyncio.Queue()
            for recorded in self.calls:
                self._queue.put_nowait(recorded)
        return self._queue

    async def _record(self, name: str, *args: Any) -> None:
        recorded = Recorded(name, args)
        self.calls.append(recorded)
        if self._queue is not None:
            self._queue.put_nowait(recorded)
        gate = self.gates.get(name)
        if gate is not None:
            await gate.wait()
        error = self._errors.pop(name, None)
        if error is not None:
            raise error

    # -- AgentApi ------------------------------------------------------------
    @property
    def snapshot(self) -> AgentSnapshot:
        return self._snapshot

    def subscribe(self, callback: Callable[[AgentSnapshot], None]) -> Unsubscribe:
        self._subscribers.append(callback)
        callback(self._snapshot)
        return lambda: self._subscribers.remove(callback)

    async def snapshots(self) -> AsyncIterator[AgentSnapshot]:  # pragma: no cover - unused
        queue: asyncio.Queue[AgentSnapshot] = asyncio.Queue()
        unsubscribe = self.subscribe(queue.put_nowait)
        try:
            while True:
                yield await queue.get()
        finally:
            unsubscribe()

    def subscribe_cti(self, callback: Callable[[CtiEvent], None]) -> Unsubscribe:
        self._cti_subscribers.append(callback)
        return lambda: self._cti_subscribers.remove(callback)

    async def sign_in(self, request: SignInRequest) -> None:
        await self._record("sign_in", request)

    async def sign_out(self) -> None:
        await self._record("sign_out")

    async def dial(self, number: str, queue: str | None = None) -> None:
        await self._record("dial", number, queue)

    async def answer(self) -> None:
        await self._record("answer")

    async def reject(self) -> None:
        await self._record("reject")

    async def hangup(self) -> None:
        await self._record("hangup")

    async def hold(self) -> None:
        await self._record("hold")

    async def unhold(self) -> None:
        await self._record("unhold")

    async def mute(self) -> None:
        await self._record("mute")

    async def unmute(self) -> None:
        await self._record("unmute")

    async def dtmf(self, digits: str) -> None:
        await self._record("dtmf", digits)

    async def pause(self, pause_id: int) -> None:
        await self._record("pause", pause_id)

    async def resume(self) -> None:
        await self._record("resume")

    async def cancel_next_pause(self) -> None:
        await self._record("cancel_next_pause")

    async def set_call_code(self, code_id: int) -> None:
        await self._record("set_call_code", code_id)

    async def toggle_predictive(self) -> None:
        await self._record("toggle_predictive")

    async def logout(self) -> None:
        await self._record("logout")

    def set_auto_answer(self, enabled: bool) -> None:
        self.auto_answer_enabled = enabled
        recorded = Recorded("set_auto_answer", (enabled,))
        self.calls.append(recorded)
        if self._queue is not None:
            self._queue.put_nowait(recorded)

    def set_auto_answer_rules(self, rules: Any) -> None:
        self._remember("set_auto_answer_rules", rules)

    def set_audio(self, prefs: Any) -> None:
        self._remember("set_audio", prefs)

    def _remember(self, name: str, *args: Any) -> None:
        recorded = Recorded(name, args)
        self.calls.append(recorded)
        if self._queue is not None:
            self._queue.put_nowait(recorded)

    async def history(self, query: HistoryQuery) -> list[CallRecord]:
        await self._record("history", query)
        return list(self.records)
