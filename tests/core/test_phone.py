"""The phone end to end: two softphones registered to a real Kamailio.

Everything a user would check: registration (and a clear failure with a
wrong password), calls set up by auto-answer and by hand, audio heard by
content both ways, hold/unhold, mute, DTMF by both methods, hang-up from
either side, cancel before answer, busy, and re-registration after the
server restarts.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from softphone.core import phone_events as ev
from softphone.core.phone import PhoneCommandError, SipAccount
from softphone.core.phone_events import By, DtmfMethod
from softphone.media import tones
from softphone.media.devices import AudioSettings
from softphone.media.session import BYE_GRACE_S
from softphone.media.tracks import PcmCollector
from tests.core.phone_probe import PhoneProbe, connect, phone_config, start_probe
from tests.media.unpluggable import Unpluggable
from tests.peers.kamailio import Kamailio
from tests.waiting import until

pytestmark = pytest.mark.peers

TONE_A = 440.0
TONE_B = 1000.0


@pytest.fixture
async def pair(kamailio: Kamailio) -> AsyncIterator[tuple[PhoneProbe, PhoneProbe]]:
    """Phone A (1001, plays 440 Hz) and phone B (1002, plays 1 kHz, auto-answers)."""
    a = await start_probe(kamailio.ws_url, "1001", kamailio.password("1001"), tone_hz=TONE_A)
    b = await start_probe(
        kamailio.ws_url, "1002", kamailio.password("1002"), tone_hz=TONE_B, auto_answer_ms=0
    )
    try:
        await a.wait_for(ev.Registered)
        await b.wait_for(ev.Registered)
        yield a, b
    finally:
        await a.aclose()
        await b.aclose()


async def test_registers_with_digest_and_unregisters_on_exit(kamailio: Kamailio) -> None:
    probe = await start_probe(kamailio.ws_url, "1003", kamailio.password("1003"), tone_hz=TONE_A)
    try:
        registered = await probe.wait_for(ev.Registered)
        assert registered.expires > 0
        contacts = kamailio.bindings("1003")
        assert any(".invalid" in c and "transport=ws" in c for c in contacts), contacts
    finally:
        await probe.aclose()
    assert kamailio.bindings("1003") == []


async def test_registration_is_refreshed_before_it_expires(kamailio: Kamailio) -> None:
    probe = await start_probe(
        kamailio.ws_url, "1003", kamailio.password("1003"), tone_hz=TONE_A,
        account=SipAccount(
            user="1003", domain="127.0.0.1", password=kamailio.password("1003"),
            register_expires=4,
        ),
    )  # fmt: skip
    try:
        first = await probe.wait_for(ev.Registered)
        assert first.expires == 4 and not first.refresh
        refreshed = await probe.wait_for(ev.Registered, lambda e: e.refresh, timeout=8)
        assert refreshed.expires == 4
        assert kamailio.bindings("1003"), "the binding lapsed despite the refresh"
    finally:
        await probe.aclose()


async def test_wrong_password_fails_clearly(kamailio: Kamailio) -> None:
    probe = await start_probe(kamailio.ws_url, "1003", "not-the-password", tone_hz=TONE_A)
    try:
        failed = await probe.wait_for(ev.RegistrationFailed, lambda e: e.code is not None)
        assert failed.code in (401, 403)
        assert "password" in failed.reason
        assert not probe.phone.registered
    finally:
        await probe.aclose()


async def test_call_auto_answered_with_audio_both_ways(pair: tuple[PhoneProbe, PhoneProbe]) -> None:
    a, b = pair
    await connect(a, b)
    incoming = await b.wait_for(ev.IncomingCall)
    assert incoming.caller == "sip:1001@127.0.0.1" and incoming.auto_answer_in_ms == 0
    assert (await a.wait_for(ev.Answered)).outgoing
    assert (await a.wait_for(ev.MediaStarted)).codec == "opus/48000"
    assert await a.hears(TONE_B), "A does not hear B's 1 kHz tone"
    assert await b.hears(TONE_A), "B does not hear A's 440 Hz tone"


async def test_hold_and_unhold_stop_and_resume_audio(pair: tuple[PhoneProbe, PhoneProbe]) -> None:
    a, b = pair
    await connect(a, b)
    assert await b.hears(TONE_A)
    await a.phone.hold()
    assert (await a.wait_for(ev.Held)).by is By.LOCAL
    assert (await b.wait_for(ev.Held)).by is By.REMOTE
    assert await b.silent(), "B still hears A while A holds"
    with pytest.raises(PhoneCommandError, match="already on hold"):
        await a.phone.hold()
    await a.phone.unhold()
    assert (await a.wait_for(ev.Unheld)).by is By.LOCAL
    assert (await b.wait_for(ev.Unheld)).by is By.REMOTE
    assert await b.hears(TONE_A), "audio did not come back after unhold"


async def test_mute_sends_silence_without_renegotiation(
    pair: tuple[PhoneProbe, PhoneProbe],
) -> None:
    a, b = pair
    await connect(a, b)
    mark = b.mark()
    a.phone.mute(True)
    assert await b.silent()
    a.phone.mute(False)
    assert await b.hears(TONE_A)
    assert not [e for e in b.events[mark:] if isinstance(e, ev.Held | ev.Unheld)]


@pytest.mark.parametrize("method", [DtmfMethod.RFC4733, DtmfMethod.INFO])
async def test_dtmf_arrives_as_digits(
    pair: tuple[PhoneProbe, PhoneProbe], method: DtmfMethod
) -> None:
    a, b = pair
    await connect(a, b)
    used = await a.phone.send_dtmf("159#", method)
    assert used is method
    for digit in "159#":
        got = await b.wait_for(ev.DtmfReceived, lambda e, d=digit: e.digit == d)
        assert got.method is method
    received = [e.digit for e in b.events if isinstance(e, ev.DtmfReceived)]
    assert received == list("159#")


async def test_callee_hangs_up(pair: tuple[PhoneProbe, PhoneProbe]) -> None:
    a, b = pair
    await connect(a, b)
    assert await a.hears(TONE_B)
    during = await a.phone.call_quality()

    async def more_packets() -> bool:
        now = await a.phone.call_quality()
        return now.packets_received >= during.packets_received + 25

    await until(more_packets, what="25 more packets")
    await b.phone.hangup()
    ended = await a.wait_for(ev.CallEnded)
    assert (ended.cause, ended.by) == ("hangup", By.REMOTE)
    # how the call sounded, for the call record: every packet, none lost
    assert ended.quality is not None and ended.quality.codec == "opus/48000"
    assert ended.quality.packets_received > during.packets_received > 0
    assert ended.quality.packets_lost == 0
    assert (await b.wait_for(ev.CallEnded)).by is By.LOCAL
    assert a.phone.active_call is None and b.phone.active_call is None
    # The BYE and the media closing race each other; an ordinary hang-up
    # must not leave the agent an error about failed media.
    await asyncio.sleep(BYE_GRACE_S + 0.5)
    assert not [e for e in a.events + b.events if isinstance(e, ev.PhoneError)]


async def test_cancel_before_answer(kamailio: Kamailio) -> None:
    a = await start_probe(kamailio.ws_url, "1001", kamailio.password("1001"), tone_hz=TONE_A)
    b = await start_probe(kamailio.ws_url, "1002", kamailio.password("1002"), tone_hz=TONE_B)
    try:
        await a.wait_for(ev.Registered)
        await b.wait_for(ev.Registered)
        await a.phone.call("1002")
        incoming = await b.wait_for(ev.IncomingCall)
        assert incoming.auto_answer_in_ms is None  # rings until answered
        await a.wait_for(ev.CallRinging)
        await a.phone.hangup()
        ended = await b.wait_for(ev.CallEnded)
        assert (ended.cause, ended.by) == ("cancelled", By.REMOTE)
        assert ended.quality is None  # no media ever flowed
        with pytest.raises(PhoneCommandError):
            await b.phone.answer()
    finally:
        await a.aclose()
        await b.aclose()


async def test_manual_answer_and_reject(kamailio: Kamailio) -> None:
    a = await start_probe(kamailio.ws_url, "1001", kamailio.password("1001"), tone_hz=TONE_A)
    b = await start_probe(kamailio.ws_url, "1002", kamailio.password("1002"), tone_hz=TONE_B)
    try:
        await a.wait_for(ev.Registered)
        await b.wait_for(ev.Registered)
        await a.phone.call("1002")
        await b.wait_for(ev.IncomingCall)
        await b.phone.reject(486)
        ended = await a.wait_for(ev.CallEnded)
        assert (ended.cause, ended.code) == ("rejected", 486)

        mark_a, mark_b = a.mark(), b.mark()
        await a.phone.call("1002")
        await b.wait_for(ev.IncomingCall, after=mark_b)
        await b.phone.answer()
        await a.wait_for(ev.Answered, after=mark_a)
        await a.wait_for(ev.MediaStarted, after=mark_a)
        assert await a.hears(TONE_B)
    finally:
        await a.aclose()
        await b.aclose()


async def test_second_call_while_busy_gets_486(kamailio: Kamailio) -> None:
    a = await start_probe(kamailio.ws_url, "1001", kamailio.password("1001"), tone_hz=TONE_A)
    b = await start_probe(
        kamailio.ws_url, "1002", kamailio.password("1002"), tone_hz=TONE_B, auto_answer_ms=0
    )
    c = await start_probe(kamailio.ws_url, "1003", kamailio.password("1003"), tone_hz=TONE_A)
    try:
        for probe in (a, b, c):
            await probe.wait_for(ev.Registered)
        await connect(a, b)
        await c.phone.call("1002")
        ended = await c.wait_for(ev.CallEnded)
        assert ended.code == 486
        assert await a.hears(TONE_B), "the first call must go on"
    finally:
        for probe in (a, b, c):
            await probe.aclose()


async def test_reregisters_after_kamailio_restart(kamailio: Kamailio) -> None:
    probe = await start_probe(kamailio.ws_url, "1003", kamailio.password("1003"), tone_hz=TONE_A)
    try:
        await probe.wait_for(ev.Registered)
        mark = probe.mark()
        kamailio.restart()
        await probe.wait_for(ev.ConnectionChanged, lambda e: not e.connected, after=mark)
        again = await probe.wait_for(ev.Registered, after=mark, timeout=20)
        assert not again.refresh
        assert kamailio.bindings("1003"), "no binding after the restart"
    finally:
        await probe.aclose()


async def test_hold_then_unhold_within_a_second_both_reach_the_far_end(
    pair: tuple[PhoneProbe, PhoneProbe],
) -> None:
    # aiortc stamps its SDP version with the clock's second: without our own
    # o= handling the far end took the quick unhold for a session refresh.
    a, b = pair
    await connect(a, b)
    await a.phone.hold()
    await a.wait_for(ev.Held)
    await a.phone.unhold()
    await a.wait_for(ev.Unheld)
    await b.wait_for(ev.Held)
    await b.wait_for(ev.Unheld)
    assert await b.hears(TONE_A)


async def test_call_survives_a_kamailio_restart(
    kamailio: Kamailio, pair: tuple[PhoneProbe, PhoneProbe]
) -> None:
    """The server restarts mid-call: the media path does not go through it, so
    the agent keeps talking; both phones re-register by themselves, and a
    hang-up afterwards ends the call on both sides — even though Kamailio
    can no longer route the BYE (it names the old connection), the far end
    learns from the media connection closing."""
    a, b = pair
    await connect(a, b)
    mark_a, mark_b = a.mark(), b.mark()
    kamailio.restart()
    await a.wait_for(ev.Registered, after=mark_a, timeout=20)
    await b.wait_for(ev.Registered, after=mark_b, timeout=20)
    assert await a.hears(TONE_B), "A lost B's audio across the restart"
    assert await b.hears(TONE_A), "B lost A's audio across the restart"
    await a.phone.hangup()
    assert (await a.wait_for(ev.CallEnded, after=mark_a)).by is By.LOCAL
    await b.wait_for(ev.CallEnded, after=mark_b)
    assert b.phone.active_call is None


async def test_headset_pulled_out_mid_call_keeps_the_call_and_tells_the_agent(
    kamailio: Kamailio,
) -> None:
    """B's sound card stops mid-call: the call stays up with RTP flowing (a PBX
    drops a call whose RTP stops, cutting off the customer), B is told what
    is wrong, and when the headset is back, so is the audio."""
    card = Unpluggable(source=tones.ToneGenerator((TONE_B,), 48000, 0.3).read)
    a = await start_probe(kamailio.ws_url, "1001", kamailio.password("1001"), tone_hz=TONE_A)
    b_config = phone_config(
        kamailio.ws_url,
        "1002",
        kamailio.password("1002"),
        tone_hz=TONE_B,
        collector=PcmCollector(48000),
        auto_answer_ms=0,
        audio=AudioSettings(),  # a "real" microphone and speaker, on the fake card
        audio_backend=card,
        source_factory=None,
        sink_factory=None,
    )
    b = await PhoneProbe(b_config, PcmCollector(48000)).start()
    try:
        await a.wait_for(ev.Registered)
        await b.wait_for(ev.Registered)
        await connect(a, b)
        assert await a.hears(TONE_B), "A does not hear B's microphone"
        mark = b.mark()
        card.plugged = False
        mic = await b.wait_for(
            ev.AudioDeviceStalled, lambda e: e.device == "microphone", after=mark
        )
        assert mic.stalled and "customer hears silence" in mic.message
        await b.wait_for(ev.AudioDeviceStalled, lambda e: e.device == "speaker", after=mark)
        before = await a.phone.call_quality()
        assert await a.silent(), "A still hears B with B's card gone"
        during = await a.phone.call_quality()
        assert during.packets_received - before.packets_received >= 25, "RTP stopped"
        assert a.phone.active_call is not None and b.phone.active_call is not None
        mark = b.mark()
        card.plugged = True
        back = await b.wait_for(ev.AudioDeviceStalled, lambda e: not e.stalled, after=mark)
        assert back.message.endswith("works again")
        assert await a.hears(TONE_B), "B's microphone did not come back"
    finally:
        await a.aclose()
        await b.aclose()
