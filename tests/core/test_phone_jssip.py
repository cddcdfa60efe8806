"""The softphone against the browser it replaces: JsSIP in headless Chromium,
both registered to a real Kamailio with digest auth.

JsSIP plays 1 kHz into its fake microphone, the softphone 440 Hz; each side
must hear the other's tone. Every flow is tried from each side.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from softphone.core import phone_events as ev
from softphone.core.phone_events import By, DtmfMethod
from tests.core.phone_probe import PhoneProbe, start_probe
from tests.peers.fixtures import JsSipFactory
from tests.peers.jssip import JsSipPeer
from tests.peers.kamailio import Kamailio
from tests.waiting import until

pytestmark = pytest.mark.peers

OURS = 440.0
THEIRS = 1000.0


def remote(event: dict[str, object]) -> bool:
    return event.get("originator") == "remote"


@pytest.fixture
async def softphone(kamailio: Kamailio) -> AsyncIterator[PhoneProbe]:
    probe = await start_probe(
        kamailio.ws_url, "1001", kamailio.password("1001"), tone_hz=OURS, auto_answer_ms=0
    )
    try:
        await probe.wait_for(ev.Registered)
        yield probe
    finally:
        await probe.aclose()


async def browser(kamailio: Kamailio, jssip: JsSipFactory, **kw: object) -> JsSipPeer:
    return await jssip.registered(kamailio, "1002", name="browser", tone_hz=THEIRS, **kw)  # type: ignore[arg-type]


async def assert_audio_both_ways(softphone: PhoneProbe, peer: JsSipPeer) -> None:
    assert await softphone.hears(THEIRS), "the softphone does not hear JsSIP's 1 kHz"
    heard = await peer.measure_audio(1000)
    assert heard.hears(OURS), f"JsSIP does not hear the softphone's 440 Hz: {heard}"


async def test_jssip_calls_and_softphone_auto_answers(
    kamailio: Kamailio, jssip_factory: JsSipFactory, softphone: PhoneProbe
) -> None:
    peer = await browser(kamailio, jssip_factory)
    await peer.call("1001")
    incoming = await softphone.wait_for(ev.IncomingCall)
    assert incoming.caller == "sip:1002@127.0.0.1"
    await peer.wait_for("confirmed")
    started = await softphone.wait_for(ev.MediaStarted)
    assert started.codec == "opus/48000"
    await assert_audio_both_ways(softphone, peer)
    # hang-up from the browser
    await peer.hangup()
    ended = await softphone.wait_for(ev.CallEnded)
    assert (ended.cause, ended.by) == ("hangup", By.REMOTE)


async def test_softphone_calls_jssip(
    kamailio: Kamailio, jssip_factory: JsSipFactory, softphone: PhoneProbe
) -> None:
    peer = await browser(kamailio, jssip_factory, auto_answer=True)
    await softphone.phone.call("1002")
    assert (await softphone.wait_for(ev.Answered)).outgoing
    await softphone.wait_for(ev.MediaStarted)
    await peer.wait_for("confirmed")
    await assert_audio_both_ways(softphone, peer)
    # hang-up from the softphone
    await softphone.phone.hangup()
    ended = await peer.wait_for(("ended", "failed"))
    assert remote(ended)
    assert (await softphone.wait_for(ev.CallEnded)).by is By.LOCAL


async def test_hold_from_each_side(
    kamailio: Kamailio, jssip_factory: JsSipFactory, softphone: PhoneProbe
) -> None:
    peer = await browser(kamailio, jssip_factory)
    await peer.call("1001")
    await peer.wait_for("confirmed")
    await softphone.wait_for(ev.MediaStarted)

    # The softphone holds: JsSIP is told, and stops hearing us.
    await softphone.phone.hold()
    await softphone.wait_for(ev.Held, lambda e: e.by is By.LOCAL)
    await peer.wait_for("hold", predicate=remote)

    # What Chromium's jitter buffer still holds plays out first (longer under
    # load): wait until a short measurement no longer finds our tone, then
    # check a whole window.
    async def tone_gone() -> bool:
        return not (await peer.measure_audio(200)).hears(OURS)

    await until(tone_gone, interval=0, what="JsSIP stops hearing the held softphone")
    assert not (await peer.measure_audio(800)).hears(OURS)
    await softphone.phone.unhold()
    await peer.wait_for("unhold", predicate=remote)
    assert (await peer.measure_audio(1000)).hears(OURS)

    # JsSIP holds: the softphone sees a remote hold, and the tone stops.
    await peer.hold()
    await softphone.wait_for(ev.Held, lambda e: e.by is By.REMOTE)
    assert await softphone.silent()
    await peer.unhold()
    await softphone.wait_for(ev.Unheld, lambda e: e.by is By.REMOTE)
    assert await softphone.hears(THEIRS)


async def test_dtmf_from_each_side(
    kamailio: Kamailio, jssip_factory: JsSipFactory, softphone: PhoneProbe
) -> None:
    peer = await browser(kamailio, jssip_factory)
    await peer.call("1001")
    await peer.wait_for("confirmed")
    await softphone.wait_for(ev.MediaStarted)

    # JsSIP → softphone, by SIP INFO and by RFC 4733 (RTP telephone-event)
    await peer.send_dtmf("12", "INFO")
    for digit in "12":
        got = await softphone.wait_for(ev.DtmfReceived, lambda e, d=digit: e.digit == d)
        assert got.method is DtmfMethod.INFO
    await peer.send_dtmf("#9", "RFC2833")
    for digit in "#9":
        got = await softphone.wait_for(ev.DtmfReceived, lambda e, d=digit: e.digit == d)
        assert got.method is DtmfMethod.RFC4733
    digits = [e.digit for e in softphone.events if isinstance(e, ev.DtmfReceived)]
    assert digits == ["1", "2", "#", "9"]

    # softphone → JsSIP by INFO (JsSIP reports received INFO digits)
    await softphone.phone.send_dtmf("57", DtmfMethod.INFO)
    for digit in "57":
        await peer.wait_for("newDTMF", predicate=lambda e, d=digit: remote(e) and e["digit"] == d)

    # softphone → JsSIP by RFC 4733: Chromium plays received telephone-events
    # out as tones, which the test page hears (it never tells JavaScript).
    used = await softphone.phone.send_dtmf("3*", DtmfMethod.RFC4733)
    assert used is DtmfMethod.RFC4733
    heard = [(await peer.wait_for("dtmf_tone"))["digit"] for _ in range(2)]
    assert heard == ["3", "*"]


async def test_cancel_before_answer_from_each_side(
    kamailio: Kamailio, jssip_factory: JsSipFactory
) -> None:
    ringing = await start_probe(
        kamailio.ws_url, "1001", kamailio.password("1001"), tone_hz=OURS
    )  # no auto-answer
    try:
        await ringing.wait_for(ev.Registered)
        peer = await browser(kamailio, jssip_factory)

        # JsSIP gives up before the softphone answers.
        await peer.call("1001")
        await ringing.wait_for(ev.IncomingCall)
        await peer.wait_for("progress")
        await peer.hangup()
        ended = await ringing.wait_for(ev.CallEnded)
        assert (ended.cause, ended.by) == ("cancelled", By.REMOTE)

        # The softphone gives up before JsSIP answers.
        await ringing.phone.call("1002")
        await peer.wait_for("incoming")
        await ringing.wait_for(ev.CallRinging)
        await ringing.phone.hangup()
        failed = await peer.wait_for(("failed", "ended"), predicate=remote)
        assert str(failed.get("cause", "")).lower().startswith("cancel")
    finally:
        await ringing.aclose()
