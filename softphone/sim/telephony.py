"""The simulator's telephony seam: ringing the agent's SIP extension.

Mediatel delivers every call by first calling the agent's extension
(STATE_CALL_DELIVERED); only if it answers is the customer connected, and if
it does not the agent is put on Force Pause. The simulator needs exactly three
things from the phone side, captured by :class:`Telephony`:

* ``ring(request, timeout)`` -> did the extension answer in time?
* ``hangup(extension)`` / ``hold(extension, on)`` — Mediatel's side ends or
  holds the agent leg;
* the agent hanging up on its own, reported to the :class:`TelephonyListener`
  given to ``start``.

:class:`VirtualTelephony` is an in-process stand-in whose extensions answer
(or not) as a test tells them. The real implementation — a SIP-over-WebSocket
registrar with WebRTC media built on ``softphone.sip`` / ``softphone.media``
— implements the same Protocol and is passed to ``MediatelSimulator(telephony=...)``.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class CallKind(StrEnum):
    MANUAL = "manual"
    INBOUND = "inbound"
    PREDICTIVE = "predictive"


@dataclass(frozen=True)
class RingRequest:
    """One call offered to an agent's extension."""

    extension: str
    call_trace_id: str
    caller: str  # the customer's number (ANI) shown to the agent
    kind: CallKind
    queue_name: str


class RingOutcome(StrEnum):
    ANSWERED = "answered"
    NO_ANSWER = "no_answer"  # rang until the timeout
    REJECTED = "rejected"  # the agent declined
    UNREACHABLE = "unreachable"  # not registered


@dataclass(frozen=True)
class RingResult:
    outcome: RingOutcome
    detail: str = ""

    @property
    def answered(self) -> bool:
        return self.outcome is RingOutcome.ANSWERED


class TelephonyListener(Protocol):
    """What the telephony reports back to the simulator."""

    def agent_hung_up(self, extension: str) -> None:
        """The agent's phone ended an answered call (sent BYE)."""


class Telephony(Protocol):
    """The port the simulator drives. All methods are called on the event loop."""

    async def start(self, listener: TelephonyListener) -> None:
        """Begin serving (e.g. open the SIP WebSocket); remember ``listener``."""

    async def ring(self, request: RingRequest, timeout: float) -> RingResult:
        """Ring ``request.extension``; return once answered, declined or after ``timeout``.

        Cancelling the call to ``ring`` must cancel the ringing (CANCEL).
        """

    async def hangup(self, extension: str) -> None:
        """Mediatel's side ends the agent's call (BYE); no-op without a call."""

    async def hold(self, extension: str, on_hold: bool) -> None:
        """Mediatel put the customer on hold / took them off it."""

    def sip_url(self) -> str | None:
        """The URL an agent's phone registers to, for ``softphone sim`` to print."""

    async def aclose(self) -> None:
        """Stop serving and end every call."""


@dataclass
class VirtualExtension:
    """An in-process extension: answers after ``answer_after`` seconds, or never (None).

    Tests can also leave ``answer_after`` None and call :meth:`answer` or
    :meth:`reject` while it rings, or :meth:`hang_up` during a call.
    """

    number: str
    answer_after: float | None = 0.2
    registered: bool = True
    rings: list[RingRequest] = field(default_factory=list)
    call: RingRequest | None = None
    on_hold: bool = False
    _listener: TelephonyListener | None = field(default=None, repr=False)
    _decision: asyncio.Future[RingOutcome] | None = field(default=None, repr=False)
    _ring_started: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def ringing(self) -> bool:
        return self._decision is not None and not self._decision.done()

    async def wait_ringing(self) -> None:
        """Return once the extension rings (at once if it does already)."""
        await self._ring_started.wait()

    def answer(self) -> None:
        if self._decision is not None and not self._decision.done():
            self._decision.set_result(RingOutcome.ANSWERED)

    def reject(self) -> None:
        if self._decision is not None and not self._decision.done():
            self._decision.set_result(RingOutcome.REJECTED)

    def hang_up(self) -> None:
        """The agent hangs up its side of the call."""
        if self.call is None:
            return
        self.call = None
        self.on_hold = False
        if self._listener is not None:
            self._listener.agent_hung_up(self.number)


class VirtualTelephony:
    """The in-process Telephony used by tests and by ``softphone sim`` for now."""

    def __init__(self, default_answer_after: float | None = 0.2) -> None:
        self.default_answer_after = default_answer_after
        self._extensions: dict[str, VirtualExtension] = {}
        self._listener: TelephonyListener | None = None

    def extension(self, number: str) -> VirtualExtension:
        ext = self._extensions.get(number)
        if ext is None:
            ext = VirtualExtension(number, self.default_answer_after, _listener=self._listener)
            self._extensions[number] = ext
        return ext

    async def start(self, listener: TelephonyListener) -> None:
        self._listener = listener
        for ext in self._extensions.values():
            ext._listener = listener

    async def ring(self, request: RingRequest, timeout: float) -> RingResult:
        ext = self.extension(request.extension)
        ext.rings.append(request)
        if not ext.registered:
            return RingResult(RingOutcome.UNREACHABLE, f"extension {ext.number} is not registered")
        decision: asyncio.Future[RingOutcome] = asyncio.get_running_loop().create_future()
        ext._decision = decision
        ext._ring_started.set()
        timer: asyncio.TimerHandle | None = None
        if ext.answer_after is not None:
            timer = asyncio.get_running_loop().call_later(max(ext.answer_after, 0.0), ext.answer)
        try:
            outcome = await asyncio.wait_for(asyncio.shield(decision), timeout)
        except TimeoutError:
            outcome = RingOutcome.NO_ANSWER
        finally:
            if timer is not None:
                timer.cancel()
            if not decision.done():
                decision.cancel()
            ext._decision = None
            ext._ring_started.clear()
        if outcome is RingOutcome.ANSWERED:
            ext.call = request
        return RingResult(outcome)

    async def hangup(self, extension: str) -> None:
        ext = self._extensions.get(extension)
        if ext is not None:
            ext.call = None
            ext.on_hold = False
            if ext._decision is not None and not ext._decision.done():
                ext._decision.set_result(RingOutcome.NO_ANSWER)

    async def hold(self, extension: str, on_hold: bool) -> None:
        ext = self._extensions.get(extension)
        if ext is not None and ext.call is not None:
            ext.on_hold = on_hold

    def sip_url(self) -> str | None:
        return None

    async def aclose(self) -> None:
        for ext in self._extensions.values():
            with contextlib.suppress(Exception):
                await self.hangup(ext.number)
