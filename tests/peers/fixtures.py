"""pytest fixtures for the real peers; loaded by tests/conftest.py for all tests.

- ``kamailio``          module-scoped `Kamailio` with the default accounts
- ``kamailio_factory``  make your own (other users, ``qop=True``, no auth ...)
- ``media_gateway``     module-scoped `MediaGateway`: rtpengine + a Kamailio using it
- ``jssip_factory``     `JsSipFactory`: start JsSIP peers, stopped at teardown
- ``pulseaudio``        session-scoped `PulseAudio` null sink
- ``pulse_sounddevice`` the `sounddevice` module pointed at that sink

A peer that is not installed makes its tests skip, or fail when
SOFTPHONE_REQUIRE_PEERS=1 (scripts/test.sh sets it, so CI never silently
skips them). When a test fails, the tail of the Kamailio log and the recent
events of every JsSIP peer it used are added to the report.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

import pytest

from tests.peers.errors import PeerUnavailable
from tests.peers.jssip import JsSipPeer
from tests.peers.kamailio import Kamailio
from tests.peers.pulseaudio import PulseAudio
from tests.peers.rtpengine import MediaGateway

REQUIRE_ENV = "SOFTPHONE_REQUIRE_PEERS"


def peers_required() -> bool:
    return os.environ.get(REQUIRE_ENV) == "1"


def unavailable(reason: str) -> NoReturn:
    """Skip, or fail under SOFTPHONE_REQUIRE_PEERS=1, naming what is missing."""
    if peers_required():
        pytest.fail(f"real peer unavailable ({REQUIRE_ENV}=1): {reason}", pytrace=False)
    pytest.skip(f"real peer unavailable: {reason}")


# ------------------------------------------------------------------ Kamailio
def _start_kamailio(workdir: Path, **options: Any) -> Kamailio:
    server = Kamailio(workdir=workdir, **options)
    try:
        server.start()
    except PeerUnavailable as exc:
        unavailable(str(exc))
    return server


@pytest.fixture(scope="module")
def kamailio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kamailio]:
    """A running Kamailio (digest auth, users 1001/1002/1003/agent) for this module.

    Ports stay fixed for the module even across ``restart()``.
    """
    server = _start_kamailio(tmp_path_factory.mktemp("kamailio"))
    yield server
    server.stop()


@pytest.fixture
def kamailio_factory(tmp_path: Path) -> Iterator[Callable[..., Kamailio]]:
    """``kamailio_factory(users=..., auth=..., qop=..., min_expires=...)`` -> started `Kamailio`."""
    servers: list[Kamailio] = []

    def make(**options: Any) -> Kamailio:
        server = _start_kamailio(tmp_path / f"kamailio{len(servers) + 1}", **options)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def media_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MediaGateway]:
    """rtpengine (user space) and a Kamailio sending every call's SDP through it."""
    gateway = MediaGateway(tmp_path_factory.mktemp("gateway"))
    try:
        gateway.start()
    except PeerUnavailable as exc:
        unavailable(str(exc))
    yield gateway
    gateway.stop()


# --------------------------------------------------------------------- JsSIP
class JsSipFactory:
    """Starts `JsSipPeer`s for one test and stops them all at teardown.

    ``await jssip_factory("alice", tone_hz=440)`` -> started peer;
    ``await jssip_factory.registered(kamailio, "1001", tone_hz=440)`` -> started
    and registered with the account's password from `kamailio.users`.
    """

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.peers: list[JsSipPeer] = []

    async def __call__(
        self,
        name: str | None = None,
        *,
        tone_hz: float | None = 1000.0,
        auto_answer: bool = False,
        answer_delay_ms: int = 0,
        tone_dbfs: float = -12.0,
        debug: bool = False,
    ) -> JsSipPeer:
        name = name or f"peer{len(self.peers) + 1}"
        workdir = self.workdir / name
        workdir.mkdir(parents=True, exist_ok=True)
        peer = JsSipPeer(name, workdir=workdir)
        self.peers.append(peer)
        try:
            await peer.start(
                tone_hz, tone_dbfs=tone_dbfs, auto_answer=auto_answer,
                answer_delay_ms=answer_delay_ms, debug=debug,
            )  # fmt: skip
        except PeerUnavailable as exc:
            unavailable(str(exc))
        return peer

    async def registered(
        self,
        server: Kamailio,
        user: str,
        *,
        name: str | None = None,
        tone_hz: float | None = 1000.0,
        auto_answer: bool = False,
        answer_delay_ms: int = 0,
        expires: int = 600,
    ) -> JsSipPeer:
        peer = await self(
            name or user, tone_hz=tone_hz, auto_answer=auto_answer,
            answer_delay_ms=answer_delay_ms,
        )  # fmt: skip
        await peer.register(
            server.ws_url, user, server.password(user), server.realm, expires=expires
        )
        return peer

    async def stop_all(self) -> None:
        await asyncio.gather(*(peer.stop() for peer in self.peers), return_exceptions=True)


@pytest.fixture
async def jssip_factory(tmp_path: Path) -> AsyncIterator[JsSipFactory]:
    factory = JsSipFactory(tmp_path / "jssip")
    yield factory
    await factory.stop_all()


# ---------------------------------------------------------------- PulseAudio
@pytest.fixture(scope="session")
def pulseaudio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseAudio]:
    """A private PulseAudio with a null sink; pass ``pulseaudio.env`` to subprocesses."""
    server = PulseAudio(tmp_path_factory.mktemp("pulse"))
    try:
        server.start()
    except PeerUnavailable as exc:
        unavailable(str(exc))
    yield server
    server.stop()


@pytest.fixture
def pulse_sounddevice(pulseaudio: PulseAudio) -> Iterator[ModuleType]:
    """`sounddevice`, re-initialised to see the null sink as devices ``pulse``/``default``."""
    try:
        import sounddevice  # noqa: F401
    except OSError as exc:  # PortAudio library missing
        unavailable(f"sounddevice cannot load PortAudio ({exc}); install 'libportaudio2'")
    with pulseaudio.activated() as sd:
        yield sd


# ------------------------------------------------------- failure diagnostics
@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when != "call" or not report.failed:
        return report
    funcargs = getattr(item, "funcargs", {})
    for value in funcargs.values():
        if isinstance(value, Kamailio):
            report.sections.append(("kamailio log (tail)", value.log_tail(60)))
        elif isinstance(value, MediaGateway):
            report.sections.append(("gateway logs (tail)", value.log_tails()))
        elif isinstance(value, JsSipFactory):
            for peer in value.peers:
                report.sections.append((f"jssip {peer.name}", peer.recent_events(40)))
    return report
