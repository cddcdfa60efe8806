"""The simulator's real telephony with the agent's real phone, over real sockets.

What an agent (or a trainer running ``softphone sim``) would check: the
phone registers to the simulator with its SIP password and is refused with
a wrong one; a call made in the Mediatel client rings the phone, the agent
hears the customer (the bundled voice, recognised by its waveform) and the
recording holds what the agent said (the phone's 440 Hz "voice"); closing
the call hangs the phone up; an unanswered or unregistered extension means
Force Pause; the agent hanging up, and hold/retrieve, reach both sides.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import replace

import aiohttp
import numpy as np
import pytest
import websockets

from softphone.core import phone_events as ev
from softphone.core.phone_events import By
from softphone.media import tones
from softphone.media.tracks import read_wav
from softphone.net.mediatel import State
from softphone.net.vouch import mint_token
from softphone.sim.sip_telephony import customer_voice
from tests.core.phone_probe import RATE, PhoneProbe
from tests.peers.loopback_ice import loopback_ice as _loopback_ice
from tests.peers.mediatel import FAST, WAIT
from tests.peers.mediatel_sip import SipSimFactory, SipSimHarness, sip_sim

__all__ = ["sip_sim"]

AGENT_TONE = 440.0
CUSTOMER = "0661234567"


@pytest.fixture(autouse=True)
def loopback_ice() -> Iterator[None]:
    with _loopback_ice():
        yield


# ------------------------------------------------------------------ audio checks


def voice_match(heard_48k: np.ndarray, reference_8k: np.ndarray) -> float:
    """Best normalised correlation of what was heard with any stretch of the (looped) sample.

    G.711 keeps the waveform, so the customer's voice as heard correlates
    highly with the file at some lag; a tone, noise or another voice does not.
    """
    ref = reference_8k.astype(np.float64)
    loop = np.concatenate([ref, ref])
    best = 0.0
    for phase in range(6):  # 48 kHz -> 8 kHz: the decoded audio is band-limited already
        x = heard_48k[phase::6].astype(np.float64)
        x = x - x.mean()
        n = x.size
        if n == 0 or not np.any(x):
            continue
        size = 1 << int(np.ceil(np.log2(loop.size + n)))
        corr = np.fft.irfft(np.fft.rfft(loop, size) * np.conj(np.fft.rfft(x, size)), size)
        lag = int(np.argmax(corr[: ref.size]))
        segment = loop[lag : lag + n]
        segment = segment - segment.mean()
        denominator = np.linalg.norm(segment) * np.linalg.norm(x)
        if denominator:
            best = max(best, float(np.dot(segment, x) / denominator))
    return best


async def until(check: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    """Return once ``check()`` holds; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        await asyncio.sleep(0.02)  # poll: the state checked has no event of its own


async def heard(probe: PhoneProbe, seconds: float) -> np.ndarray:
    """What the agent's phone plays over ``seconds`` from the first audible audio on.

    Waits (up to WAIT) for the far end's audio to arrive, so codec and network
    delay are not part of the window; the window itself is the measurement.
    """
    chunks = probe.collector.chunks
    checked = len(chunks)  # audio already in flight before now does not count
    audible: list[float] = []

    def arrived() -> bool:
        nonlocal checked
        for chunk in chunks[checked:]:
            if not tones.is_silent(chunk.pcm, -45.0):
                audible.append(chunk.arrival)
                return True
        checked = len(chunks)
        return False

    await until(arrived, "the agent hears nothing")
    await asyncio.sleep(seconds)  # the listening window (what is measured, not a wait)
    return probe.collector.since(audible[0])


def speech_band_share(pcm: np.ndarray, rate: int) -> float:
    """Share of the energy between 300 and 3400 Hz (the telephone band)."""
    x = pcm.astype(np.float64)
    spectrum = np.abs(np.fft.rfft(x - x.mean())) ** 2
    freqs = np.fft.rfftfreq(x.size, 1 / rate)
    total = float(spectrum.sum())
    return float(spectrum[(freqs >= 300) & (freqs <= 3400)].sum() / total) if total else 0.0


# ------------------------------------------------------------------ helpers


async def call_answered(h: SipSimHarness, phone: PhoneProbe) -> str:
    """Log in demo/demo/1001, make a call, wait until it is active; returns callTraceID."""
    client = h.clients[-1]
    await client.make_call(CUSTOMER)
    await client.wait_for(lambda s: s.state is State.CALL_DELIVERED, WAIT)
    active = await client.wait_for(lambda s: s.state is State.CALL_ACTIVE, WAIT)
    assert active.call_trace_id
    await phone.wait_for(ev.MediaStarted, timeout=WAIT)
    return active.call_trace_id


# ------------------------------------------------------------------ registration


