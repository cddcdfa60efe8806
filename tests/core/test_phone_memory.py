"""The phone's call logic in memory: no SIP server, SIP time stands still.

Two phones (or a phone and a bare user agent the test drives) are wired back
to back by ``tests.core.memory_sip.Wire``; media is real (aiortc over
loopback, tones in, collectors out), so "answered" still means both sides
hear each other. The same flows run through Kamailio and against JsSIP in
test_phone.py, test_phone_offers.py and test_phone_jssip.py; these run in
well under a second each and need no peer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from softphone.core import phone_events as ev
from softphone.core import sentences as S
from softphone.core.phone import PhoneCommandError
from softphone.core.phone_events import By, DtmfMethod
from softphone.media import tones
from softphone.media.config import MediaConfig
from softphone.media.devices import AudioSettings, NullBackend
from softphone.sip import events as sip
from tests import audio_checks
from tests.core.memory_sip import DOMAIN, URL, SipEnd, Wire
from tests.core.phone_probe import PhoneProbe, connect, start_probe
from tests.media.played import Played
from tests.sip.pair import Registrar
from tests.waiting import until

TONE_A = 440.0  # phone A / the far end
TONE_B = 1000.0  # phone B
WINDOW = 0.3  # seconds of audio judged for "hears" / "silent"


@pytest.fixture
async def wire() -> Wire:
    return Wire(now=asyncio.get_running_loop().time())


async def probe(
    wire: Wire,
    user: str,
    tone_hz: float,
    *,
    registrar: Registrar | None = None,
    password: str | None = None,
    auto_answer_ms: int | None = None,
    media: MediaConfig | None = None,
) -> PhoneProbe:
    extra = {} if media is None else {"media": media}
    return await start_probe(
        URL,
        user,
        user if password is None else password,
        tone_hz=tone_hz,
        domain=DOMAIN,
        auto_answer_ms=auto_answer_ms,
        transport=wire.factory(registrar or Registrar(password=user, realm=DOMAIN)),
        **extra,
    )


@pytest.fixture
async def phones(wire: Wire) -> AsyncIterator[tuple[PhoneProbe, PhoneProbe]]:
    """Phone A (1001, plays 440 Hz) and phone B (1002, plays 1 kHz, auto-answers)."""
    a = await probe(wire, "1001", TONE_A)
    b = await probe(wire, "1002", TONE_B, auto_answer_ms=0)
    try:
        await a.wait_for(ev.Registered)
        await b.wait_for(ev.Registered)
        yield a, b
    finally:
        await a.aclose()
        await b.aclose()


async def hears(side: PhoneProbe, hz: float) -> bool:
    return await audio_checks.hears(side.collector, hz, window=WINDOW)


async def silent(side: PhoneProbe) -> bool:
    return await audio_checks.silent(side.collector, window=WINDOW)


# -- registration -----------------------------------------------------------------------


async def test_registers_and_refreshes_before_expiry(wire: Wire) -> None:
    registrar = Registrar(password="1001", realm=DOMAIN, max_expires=60)
    a = await probe(wire, "1001", TONE_A, registrar=registrar)
    try:
        first = await a.wait_for(ev.Registered)
        assert (first.expires, first.refresh) == (60, False) and a.phone.registered
        wire.advance(60)  # SIP time only: nothing waits
        again = await a.wait_for(ev.Registered, lambda e: e.refresh)
        assert again.expires == 60 and len(registrar.bindings) == 1
    finally:
        await a.aclose()
    assert registrar.bindings == {}, "not unregistered on close"


async def test_wrong_password_is_reported_clearly(wire: Wire) -> None:
    a = await probe(wire, "1001", TONE_A, password="not-the-password")
    try:
        failed = await a.wait_for(ev.RegistrationFailed)
        assert failed.code == 401 and "check the user and password" in failed.reason
        assert not a.phone.registered
    finally:
        await a.aclose()


async def test_forbidden_registration_is_reported_clearly(wire: Wire) -> None:
    a = await probe(wire, "1001", TONE_A, registrar=Registrar(script=[403]))
    try:
        failed = await a.wait_for(ev.RegistrationFailed)
        assert failed.code == 403 and "authentication failed (403" in failed.reason
        assert not a.phone.registered
    finally:
        await a.aclose()


# -- calls between two phones -------------------------------------------------------------


async def test_outgoing_call_auto_answered_with_audio_both_ways(
    phones: tuple[PhoneProbe, PhoneProbe],
) -> None:
    a, b = phones
    await connect(a, b)
    incoming = await b.wait_for(ev.IncomingCall)
    assert incoming.caller == f"sip:1001@{DOMAIN}" and incoming.auto_answer_in_ms == 0
    assert (await a.wait_for(ev.Answered)).outgoing
    assert not (await b.wait_for(ev.Answered)).outgoing
    assert (await a.wait_for(ev.MediaStarted)).codec == "opus/48000"
    assert await hears(a, TONE_B), "A does not hear B's 1 kHz tone"
    assert await hears(b, TONE_A), "B does not hear A's 440 Hz tone"


@pytest.mark.parametrize("who", ["caller", "callee"])
async def test_hang_up_ends_the_call_on_both_sides(
    phones: tuple[PhoneProbe, PhoneProbe], who: str
) -> None:
    a, b = phones
    await connect(a, b)
    hanging, other = (a, b) if who == "caller" else (b, a)
    await hanging.phone.hangup()
    ended = await other.wait_for(ev.CallEnded)
    assert (ended.cause, ended.by) == ("hangup", By.REMOTE)
    assert ended.quality is not None and ended.quality.codec == "opus/48000"
    assert (await hanging.wait_for(ev.CallEnded)).by is By.LOCAL
    assert a.phone.active_call is None and b.phone.active_call is None
    assert not a.errors() and not b.errors()


async def test_a_connected_call_reports_its_quality_while_it_lasts(wire: Wire) -> None:
    """The figures a quality bar shows: periodic, about this call, growing, and ending with it."""
    fast = MediaConfig(quality_period_s=0.2)
    a = await probe(wire, "1001", TONE_A, media=fast)
    b = await probe(wire, "1002", TONE_B, auto_answer_ms=0, media=fast)
    try:
        handle = await connect(a, b)
        first = await a.wait_for(ev.CallQualityChanged)
        later = await a.wait_for(
            ev.CallQualityChanged,
            lambda e: e.quality.packets_received > first.quality.packets_received + 10,
        )
        for report in (first, later):
            assert report.call == handle and report.quality.codec == "opus/48000"
        q = later.quality
        assert q.packets_lost == 0 and q.loss_percent == 0.0, q
        assert q.packets_sent > 0 and q.mos >= 4.0, q
        assert (await b.wait_for(ev.CallQualityChanged)).quality.packets_received > 0
        await a.phone.hangup()
        ended = await a.wait_for(ev.CallEnded)
        assert ended.quality is not None
        assert ended.quality.packets_received >= q.packets_received
        count = len(a.log.of(ev.CallQualityChanged))
        await b.wait_for(ev.CallEnded)
        wire.advance(1)
        await asyncio.sleep(3 * fast.quality_period_s)  # the report period is what is checked
        assert len(a.log.of(ev.CallQualityChanged)) == count, "reports after the call ended"
    finally:
        await a.aclose()
        await b.aclose()


@pytest.mark.parametrize(
    ("automatic", "beep", "heard"),
    [(True, True, True), (True, False, False), (False, True, False)],
    ids=["auto-answered", "beep-off", "answered-by-hand"],
)
async def test_the_agent_hears_a_beep_only_when_a_call_was_answered_for_them(
    wire: Wire, automatic: bool, beep: bool, heard: bool
) -> None:
    """B's speaker (a null card with a tap) after the answer: two 1.4 kHz beeps, or none."""
    played = Played()
    card = {"audio": AudioSettings(null=False), "audio_backend": NullBackend(tap=played)}
    a = await probe(wire, "1001", TONE_A)
    b = await start_probe(
        URL,
        "1002",
        "1002",
        tone_hz=TONE_B,
        domain=DOMAIN,
        auto_answer_ms=0 if automatic else None,
        transport=wire.factory(Registrar(password="1002", realm=DOMAIN)),
        auto_answer_beep=beep,
        ring_incoming=False,
        **card,
    )
    try:
        await b.wait_for(ev.Registered)
        await a.phone.call("1002")
        await b.wait_for(ev.IncomingCall)
        if not automatic:
            await b.phone.answer()
        await b.wait_for(ev.Answered)  # the card has played since the call was set up
        mark = played.mark()
        await played.until(lambda: played.samples_since(mark) >= 48000 * 0.4)
        start = played.since(0)
        assert (tones.tone_ratio(start, 1400, 48000) > 0.01) is heard
    finally:
        await a.aclose()
        await b.aclose()


