"""One call of the phone: its media, its devices and where it stands.

``build_call`` wires a call's :class:`~softphone.media.session.MediaSession`
to the configured microphone and speaker (or the test's source and sink)
without opening the sound card yet: the phone opens it *alongside* the SDP
work, because opening a card can take tens of milliseconds and an
auto-answering phone should answer in a few.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, assert_never

from softphone.core import phone_events as ev
from softphone.core import sentences as S
from softphone.core.phone_config import PhoneCommandError, PhoneConfig
from softphone.core.phone_events import By, DtmfMethod
from softphone.core.sentences import Sentence, said
from softphone.media.audio_io import MicrophoneTrack, SpeakerSink
from softphone.media.devices import AudioBackend, NoAudioDevice
from softphone.media.mic_processing import FarEndTap, MicProcessor
from softphone.media.offer_answer import OfferAnswer
from softphone.media.session import (
    DtmfReceived,
    MediaConnected,
    MediaEvent,
    MediaFailed,
    MediaSession,
    QualityReport,
    RemoteHoldChanged,
)
from softphone.media.tones import answer_cue
from softphone.media.tracks import AudioTrack, FrameSink, fan_out
from softphone.timers import NotBefore

Closer = Callable[[], object]


@dataclass(eq=False)
class PhoneCall:
    """A call's state as the phone keeps it (the SIP core keeps the dialog's).

    ``handle`` is empty until the SIP core named the call; the media's
    events are ignored until then.
    """

    handle: str
    outgoing: bool
    media: MediaSession
    oa: OfferAnswer
    answer_sdp: asyncio.Task[str] | None = None  # incoming: our SDP answer, computed at once
    auto_answer: NotBefore | None = None
    answering: asyncio.Task[None] | None = None  # the phone's own answer (armed/auto), joinable
    established: bool = False
    ended: bool = False
    hold_local: bool = False
    hold_remote: bool = False
    pending_hold: bool | None = None  # our re-INVITE in flight: the hold state it asks for
    mic: MicrophoneTrack | None = None
    speaker: SpeakerSink | None = None
    closers: list[Closer] = field(default_factory=list)

    def news_of(self, event: MediaEvent) -> ev.PhoneEvent | None:
        """What the agent hears of the call's media (``MediaFailed`` is the phone's to act on)."""
        match event:
            case MediaConnected():
                return ev.MediaStarted(self.handle, event.codec)
            case DtmfReceived():
                return ev.DtmfReceived(self.handle, event.digit, DtmfMethod.RFC4733)
            case RemoteHoldChanged():
                if event.on_hold == self.hold_remote:
                    return None
                self.hold_remote = event.on_hold
                change = ev.Held if event.on_hold else ev.Unheld
                return change(self.handle, By.REMOTE)
            case MediaFailed():
                return None
            case QualityReport():
                return ev.CallQualityChanged(self.handle, event.quality)
            case _:
                assert_never(event)

    def cue_answered(self) -> None:
        """The auto-answer beep, on the agent's speaker only (none without a sound card)."""
        if self.speaker is not None:
            self.speaker.cue(answer_cue)

    async def close_devices(self) -> None:
        """Stop the source, sinks and sound devices, last opened first; never raises."""
        for close in reversed(self.closers):
            with contextlib.suppress(Exception):
                result = close()
                if asyncio.iscoroutine(result):
                    await result


def build_call(
    config: PhoneConfig,
    backend: AudioBackend,
    on_media: Callable[[PhoneCall, MediaEvent], None],
    on_stall: Callable[[PhoneCall, str, bool], None],
) -> tuple[PhoneCall, Callable[[], Awaitable[None]]]:
    """A call with the configured source and sink, and a coroutine function
    that opens its sound devices (``PhoneCommandError`` when there are none)."""
    closers: list[Closer] = []
    to_open: list[MicrophoneTrack | SpeakerSink] = []
    mic: MicrophoneTrack | None = None
    speaker: SpeakerSink | None = None
    if config.source_factory is not None:
        source: AudioTrack = config.source_factory()
        closers.append(source.stop)
    else:
        mic = MicrophoneTrack(
            backend, config.audio.microphone, processing=MicProcessor(config.media.mic)
        )
        closers.append(mic.aclose)
        to_open.append(mic)
        source = mic
    sinks: list[FrameSink] = []
    if config.sink_factory is not None:
        sink = config.sink_factory()
        sinks.append(sink)
        close = getattr(sink, "close", None)
        if close is not None:
            closers.append(close)
    if not config.audio.null:
        # With no sound card there is nothing to play to: the session
        # still drains and decodes the remote track, but a paced null
        # speaker would only burn CPU (200 wake-ups a second).
        speaker = SpeakerSink(backend, config.audio.speaker)
        closers.append(speaker.stop)
        to_open.append(speaker)
        sinks.append(speaker)
        if mic is not None and mic.processing is not None and config.media.mic.echo_cancellation:
            sinks.append(FarEndTap(mic.processing))  # what the speaker plays, for AEC

    def media_event(event: MediaEvent) -> None:
        if call.handle:
            on_media(call, event)

    # What the agent hears plays through the speaker's buffer, or else a
    # recorder's (the headless phone's ``--record``): its figures are the call's.
    heard: Any = (
        speaker
        if speaker is not None
        else next((s for s in sinks if callable(getattr(s, "stats", None))), None)
    )
    media = MediaSession(
        config.media,
        source=source,
        sink=fan_out(*sinks) if len(sinks) > 1 else (sinks[0] if sinks else None),
        on_event=media_event,
        playout=heard.stats if heard is not None else None,
    )
    call = PhoneCall(
        "", False, media, OfferAnswer(media), mic=mic, speaker=speaker, closers=closers
    )
    for kind, device in (("microphone", mic), ("speaker", speaker)):
        if device is not None:
            device.on_stall = lambda stalled, kind=kind: on_stall(call, kind, stalled)

    async def open_devices() -> None:
        try:
            await asyncio.gather(*(device.start() for device in to_open))
        except NoAudioDevice as exc:
            raise PhoneCommandError(Sentence(S.NO_AUDIO_DEVICE, detail=said(exc))) from exc

    return call, open_devices
