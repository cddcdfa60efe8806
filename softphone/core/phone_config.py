"""What one phone is configured with, and the error its commands raise.

Kept apart from :mod:`softphone.core.phone` so that a UI or the CLI can
build a configuration (and catch ``PhoneCommandError``) without reading the
phone's call logic; ``softphone.core.phone`` re-exports all three.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from softphone.media.config import MediaConfig
from softphone.media.devices import AudioBackend, AudioSettings
from softphone.media.ring import RINGTONE, RingSound
from softphone.media.tracks import AudioTrack, FrameSink
from softphone.net.sip_ws import TransportConfig
from softphone.sip.ua import UAConfig


class PhoneCommandError(Exception):
    """A command the phone cannot carry out now (no call, already on hold, ...)."""


@dataclass(frozen=True)
class SipAccount:
    user: str
    domain: str  # SIP domain / realm the AOR lives in
    password: str = field(default="", repr=False)
    auth_user: str | None = None
    realm: str | None = None  # None: answer any realm's challenge
    display_name: str | None = None
    register_expires: int = 300


@dataclass(frozen=True)
class PhoneConfig:
    """Everything one phone needs.

    ``auto_answer_ms``: None waits for ``answer()``; 0 answers at once.
    ``source_factory``/``sink_factory`` replace the microphone/speaker (the
    headless phone's ``--play``/``--record``, tests); they are called per call.
    ``audio_backend`` replaces the one ``audio`` implies (PortAudio, or the
    null device): tests use it to pull a headset out mid-call.
    """

    account: SipAccount
    transport: TransportConfig
    media: MediaConfig = field(default_factory=MediaConfig)
    audio: AudioSettings = field(default_factory=AudioSettings)
    auto_answer_ms: int | None = None
    answer_hints: bool = True
    """Obey an INVITE's own auto-answer hint (Call-Info answer-after, Alert-Info,
    Answer-Mode: Auto), as a desk phone on a PBX does. Off for the agent: anyone who
    reaches the extension can write those headers; only Mediatel's announcement counts."""
    ring_incoming: bool = True
    ringtone: RingSound = RINGTONE
    ring_volume: float = 1.0
    """0..1, of the ringtone (not of the ringback our own calls hear)."""
    auto_answer_beep: bool = True
    """Two soft beeps on the speaker when a call is answered without the agent."""
    source_factory: Callable[[], AudioTrack] | None = field(default=None, compare=False)
    sink_factory: Callable[[], FrameSink] | None = field(default=None, compare=False)
    audio_backend: AudioBackend | None = field(default=None, compare=False)
    user_agent: str = "softphone"

    def ua_config(self) -> UAConfig:
        """The SIP user agent's configuration for this account."""
        account = self.account
        return UAConfig(
            user=account.user,
            domain=account.domain,
            password=account.password,
            auth_username=account.auth_user,
            realm=account.realm,
            display_name=account.display_name,
            transport="WSS" if self.transport.urls[0].startswith("wss://") else "WS",
            register_expires=account.register_expires,
            user_agent=self.user_agent,
        )