async def test_cancel_before_answer(wire: Wire) -> None:
    a = await probe(wire, "1001", TONE_A)
    b = await probe(wire, "1002", TONE_B)  # rings until answered
    try:
        await a.phone.call("1002")
        incoming = await b.wait_for(ev.IncomingCall)
        assert incoming.auto_answer_in_ms is None
        assert (await a.wait_for(ev.CallRinging)).code == 180
        await a.phone.hangup()
        ended = await b.wait_for(ev.CallEnded)
        assert (ended.cause, ended.by, ended.quality) == ("cancelled", By.REMOTE, None)
        assert (await a.wait_for(ev.CallEnded)).by is By.LOCAL
        with pytest.raises(PhoneCommandError):
            await b.phone.answer()
    finally:
        await a.aclose()
        await b.aclose()


async def test_manual_answer_after_ringing(wire: Wire) -> None:
    a = await probe(wire, "1001", TONE_A)
    b = await probe(wire, "1002", TONE_B)
    try:
        await a.phone.call("1002")
        await b.wait_for(ev.IncomingCall)
        await b.phone.answer()
        assert (await a.wait_for(ev.Answered)).outgoing
        await a.wait_for(ev.MediaStarted)
        assert await hears(a, TONE_B)
    finally:
        await a.aclose()
        await b.aclose()


