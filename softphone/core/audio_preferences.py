"""The agent's sound choices made while the app runs, and how a phone takes them.

The settings dialog saves devices, the ring and the microphone processing
while the agent is signed in, and they must not wait for a restart. A call's
sound cards and microphone chain are built when the call starts
(``phone_call.build_call``), so a new choice is used from the next call;
the ring is the phone's own player, so its device and volume change at once,
even while it rings. The devices of a call already running stay as they are:
re-opening a card mid-call would cut the customer off for the time it takes.

Every field is optional: None keeps what the phone uses now, so the app
sends only what the agent changed (a flag given at start keeps winning over
a preference the agent did not touch). A device named ``""`` ("System
default" in the dialog) goes back to the profile's device, as it does at
start.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # the settings dialog makes these without loading the media stack
    from softphone.core.phone_config import PhoneConfig

T = TypeVar("T")


@dataclass(frozen=True)
class AudioPreferences:
    microphone: str | None = None
    speaker: str | None = None
    ring_device: str | None = None
    ring_volume: float | None = None
    """0..1."""
    ring_enabled: bool | None = None
    ringtone: Path | None = None
    """A sound file to ring with; ``Path("")``: the built-in ring."""
    noise_suppression: bool | None = None
    auto_gain: bool | None = None
    echo_cancellation: bool | None = None
    auto_answer_beep: bool | None = None

    def __post_init__(self) -> None:
        if self.ring_volume is not None and not 0.0 <= self.ring_volume <= 1.0:
            raise ValueError(f"ring volume {self.ring_volume} is outside 0..1")

    def then(self, newer: AudioPreferences) -> AudioPreferences:
        """These choices with ``newer``'s on top (what a phone made later must get)."""
        changed = {f.name: getattr(newer, f.name) for f in fields(newer)}
        return replace(self, **{k: v for k, v in changed.items() if v is not None})


def _device(chosen: str | None, now: str | None, configured: str | None) -> str | None:
    if chosen is None:
        return now
    return chosen or configured


def with_preferences(
    now: PhoneConfig, configured: PhoneConfig, prefs: AudioPreferences
) -> PhoneConfig:
    """``now`` changed by ``prefs``; ``configured`` is what the phone started with."""
    from softphone.media.ring import RINGTONE, RingFile

    audio = replace(
        now.audio,
        microphone=_device(prefs.microphone, now.audio.microphone, configured.audio.microphone),
        speaker=_device(prefs.speaker, now.audio.speaker, configured.audio.speaker),
        ring=_device(prefs.ring_device, now.audio.ring, configured.audio.ring),
    )
    mic = now.media.mic
    mic = replace(
        mic,
        noise_suppression=_pick(prefs.noise_suppression, mic.noise_suppression),
        auto_gain=_pick(prefs.auto_gain, mic.auto_gain),
        echo_cancellation=_pick(prefs.echo_cancellation, mic.echo_cancellation),
    )
    ringtone = now.ringtone
    if prefs.ringtone is not None:
        ringtone = RingFile(prefs.ringtone) if str(prefs.ringtone) not in ("", ".") else RINGTONE
    ring_incoming = now.ring_incoming
    if prefs.ring_enabled is not None:  # a phone without a sound card never rings
        ring_incoming = prefs.ring_enabled and configured.ring_incoming
    return replace(
        now,
        audio=audio,
        media=replace(now.media, mic=mic),
        ringtone=ringtone,
        ring_volume=_pick(prefs.ring_volume, now.ring_volume),
        ring_incoming=ring_incoming,
        auto_answer_beep=_pick(prefs.auto_answer_beep, now.auto_answer_beep),
    )


def _pick(chosen: T | None, now: T) -> T:
    return now if chosen is None else chosen