async def test_phone_registers_with_digest_and_wrong_password_is_refused(
    sip_sim: SipSimFactory,
) -> None:
    h = await sip_sim()
    phone = await h.phone("1001", "1001")
    registered = await phone.wait_for(ev.Registered)
    assert registered.expires == 300
    [binding] = h.telephony.registrar.lookup("1001", asyncio.get_running_loop().time())
    assert "transport=ws" in str(binding.contact.uri)

    intruder = await h.phone("1001", "not-the-password", registered=False)
    failed = await intruder.wait_for(ev.RegistrationFailed, lambda e: e.code is not None)
    assert failed.code == 403 and "password" in failed.reason
    assert not intruder.phone.registered
    # the real phone's binding is untouched
    assert len(h.telephony.registrar.lookup("1001", asyncio.get_running_loop().time())) == 1

    await phone.aclose()  # un-REGISTER on the way out
    assert h.telephony.registrar.lookup("1001", asyncio.get_running_loop().time()) == []


async def test_binding_dies_with_the_websocket(sip_sim: SipSimFactory) -> None:
    h = await sip_sim()
    phone = await h.phone()
    sip_client = phone.phone._sip
    assert sip_client is not None
    # Close the socket without un-REGISTER (a crashed phone, a lost network).
    await sip_client.aclose()
    loop = asyncio.get_running_loop()
    await until(lambda: not h.telephony.registrar.lookup("1001", loop.time()), "binding kept")


async def test_websocket_endpoint_rules(sip_sim: SipSimFactory) -> None:
    """RFC 7118 subprotocol, CRLF keepalive, OPTIONS, and garbage that must not hurt."""
    h = await sip_sim()
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(h.ws_url):
            pass
    assert refused.value.response.status_code == 400

    async with websockets.connect(h.ws_url, subprotocols=[websockets.Subprotocol("sip")]) as ws:
        assert ws.subprotocol == "sip"
        await ws.send("\r\n\r\n")
        assert await asyncio.wait_for(ws.recv(), WAIT) == "\r\n"
        await ws.send(
            "OPTIONS sip:127.0.0.1 SIP/2.0\r\n"
            "Via: SIP/2.0/WS abc.invalid;branch=z9hG4bKopt1\r\n"
            "From: <sip:probe@127.0.0.1>;tag=a1\r\nTo: <sip:127.0.0.1>\r\n"
            "Call-ID: opt1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
        )
        answer = await asyncio.wait_for(ws.recv(), WAIT)
        assert str(answer).startswith("SIP/2.0 200") and "Allow:" in str(answer)
        # A broken request that still names its transaction gets a 400 naming the defect.
        await ws.send(
            "REGISTER sip:127.0.0.1 SIP/2.0\r\n"
            "Via: SIP/2.0/WS abc.invalid;branch=z9hG4bKbad1\r\n"
            "From: <sip:1001@127.0.0.1>;tag=a1\r\nTo: <sip:1001@127.0.0.1\r\n"
            "Call-ID: bad1\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n"
        )
        answer = await asyncio.wait_for(ws.recv(), WAIT)
        assert str(answer).startswith("SIP/2.0 400")
        for junk in (b"\x00\xff\xfe garbage", "SIP/2.0 200 OK\r\n\r\n", "INVITE\r\n\r\n"):
            await ws.send(junk)
        # still serving on the same socket
        await ws.send("\r\n\r\n")
        assert await asyncio.wait_for(ws.recv(), WAIT) == "\r\n"
    # and the simulator still takes registrations
    await h.phone()


# ------------------------------------------------------------------ the call flow


async def test_full_call_audio_both_ways_and_recording(sip_sim: SipSimFactory) -> None:
    h = await sip_sim()
    phone = await h.phone(tone_hz=AGENT_TONE)
    client = await h.logged_in("demo", "demo", "1001")
    trace_id = await call_answered(h, phone)

    incoming = await phone.wait_for(ev.IncomingCall)
    assert incoming.display_name == CUSTOMER and CUSTOMER in incoming.caller
    assert (await phone.wait_for(ev.MediaStarted)).codec == "PCMA/8000"

    voice, _ = read_wav(customer_voice())
    pcm = await heard(phone, 2.0)
    assert len(pcm) > RATE, "the agent hears nothing"
    assert not tones.is_silent(pcm, -45.0), "the agent hears silence"
    assert speech_band_share(pcm, RATE) > 0.8
    assert voice_match(pcm, voice) > 0.7, "what the agent hears is not the customer's voice"

    await client.close_call()
    ended = await phone.wait_for(ev.CallEnded, timeout=WAIT)
    assert ended.by is By.REMOTE and ended.cause == "hangup"
    clerical = await client.wait_for(lambda s: s.state is State.CLERICAL, WAIT)
    assert clerical.call_trace_id == trace_id
    await client.set_result(clerical.call_codes[0].id)
    await client.wait_for(lambda s: s.state is State.IDLE, WAIT)

    recorded, rate = read_wav(h.telephony.records.path_for(trace_id))
    assert rate == 8000 and len(recorded) > 2 * rate
    last_second = recorded[-rate:]
    assert tones.contains_tone(last_second, AGENT_TONE, rate), "the agent is not recorded"
    url = f"{h.sim.url}/records/mediatel-record"
    async with aiohttp.ClientSession() as http:
        params = {"calltraceID": trace_id, "download": "1"}
        async with http.get(url, params=params) as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == "audio/wav"
            assert "attachment" in response.headers["Content-Disposition"]
            assert (await response.read())[:4] == b"RIFF"
        async with http.get(url, params={"calltraceID": "../../etc/passwd"}) as response:
            assert response.status == 400
        async with http.get(url, params={"calltraceID": "42"}) as response:
            assert response.status == 404


