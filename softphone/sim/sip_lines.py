"""The simulator's SIP plumbing: its configuration, one phone's WebSocket line and a call's leg.

Split from :mod:`softphone.sim.sip_telephony` so that module holds only the
call flow (ring, answer, hold, hang up) and this one the parts it moves
through: the line a call goes over (our registrar's WebSocket, or an
external server) and the agent leg with its media and recording.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Protocol, TypeVar
from urllib.parse import urlsplit

from aiohttp import web

from softphone.media.config import IceServer
from softphone.media.offer_answer import OfferAnswer
from softphone.media.session import MediaSession
from softphone.media.tracks import WavRecorder
from softphone.net.agent_driver import AgentDriver
from softphone.sim.config import SimAgent
from softphone.sim.telephony import RingOutcome, RingRequest, RingResult
from softphone.sip import events as sip
from softphone.sip.call import CallState
from softphone.sip.errors import LocalProtocolError
from softphone.sip.ua import UserAgent

T = TypeVar("T")

G711 = ("PCMA/8000", "PCMU/8000")
UNREACHABLE_CODES = frozenset({404, 410, 480})  # "no such user / not registered"


def customer_voice() -> Path:
    """The bundled customer voice sample (8 kHz mono, 10 s of speech)."""
    return Path(str(files("softphone.resources") / "sounds" / "customer-voice.wav"))


def sip_account(agent: SimAgent) -> tuple[str, str]:
    """The agent's SIP user and password; both default to the extension (as agents files do)."""
    return agent.sip_user or agent.extension, agent.sip_password or agent.extension


class SipListenError(OSError):
    """The SIP WebSocket port cannot be opened (the message names it)."""


@dataclass(frozen=True)
class ExternalServer:
    """Call through another SIP server: register there as ``user`` and INVITE agents by AOR."""

    url: str  # ws:// or wss://
    user: str
    password: str = field(default="", repr=False)
    domain: str | None = None  # the agents' SIP domain; default: the URL's host
    auth_user: str | None = None

    def sip_domain(self) -> str:
        return self.domain or urlsplit(self.url).hostname or "localhost"


@dataclass(frozen=True)
class SipTelephonyConfig:
    host: str = "127.0.0.1"
    port: int = 8091  # 0: any free port
    realm: str | None = None  # digest realm and SIP domain; default: the host
    records_dir: Path | None = None  # None: a temp dir removed at close
    codecs: tuple[str, ...] = G711
    voice: Path | None = None  # None: the bundled customer voice
    ice_servers: tuple[IceServer, ...] = ()
    external: ExternalServer | None = None
    #: the gateway's VouchCookie guards the SIP WebSocket too (protocol doc)
    vouch_secret: str | None = field(default=None, repr=False)
    vouch_token: str | None = field(default=None, repr=False)


class Line(Protocol):
    """A SIP connection the simulator places calls over."""

    def act(self, fn: Callable[[UserAgent, float], T]) -> T: ...


@dataclass(frozen=True)
class LineClosed:
    """Queued after a connection's last SIP event: its calls are over."""


@dataclass(eq=False)
class Leg:
    """The agent leg of one call: SIP handle, media, recording, and how the ring ended."""

    request: RingRequest
    line: Line
    handle: str
    media: MediaSession
    oa: OfferAnswer  # the SDP offer/answer state of the call, shared code with the phone
    recorder: WavRecorder
    outcome: asyncio.Future[RingResult]
    answered: bool = False
    dropped: bool = False
    held: bool = False
    reinvite: asyncio.Future[bool] | None = None


class ServerLine:
    """One phone's WebSocket to our registrar, driving a UserAgent for its calls.

    The agent is touched only through :meth:`act` (an :class:`AgentDriver`,
    as on the phone's side); its output goes out in order through one writer
    task.
    """

    def __init__(
        self,
        ws: web.WebSocketResponse,
        ua: UserAgent,
        post: Callable[[Line, object], None],
        peer: str | None,
    ) -> None:
        self.ws = ws
        self.ua = ua
        self.peer = peer
        self._outbox: asyncio.Queue[str | None] = asyncio.Queue()
        self._driver: AgentDriver[UserAgent, sip.Event] = AgentDriver(
            ua,
            lambda data: self.send_text(data.decode("utf-8", errors="replace")),
            lambda event: post(self, event),
        )
        self.closed = False

    def act(self, fn: Callable[[UserAgent, float], T]) -> T:
        return self._driver.act(fn)

    def send_text(self, text: str) -> None:
        if not self.closed:
            self._outbox.put_nowait(text)

    async def write_loop(self) -> None:
        while (text := await self._outbox.get()) is not None:
            try:
                await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return  # closed under us; the reader loop ends too
            finally:
                self._outbox.task_done()

    async def drain(self, timeout: float) -> None:
        """Until everything queued so far is written (a BYE before we close the socket)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._outbox.join(), timeout)

    def close(self) -> None:
        """The socket is gone: the agent's transactions fail, its timers stop."""
        if self.closed:
            return
        self.act(lambda ua, now: ua.connection_lost(now))
        self.closed = True
        self._driver.stop()
        self._outbox.put_nowait(None)


def hang_up(line: Line, handle: str) -> None:
    def end(ua: UserAgent, now: float) -> None:
        if ua.call_state(handle) is not CallState.ENDED:
            ua.hangup(handle, now)

    with contextlib.suppress(LocalProtocolError):
        line.act(end)


def settle(future: asyncio.Future[bool] | None, value: bool) -> None:
    if future is not None and not future.done():
        future.set_result(value)


def ring_result(event: sip.CallEnded) -> RingResult:
    detail = f"{event.code} {event.reason}".strip() if event.code else event.cause.value
    if event.cause is sip.EndCause.REJECTED:
        if event.code in UNREACHABLE_CODES:
            return RingResult(RingOutcome.UNREACHABLE, detail)
        return RingResult(RingOutcome.REJECTED, detail)
    if event.cause in (sip.EndCause.TIMEOUT, sip.EndCause.CANCELLED):
        return RingResult(RingOutcome.NO_ANSWER, detail)
    return RingResult(RingOutcome.UNREACHABLE, detail)


def printable(text: str) -> str:
    return "".join(c for c in text if c.isprintable())[:60].strip()


def default_realm(host: str) -> str:
    if host in ("", "0.0.0.0", "::"):
        return socket.gethostname()
    return host
