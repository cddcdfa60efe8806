"""The agent session, built after the window is on screen.

Building the real ``AgentSession`` imports the media stack (aiortc, av,
numpy, sounddevice) and the Mediatel client: seconds on a modest PC. The
window must not wait for that (cold start to a usable window ≤ 1 s), so the
app starts on this stand-in: it shows a signed-out snapshot at once, keeps
the subscriptions the bridge makes, and hands every command to the real
session as soon as ``build`` has made it (a sign-in pressed meanwhile waits
for it, it is not lost). When building fails, every command says why.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from softphone.core.agent_api import AgentApi, SignInRequest, Unsubscribe
from softphone.core.agent_commands import AgentError
from softphone.core.agent_snapshot import AgentSnapshot
from softphone.core.call_records import CallRecord, HistoryQuery
from softphone.core.cti_events import CtiEvent

if TYPE_CHECKING:
    from softphone.core.audio_preferences import AudioPreferences
    from softphone.core.auto_answer import AutoAnswerRules

T = TypeVar("T")


class SessionUnavailable(AgentError):
    """The real session could not be built; ``str()`` says why."""


@dataclass
class _Subscription:
    callback: Callable[[Any], None]
    cti: bool
    unsubscribe: Unsubscribe | None = None
    gone: bool = field(default=False)


class DeferredSession:
    """An ``AgentApi`` whose real session is made by ``build()`` on the app's loop."""

    def __init__(self, make_session: Callable[[], AgentApi], preload: tuple[str, ...] = ()) -> None:
        self._make = make_session
        self._preload = preload
        self._real: AgentApi | None = None
        self._error: str | None = None
        self._done = asyncio.Event()
        self._subscriptions: list[_Subscription] = []
        self._auto_answer: bool | None = None
        self._settings: list[Callable[[AgentApi], None]] = []
        """What the agent's settings asked of the session before it was built, in order."""
        self._placeholder = AgentSnapshot()

    @property
    def real(self) -> AgentApi | None:
        return self._real

    async def build(self) -> AgentApi:
        """Import the heavy modules off the loop, then make the session on it."""
        try:
            for name in self._preload:  # in a thread: the window keeps painting
                await asyncio.to_thread(importlib.import_module, name)
            real = self._make()
        except Exception as exc:
            self._error = f"The phone could not start: {exc}"
            self._done.set()
            raise SessionUnavailable(self._error) from exc
        self._real = real
        for sub in self._subscriptions:
            if not sub.gone:
                subscribe = real.subscribe_cti if sub.cti else real.subscribe
                sub.unsubscribe = subscribe(sub.callback)
        self._subscriptions.clear()
        if self._auto_answer is not None:
            real.set_auto_answer(self._auto_answer)
        for apply in self._settings:
            apply(real)
        self._settings.clear()
        self._done.set()
        return real

    async def _session(self) -> AgentApi:
        await self._done.wait()
        if self._real is None:
            raise SessionUnavailable(self._error or "The phone could not start.")
        return self._real

    async def _call(self, command: Callable[[AgentApi], Coroutine[Any, Any, T]]) -> T:
        return await command(await self._session())

    # -- AgentApi ------------------------------------------------------------------
    @property
    def snapshot(self) -> AgentSnapshot:
        return self._real.snapshot if self._real is not None else self._placeholder

    def _subscribe(self, callback: Callable[[Any], None], cti: bool) -> Unsubscribe:
        if self._real is not None:
            real = self._real
            return real.subscribe_cti(callback) if cti else real.subscribe(callback)
        sub = _Subscription(callback, cti)
        self._subscriptions.append(sub)
        if not cti:
            callback(self._placeholder)

        def unsubscribe() -> None:
            sub.gone = True
            if sub.unsubscribe is not None:
                sub.unsubscribe()

        return unsubscribe

    def subscribe(self, callback: Callable[[AgentSnapshot], None]) -> Unsubscribe:
        return self._subscribe(callback, cti=False)

    def subscribe_cti(self, callback: Callable[[CtiEvent], None]) -> Unsubscribe:
        return self._subscribe(callback, cti=True)

    async def snapshots(self) -> AsyncIterator[AgentSnapshot]:
        real = await self._session()
        async for snapshot in real.snapshots():
            yield snapshot

    async def sign_in(self, request: SignInRequest) -> None:
        await self._call(lambda s: s.sign_in(request))

    async def sign_out(self) -> None:
        if self._real is not None:  # nothing was built, nothing to sign out of
            await self._real.sign_out()

    async def dial(self, number: str, queue: str | None = None) -> None:
        await self._call(lambda s: s.dial(number, queue))

    async def answer(self) -> None:
        await self._call(lambda s: s.answer())

    async def reject(self) -> None:
        await self._call(lambda s: s.reject())

    async def hangup(self) -> None:
        await self._call(lambda s: s.hangup())

    async def hold(self) -> None:
        await self._call(lambda s: s.hold())

    async def unhold(self) -> None:
        await self._call(lambda s: s.unhold())

    async def mute(self) -> None:
        await self._call(lambda s: s.mute())

    async def unmute(self) -> None:
        await self._call(lambda s: s.unmute())

    async def dtmf(self, digits: str) -> None:
        await self._call(lambda s: s.dtmf(digits))

    async def pause(self, pause_id: int) -> None:
        await self._call(lambda s: s.pause(pause_id))

    async def resume(self) -> None:
        await self._call(lambda s: s.resume())

    async def cancel_next_pause(self) -> None:
        await self._call(lambda s: s.cancel_next_pause())

    async def set_call_code(self, code_id: int) -> None:
        await self._call(lambda s: s.set_call_code(code_id))

    async def toggle_predictive(self) -> None:
        await self._call(lambda s: s.toggle_predictive())

    async def logout(self) -> None:
        await self._call(lambda s: s.logout())

    def set_auto_answer(self, enabled: bool) -> None:
        if self._real is not None:
            self._real.set_auto_answer(enabled)
        else:
            self._auto_answer = enabled

    def _setting(self, apply: Callable[[AgentApi], None]) -> None:
        if self._real is not None:
            apply(self._real)
        else:
            self._settings.append(apply)

    def set_auto_answer_rules(self, rules: AutoAnswerRules) -> None:
        self._setting(lambda s: s.set_auto_answer_rules(rules))

    def set_audio(self, prefs: AudioPreferences) -> None:
        self._setting(lambda s: s.set_audio(prefs))

    async def history(self, query: HistoryQuery) -> list[CallRecord]:
        return await self._call(lambda s: s.history(query))
