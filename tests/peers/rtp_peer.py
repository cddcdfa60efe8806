"""A plain-RTP SIP peer on UDP: the PBX side of the media gateway, in Python.

What sits behind a WebRTC gateway in production is a classic PBX: SIP over
UDP and G.711 over plain RTP (``RTP/AVP``, no ICE, no DTLS). This peer is
that, built on the project's sans-IO ``UserAgent`` (``transport="UDP"``,
unreliable-transport timers) with a small UDP driver, and an RTP endpoint
that sends PCMA from any 8 kHz source on a paced clock and keeps every
packet it receives, decoded, with its arrival time. It answers offers
(calls and re-INVITEs) with the complementary direction, so a hold from the
far end stops its sending, as a PBX does.

Chosen over baresip (see /work/shared/design/test-peers.md): baresip stops
recording at the first hold and cannot tell when each packet left, which
the speech benchmark's one-way delay needs.
"""

from __future__ import annotations

import asyncio
import random
import re
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from softphone.sip import events as sip
from softphone.sip.ua import UAConfig, UserAgent
from tests.peers.paced_loop import PacedLoop
from tests.peers.ports import LOOPBACK

E = TypeVar("E")
RATE = 8000
FRAME = 160  # 20 ms of PCMA
PT_PCMA = 8
Address = tuple[str, int]
#: a source gives the next FRAME samples (int16, 8 kHz), or None when it has ended
Source = Callable[[], np.ndarray | None]


# ------------------------------------------------------------------ G.711 A-law
def alaw_encode(pcm: np.ndarray) -> bytes:
    """ITU-T G.711 A-law of 16-bit linear samples (the 13 most significant bits)."""
    x = pcm.astype(np.int32) >> 3
    mask = np.where(x >= 0, 0xD5, 0x55)
    mag = np.where(x >= 0, x, -x - 1)
    segment = np.searchsorted(_SEGMENT_ENDS, mag)
    shift = np.where(segment < 2, 1, segment)
    code = (np.minimum(segment, 7) << 4) | ((mag >> shift) & 0x0F)
    code = np.where(segment >= 8, 0x7F, code)
    return (code ^ mask).astype(np.uint8).tobytes()


_SEGMENT_ENDS = np.array([0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF])


def alaw_decode(data: bytes) -> np.ndarray:
    """16-bit linear samples of A-law bytes (segment midpoints, as G.711 says)."""
    code = np.frombuffer(data, dtype=np.uint8).astype(np.int32) ^ 0x55
    exponent = (code >> 4) & 0x07
    mantissa = code & 0x0F
    mag = np.where(
        exponent == 0, (mantissa << 4) + 8, ((mantissa << 4) + 0x108) << np.maximum(exponent - 1, 0)
    )
    return np.where(code & 0x80, mag, -mag).astype(np.int16)


def tone(hz: float, dbfs: float = -12.0) -> Source:
    """An endless sine at ``hz`` as a frame source."""
    amplitude = 32767 * 10 ** (dbfs / 20)
    n = 0

    def read() -> np.ndarray:
        nonlocal n
        t = (np.arange(n, n + FRAME)) / RATE
        n += FRAME
        return (amplitude * np.sin(2 * np.pi * hz * t)).astype(np.int16)

    return read


def from_pcm(pcm: np.ndarray) -> Source:
    """``pcm`` (int16, 8 kHz) once, then the end."""
    position = 0

    def read() -> np.ndarray | None:
        nonlocal position
        if position >= len(pcm):
            return None
        block = pcm[position : position + FRAME]
        position += FRAME
        return np.pad(block, (0, FRAME - len(block)))

    return read


# ------------------------------------------------------------------------- SDP
@dataclass(frozen=True)
class RemoteMedia:
    address: Address
    direction: str  # sendrecv / sendonly / recvonly / inactive (as the far end says)


_COMPLEMENT = {"sendonly": "recvonly", "recvonly": "sendonly", "inactive": "inactive"}


