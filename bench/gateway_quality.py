"""Speech quality behind a WebRTC-to-RTP media gateway: the phone and Chromium, same stream.

Production puts the agent behind a WebRTC gateway in front of a PBX that
speaks plain RTP with G.711. This benchmark builds that on loopback
(``tests/peers/rtpengine.py``: rtpengine in user space driven by Kamailio)
and impairs the *plain-RTP leg*, where a PBX's packets would cross the
network:

    plain-RTP sender --PCMA--> impairment relay --> rtpengine --SRTP--> receiver
    (tests/peers/rtp_peer.py)  (tests/peers/impairment.py)              (WebRTC)

The sender (SIP over UDP) calls the receiver and, once its media is up,
sends espeak-ng speech (English on even calls, Russian on odd ones,
−26 dBFS, resampled to 8 kHz) as PCMA on a paced 20 ms clock; its SDP points
rtpengine at the relay, and its RTP goes to the relay, which loses and
delays it with a pattern seeded per call — the same for both receivers.
Sender and relay run on a real-time thread (``tests/peers/paced_loop.py``)
so machine load does not add jitter of its own; stderr shows the pacing.
Receivers:

* ``phone (played)`` — our ``Phone`` (SIP over WebSocket, auto-answer),
  playing through its real ``SpeakerSink`` into a paced null sound card;
  what the card took is scored (holes, concealment and delay as the agent's
  speaker would play them), as ``call_quality.py``'s "played" variant.
* ``phone (decoded)`` — the same call's decoded frames concatenated (no
  playout clock): what reached the phone, as a perfect buffer would play it.
* ``Chromium`` — an RTCPeerConnection in headless Chromium
  (``tests/peers/chromium_rtc.py``), registered through our sans-IO user
  agent over WebSocket (the signalling JsSIP would do; the audio is
  Chromium's NetEq), recording what its WebAudio graph plays.

PESQ P.862.1 narrowband after alignment; one-way delay from the sender's
capture clock to the card / Chromium's recording clock (±21 ms there: one
ScriptProcessor buffer). Scoring helpers are ``call_quality.py``'s.

    python3 bench/gateway_quality.py [--calls 3] [--cases "clean,loss 3"] [--no-chromium]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.call_quality import (
    EPOCH_OFFSET,
    RATE,
    TAIL_S,
    Case,
    Result,
    Timeline,
    _attempt,
    _Decoded,
    _keep,
    _measure,
    _row,
    _trim,
    cases,
)
from softphone.core import phone_events as ev
from softphone.media.audio_io import SpeakerSink
from softphone.media.devices import NullBackend
from softphone.media.tracks import fan_out
from softphone.sip import events as sip
from tests import speech
from tests.core.phone_probe import PhoneProbe, start_probe
from tests.peers.chromium_rtc import ChromiumReceiver
from tests.peers.impairment import ImpairmentRelay
from tests.peers.kamailio import Kamailio
from tests.peers.loopback_ice import loopback_ice
from tests.peers.paced_loop import PacedLoop
from tests.peers.rtp_peer import RATE as RTP_RATE
from tests.peers.rtp_peer import PlainRtpPeer, from_pcm
from tests.peers.rtpengine import MediaGateway
from tests.peers.sip_peer import SipPeer

WARMUP_S = 1.5  # after the receiver's media is up, before the speech: ICE/DTLS settle
SENDER, PHONE, BROWSER = "1002", "1001", "1003"


async def _relay(case: Case, seed: int, paced: PacedLoop) -> ImpairmentRelay:
    """A relay for one call, on the sender's real-time loop (its delays stay on time)."""
    relay = ImpairmentRelay(replace(case.impairment, seed=seed))
    await paced.run(relay.start())
    return relay


