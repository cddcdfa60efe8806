"""The one QObject between the agent core and the widgets.

Snapshots come in from ``AgentApi.subscribe`` and go out as Qt signals, so a
widget never holds the session; button presses come in as calls to
``submit`` (or the named helpers) and go out as awaited session commands.
Every way a command can end badly — refused, failed, cancelled, or a bug —
becomes one sentence on ``error``: nothing is lost and no traceback reaches
the agent.

How to add a signal: declare it below, emit it from ``_on_snapshot`` (or
from a new ``subscribe_*`` callback in ``start``) when the part of the
snapshot it describes changes, and connect to it in a controller.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject, Signal

from softphone.core.agent_api import AgentApi, SignInRequest, Unsubscribe
from softphone.core.agent_commands import AgentCommand, SignInError, SignInField
from softphone.core.agent_snapshot import AgentSnapshot
from softphone.ui.aio import Report, guarded, spawn
from softphone.ui.views import text


class AgentBridge(QObject):
    """Snapshots → signals; commands → awaited session calls with errors as sentences."""

    snapshot_changed = Signal(object)
    """Every new ``AgentSnapshot`` (views render from it)."""
    sign_in_changed = Signal(object)
    """``SignIn``: when the window switches between the sign-in panel and the desk."""
    call_changed = Signal(object)
    """``CallView | None``: a call began, changed or ended."""
    clerical_changed = Signal(object)
    """``ClericalView | None``: after-call work began, changed or ended."""
    notice = Signal(str)
    """A sentence from the core for the agent, not tied to a field."""
    error = Signal(str)
    """A command did not work: one sentence for the agent."""
    sign_in_failed = Signal(str, str)
    """(``SignInField`` value, sentence): shown next to that field."""
    busy_changed = Signal(bool)
    """Some command is running (the window may show it)."""
    cti_event = Signal(object)
    """Every ``CtiEvent`` (the tray's popup and notifications listen)."""

    def __init__(self, session: AgentApi, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._snapshot = session.snapshot
        self._tasks: set[asyncio.Task[Any]] = set()
        self._unsubscribe: list[Unsubscribe] = []
        self._started = False
        self._first = True

    def start(self) -> None:
        """Subscribe to the session (emits the current snapshot at once)."""
        if self._started:
            return
        self._started = True
        self._first = True
        self._unsubscribe.append(self.session.subscribe(self._on_snapshot))
        self._unsubscribe.append(self.session.subscribe_cti(self.cti_event.emit))

    def stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        self._started = False

    @property
    def snapshot(self) -> AgentSnapshot:
        return self._snapshot

    def _on_snapshot(self, snapshot: AgentSnapshot) -> None:
        previous = self._snapshot
        self._snapshot = snapshot
        first, self._first = self._first, False
        if first or previous.sign_in is not snapshot.sign_in:
            self.sign_in_changed.emit(snapshot.sign_in)
        if first or previous.call != snapshot.call:
            self.call_changed.emit(snapshot.call)
        if first or previous.clerical != snapshot.clerical:
            self.clerical_changed.emit(snapshot.clerical)
        if snapshot.notice and (first or snapshot.notice != previous.notice):
            self.notice.emit(snapshot.notice)
        self.snapshot_changed.emit(snapshot)

    # -- commands ------------------------------------------------------------
    @property
    def pending(self) -> int:
        """Commands still running."""
        return len(self._tasks)

    def submit(
        self,
        make: Callable[[], Coroutine[Any, Any, None]],
        *,
        what: str = "command",
        on_error: Report | None = None,
    ) -> asyncio.Task[bool | None]:
        """Run a session call as a task: True when it worked, else the agent sees why.

        A ``SignInError`` goes to ``sign_in_failed`` (next to its field); any
        other failure to ``error`` (and to ``on_error``, e.g. the dialog that
        asked).
        """

        def report(sentence: str) -> None:
            self.error.emit(sentence)
            if on_error is not None:
                on_error(sentence)

        async def attempt() -> bool:
            try:
                await make()
            except SignInError as exc:
                self.sign_in_failed.emit(str(exc.field), text.sign_in_message(exc))
                return False
            return True

        async def run() -> bool:
            return bool(await guarded(attempt(), report, what))

        task = spawn(run(), report, what)
        self._tasks.add(task)
        self.busy_changed.emit(True)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not self._tasks:
            self.busy_changed.emit(False)

    def command(self, command: AgentCommand) -> asyncio.Task[bool | None]:
        """Send an argument-free command (answer, hangup, hold, resume...)."""
        method: Callable[[], Coroutine[Any, Any, None]] = getattr(self.session, command.value)
        return self.submit(method, what=command.value)

    def sign_in(self, request: SignInRequest) -> asyncio.Task[bool | None]:
        return self.submit(lambda: self.session.sign_in(request), what="sign_in")

    def sign_out(self) -> asyncio.Task[bool | None]:
        return self.submit(self.session.sign_out, what="sign_out")

    def dial(self, number: str, queue: str | None) -> asyncio.Task[bool | None]:
        return self.submit(lambda: self.session.dial(number, queue), what="dial")

    def dtmf(self, digits: str) -> asyncio.Task[bool | None]:
        return self.submit(lambda: self.session.dtmf(digits), what="dtmf")

    def pause(self, pause_id: int) -> asyncio.Task[bool | None]:
        return self.submit(lambda: self.session.pause(pause_id), what="pause")

    def set_call_code(
        self, code_id: int, on_error: Report | None = None
    ) -> asyncio.Task[bool | None]:
        return self.submit(
            lambda: self.session.set_call_code(code_id), what="set_call_code", on_error=on_error
        )

    def set_auto_answer(self, enabled: bool) -> None:
        self.session.set_auto_answer(enabled)

    async def drain(self, timeout: float) -> None:
        """Wait (at most ``timeout`` s) for running commands, then cancel the rest."""
        tasks = list(self._tasks)
        if not tasks:
            return
        _done, still = await asyncio.wait(tasks, timeout=timeout)
        for task in still:
            task.cancel()


def sign_in_field(value: str) -> SignInField:
    """The field a ``sign_in_failed`` signal names (unknown → the profile)."""
    try:
        return SignInField(value)
    except ValueError:
        return SignInField.PROFILE
