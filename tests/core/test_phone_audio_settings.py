"""The agent's sound choices made while the phone runs (``Phone.set_audio``).

In memory (two phones on ``memory_sip``'s wire, the null sound device): a
running call keeps the microphone chain it started with, the next call uses
the new device and the new processing switches; the ringtone's volume
changes while it rings.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from softphone.core import phone_events as ev
from softphone.core.audio_preferences import AudioPreferences
from softphone.core.phone_call import PhoneCall
from softphone.media.config import MicProcessingConfig
from softphone.media.devices import NullBackend
from softphone.media.ring import RINGTONE
from tests.core.memory_sip import DOMAIN, URL, Wire
from tests.core.phone_probe import PhoneProbe, connect, start_probe
from tests.media.played import Played
from tests.sip.pair import Registrar


@pytest.fixture
async def wire() -> Wire:
    return Wire(now=asyncio.get_running_loop().time())


async def probe(wire: Wire, user: str, **kw: object) -> PhoneProbe:
    return await start_probe(
        URL,
        user,
        user,
        tone_hz=440.0 if user == "1001" else 1000.0,
        domain=DOMAIN,
        transport=wire.factory(Registrar(password=user, realm=DOMAIN)),
        **kw,
    )


@pytest.fixture
async def phones(wire: Wire) -> AsyncIterator[tuple[PhoneProbe, PhoneProbe]]:
    """A (1001) talks through its "microphone" (the null card), B (1002) auto-answers."""
    a = await probe(wire, "1001", source_factory=None)
    b = await probe(wire, "1002", auto_answer_ms=0)
    try:
        await a.wait_for(ev.Registered)
        await b.wait_for(ev.Registered)
        yield a, b
    finally:
        await a.aclose()
        await b.aclose()


def mic_chain(probe: PhoneProbe, handle: str) -> tuple[PhoneCall, MicProcessingConfig]:
    """The call and the processing of the microphone its media session really sends."""
    call = probe.phone._call(handle, "inspect")
    assert call.mic is not None and call.media._source is call.mic
    assert call.mic.processing is not None
    return call, call.mic.processing.config


async def test_a_running_call_keeps_its_chain_and_the_next_call_takes_the_new_one(
    phones: tuple[PhoneProbe, PhoneProbe],
) -> None:
    a, b = phones
    handle = await connect(a, b)
    first, config = mic_chain(a, handle)
    assert config == MicProcessingConfig()  # noise suppression and gain on, AEC off
    assert a.phone.config.auto_answer_beep
    a.phone.set_audio(
        AudioPreferences(
            microphone="Jabra",
            noise_suppression=False,
            echo_cancellation=True,
            auto_answer_beep=False,
        )
    )
    assert mic_chain(a, handle)[1] == MicProcessingConfig()
    assert not a.phone.config.auto_answer_beep
    mark_a, mark_b = a.mark(), b.mark()
    await a.phone.hangup(handle)
    await a.wait_for(ev.CallEnded, after=mark_a)
    await b.wait_for(ev.CallEnded, after=mark_b)

    mark_a, mark_b = a.mark(), b.mark()
    handle = await a.phone.call("1002")
    await a.wait_for(ev.MediaStarted, after=mark_a)
    await b.wait_for(ev.MediaStarted, after=mark_b)
    second, config = mic_chain(a, handle)
    assert second is not first and second.mic is not None and second.mic._device == "Jabra"
    assert config == replace(MicProcessingConfig(), noise_suppression=False, echo_cancellation=True)
    a.phone.set_audio(AudioPreferences(microphone=""))  # "System default": the profile's
    assert a.phone.config.audio.microphone is None
    assert not a.phone.config.media.mic.noise_suppression  # untouched choices stay


async def test_the_ringtone_volume_and_switch_apply_while_the_phone_runs(wire: Wire) -> None:
    played = Played()
    a = await probe(wire, "1001")
    b = await probe(
        wire, "1002", ring_incoming=True, audio_backend=NullBackend(tap=played), ring_volume=0.8
    )
    try:
        await a.wait_for(ev.Registered)
        await b.wait_for(ev.Registered)
        await a.phone.call("1002")
        await b.wait_for(ev.IncomingCall)
        await played.until(lambda: played.samples >= 48000 * 3 // 10)
        assert b.phone._ring.sound is RINGTONE
        loud = int(abs(played.since(0).astype(int)).max())
        b.phone.set_audio(AudioPreferences(ring_volume=0.2, ring_enabled=False))
        mark = played.mark()
        await played.until(lambda: played.samples_since(mark) >= 2400)
        quiet = int(abs(played.since(mark + 2).astype(int)).max())
        assert abs(quiet / loud - 0.25) < 0.03, (loud, quiet)
        assert not b.phone.config.ring_incoming  # the next call will not ring
    finally:
        await a.aclose()
        await b.aclose()