def _via_relay(peer: PlainRtpPeer, relay: ImpairmentRelay) -> None:
    """Point rtpengine at the relay (our SDP's m= port) and send our RTP there."""
    peer.advertise = lambda sdp: re.sub(
        r"^m=audio \d+ ", f"m=audio {relay.port} ", sdp, count=1, flags=re.M
    )
    peer.via = (relay.host, relay.port)
    relay.a = (relay.host, peer.rtp_port)


async def _send_speech(
    peer: PlainRtpPeer, target: str, reference: np.ndarray, relay: ImpairmentRelay, ready: Any
) -> list[float]:
    """Call ``target``, wait until ``ready()`` says its media is up, send the speech;
    return the time each 20 ms frame left the sender."""
    await peer.dial(f"sip:{target}@127.0.0.1")
    assert peer.remote is not None
    relay.b = peer.remote.address  # rtpengine's plain-RTP side
    await ready()
    await asyncio.sleep(WARMUP_S)
    first = len(peer.sent)
    peer.play(from_pcm(speech.resample(reference, RATE, RTP_RATE)))
    while peer.source is not None:
        await asyncio.sleep(0.05)
    await asyncio.sleep(TAIL_S)
    sent = peer.sent[first:]
    late = np.diff(sent) * 1000 - 20
    lost = f"relay lost {relay.dropped} of {relay.rtp_in} RTP packets; " if relay.rtp_in else ""
    print(
        f"  {target}: {lost}sender pacing: p99 {np.percentile(late, 99):+.1f} ms, "
        f"worst {late.max():+.1f} ms off 20 ms",
        file=sys.stderr, flush=True,
    )  # fmt: skip
    return sent


async def phone_call(
    case: Case,
    reference: np.ndarray,
    seed: int,
    kamailio: Kamailio,
    peer: PlainRtpPeer,
    paced: PacedLoop,
) -> tuple[Result, Result]:
    played, decoded = Timeline(), Timeline()
    speaker = SpeakerSink(NullBackend(tap=lambda block: played.add(time.monotonic(), block)))
    sink = fan_out(_Decoded(decoded), speaker)
    await speaker.start()
    phone: PhoneProbe = await start_probe(
        kamailio.ws_url, PHONE, kamailio.password(PHONE), tone_hz=440.0,
        auto_answer_ms=0, sink_factory=lambda: sink,
    )  # fmt: skip
    relay = await _relay(case, seed, paced)
    _via_relay(peer, relay)
    try:
        await phone.wait_for(ev.Registered)

        async def ready() -> None:
            await phone.wait_for(ev.MediaStarted, timeout=15)

        sent = await _send_speech(peer, PHONE, reference, relay, ready)
        peer.hangup()
        await phone.wait_for(ev.CallEnded)
    finally:
        if peer.call is not None:
            peer.hangup()
        await phone.aclose()
        await speaker.stop()
        paced.call(relay.close)
    return (
        _measure(reference, _trim(played), sent, wideband=False),
        _measure(reference, decoded, sent, wideband=False),
    )


class ChromiumExtension:
    """Chromium's RTCPeerConnection as a registered WebRTC extension: our sans-IO
    agent signals (over WebSocket), Chromium answers every incoming offer."""

    def __init__(self, kamailio: Kamailio) -> None:
        self.kamailio = kamailio
        self.chromium = ChromiumReceiver()
        self.sip: SipPeer | None = None

    async def start(self) -> None:
        await self.chromium.start()
        k = self.kamailio
        self.sip = await SipPeer(k.ws_url, BROWSER, k.password(BROWSER), k.domain).start()

    async def stop(self) -> None:
        if self.sip is not None:
            await self.sip.aclose()
        await self.chromium.stop()


