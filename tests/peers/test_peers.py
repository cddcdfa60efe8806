"""The real-peer fixtures do what other tests rely on them for.

Two JsSIP phones in headless Chromium talk through our Kamailio config: digest
registration, a call whose audio is checked by content (440 Hz one way,
1 kHz the other), DTMF in SIP INFO and RFC 4733, hold in both directions,
CANCEL in both directions, BYE, and re-registration after Kamailio restarts.
The PulseAudio null sink plays a tone back through its monitor.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import ModuleType

import numpy as np
import pytest

from softphone.media import tones
from tests.peers.fixtures import JsSipFactory
from tests.peers.jssip import AudioMeasurement, JsSipPeer, RegistrationFailed
from tests.peers.kamailio import Kamailio
from tests.peers.pulseaudio import PulseAudio

pytestmark = pytest.mark.peers

A_TONE = 440.0
B_TONE = 1000.0


def remote(event: dict[str, object]) -> bool:
    return event.get("originator") == "remote"


def local(event: dict[str, object]) -> bool:
    return event.get("originator") == "local"


async def two_phones(kamailio: Kamailio, jssip: JsSipFactory) -> tuple[JsSipPeer, JsSipPeer]:
    """1001 playing 440 Hz and 1002 playing 1 kHz, both registered."""
    return await asyncio.gather(
        jssip.registered(kamailio, "1001", name="a", tone_hz=A_TONE),
        jssip.registered(kamailio, "1002", name="b", tone_hz=B_TONE),
    )


async def connect(caller: JsSipPeer, callee: JsSipPeer) -> None:
    """Caller dials callee, callee answers by hand, both see the call confirmed."""
    assert callee.user is not None
    await caller.call(callee.user)
    incoming = await callee.wait_for("incoming")
    assert incoming["caller"] == caller.user
    await callee.answer()
    await caller.wait_for("confirmed")
    await callee.wait_for("confirmed")


async def listen_until_heard(peer: JsSipPeer, hz: float, timeout: float = 10.0) -> AudioMeasurement:
    """Listen in 500 ms windows until one carries ``hz`` or ``timeout`` passes; the last one."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    heard = await peer.measure_audio(500, freqs=[hz])
    while not heard.hears(hz) and loop.time() < deadline:
        heard = await peer.measure_audio(500, freqs=[hz])
    return heard


async def test_registration_needs_the_right_password(
    kamailio: Kamailio, jssip_factory: JsSipFactory
) -> None:
    phone = await jssip_factory("phone", tone_hz=None)

    with pytest.raises(RegistrationFailed) as failure:
        await phone.register(kamailio.ws_url, "1003", "not-the-password", kamailio.realm)
    assert failure.value.event["status_code"] == 401
    assert kamailio.bindings("1003") == []

    registered = await phone.register(kamailio.ws_url, "1003", kamailio.password("1003"))
    assert registered is not None and registered["status_code"] == 200
    [contact] = kamailio.bindings("1003")
    assert "transport=ws" in contact

    await phone.unregister()
    assert kamailio.bindings("1003") == []


async def test_call_carries_each_sides_tone_and_bye_ends_both(
    kamailio: Kamailio, jssip_factory: JsSipFactory
) -> None:
    a, b = await two_phones(kamailio, jssip_factory)
    await connect(a, b)

    heard_by_a, heard_by_b = await asyncio.gather(
        a.measure_audio(800, freqs=[A_TONE, B_TONE]),
        b.measure_audio(800, freqs=[A_TONE, B_TONE]),
    )
    assert heard_by_a.hears(B_TONE), heard_by_a
    assert heard_by_b.hears(A_TONE), heard_by_b
    assert heard_by_a.level(B_TONE) > heard_by_a.level(A_TONE) + 30
    assert heard_by_a.codec is not None and heard_by_a.codec.name == "opus"

    await b.hangup()
    ended_a = await a.wait_for(("ended", "failed"))
    ended_b = await b.wait_for(("ended", "failed"))
    assert (ended_a["event"], ended_a["originator"]) == ("ended", "remote")
    assert (ended_b["event"], ended_b["originator"]) == ("ended", "local")


