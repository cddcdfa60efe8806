"""A Phone under test: started with a known tone as its microphone and a
collector as its speaker, with every event recorded for ``wait_for``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from softphone.core import phone_events as ev
from softphone.core.phone import Phone, PhoneConfig, SipAccount
from softphone.core.sip_transport import TransportFactory
from softphone.media.devices import AudioSettings
from softphone.media.tracks import PcmCollector, tone_source
from softphone.net.sip_ws import TransportConfig
from tests import audio_checks
from tests.audio_checks import RATE
from tests.waiting import EventLog

E = TypeVar("E")


class PhoneProbe:
    def __init__(
        self,
        config: PhoneConfig,
        collector: PcmCollector,
        *,
        transport: TransportFactory | None = None,
    ) -> None:
        self.phone = Phone(config, transport=transport)
        self.collector = collector
        self.log: EventLog[ev.PhoneEvent] = EventLog()
        self._task: asyncio.Task[None] | None = None

    @property
    def events(self) -> list[ev.PhoneEvent]:
        return self.log.events

    async def start(self) -> PhoneProbe:
        await self.phone.start()
        self._task = asyncio.get_running_loop().create_task(self._collect())
        return self

    async def _collect(self) -> None:
        async for event in self.phone.events():
            self.log.add(event)

    async def wait_for(
        self,
        kind: type[E],
        predicate: Callable[[E], bool] = lambda e: True,
        *,
        timeout: float = 10.0,
        after: int = 0,
    ) -> E:
        """The first event of ``kind`` (from index ``after`` on) matching ``predicate``."""
        return await self.log.wait_for(kind, predicate, timeout=timeout, after=after)

    def mark(self) -> int:
        return self.log.mark()

    def errors(self, after: int = 0) -> list[ev.PhoneError]:
        return self.log.of(ev.PhoneError, after)

    async def hears(self, hz: float, seconds: float = 1.0) -> bool:
        """Whether the far end's audio, from now on, carries ``hz`` for ``seconds``."""
        return await audio_checks.hears(self.collector, hz, window=seconds)

    async def silent(self, seconds: float = 1.0) -> bool:
        """Whether the far end's audio falls quiet for ``seconds`` (from now on)."""
        return await audio_checks.silent(self.collector, window=seconds)

    async def aclose(self) -> None:
        await self.phone.aclose()
        if self._task is not None:
            self._task.cancel()


async def connect(a: PhoneProbe, b: PhoneProbe, target: str = "1002") -> str:
    """A calls ``target`` (B, auto-answering) until both have media."""
    handle = await a.phone.call(target)
    await a.wait_for(ev.MediaStarted)
    await b.wait_for(ev.MediaStarted)
    return handle


def phone_config(
    ws_url: str,
    user: str,
    password: str,
    *,
    tone_hz: float,
    auto_answer_ms: int | None = None,
    collector: PcmCollector,
    domain: str = "127.0.0.1",
    **overrides: Any,
) -> PhoneConfig:
    config = PhoneConfig(
        account=SipAccount(user=user, domain=domain, password=password),
        transport=TransportConfig(urls=(ws_url,), backoff_initial=0.2, backoff_max=1.0),
        audio=AudioSettings(null=True),
        auto_answer_ms=auto_answer_ms,
        ring_incoming=False,
        source_factory=lambda: tone_source(tone_hz),
        sink_factory=lambda: collector,
    )
    return replace(config, **overrides) if overrides else config


async def start_probe(
    ws_url: str,
    user: str,
    password: str,
    *,
    tone_hz: float,
    transport: TransportFactory | None = None,
    **kw: Any,
) -> PhoneProbe:
    collector = PcmCollector(RATE)
    config = phone_config(ws_url, user, password, tone_hz=tone_hz, collector=collector, **kw)
    return await PhoneProbe(config, collector, transport=transport).start()