async def test_hold_and_unhold_seen_on_both_sides(phones: tuple[PhoneProbe, PhoneProbe]) -> None:
    a, b = phones
    await connect(a, b)
    await a.phone.hold()
    assert (await a.wait_for(ev.Held)).by is By.LOCAL
    assert (await b.wait_for(ev.Held)).by is By.REMOTE
    assert await silent(b), "B still hears A while A holds"
    with pytest.raises(PhoneCommandError, match="already on hold"):
        await a.phone.hold()
    await a.phone.unhold()
    assert (await a.wait_for(ev.Unheld)).by is By.LOCAL
    assert (await b.wait_for(ev.Unheld)).by is By.REMOTE
    assert await hears(b, TONE_A), "audio did not come back after unhold"
    # and the other way round: B holds A
    await b.phone.hold()
    assert (await a.wait_for(ev.Held, lambda e: e.by is By.REMOTE)).call
    assert (await b.wait_for(ev.Held, lambda e: e.by is By.LOCAL)).call
    assert not a.errors() and not b.errors()


async def test_session_refreshes_keep_the_call_without_bothering_the_agent(
    phones: tuple[PhoneProbe, PhoneProbe], wire: Wire, caplog: pytest.LogCaptureFixture
) -> None:
    """RFC 4028: an hour of SIP time is four refreshes of the default 30 min
    session; the call stays up, the agent sees nothing of it, the log does."""
    a, b = phones
    await connect(a, b)
    mark_a, mark_b = a.mark(), b.mark()
    with caplog.at_level(logging.INFO, logger="softphone.core.phone"):
        wire.advance(3600)

        def refreshed(by: str) -> int:
            return caplog.text.count(f"session refreshed by {by}")

        # every 900 s (half the interval), seen by the refresher and the other side
        await until(lambda: refreshed("us") == refreshed("the far end") == 4)
    assert a.phone.active_call is not None and b.phone.active_call is not None
    for side, mark in ((a, mark_a), (b, mark_b)):  # registration refreshes aside
        assert [e for e in side.log.events[mark:] if not isinstance(e, ev.Registered)] == []
    assert await hears(b, TONE_A), "the call lost its audio across the refreshes"