async def test_dtmf_arrives_as_info_and_as_rfc4733_both_ways(
    kamailio: Kamailio, jssip_factory: JsSipFactory
) -> None:
    # B stays silent: digits are heard on top of the far end's audio, and a
    # 1 kHz tone's coding noise would mask the 941 Hz row (see README).
    a, b = await asyncio.gather(
        jssip_factory.registered(kamailio, "1001", name="a", tone_hz=A_TONE),
        jssip_factory.registered(kamailio, "1002", name="b", tone_hz=None),
    )
    await connect(a, b)

    await a.send_dtmf("19#", "INFO")
    got = [(await b.wait_for("newDTMF", predicate=remote))["digit"] for _ in range(3)]
    assert "".join(got) == "19#"

    await b.send_dtmf("*0", "INFO")
    got = [(await a.wait_for("newDTMF", predicate=remote))["digit"] for _ in range(2)]
    assert "".join(got) == "*0"

    # RFC 4733 events never reach JavaScript; Chromium plays them out as
    # tones, and the page's detector hears them.
    await a.send_dtmf("4725", "RFC2833")
    got = [(await b.wait_for("dtmf_tone"))["digit"] for _ in range(4)]
    assert "".join(got) == "4725"
    received_as_info = [e["digit"] for e in b.events_named("newDTMF") if remote(e)]
    assert received_as_info == ["1", "9", "#"], "RFC 4733 digits must not come as INFO"

    await b.send_dtmf("80", "RFC2833")
    got = [(await a.wait_for("dtmf_tone"))["digit"] for _ in range(2)]
    assert "".join(got) == "80"


async def test_hold_and_unhold_from_either_side(
    kamailio: Kamailio, jssip_factory: JsSipFactory
) -> None:
    a, b = await two_phones(kamailio, jssip_factory)
    await connect(a, b)

    assert await a.hold()
    await a.wait_for("hold", predicate=local)
    await b.wait_for("hold", predicate=remote)
    held = await a.measure_audio(500, freqs=[B_TONE])
    assert not held.hears(B_TONE), f"A put B on hold but still hears B: {held}"
    assert await a.unhold()
    await a.wait_for("unhold", predicate=local)
    await b.wait_for("unhold", predicate=remote)

    assert await b.hold()
    assert not await b.hold()  # already on hold
    await b.wait_for("hold", predicate=local)
    await a.wait_for("hold", predicate=remote)
    assert await b.unhold()
    await b.wait_for("unhold", predicate=local)
    await a.wait_for("unhold", predicate=remote)

    # The far side's sender resumes a moment after the re-INVITE: listen until it has.
    resumed = await listen_until_heard(a, B_TONE)
    assert resumed.hears(B_TONE), resumed

    await a.hangup()
    assert (await b.wait_for(("ended", "failed")))["originator"] == "remote"


async def test_cancel_before_answer_from_either_side(
    kamailio: Kamailio, jssip_factory: JsSipFactory
) -> None:
    a, b = await two_phones(kamailio, jssip_factory)

    for caller, callee in ((a, b), (b, a)):
        assert callee.user is not None
        await caller.call(callee.user)
        await callee.wait_for("incoming")
        await caller.wait_for("progress", predicate=lambda e: e.get("status_code") == 180)
        await caller.hangup()  # CANCEL
        gone = await callee.wait_for(("ended", "failed"))
        assert (gone["event"], gone["cause"], gone["originator"]) == (
            "failed",
            "Canceled",
            "remote",
        )
        await caller.wait_for("failed", predicate=local)


async def test_phone_registers_again_after_kamailio_restarts(
    kamailio_factory: Callable[..., Kamailio], jssip_factory: JsSipFactory
) -> None:
    server = kamailio_factory()
    ws_url = server.ws_url
    a = await jssip_factory.registered(server, "1001", name="a", tone_hz=A_TONE)
    b = await jssip_factory.registered(server, "1002", name="b", tone_hz=B_TONE, auto_answer=True)

    await server.arestart()
    assert server.ws_url == ws_url

    for phone in (a, b):
        await phone.wait_for("disconnected")
        await phone.wait_for("registered", timeout=15)
    # The new Kamailio knows where 1002 is only if it registered again.
    await a.call("1002")
    await a.wait_for("confirmed")


def test_pulseaudio_null_sink_plays_back_through_its_monitor(
    pulseaudio: PulseAudio, pulse_sounddevice: ModuleType
) -> None:
    sd = pulse_sounddevice
    names = [device["name"] for device in sd.query_devices()]
    assert "pulse" in names, names

    rate = 48_000
    tone = tones.sine(B_TONE, 1.5, rate, amplitude=0.3).astype(np.float32) / 32768
    recorded = sd.playrec(tone, rate, channels=1, device="pulse", blocking=True)
    tail = recorded[rate // 2 :, 0]  # the start is stream latency
    assert tones.rms_dbfs(tail) > -40
    assert abs(tones.dominant_frequency(tail, rate) - B_TONE) < 5
