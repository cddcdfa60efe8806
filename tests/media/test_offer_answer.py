"""The offer/answer bridge shared by the phone and the simulator, on a scripted endpoint.

The phone's in-memory tests (tests/core/test_phone_memory.py) run it on real
media; here each rule is pinned on its own, including the failures a real
session rarely shows (a rollback that fails too).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from softphone.media.errors import MediaError, SdpError
from softphone.media.offer_answer import Awaiting, OfferAnswer, Problem, Shortfall


@dataclass
class Endpoint:
    """Records what the bridge asked of the media; fails what ``refuse`` names."""

    refuse: set[str] = field(default_factory=set)
    calls: list[str] = field(default_factory=list)

    async def _do(self, what: str, result: str = "") -> str:
        self.calls.append(what)
        if what in self.refuse:
            raise SdpError(f"{what} refused") if what == "accept_answer" else MediaError(what)
        return result

    async def create_offer(self) -> str:
        return await self._do("create_offer", "OFFER")

    async def accept_offer(self, sdp: str) -> str:
        return await self._do("accept_offer", "ANSWER")

    async def accept_answer(self, sdp: str) -> None:
        await self._do("accept_answer")

    async def rollback(self) -> None:
        await self._do("rollback")


async def established(media: Endpoint) -> OfferAnswer:
    oa = OfferAnswer(media)
    assert await oa.answer("THEIR OFFER") == "ANSWER"
    media.calls.clear()
    return oa


async def test_an_offer_is_answered_and_agreed() -> None:
    oa = await established(Endpoint())
    assert oa.agreed and oa.awaiting is Awaiting.NOTHING


async def test_no_offer_puts_ours_in_the_2xx_and_takes_the_answer_from_the_ack() -> None:
    media = Endpoint()
    oa = OfferAnswer(media)
    assert await oa.answer(None) == "OFFER"
    assert oa.awaiting is Awaiting.ANSWER_IN_ACK
    assert await oa.on_ack("THEIR ANSWER") is None
    assert media.calls == ["create_offer", "accept_answer"] and oa.agreed


async def test_an_ack_we_did_not_wait_for_changes_nothing() -> None:
    media = Endpoint()
    oa = await established(media)
    assert await oa.on_ack(None) is None and media.calls == []


async def test_initial_delayed_offer_without_an_answer_is_fatal() -> None:
    oa = OfferAnswer(Endpoint())
    await oa.answer(None)
    problem = await oa.on_ack(None)
    assert problem == Problem(Shortfall.NO_ANSWER_IN_ACK, fatal=True)
    assert problem.text == "no answer to our SDP offer in the ACK"


async def test_a_later_ack_without_an_answer_goes_back_to_the_agreed_session() -> None:
    media = Endpoint()
    oa = await established(media)
    await oa.answer(None)  # a re-INVITE without SDP
    problem = await oa.on_ack("")
    assert problem is not None and not problem.fatal and problem.restored
    assert media.calls == ["create_offer", "rollback"]


async def test_our_offer_answered() -> None:
    media = Endpoint()
    oa = await established(media)
    assert await oa.offer() == "OFFER" and oa.awaiting is Awaiting.ANSWER
    assert await oa.on_answer("THEIR ANSWER") is None
    assert oa.awaiting is Awaiting.NOTHING and media.calls == ["create_offer", "accept_answer"]


@pytest.mark.parametrize("answer", [None, "UNUSABLE"])
async def test_a_bad_answer_to_a_re_offer_rolls_back(answer: str | None) -> None:
    media = Endpoint(refuse={"accept_answer"})
    oa = await established(media)
    await oa.offer()
    problem = await oa.on_answer(answer)
    assert problem is not None and not problem.fatal and problem.restored
    assert media.calls[-1] == "rollback" and oa.awaiting is Awaiting.NOTHING


async def test_a_bad_answer_to_the_first_offer_is_fatal() -> None:
    oa = OfferAnswer(Endpoint(refuse={"accept_answer"}))
    await oa.offer()
    problem = await oa.on_answer("UNUSABLE")
    assert problem is not None and problem.fatal
    assert problem.text.startswith("unusable answer from the far end")


async def test_a_refused_re_offer_rolls_back_and_says_when_that_failed_too() -> None:
    media = Endpoint(refuse={"rollback"})
    oa = await established(media)
    await oa.offer()
    problem = await oa.on_refused("488 Not Acceptable Here")
    assert problem == Problem(
        Shortfall.REFUSED, fatal=False, restored=False, detail="488 Not Acceptable Here"
    )
    assert problem.text == "488 Not Acceptable Here"
    assert await oa.on_refused("again") is None  # nothing of ours is outstanding any more


async def test_an_offer_that_cannot_be_made_changes_nothing() -> None:
    oa = await established(Endpoint(refuse={"create_offer"}))
    with pytest.raises(MediaError):
        await oa.offer()
    assert oa.awaiting is Awaiting.NOTHING


async def test_an_unacceptable_offer_raises_for_the_caller_to_refuse() -> None:
    oa = OfferAnswer(Endpoint(refuse={"accept_offer"}))
    with pytest.raises(MediaError):
        await oa.answer("THEIR OFFER")
    assert not oa.agreed
