"""An ``AgentSession`` on the real Mediatel client and phone, against the simulator.

``agent = await start_agent(h, tmp_path)`` builds a session whose phone
speaks a 440 Hz tone and records what it hears, and records every snapshot
and CTI event for the assertions.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from softphone.core.agent_api import SignInRequest
from softphone.core.agent_ports import SipLogin
from softphone.core.agent_session import AgentSession, SessionPolicy
from softphone.core.agent_snapshot import AgentSnapshot
from softphone.core.call_tracker import recording_url_base
from softphone.core.cti_events import CtiEvent, CtiEventName
from softphone.core.history import CallHistory
from softphone.core.phone import Phone
from softphone.media.tracks import PcmCollector
from softphone.net.mediatel import MediatelClient, MediatelConfig, State, StateChanged
from softphone.net.sip_ws import TransportConfig
from tests.core.phone_probe import RATE, phone_config
from tests.peers.mediatel import WAIT
from tests.peers.mediatel_sip import SipSimHarness

AGENT_TONE = 440.0
DEMO = SignInRequest("demo", "demo", "1001", sip_user="1001", sip_password="1001")


class SimEndpoints(Protocol):
    """Where the simulator listens: the in-process one (``SipSimHarness``) or its process."""

    @property
    def mediatel_url(self) -> str: ...

    @property
    def ws_url(self) -> str: ...


@dataclass
class Agent:
    session: AgentSession
    collector: PcmCollector
    history: CallHistory
    snapshots: list[AgentSnapshot] = field(default_factory=list)
    cti: list[CtiEvent] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def _on_snapshot(self, snapshot: AgentSnapshot) -> None:
        self.snapshots.append(snapshot)
        self._changed.set()

    def _on_cti(self, event: CtiEvent) -> None:
        self.cti.append(event)
        self._changed.set()

    async def until(
        self, predicate: Callable[[AgentSnapshot], bool], timeout: float = WAIT, what: str = ""
    ) -> AgentSnapshot:
        deadline = time.monotonic() + timeout
        while not predicate(self.session.snapshot):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    f"timed out waiting for {what or predicate}; now {self.session.snapshot}"
                )
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        return self.session.snapshot

    async def cti_event(
        self, name: CtiEventName, after: int = 0, timeout: float = WAIT
    ) -> CtiEvent:
        found: list[CtiEvent] = []

        def seen(_s: AgentSnapshot) -> bool:
            found[:] = [e for e in self.cti[after:] if e.name is name]
            return bool(found)

        await self.until(seen, timeout, what=str(name))
        return found[0]

    def names(self, after: int = 0) -> list[str]:
        return [str(e.name) for e in self.cti[after:]]

    async def heard(self, seconds: float, settle: float = 0.3) -> Any:
        await asyncio.sleep(settle)
        start = time.monotonic()
        await asyncio.sleep(seconds)
        return self.collector.since(start)


def build_agent(
    h: SimEndpoints,
    tmp_path: Path,
    *,
    policy: SessionPolicy | None = None,
    sip_urls: tuple[str, ...] | None = None,
    history: CallHistory | None = None,
    mediatel_url: str | None = None,
    wrap_mediatel: Callable[[MediatelClient], Any] | None = None,
    **session: Any,
) -> Agent:
    collector = PcmCollector(RATE)
    history = history or CallHistory(tmp_path / "history.sqlite")
    opened: list[str] = []
    phones: list[Phone] = []

    def make_phone(login: SipLogin) -> Phone:
        config = phone_config(
            login.urls[0], login.user, login.password, tone_hz=AGENT_TONE, collector=collector
        )
        transport = TransportConfig(urls=login.urls, backoff_initial=0.2, backoff_max=1.0)
        phone = Phone(replace(config, transport=transport))
        phones.append(phone)
        return phone

    def make_client() -> Any:
        client = MediatelClient(
            MediatelConfig(
                url=mediatel_url or h.mediatel_url,
                reconnection_delay=0.05,
                reconnection_delay_max=0.2,
                connect_timeout=WAIT,
                data_dir=tmp_path / "mediatel",
            )
        )
        return wrap_mediatel(client) if wrap_mediatel is not None else client

    agent_session = AgentSession(
        mediatel=make_client,
        phone=make_phone,
        sip_urls=sip_urls or (h.ws_url,),
        policy=policy or SessionPolicy(sign_in_timeout_s=WAIT, invite_grace_s=2.0),
        history=history,
        recording_base=recording_url_base(h.mediatel_url),
        opener=opened.append,
        **session,
    )
    agent = Agent(agent_session, collector, history, opened=opened, phones=phones)
    agent_session.subscribe(agent._on_snapshot)
    agent_session.subscribe_cti(agent._on_cti)
    return agent


class DelayedDelivery:
    """A Mediatel port whose STATE_CALL_DELIVERED snapshots arrive ``delay`` s late.

    The INVITE then reaches the phone before the snapshot that announces it,
    as happens when the two sockets take different routes.
    """

    def __init__(self, client: MediatelClient, delay: float) -> None:
        self._client = client
        self.delay = delay

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def events(self) -> Any:
        return _DelayedStream(self._client.events(), self.delay)


class _DelayedStream:
    def __init__(self, stream: Any, delay: float) -> None:
        self._stream = stream
        self._delay = delay

    def close(self) -> None:
        self._stream.close()

    def __aiter__(self) -> Any:
        return self._run()

    async def _run(self) -> Any:
        async for event in self._stream:
            if isinstance(event, StateChanged) and event.new.state is State.CALL_DELIVERED:
                await asyncio.sleep(self._delay)
            yield event


async def sip_outage(h: SipSimHarness) -> Callable[[], None]:
    """Cut every SIP WebSocket and refuse new ones (403) until the returned callable runs."""
    telephony: Any = h.telephony
    telephony._vouch_ok = lambda _request: False
    for ws in list(telephony._sockets):
        await ws.close()

    def restore() -> None:
        del telephony._vouch_ok

    return restore
