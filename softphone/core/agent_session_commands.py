"""The agent's commands, checked against what the platform allows now.

Kept apart from agent_session.py (which holds the session's life and its
event handling) as a mixin: every command first asks the current snapshot
whether it is allowed — the same table that greys out the UI's buttons —
so a CRM and a button can never disagree, then maps the layer below's
errors onto ``CommandRefused`` (not allowed) or ``CommandFailed`` (tried,
did not work), each with a sentence.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from softphone.core import sentences as S
from softphone.core.agent_commands import AgentCommand, CommandFailed, CommandRefused
from softphone.core.agent_snapshot import AgentSnapshot
from softphone.core.call_records import CallRecord, HistoryQuery
from softphone.core.phone import PhoneCommandError
from softphone.core.sentences import Sentence, said
from softphone.net.mediatel import (
    CallCode,
    CommandNotAvailable,
    InvalidArgument,
    MediatelError,
)

if TYPE_CHECKING:
    from softphone.core.agent_ports import MediatelPort, PhonePort
    from softphone.core.auto_answer import AutoAnswer
    from softphone.core.call_tracker import CallTracker
    from softphone.core.clerical_reminder import ClericalReminder
    from softphone.core.history import CallHistory
    from softphone.core.next_pause import NextPause
    from softphone.net.mediatel import AgentState

C = AgentCommand
T = TypeVar("T")


class SessionCommands:
    """Mixin of ``AgentSession``: the command half of ``AgentApi``."""

    if TYPE_CHECKING:
        _agent: AgentState | None
        _mediatel: MediatelPort | None
        _phone: PhonePort | None
        _chosen: CallCode | None
        tracker: CallTracker
        auto_answer: AutoAnswer
        next_pause: NextPause
        reminder: ClericalReminder
        _history: CallHistory | None

        @property
        def snapshot(self) -> AgentSnapshot: ...
        def _publish(self) -> None: ...
        def _note(self, text: str) -> None: ...
        async def sign_out(self) -> None: ...

    # -- plumbing ----------------------------------------------------------------

    def _allowed(self, command: AgentCommand) -> None:
        reason = self.snapshot.why_not(command)
        if reason is not None:
            raise CommandRefused(command, reason)

    async def _do(self, command: AgentCommand, action: Callable[[], Awaitable[T]]) -> T:
        try:
            return await action()
        except (CommandNotAvailable, InvalidArgument) as exc:
            raise CommandRefused(command, said(exc)) from None
        except PhoneCommandError as exc:
            raise CommandRefused(command, said(exc)) from None
        except MediatelError as exc:
            raise CommandFailed(command, Sentence(S.MEDIATEL_DID_NOT_TAKE, error=exc)) from None
        except (ConnectionError, OSError) as exc:
            raise CommandFailed(command, Sentence(S.CONNECTION_FAILED, error=exc)) from None

    def _client(self, command: AgentCommand) -> MediatelPort:
        if self._mediatel is None:
            raise CommandRefused(command, Sentence(S.NOT_SIGNED_IN))
        return self._mediatel

    def _handset(self, command: AgentCommand) -> PhonePort:
        if self._phone is None:
            raise CommandRefused(command, Sentence(S.NOT_SIGNED_IN))
        return self._phone

    # -- calls ---------------------------------------------------------------------

    async def dial(self, number: str, queue: str | None = None) -> None:
        self._allowed(C.DIAL)
        number = number.strip()
        if not number:
            raise CommandRefused(C.DIAL, Sentence(S.NUMBER_EMPTY))
        client = self._client(C.DIAL)
        agent = self._agent
        if queue is not None and agent is not None and agent.queues and queue not in agent.queues:
            queues = ", ".join(agent.queues)
            raise CommandRefused(
                C.DIAL, Sentence(S.UNKNOWN_QUEUE, queue=repr(queue), queues=queues)
            )
        self.tracker.asked = True
        try:
            await self._do(C.DIAL, lambda: client.make_call(number, queue))
        except Exception:
            self.tracker.asked = False
            raise
        self.tracker.dialled(number, queue or (agent.queues[0] if agent and agent.queues else None))
        self._publish()

    async def answer(self) -> None:
        self._allowed(C.ANSWER)
        phone, handle = self._handset(C.ANSWER), self.tracker.handle
        self.auto_answer.on_call_gone(handle or "")
        await self._do(C.ANSWER, lambda: phone.answer(handle))

    async def reject(self) -> None:
        self._allowed(C.REJECT)
        phone, handle = self._handset(C.REJECT), self.tracker.handle
        self.auto_answer.on_call_gone(handle or "")
        await self._do(C.REJECT, lambda: phone.reject(486, handle))

    async def hangup(self) -> None:
        self._allowed(C.HANGUP)
        phone = self._phone
        handle = self.tracker.handle
        if phone is not None and handle is not None and phone.active_call == handle:
            # The platform sees the BYE and moves the agent to after-call work.
            await self._do(C.HANGUP, lambda: phone.hangup(handle))
            return
        client = self._client(C.HANGUP)
        await self._do(C.HANGUP, client.close_call)

    async def hold(self) -> None:
        self._allowed(C.HOLD)
        await self._do(C.HOLD, self._client(C.HOLD).hold)

    async def unhold(self) -> None:
        self._allowed(C.UNHOLD)
        await self._do(C.UNHOLD, self._client(C.UNHOLD).retrieve)

    async def _set_mute(self, command: AgentCommand, on: bool) -> None:
        self._allowed(command)
        phone = self._handset(command)

        async def mute() -> None:
            phone.mute(on, self.tracker.handle)

        await self._do(command, mute)
        self.tracker.muted(on)
        self._publish()

    async def mute(self) -> None:
        await self._set_mute(C.MUTE, True)

    async def unmute(self) -> None:
        await self._set_mute(C.UNMUTE, False)

    async def dtmf(self, digits: str) -> None:
        self._allowed(C.DTMF)
        phone = self._handset(C.DTMF)
        await self._do(C.DTMF, lambda: phone.send_dtmf(digits, handle=self.tracker.handle))

    # -- the agent's state -------------------------------------------------------------

    async def pause(self, pause_id: int) -> None:
        self._allowed(C.PAUSE)
        agent = self._agent
        assert agent is not None
        chosen = next((p for p in agent.pause_list if p.id == pause_id), None)
        if chosen is None:
            known = ", ".join(f"{p.id} ({p.name})" for p in agent.pause_list) or "none"
            raise CommandRefused(C.PAUSE, Sentence(S.UNKNOWN_PAUSE, id=pause_id, known=known))
        if self.next_pause.must_queue(agent):
            self.next_pause.choose(chosen)
            self._note(Sentence(S.NEXT_PAUSE_QUEUED, name=chosen.name))
            return
        client = self._client(C.PAUSE)
        await self._do(C.PAUSE, lambda: client.pause(pause_id))

    async def resume(self) -> None:
        self._allowed(C.RESUME)
        await self._do(C.RESUME, self._client(C.RESUME).resume)

    async def cancel_next_pause(self) -> None:
        self._allowed(C.CANCEL_NEXT_PAUSE)
        self.next_pause.cancel()
        self._publish()

    async def set_call_code(self, code_id: int) -> None:
        self._allowed(C.SET_CALL_CODE)
        agent = self._agent
        assert agent is not None
        code = agent.call_code(code_id)
        if code is None and agent.call_codes:
            known = ", ".join(f"{c.id} ({c.name})" for c in agent.call_codes)
            raise CommandRefused(
                C.SET_CALL_CODE, Sentence(S.UNKNOWN_CALL_CODE, id=code_id, known=known)
            )
        client = self._client(C.SET_CALL_CODE)
        await self._do(C.SET_CALL_CODE, lambda: client.set_result(code_id))
        self._chosen = code or CallCode(code_id, "")
        self.tracker.call_code_set(self._chosen)
        self.reminder.on_clerical(True, code_chosen=True)
        self._publish()

    async def toggle_predictive(self) -> None:
        self._allowed(C.TOGGLE_PREDICTIVE)
        await self._do(C.TOGGLE_PREDICTIVE, self._client(C.TOGGLE_PREDICTIVE).toggle_predictive)

    async def logout(self) -> None:
        self._allowed(C.LOGOUT)
        await self.sign_out()

    def set_auto_answer(self, enabled: bool) -> None:
        self.auto_answer.rules = replace(self.auto_answer.rules, enabled=enabled)
        self._publish()

    async def history(self, query: HistoryQuery) -> list[CallRecord]:
        if self._history is None:
            return []
        return self._history.query(query)


__all__ = ["Any", "SessionCommands"]
