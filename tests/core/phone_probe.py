"""A Phone under test: started with a known tone as its microphone and a
collector as its speaker, with every event recorded for ``wait_for``."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from softphone.core import phone_events as ev
from softphone.core.phone import Phone, PhoneConfig, SipAccount
from softphone.media import tones
from softphone.media.devices import AudioSettings
from softphone.media.tracks import PcmCollector, tone_source
from softphone.net.sip_ws import TransportConfig

E = TypeVar("E")
RATE = 48000


class PhoneProbe:
    def __init__(self, config: PhoneConfig, collector: PcmCollector) -> None:
        self.phone = Phone(config)
        self.collector = collector
        self.events: list[ev.PhoneEvent] = []
        self._new = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> PhoneProbe:
        await self.phone.start()
        self._task = asyncio.get_running_loop().create_task(self._collect())
        return self

    async def _collect(self) -> None:
        async for event in self.phone.events():
            self.events.append(event)
            self._new.set()

    async def wait_for(
        self,
        kind: type[E],
        predicate: Callable[[E], bool] = lambda e: True,
        *,
        timeout: float = 10.0,
        after: int = 0,
    ) -> E:
        """The first event of ``kind`` (from index ``after`` on) matching ``predicate``."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events[after:]:
                if isinstance(event, kind) and predicate(event):
                    return event
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {kind.__name__} within {timeout} s; saw {self.events}")
            self._new.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new.wait(), remaining)

    def mark(self) -> int:
        return len(self.events)

    async def hears(self, hz: float, seconds: float = 1.0, settle: float = 0.3) -> bool:
        """Whether the far end's audio over the next ``seconds`` carries ``hz``.

        ``settle`` lets audio already in flight (codec and network delay) pass.
        """
        await asyncio.sleep(settle)
        start = time.monotonic()
        await asyncio.sleep(seconds)
        return hears_tone(self.collector.since(start), hz, seconds)

    async def silent(self, seconds: float = 1.0, settle: float = 0.3) -> bool:
        await asyncio.sleep(settle)
        start = time.monotonic()
        await asyncio.sleep(seconds)
        pcm = self.collector.since(start)
        # Nothing arriving at all (held: no RTP) or only silence both count.
        return len(pcm) == 0 or tones.is_silent(pcm, threshold_dbfs=-45.0)

    async def aclose(self) -> None:
        await self.phone.aclose()
        if self._task is not None:
            self._task.cancel()


def hears_tone(pcm: tones.Pcm, hz: float, seconds: float, tolerance_hz: float = 15.0) -> bool:
    """Most 100 ms blocks are audible with their strongest peak at ``hz``.

    Judged per short block by the spectral peak rather than by one Goertzel
    bin over the whole span: a browser's fake microphone loops its file and
    lands a couple of Hz off, which a 2 Hz-wide bin over 0.5 s would miss.
    """
    block = RATE // 10
    blocks = [pcm[i : i + block] for i in range(0, len(pcm) - block + 1, block)]
    if len(blocks) < seconds * 10 / 2:
        return False  # less than half the expected audio arrived at all
    good = sum(
        1
        for b in blocks
        if tones.rms_dbfs(b) > -50 and abs(tones.dominant_frequency(b, RATE) - hz) <= tolerance_hz
    )
    return good >= 0.7 * len(blocks)


def phone_config(
    ws_url: str,
    user: str,
    password: str,
    *,
    tone_hz: float,
    auto_answer_ms: int | None = None,
    collector: PcmCollector,
    **overrides: Any,
) -> PhoneConfig:
    config = PhoneConfig(
        account=SipAccount(user=user, domain="127.0.0.1", password=password),
        transport=TransportConfig(urls=(ws_url,), backoff_initial=0.2, backoff_max=1.0),
        audio=AudioSettings(null=True),
        auto_answer_ms=auto_answer_ms,
        ring_incoming=False,
        source_factory=lambda: tone_source(tone_hz),
        sink_factory=lambda: collector,
    )
    return replace(config, **overrides) if overrides else config


async def start_probe(
    ws_url: str, user: str, password: str, *, tone_hz: float, **kw: Any
) -> PhoneProbe:
    collector = PcmCollector(RATE)
    config = phone_config(ws_url, user, password, tone_hz=tone_hz, collector=collector, **kw)
    return await PhoneProbe(config, collector).start()