async def chromium_call(
    case: Case,
    reference: np.ndarray,
    seed: int,
    peer: PlainRtpPeer,
    browser: ChromiumExtension,
    paced: PacedLoop,
) -> Result:
    relay = await _relay(case, seed, paced)
    _via_relay(peer, relay)
    assert browser.sip is not None
    mark = browser.sip.mark()
    answered = asyncio.ensure_future(_answer_after(browser, mark))
    try:

        async def ready() -> None:
            await answered

        sent = await _send_speech(peer, BROWSER, reference, relay, ready)
        blocks = await browser.chromium.collect()
        peer.hangup()
    finally:
        answered.cancel()
        if peer.call is not None:
            peer.hangup()
        await browser.chromium.close_call()
        paced.call(relay.close)
    heard = Timeline([(t - EPOCH_OFFSET, pcm) for t, pcm in blocks])  # epoch -> monotonic
    return _measure(reference, _trim(heard), sent, wideband=False)


async def _answer_after(browser: ChromiumExtension, mark: int) -> None:
    assert browser.sip is not None
    incoming = await browser.sip.wait_for(sip.IncomingCall, after=mark, timeout=15)
    assert incoming.sdp is not None
    answer = await browser.chromium.answer(incoming.sdp)
    browser.sip.act(lambda ua, now: ua.answer(incoming.call, answer, now))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=3, help="calls per case and variant")
    parser.add_argument("--cases", default="", help="comma-separated substrings of case names")
    parser.add_argument("--no-chromium", action="store_true", help="skip Chromium")
    args = parser.parse_args()
    chosen = [c for c in cases(("PCMA/8000",)) if "delay step" not in c.name]
    if args.cases:
        keys = [k.strip() for k in args.cases.split(",")]
        chosen = [c for c in chosen if any(k in c.name for k in keys)]
    print(
        f"{args.calls} calls per case and variant (en, ru alternating); plain-RTP PCMA sender "
        "-> impairment relay -> rtpengine -> WebRTC receiver; PESQ NB median (min–max)\n"
    )
    print("| case | variant | PESQ | one-way ms | level dB | clipped |")
    print("|---|---|---|---|---|---|")
    with MediaGateway() as gateway:
        assert gateway.kamailio is not None
        kamailio = gateway.kamailio
        paced = PacedLoop().start()
        print(f"sender and relay thread: {paced.policy}", file=sys.stderr, flush=True)
        peer = PlainRtpPeer(
            kamailio.udp_address, SENDER, kamailio.password(SENDER), kamailio.domain, paced=paced
        )
        await peer.start()
        browser = None if args.no_chromium else ChromiumExtension(kamailio)
        try:
            if browser is not None:
                await browser.start()
            await _run(chosen, args.calls, kamailio, peer, browser, paced)
        finally:
            await peer.aclose()
            paced.stop()
            if browser is not None:
                await browser.stop()


async def _run(
    chosen: list[Case],
    calls: int,
    kamailio: Kamailio,
    peer: PlainRtpPeer,
    browser: ChromiumExtension | None,
    paced: PacedLoop,
) -> None:
    material = {lang: speech.speech(lang) for lang in ("en", "ru")}
    for case in chosen:
        played: list[Result] = []
        decoded: list[Result] = []
        chromium: list[Result] = []
        for call in range(calls):
            reference = material["en" if call % 2 == 0 else "ru"]
            seed = call + 1
            call_ = phone_call(case, reference, seed, kamailio, peer, paced)
            pair = await _attempt(case, "phone", call_)
            if pair is not None:
                played.append(pair[0])
                decoded.append(pair[1])
            if browser is not None:
                call_ = chromium_call(case, reference, seed, peer, browser, paced)
                _keep(chromium, await _attempt(case, "Chromium", call_))
        name = f"{case.name} (NB)"
        print(_row(name, "phone (played)", played))
        print(_row(name, "phone (decoded)", decoded))
        if browser is not None:
            print(_row(name, "Chromium", chromium))
        sys.stdout.flush()


if __name__ == "__main__":
    sys.setswitchinterval(0.001)  # the paced thread waits at most 1 ms for the GIL
    with loopback_ice():
        asyncio.run(main())