async def test_unregistered_extension_means_force_pause(sip_sim: SipSimFactory) -> None:
    h = await sip_sim()
    client = await h.logged_in()
    await client.make_call(CUSTOMER)
    paused = await client.wait_for(lambda s: s.state is State.PAUSE, WAIT)
    assert paused.call_error_id == -223 and paused.call_error_text == "No Answer from agent"


async def test_phone_that_does_not_answer_means_force_pause(sip_sim: SipSimFactory) -> None:
    h = await sip_sim(timings=replace(FAST, answer_timeout=1.5))
    phone = await h.phone(auto_answer_ms=None)
    client = await h.logged_in()
    await client.make_call(CUSTOMER)
    await phone.wait_for(ev.IncomingCall, timeout=WAIT)
    paused = await client.wait_for(lambda s: s.state is State.PAUSE, WAIT)
    assert paused.call_error_id == -223
    ended = await phone.wait_for(ev.CallEnded, timeout=WAIT)
    assert ended.cause == "cancelled" and ended.by is By.REMOTE
    assert not list(h.telephony.records.directory.glob("*.wav")), "a call never answered is kept"


async def test_phone_that_declines_means_force_pause(sip_sim: SipSimFactory) -> None:
    h = await sip_sim()
    phone = await h.phone(auto_answer_ms=None)
    client = await h.logged_in()
    await client.make_call(CUSTOMER)
    await phone.wait_for(ev.IncomingCall, timeout=WAIT)
    await phone.phone.reject(486)
    paused = await client.wait_for(lambda s: s.state is State.PAUSE, WAIT)
    assert paused.call_error_id == -223


async def test_agent_hangs_up_on_the_phone(sip_sim: SipSimFactory) -> None:
    h = await sip_sim()
    phone = await h.phone()
    client = await h.logged_in()
    trace_id = await call_answered(h, phone)
    await phone.phone.hangup()
    clerical = await client.wait_for(lambda s: s.state is State.CLERICAL, WAIT)
    assert clerical.call_trace_id == trace_id
    assert (await phone.wait_for(ev.CallEnded)).by is By.LOCAL


async def test_phone_losing_its_connection_ends_the_call(sip_sim: SipSimFactory) -> None:
    h = await sip_sim()
    phone = await h.phone()
    client = await h.logged_in()
    await call_answered(h, phone)
    sip_client = phone.phone._sip
    assert sip_client is not None
    await sip_client.aclose()  # the network goes; no BYE is sent
    await client.wait_for(lambda s: s.state is State.CLERICAL, WAIT)


async def test_sip_websocket_checks_the_vouch_cookie(sip_sim: SipSimFactory) -> None:
    """The protocol doc: the gateway cookie guards the WebRTC endpoint too."""
    h = await sip_sim(vouch_secret="a-gateway-secret-of-at-least-32-bytes")
    sip = [websockets.Subprotocol("sip")]
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(h.ws_url, subprotocols=sip):
            pass
    assert refused.value.response.status_code == 403
    token = mint_token("a-gateway-secret-of-at-least-32-bytes", username="demo", user_id="329")
    cookie = {"Cookie": f"VouchCookie={token}"}
    async with websockets.connect(h.ws_url, subprotocols=sip, additional_headers=cookie) as ws:
        await ws.send("\r\n\r\n")
        assert await asyncio.wait_for(ws.recv(), WAIT) == "\r\n"


async def test_hold_and_retrieve_from_mediatel_reach_the_phone(sip_sim: SipSimFactory) -> None:
    h = await sip_sim()
    phone = await h.phone()
    client = await h.logged_in()
    await call_answered(h, phone)
    await client.hold()
    await client.wait_for(lambda s: s.state is State.HOLD, WAIT)
    assert (await phone.wait_for(ev.Held, timeout=WAIT)).by is By.REMOTE
    assert await phone.silent(), "the agent still hears the customer while on hold"
    await client.retrieve()
    await client.wait_for(lambda s: s.state is State.CALL_ACTIVE, WAIT)
    assert (await phone.wait_for(ev.Unheld, timeout=WAIT)).by is By.REMOTE
    pcm = await heard(phone, 1.0)
    assert not tones.is_silent(pcm, -45.0), "the customer's voice did not come back"