@pytest.mark.parametrize("method", [DtmfMethod.RFC4733, DtmfMethod.INFO])
async def test_dtmf_both_ways(phones: tuple[PhoneProbe, PhoneProbe], method: DtmfMethod) -> None:
    a, b = phones
    await connect(a, b)
    assert await a.phone.send_dtmf("1#", method) is method
    assert await b.phone.send_dtmf("9", method) is method
    for side, digits in ((b, "1#"), (a, "9")):
        for digit in digits:
            got = await side.wait_for(ev.DtmfReceived, lambda e, d=digit: e.digit == d)
            assert got.method is method
        assert [e.digit for e in side.log.of(ev.DtmfReceived)] == list(digits)


# -- against a far end the test drives ---------------------------------------------------------


@pytest.fixture
async def ends(wire: Wire) -> AsyncIterator[tuple[PhoneProbe, SipEnd]]:
    """The phone (1001, plays 1 kHz, auto-answers) and a bare far end (plays 440 Hz)."""
    phone = await probe(wire, "1001", TONE_B, auto_answer_ms=0)
    far = await SipEnd(wire, "1002", TONE_A).start()
    try:
        await phone.wait_for(ev.Registered)
        yield phone, far
    finally:
        await far.aclose()
        await phone.aclose()


async def far_hears(far: SipEnd, hz: float) -> bool:
    return await audio_checks.hears(far.heard, hz, window=WINDOW)


async def call_from_far(far: SipEnd) -> str:
    """An ordinary call from the far end; the phone auto-answers."""
    offer = await far.media.create_offer()
    handle = far.act(lambda ua, now: ua.invite("1001", offer, now))
    answered = await far.wait_for(sip.CallAnswered)
    assert answered.sdp is not None
    # An answer takes a DTLS role; an offer leaves it open (actpass).
    assert "a=setup:actpass" not in answered.sdp, "the phone did not see the offer"
    await far.media.accept_answer(answered.sdp)
    return handle


async def delayed_offer_call(far: SipEnd) -> str:
    """INVITE without SDP; the far end answers the phone's offer in the ACK."""
    handle = far.act(lambda ua, now: ua.invite("1001", None, now))
    answered = await far.wait_for(sip.CallAnswered)
    assert answered.offer and answered.sdp, "the phone's 200 OK must carry an offer"
    answer = await far.media.accept_offer(answered.sdp)
    far.act(lambda ua, now: ua.acknowledge(handle, answer, now))
    return handle


async def hold_accepted(phone: PhoneProbe, far: SipEnd, handle: str) -> None:
    mark, phone_mark = far.mark(), phone.mark()
    await phone.phone.hold()
    offer = await far.wait_for(sip.ReinviteReceived, after=mark)
    assert offer.sdp and "a=sendonly" in offer.sdp
    answer = await far.media.accept_offer(offer.sdp)
    far.act(lambda ua, now: ua.answer_reinvite(handle, answer, now))
    assert (await phone.wait_for(ev.Held, after=phone_mark)).by is By.LOCAL


async def test_remote_hold_and_unhold_from_a_far_end(ends: tuple[PhoneProbe, SipEnd]) -> None:
    phone, far = ends
    handle = await call_from_far(far)
    await phone.wait_for(ev.MediaStarted)
    for hold, change in ((True, ev.Held), (False, ev.Unheld)):
        mark = far.mark()
        offer = await (far.media.hold() if hold else far.media.unhold())
        far.act(lambda ua, now, offer=offer: ua.reinvite(handle, offer, now))
        answered = await far.wait_for(sip.ReinviteAnswered, after=mark)
        assert answered.sdp is not None
        await far.media.accept_answer(answered.sdp)
        assert (await phone.wait_for(change)).by is By.REMOTE
    assert await hears(phone, TONE_A), "the phone does not hear the far end after unhold"


async def test_delayed_offer_call_has_audio_both_ways(ends: tuple[PhoneProbe, SipEnd]) -> None:
    phone, far = ends
    await delayed_offer_call(far)
    assert (await phone.wait_for(ev.MediaStarted)).codec == "opus/48000"
    assert await hears(phone, TONE_A), "the phone does not hear the far end"
    assert await far_hears(far, TONE_B), "the far end does not hear the phone"
    assert not phone.errors()