def parse_sdp(sdp: str) -> RemoteMedia:
    """Where the far end wants our RTP, and its direction (RTP/AVP, one audio stream)."""
    host = re.search(r"^c=IN IP4 (\S+)", sdp, re.M)
    port = re.search(r"^m=audio (\d+) RTP/AVP ", sdp, re.M)
    if host is None or port is None:
        raise ValueError(f"not a plain-RTP audio SDP:\n{sdp}")
    direction = re.search(r"^a=(sendrecv|sendonly|recvonly|inactive)\s*$", sdp, re.M)
    return RemoteMedia((host[1], int(port[1])), direction[1] if direction else "sendrecv")


def make_sdp(host: str, port: int, session: int, version: int, direction: str) -> str:
    return "\r\n".join([
        "v=0",
        f"o=- {session} {version} IN IP4 {host}",
        "s=plain-rtp-peer",
        f"c=IN IP4 {host}",
        "t=0 0",
        f"m=audio {port} RTP/AVP {PT_PCMA}",
        f"a=rtpmap:{PT_PCMA} PCMA/8000",
        "a=ptime:20",
        f"a={direction}",
        "",
    ])  # fmt: skip


# ----------------------------------------------------------------- SIP on UDP
class _UdpDriver(asyncio.DatagramProtocol):
    """Feeds the sans-IO agent datagrams and timers; sends what it wants sent."""

    def __init__(self, server: Address, on_event: Callable[[Any], None]) -> None:
        self.agent: UserAgent = None  # type: ignore[assignment]  # set once the port is known
        self.server = server
        self.on_event = on_event
        self.transport: asyncio.DatagramTransport | None = None
        self._timer: asyncio.TimerHandle | None = None

    def act(self, command: Callable[[UserAgent, float], E]) -> E:
        result = command(self.agent, asyncio.get_running_loop().time())
        self._flush()
        return result

    def datagram_received(self, data: bytes, addr: Address) -> None:
        self.act(lambda ua, now: ua.receive_data(data, now))

    def _flush(self) -> None:
        for data in self.agent.data_to_send():
            if self.transport is not None:
                self.transport.sendto(data, self.server)
        while (event := self.agent.next_event()) is not None:
            self.on_event(event)
        if self._timer is not None:
            self._timer.cancel()
        due = self.agent.get_timer()
        if due is not None:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_at(due, self.act, lambda ua, now: ua.handle_timer(now))


# ------------------------------------------------------------------------ RTP
@dataclass
class Received:
    """Every RTP packet that came in: (arrival time, sequence number, decoded samples)."""

    packets: list[tuple[float, int, np.ndarray]]

    def since(self, t: float) -> np.ndarray:
        """What arrived from ``t`` on, at 48 kHz: ``tests/audio_checks.py`` listens to it
        as it listens to a phone's speaker."""
        parts = [pcm for when, _, pcm in self.packets if when >= t]
        if not parts:
            return np.zeros(0, dtype=np.int16)
        pcm = np.concatenate(parts).astype(np.float64)
        wide = np.interp(np.arange(len(pcm) * 6) / 6, np.arange(len(pcm)), pcm)
        return wide.astype(np.int16)


class _RtpEndpoint(asyncio.DatagramProtocol):
    def __init__(self, received: Received) -> None:
        self.received = received
        self.transport: asyncio.DatagramTransport | None = None

    def datagram_received(self, data: bytes, addr: Address) -> None:
        if len(data) < 12 or data[0] >> 6 != 2 or data[1] & 0x7F != PT_PCMA:
            return  # RTCP or anything else
        seq = struct.unpack_from("!H", data, 2)[0]
        offset = 12 + 4 * (data[0] & 0x0F)
        self.received.packets.append((time.monotonic(), seq, alaw_decode(data[offset:])))


