"""Leaving Mediatel at sign-out, whatever the agent was doing, in bounded time.

Mediatel refuses ``logout`` during a call and during after-call work
(STATE_CLERICAL: only ``exit``, pause and call info are offered), and a
hang-up moves the agent straight into after-call work. A sign-out that
just asked for ``logout`` there would leave the agent logged in at
Mediatel -- "available" to its dialler as soon as the wrap-up times out --
with an extension that no longer rings. So sign-out goes, within one
deadline:

1. the call, if any, is hung up (the phone's BYE; ``closeCall`` when only
   the platform has the call) and the platform is awaited out of the call;
2. in after-call work, a call code the agent already chose is given the
   rest of the wrap-up to apply; without one the wrap-up ends uncoded, and
   the agent is told so;
3. ``logout`` where the platform offers it, else ``exit`` (the protocol's
   "restart the agent", which logs it out and is offered in every call and
   wrap-up state), and its confirmation is awaited.

Anything short of "logged out" is a sentence naming the state Mediatel was
left in; the session raises it as ``CommandFailed`` after closing the rest.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from softphone.core import sentences as S
from softphone.core.agent_ports import MediatelPort
from softphone.core.sentences import Sentence
from softphone.net.mediatel import AgentState, Command, MediatelError, State
from softphone.net.mediatel.state import CALL_STATES

#: States a call is still on its way through (the wrap-up comes after them).
_CALLING = frozenset(CALL_STATES | {State.MAKECALL_REQUEST})


@dataclass(frozen=True)
class Leaving:
    """How sign-out left Mediatel: ``failure`` if still logged in, ``notice`` otherwise."""

    failure: str | None = None
    notice: str | None = None


async def leave_mediatel(
    client: MediatelPort | None,
    *,
    hang_up: Callable[[], Awaitable[None]] | None,
    code_chosen: bool,
    timeout: float,
) -> Leaving:
    """Log the agent out of Mediatel from any state; see the module docstring."""
    deadline = time.monotonic() + timeout
    if client is None or client.state is None or not client.state.logged_in:
        return Leaving()
    if not client.connected:
        return Leaving(_still_in(client.state, Sentence(S.NOT_TOLD)))
    if hang_up is not None:
        with contextlib.suppress(Exception):  # the platform's state below is what counts
            await hang_up()
    elif client.state.in_call:
        with contextlib.suppress(MediatelError):
            await client.close_call()
    state = await _until(client, lambda s: s.state not in _CALLING, deadline)
    notice = None
    if state.state is State.CLERICAL:
        if code_chosen:  # the code is applied; give the platform the wrap-up's end
            state = await _until(client, lambda s: s.state is not State.CLERICAL, deadline)
        if state.state is State.CLERICAL:
            notice = Sentence(S.SIGNED_OUT_WITHOUT_CODE)
    if state.logged_in:
        command = client.logout if state.can(Command.LOGOUT) else None
        if command is None and state.can(Command.EXIT):
            command = client.exit
        if command is None:
            return Leaving(_still_in(state, Sentence(S.NO_LOGOUT)))
        try:
            await command()
        except MediatelError as exc:
            return Leaving(_still_in(state, Sentence(S.LOGOUT_REFUSED, error=exc)))
        state = await _until(client, lambda s: not s.logged_in, deadline)
    if state.logged_in:
        return Leaving(_still_in(state, Sentence(S.LOGOUT_UNCONFIRMED)))
    return Leaving(notice=notice)


async def _until(
    client: MediatelPort, predicate: Callable[[AgentState], bool], deadline: float
) -> AgentState:
    """The first state that satisfies ``predicate``, or the current one at the deadline."""
    try:
        return await client.wait_for(predicate, max(0.0, deadline - time.monotonic()))
    except (TimeoutError, MediatelError):
        assert client.state is not None
        return client.state


def _still_in(state: AgentState, why: str) -> str:
    return Sentence(S.STILL_LOGGED_IN, why=why, state=state.state_name, status=state.status_name)
