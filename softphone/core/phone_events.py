"""What the phone tells its user: typed, frozen events.

These are the phone's own words, not the SIP core's or aiortc's: a UI, the
agent core or the headless ``softphone phone`` command read only these, so
a change below (another SIP stack, another media engine) does not ripple up.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from softphone.core import sentences as S
from softphone.core.sentences import Sentence

# Re-exported: call quality is the phone's word too (``CallEnded.quality``).
from softphone.media.quality import CallQuality as CallQuality


class By(enum.StrEnum):
    LOCAL = "local"
    REMOTE = "remote"


class DtmfMethod(enum.StrEnum):
    AUTO = "auto"  # RFC 4733 when the far end offered telephone-event, else INFO
    INFO = "info"  # SIP INFO application/dtmf-relay
    RFC4733 = "rfc4733"  # RTP telephone-event


@dataclass(frozen=True, slots=True)
class Registered:
    expires: int
    refresh: bool


@dataclass(frozen=True, slots=True)
class RegistrationFailed:
    reason: str
    code: int | None = None
    will_retry: bool = False


@dataclass(frozen=True, slots=True)
class Unregistered:
    reason: str


@dataclass(frozen=True, slots=True)
class ConnectionChanged:
    """The SIP WebSocket went up or down (``error`` says why it went down)."""

    connected: bool
    url: str | None
    error: str | None = None
    retry_in: float | None = None


@dataclass(frozen=True, slots=True)
class IncomingCall:
    call: str
    caller: str  # the caller's URI
    display_name: str | None
    auto_answer_in_ms: int | None  # None: waits for answer()


@dataclass(frozen=True, slots=True)
class CallRefused:
    """An INVITE that came while a call was up, refused at once (486) without ringing."""

    call: str
    caller: str  # the caller's URI
    display_name: str | None
    code: int
    reason: str


@dataclass(frozen=True, slots=True)
class CallRinging:
    """Our outgoing call rings at the far end (180/183)."""

    call: str
    code: int


@dataclass(frozen=True, slots=True)
class Answered:
    """The call is connected (we answered, or the far end answered our call)."""

    call: str
    outgoing: bool


@dataclass(frozen=True, slots=True)
class MediaStarted:
    call: str
    codec: str  # e.g. "opus/48000", "PCMA/8000"


@dataclass(frozen=True, slots=True)
class DtmfReceived:
    call: str
    digit: str
    method: DtmfMethod


@dataclass(frozen=True, slots=True)
class Held:
    call: str
    by: By


@dataclass(frozen=True, slots=True)
class Unheld:
    call: str
    by: By


@dataclass(frozen=True, slots=True)
class CallEnded:
    call: str
    cause: str  # softphone.sip.events.EndCause value, or "media-failed", "no-audio-device"
    by: By
    code: int | None = None
    reason: str = ""
    quality: CallQuality | None = None  # how it sounded; None if media never started


@dataclass(frozen=True, slots=True)
class CallQualityChanged:
    """How the call sounds so far (loss, jitter, concealment, round trip, estimated MOS).

    Every few seconds while the call's media is connected: for a quality
    indicator, and the last one (or ``CallEnded.quality``) for the history.
    """

    call: str
    quality: CallQuality


@dataclass(frozen=True, slots=True)
class AudioDeviceStalled:
    """A sound device stopped mid-call (unplugged?), or works again.

    While the microphone is stalled the far end hears silence (RTP keeps
    flowing, so the PBX does not drop the call); while the speaker is, the
    agent hears nothing.
    """

    call: str | None
    device: str  # "microphone" or "speaker"
    stalled: bool

    @property
    def message(self) -> str:
        microphone = self.device == "microphone"
        if not self.stalled:
            return Sentence(S.MICROPHONE_BACK if microphone else S.SPEAKER_BACK)
        return Sentence(S.MICROPHONE_STOPPED if microphone else S.SPEAKER_STOPPED)


@dataclass(frozen=True, slots=True)
class PhoneError:
    """Something the user should read; never a traceback."""

    message: str
    call: str | None = None


PhoneEvent = (
    Registered
    | RegistrationFailed
    | Unregistered
    | ConnectionChanged
    | IncomingCall
    | CallRefused
    | CallRinging
    | Answered
    | MediaStarted
    | DtmfReceived
    | Held
    | Unheld
    | CallEnded
    | CallQualityChanged
    | AudioDeviceStalled
    | PhoneError
)
