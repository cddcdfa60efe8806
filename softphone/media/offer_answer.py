"""One call's SDP offer/answer (RFC 3264 as carried by RFC 3261), for any SIP driver.

The phone (``softphone.core.phone``) and the simulator's telephony
(``softphone.sim.sip_telephony``) both sit between a sans-IO SIP user agent
and a :class:`~softphone.media.session.MediaSession`, and both must get the
same things right: answer an offer or, when an (re-)INVITE came without one,
put our offer in the 2xx and take the answer from the ACK; apply the answer
to our own offer; and when the far end refuses a re-offer, or answers it
with nothing usable, go back to the session both sides last agreed on
(RFC 3261 §14.1) instead of leaving the media half-renegotiated. That
bookkeeping lives here once; the callers only decide what to tell their
user and whether to hang up.

Who owes the next SDP is a small state (:class:`Awaiting`) rather than flags,
and every failure is returned as a :class:`Problem` that says whether the
call can go on: an initial exchange that failed leaves a call that cannot
carry a voice (``fatal``), a failed re-offer leaves the call as it was. What
went wrong is a :class:`Shortfall` with its detail apart, so the phone can
tell the agent in the agent's language (the media layer writes English only).
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from softphone.media.errors import MediaError


class SdpEndpoint(Protocol):
    """The SDP surface of :class:`~softphone.media.session.MediaSession`."""

    async def create_offer(self) -> str: ...
    async def accept_offer(self, sdp: str) -> str: ...
    async def accept_answer(self, sdp: str) -> None: ...
    async def rollback(self) -> None: ...


class Awaiting(enum.Enum):
    """Which SDP the far end owes us next."""

    NOTHING = "nothing"
    ANSWER = "answer"  # we offered in a request (INVITE, re-INVITE): the answer comes in its 2xx
    ANSWER_IN_ACK = "answer-in-ack"  # we offered in our 2xx (they sent none): it comes in the ACK


class Shortfall(enum.Enum):
    """What an exchange lacked; the value is its English text (``{detail}`` filled in)."""

    NO_ANSWER_IN_ACK = "no answer to our SDP offer in the ACK"
    UNUSABLE_ANSWER_IN_ACK = "unusable answer to our SDP offer in the ACK: {detail}"
    NO_ANSWER = "the far end answered without SDP"
    UNUSABLE_ANSWER = "unusable answer from the far end: {detail}"
    REFUSED = "{detail}"  # the caller's words for the refusal, e.g. "488 Not Acceptable Here"


@dataclass(frozen=True, slots=True)
class Problem:
    """An exchange that did not complete.

    ``fatal``: no session was ever agreed, so the call cannot carry a voice
    and should end. Otherwise the call keeps its previous session;
    ``restored`` is False when even going back to it failed (audio may be
    affected). ``detail``: the media's error or the refusal, as written.
    """

    shortfall: Shortfall
    fatal: bool
    restored: bool = True
    detail: str = ""

    @property
    def text(self) -> str:
        """The problem in English (logs, the simulator)."""
        return self.shortfall.value.format(detail=self.detail)


class OfferAnswer:
    """The offer/answer state of one call over one :class:`SdpEndpoint`.

    Every method is called from the SIP event handler of the call, in the
    order the events come; none raises for what the far end sent except
    :meth:`answer`, whose ``MediaError`` (``SdpError``: refuse with 488) the
    caller turns into a SIP refusal.
    """

    def __init__(self, media: SdpEndpoint) -> None:
        self.media = media
        self.awaiting = Awaiting.NOTHING
        self.agreed = False  # a session was agreed at least once

    # -- the far end's (re-)INVITE ------------------------------------------------

    async def answer(self, offer: str | None) -> str:
        """Our SDP for the 2xx to an INVITE or re-INVITE carrying ``offer``.

        No offer (a delayed offer, third-party call control, a session
        refresh asking for one): our 2xx carries our offer and the ACK will
        carry the answer (:meth:`on_ack`).
        """
        if not offer:
            sdp = await self.media.create_offer()
            self.awaiting = Awaiting.ANSWER_IN_ACK
            return sdp
        sdp = await self.media.accept_offer(offer)
        self.agreed = True
        return sdp

    async def on_ack(self, sdp: str | None) -> Problem | None:
        """The ACK of our 2xx: where the answer to an offer in the 2xx comes."""
        if self.awaiting is not Awaiting.ANSWER_IN_ACK:
            return None
        self.awaiting = Awaiting.NOTHING
        if not sdp:
            return await self._failed(Shortfall.NO_ANSWER_IN_ACK)
        try:
            await self.media.accept_answer(sdp)
        except MediaError as exc:
            return await self._failed(Shortfall.UNUSABLE_ANSWER_IN_ACK, str(exc))
        self.agreed = True
        return None

    # -- our own offer ------------------------------------------------------------------

    async def offer(self, make: Callable[[], Awaitable[str]] | None = None) -> str:
        """Our offer for an INVITE or re-INVITE; ``make`` e.g. ``media.hold``.

        ``MediaError`` when none can be made (the state is unchanged then).
        """
        sdp = await (make or self.media.create_offer)()
        self.awaiting = Awaiting.ANSWER
        return sdp

    async def on_answer(self, sdp: str | None) -> Problem | None:
        """The 2xx to our offer: apply its answer."""
        if self.awaiting is not Awaiting.ANSWER:
            return None
        self.awaiting = Awaiting.NOTHING
        if not sdp:
            return await self._failed(Shortfall.NO_ANSWER)
        try:
            await self.media.accept_answer(sdp)
        except MediaError as exc:
            return await self._failed(Shortfall.UNUSABLE_ANSWER, str(exc))
        self.agreed = True
        return None

    async def on_refused(self, why: str) -> Problem | None:
        """The far end refused our offer (or it was never sent): back to the agreed session."""
        if self.awaiting is not Awaiting.ANSWER:
            return None
        self.awaiting = Awaiting.NOTHING
        return await self._failed(Shortfall.REFUSED, why)

    # -- internals ----------------------------------------------------------------------

    async def _failed(self, shortfall: Shortfall, detail: str = "") -> Problem:
        if not self.agreed:
            return Problem(shortfall, fatal=True, detail=detail)  # nothing to go back to
        try:
            await self.media.rollback()
        except MediaError:
            return Problem(shortfall, fatal=False, restored=False, detail=detail)
        return Problem(shortfall, fatal=False, detail=detail)