async def test_reinvite_without_sdp_keeps_the_call_usable(
    ends: tuple[PhoneProbe, SipEnd],
) -> None:
    phone, far = ends
    handle = await delayed_offer_call(far)
    await phone.wait_for(ev.MediaStarted)
    mark = far.mark()
    far.act(lambda ua, now: ua.reinvite(handle, None, now))
    answered = await far.wait_for(sip.ReinviteAnswered, after=mark)
    assert answered.offer and answered.sdp
    answer = await far.media.accept_offer(answered.sdp)
    far.act(lambda ua, now: ua.acknowledge(handle, answer, now))
    assert await far_hears(far, TONE_B), "audio from the phone stopped after the re-INVITE"
    # The answer from the ACK was applied: the phone's next offer (hold) is a normal one.
    await hold_accepted(phone, far, handle)
    assert not phone.errors()


async def test_ack_without_the_answer_ends_the_call_clearly(
    ends: tuple[PhoneProbe, SipEnd],
) -> None:
    phone, far = ends
    handle = far.act(lambda ua, now: ua.invite("1001", None, now))
    await far.wait_for(sip.CallAnswered)
    far.act(lambda ua, now: ua.acknowledge(handle, None, now))  # no answer in the ACK
    said = (await phone.wait_for(ev.PhoneError)).message
    assert said == "no answer to our SDP offer in the ACK"
    assert getattr(said, "template", None) == S.SDP_NO_ANSWER_IN_ACK  # for a translation
    assert (await phone.wait_for(ev.CallEnded)).by is By.LOCAL
    await far.wait_for(sip.CallEnded)


async def test_refused_hold_leaves_the_call_as_it_was(ends: tuple[PhoneProbe, SipEnd]) -> None:
    phone, far = ends
    handle = await call_from_far(far)
    await phone.wait_for(ev.MediaStarted)
    mark, phone_mark = far.mark(), phone.mark()
    await phone.phone.hold()
    await far.wait_for(sip.ReinviteReceived, after=mark)
    far.act(lambda ua, now: ua.reject_reinvite(handle, 488, now))
    error = await phone.wait_for(ev.PhoneError, after=phone_mark)
    assert error.message.startswith("hold failed (488")
    # the far end's code and reason as data, the sentence around them for a translation
    assert getattr(error.message, "template", None) == S.HOLD_FAILED
    assert getattr(error.message, "params", {}).get("problem", "").startswith("488 ")
    assert not phone.log.of(ev.Held, phone_mark)
    assert await far_hears(far, TONE_B), "the far end lost the phone's audio after the refusal"
    # the session was rolled back: the agent can try again, and this time it goes through
    await hold_accepted(phone, far, handle)


def as_multipart_mixed(data: bytes) -> bytes:
    """An INVITE's SDP moved into a multipart/mixed body, next to an XML part."""
    head, _, body = data.partition(b"\r\n\r\n")
    if not head.startswith(b"INVITE ") or not body:
        return data
    lines = [
        line
        for line in head.split(b"\r\n")
        if not line.lower().startswith((b"content-type:", b"content-length:"))
    ]
    lines.append(b"Content-Type: multipart/mixed;boundary=unique-boundary-1")
    multipart = (
        b"--unique-boundary-1\r\nContent-Type: application/sdp\r\n\r\n"
        + body
        + b"\r\n--unique-boundary-1\r\nContent-Type: application/pidf+xml\r\n\r\n"
        + b"<presence/>\r\n--unique-boundary-1--\r\n"
    )
    lines.append(b"Content-Length: %d" % len(multipart))
    return b"\r\n".join(lines) + b"\r\n\r\n" + multipart


async def test_offer_inside_a_multipart_body_is_answered(
    wire: Wire, ends: tuple[PhoneProbe, SipEnd]
) -> None:
    phone, far = ends
    wire.tamper = as_multipart_mixed
    await call_from_far(far)  # fails here today: the phone's 200 carries an offer of its own
    await phone.wait_for(ev.MediaStarted)
    assert await far_hears(far, TONE_B)
    assert not phone.errors()