class PlainRtpPeer:
    """A UDP SIP user with one plain-RTP PCMA call at a time.

    ``source`` feeds what it sends (default: silence until `play`). With
    ``auto_answer`` an incoming call is answered at once. ``sent`` gets the
    loop time each frame left; ``received`` keeps what arrived. ``advertise``
    may rewrite our SDP before it goes out and ``via`` sends our RTP to
    another address than the far end's: the benchmark puts an impairment
    relay in the path that way. With ``paced`` the RTP side (socket and
    sender) runs on that real-time loop instead of the caller's.
    """

    def __init__(
        self,
        server: Address,
        user: str,
        password: str,
        domain: str,
        *,
        auto_answer: bool = True,
        source: Source | None = None,
        paced: PacedLoop | None = None,
    ) -> None:
        self.server = server
        self.user, self.password, self.domain = user, password, domain
        self.auto_answer = auto_answer
        self.source: Source | None = source
        self.events: list[Any] = []
        self.received = Received([])
        self.sent: list[float] = []
        self.call: str | None = None
        self.remote: RemoteMedia | None = None
        self.advertise: Callable[[str], str] = lambda sdp: sdp
        self.via: Address | None = None
        self.rtp_port = 0
        self._new = asyncio.Event()
        self._session = random.randrange(1, 1 << 31)
        self._version = 0
        self._sip: _UdpDriver | None = None
        self._rtp: _RtpEndpoint | None = None
        self._sender: asyncio.Task[None] | None = None
        self._paced = paced
        self._ssrc = random.getrandbits(32)

    # ------------------------------------------------------------- lifecycle
    async def start(self) -> PlainRtpPeer:
        loop = asyncio.get_running_loop()
        if self._paced is not None:
            await self._paced.run(self._start_rtp())
        else:
            await self._start_rtp()
        self._sip = _UdpDriver(self.server, self._on_event)
        sip_transport, _ = await loop.create_datagram_endpoint(
            lambda: self._sip,  # type: ignore[arg-type,return-value]
            local_addr=(LOOPBACK, 0),
        )
        port = sip_transport.get_extra_info("sockname")[1]
        config = UAConfig(
            user=self.user, domain=self.domain, password=self.password,
            contact_host=f"{LOOPBACK}:{port}", transport="UDP", reliable=False,
        )  # fmt: skip
        self._sip.agent = UserAgent(config, now=loop.time())
        self._sip.transport = sip_transport
        mark = self.mark()
        self.act(lambda ua, now: ua.register(now))
        await self.wait_for(sip.Registered, after=mark)
        return self

    async def _start_rtp(self) -> None:
        """The RTP socket and the paced sender, on whichever loop runs this."""
        loop = asyncio.get_running_loop()
        self._rtp = _RtpEndpoint(self.received)
        rtp, _ = await loop.create_datagram_endpoint(lambda: self._rtp, local_addr=(LOOPBACK, 0))  # type: ignore[arg-type,return-value]
        self._rtp.transport = rtp
        self.rtp_port = rtp.get_extra_info("sockname")[1]
        self._sender = loop.create_task(self._send_loop())

    def _stop_rtp(self) -> None:
        if self._sender is not None:
            self._sender.cancel()
        if self._rtp is not None and self._rtp.transport is not None:
            self._rtp.transport.close()

    async def aclose(self) -> None:
        if self._sip is not None and self._sip.transport is not None:
            if self.call is not None:
                self.hangup()
            self.act(lambda ua, now: ua.unregister(now))
            await asyncio.sleep(0)
            self._sip.transport.close()
        if self._paced is not None:
            self._paced.call(self._stop_rtp)
        else:
            self._stop_rtp()

    def act(self, command: Callable[[UserAgent, float], E]) -> E:
        if self._sip is None:
            raise RuntimeError("the peer has not been started")
        return self._sip.act(command)

    # ----------------------------------------------------------------- calls
    def our_sdp(self, direction: str = "sendrecv") -> str:
        self._version += 1
        sdp = make_sdp(LOOPBACK, self.rtp_port, self._session, self._version, direction)
        return self.advertise(sdp)

    async def dial(self, target: str, *, timeout: float = 15.0) -> str:
        """Call ``target`` and return once the call is answered with media."""
        mark = self.mark()
        self.call = self.act(lambda ua, now: ua.invite(target, self.our_sdp(), now))
        answered = await self.wait_for(sip.CallAnswered, after=mark, timeout=timeout)
        if answered.sdp is not None:
            self.remote = parse_sdp(answered.sdp)
        return self.call

    async def hold(self, on: bool = True, *, timeout: float = 10.0) -> None:
        """Re-INVITE with ``a=sendonly`` (``on``) or ``a=sendrecv``; return once answered.

        Like a PBX playing music on hold, the peer goes on sending while it holds.
        """
        call = self.call
        if call is None:
            raise RuntimeError("no call to hold")
        mark = self.mark()
        offer = self.our_sdp("sendonly" if on else "sendrecv")
        self.act(lambda ua, now: ua.reinvite(call, offer, now))
        answered = await self.wait_for(sip.ReinviteAnswered, after=mark, timeout=timeout)
        if answered.sdp is not None:
            self.remote = parse_sdp(answered.sdp)

    def hangup(self) -> None:
        call, self.call = self.call, None
        self.remote = None
        if call is not None:
            self.act(lambda ua, now: ua.hangup(call, now))

    def play(self, source: Source) -> None:
        """From the next frame on, send ``source`` (paced on the loop clock)."""
        self.source = source

    @property
    def sending(self) -> bool:
        return self.remote is not None and self.remote.direction in ("sendrecv", "recvonly")

    def _on_event(self, event: Any) -> None:
        self.events.append(event)
        self._new.set()
        match event:
            case sip.IncomingCall() if self.auto_answer and event.sdp is not None:
                self.call = event.call
                self.remote = parse_sdp(event.sdp)
                answer = self.our_sdp(_COMPLEMENT.get(self.remote.direction, "sendrecv"))
                self.act(lambda ua, now: ua.answer(event.call, answer, now))
            case sip.ReinviteReceived() if event.sdp is not None:
                self.remote = parse_sdp(event.sdp)
                answer = self.our_sdp(_COMPLEMENT.get(self.remote.direction, "sendrecv"))
                self.act(lambda ua, now: ua.answer_reinvite(event.call, answer, now))
            case sip.CallEnded() if event.call == self.call:
                self.call, self.remote = None, None

    def mark(self) -> int:
        return len(self.events)

    async def wait_for(self, kind: type[E], *, after: int = 0, timeout: float = 10.0) -> E:
        """The first event of ``kind`` from index ``after`` on."""
        async with asyncio.timeout(timeout):
            while True:
                for event in self.events[after:]:
                    if isinstance(event, kind):
                        return event
                    if isinstance(event, sip.CallEnded) and kind is not sip.CallEnded:
                        raise AssertionError(f"call ended: {event}")
                self._new.clear()
                await self._new.wait()

    # ------------------------------------------------------------------- RTP
    async def _send_loop(self) -> None:
        """One packet every 20 ms on an absolute schedule (no drift under load)."""
        loop = asyncio.get_running_loop()
        seq, timestamp = random.getrandbits(16), random.getrandbits(32)
        due = loop.time()
        marker = True
        while True:
            due += FRAME / RATE
            await asyncio.sleep(max(0.0, due - loop.time()))
            if not self.sending or self.source is None or self._rtp is None:
                marker = True
                continue
            block = self.source()
            if block is None:
                self.source = None
                continue
            header = struct.pack(
                "!BBHII", 0x80, PT_PCMA | (0x80 if marker else 0), seq, timestamp, self._ssrc
            )
            assert self.remote is not None and self._rtp.transport is not None
            to = self.via or self.remote.address
            self._rtp.transport.sendto(header + alaw_encode(block), to)
            self.sent.append(loop.time())
            marker = False
            seq = (seq + 1) & 0xFFFF
            timestamp = (timestamp + FRAME) & 0xFFFFFFFF
