"""The calls of one user agent: finding them, and ending them.

Every part of the call logic (INVITE client and server, re-INVITEs, the
session timer) ends calls the same way — ``end`` emits the one
``CallEnded``, ``send_bye`` hangs up the dialog — and finds calls through
the same three indexes (by handle, by dialog, by server INVITE
transaction). Keeping both here means a call cannot end twice or linger in
one index after it left another.
"""

from __future__ import annotations

from collections.abc import Iterator

from softphone.sip.call import LIVE_ONLY_TIMERS, Call, CallEvent, CallState, Owed
from softphone.sip.dialog import Dialog, DialogId
from softphone.sip.errors import LocalProtocolError
from softphone.sip.events import CallEnded, EndCause, Party
from softphone.sip.plumbing import Plumbing
from softphone.sip.transaction import Transaction


class CallTable:
    def __init__(self, core: Plumbing) -> None:
        self._core = core
        self._calls: dict[str, Call] = {}
        self.dialogs: dict[DialogId, Call] = {}
        self._by_invite: dict[int, Call] = {}  # id(server INVITE transaction) -> call
        self._next = 0

    # ---------------------------------------------------------- registry

    def new_handle(self) -> str:
        self._next += 1
        return f"call-{self._next}"

    def add(self, call: Call, *, server_tx: Transaction | None = None) -> None:
        self._calls[call.handle] = call
        if call.dialog is not None:
            self.dialogs[call.dialog.id] = call
        if server_tx is not None:
            self._by_invite[id(server_tx)] = call

    def get(self, handle: str) -> Call | None:
        return self._calls.get(handle)

    def by_invite(self, tx: Transaction) -> Call | None:
        return self._by_invite.get(id(tx))

    def __iter__(self) -> Iterator[Call]:
        return iter(list(self._calls.values()))

    def handles(self) -> list[str]:
        return [h for h, c in self._calls.items() if not c.ended]

    # --------------------------------------------------- command checks

    def live(self, handle: str) -> Call:
        c = self._calls.get(handle)
        if c is None or c.ended:
            raise LocalProtocolError(f"no such call: {handle!r}")
        return c

    def incoming(self, handle: str, what: str) -> Call:
        c = self.live(handle)
        if c.outgoing or c.state is not CallState.INCOMING:
            raise LocalProtocolError(f"cannot {what}: the call is {c.state.value}")
        return c

    def established(self, handle: str, what: str) -> Call:
        c = self.live(handle)
        if c.state not in (CallState.ESTABLISHED, CallState.ANSWERING) or c.dialog is None:
            raise LocalProtocolError(f"cannot {what}: the call is {c.state.value}")
        if c.state is CallState.ANSWERING and what == "re-INVITE":
            raise LocalProtocolError("cannot re-INVITE before our 2xx is acknowledged")
        return c

    # ----------------------------------------------------------- teardown

    def end(
        self,
        call: Call,
        cause: EndCause,
        by: Party,
        *,
        code: int | None = None,
        reason: str = "",
    ) -> None:
        """The call is over for the phone (once); protocol duties may remain."""
        if call.ended:
            return
        call.transition(CallEvent.ENDED)
        for timer in LIVE_ONLY_TIMERS:
            call.deadlines.stop(timer)
        self._core.emit(CallEnded(call.handle, cause, by, code, reason))

    def send_bye(self, call: Call, now: float) -> None:
        """BYE in the call's dialog, which is then forgotten."""
        if call.dialog is not None:
            self.send_bye_in(call.dialog, now)
            self.dialogs.pop(call.dialog.id, None)
        call.deadlines.clear()

    def send_bye_in(self, dialog: Dialog, now: float) -> None:
        if not self._core.connected:
            return
        self._core.send_client(dialog.create_request("BYE"), now, renumber=dialog.next_cseq)

    def forget_dialog(self, call: Call) -> None:
        if call.dialog is not None:
            self.dialogs.pop(call.dialog.id, None)

    def dialog_gone(self, call: Call, code: int | None, reason: str) -> None:
        """481 to an in-dialog request: the peer forgot the call (§12.2.1.2)."""
        self.forget_dialog(call)
        self.end(call, EndCause.ERROR, Party.REMOTE, code=code, reason=reason)
        call.deadlines.clear()

    def prune(self) -> None:
        """Forget ended calls that have no protocol duty left."""
        for handle, call in list(self._calls.items()):
            if not call.ended or call.deadlines.earliest() is not None:
                continue
            if call.owed is Owed.BYE:
                continue
            if call.invite_tx is not None and not call.invite_tx.terminated:
                continue
            del self._calls[handle]
            for key in [k for k, v in self.dialogs.items() if v is call]:
                del self.dialogs[key]
            self._by_invite = {k: v for k, v in self._by_invite.items() if v is not call}
