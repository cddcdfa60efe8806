"""Which of aiortc's private names the installed aiortc still has, checked on real objects.

Each ``Piece`` is one thing we change inside aiortc, the private names it
needs, and what the call does without it. ``check`` looks at a real
transceiver (mangled ``__`` attributes exist only on instances, so a class
cannot tell), logs one warning per missing piece per process, and returns
a ``Support`` that ``attach`` consults before touching anything: a missing
name costs a speed-up or a feature, never the call's audio.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiortc
import aiortc.codecs
import aiortc.rtcrtpreceiver
import aiortc.rtcrtpsender
import aiortc.rtp
from aiortc import RTCPeerConnection
from aiortc.codecs.opus import OpusDecoder, OpusEncoder
from aiortc.rtcrtpreceiver import RemoteStreamTrack

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Piece:
    """One change we make inside aiortc: ``gives`` is lost and ``fallback`` happens without it."""

    key: str
    names: tuple[str, ...]
    gives: str
    fallback: str


AUDIO_LEVEL = Piece(
    "audio-level",
    ("aiortc.rtp.compute_audio_level_dbov",),
    "the numpy RFC 6465 audio level",
    "aiortc's per-sample Python loop (more CPU)",
)
VOICE_CODECS = Piece(
    "voice-codecs",
    (
        "aiortc.rtcrtpsender.get_encoder",
        "aiortc.rtcrtpreceiver.get_decoder",
        "OpusEncoder.codec",
        "OpusEncoder.resampler",
        "OpusDecoder.codec",
    ),
    "mono voice Opus with OpusConfig's settings",
    "aiortc's stereo 96 kbit/s Opus",
)
CODEC_TABLE = Piece(
    "codec-table",
    ("aiortc.codecs.CODECS",),
    "telephone-event in our SDP",
    "no RFC 4733 events: the phone sends DTMF as SIP INFO",
)
INLINE_ENCODE = Piece(
    "inline-encode",
    ("RTCRtpSender._RTCRtpSender__loop",),
    "encoding on the event loop",
    "aiortc encodes in its executor thread (more CPU)",
)
INLINE_DECODE = Piece(
    "inline-decode",
    (
        "RTCRtpReceiver._RTCRtpReceiver__decoder_queue",
        "RTCRtpReceiver._RTCRtpReceiver__decoder_error",
        "RTCRtpReceiver._track",
        "RemoteStreamTrack._queue",
    ),
    "decoding on the event loop",
    "aiortc decodes in its decoder thread (more CPU)",
)
RECEIVE_TAP = Piece(
    "receive-tap",
    ("RTCRtpReceiver._handle_rtp_packet", "RTCRtpReceiver._enabled"),
    "the reorder buffer and received RFC 4733 digits",
    "aiortc's receive path; no RFC 4733 events are negotiated",
)
JITTER = Piece(
    "jitter",
    ("RTCRtpReceiver._RTCRtpReceiver__jitter_buffer",),
    "the low-latency reorder buffer",
    "aiortc's jitter buffer (80 ms more delay)",
)
SEND_TAP = Piece(
    "send-tap",
    ("RTCDtlsTransport._send_rtp", "RTCRtpSender._ssrc"),
    "sent RFC 4733 digits and one RTP marker per talkspurt",
    "DTMF as SIP INFO; aiortc sets the marker on every packet",
)
NEGOTIATED_CODECS = Piece(
    "negotiated-codecs",
    ("RTCRtpTransceiver._codecs",),
    "the negotiated codecs straight from aiortc",
    "the codecs read back from the session descriptions",
)
DTLS_ROLE = Piece(
    "dtls-role",
    ("RTCDtlsTransport._role",),
    "our DTLS role straight from aiortc",
    "the role read back from the session descriptions' a=setup",
)
CONSENT_END = Piece(
    "consent-end",
    ("RTCIceTransport._connection", "Connection.query_consent", "Connection._query_consent_task"),
    "aioice's consent checks ending with the call",
    "a call closed while ICE was finishing may leave an idle consent-check task behind",
)

PIECES = (
    AUDIO_LEVEL,
    VOICE_CODECS,
    CODEC_TABLE,
    INLINE_ENCODE,
    INLINE_DECODE,
    RECEIVE_TAP,
    JITTER,
    SEND_TAP,
    NEGOTIATED_CODECS,
    DTLS_ROLE,
    CONSENT_END,
)

_NEEDS: Mapping[Piece, tuple[Piece, ...]] = {JITTER: (RECEIVE_TAP,)}
"""The stock jitter buffer cannot be swapped out without the reorder buffer in front of it."""


@dataclass(frozen=True)
class Support:
    """What the installed aiortc allows: for each missing piece, the names it lacks."""

    missing: Mapping[Piece, tuple[str, ...]]

    def has(self, piece: Piece) -> bool:
        return piece not in self.missing and all(self.has(p) for p in _NEEDS.get(piece, ()))

    @property
    def rtp_dtmf(self) -> bool:
        """RFC 4733 both ways: negotiated, tapped on receive, rewritten on send."""
        return all(self.has(p) for p in (CODEC_TABLE, RECEIVE_TAP, SEND_TAP))

    @property
    def complete(self) -> bool:
        return not self.missing


def aiortc_version() -> str:
    """aiortc's own ``__version__``: importlib.metadata would load ~15 modules for one warning."""
    return str(getattr(aiortc, "__version__", "unknown"))


def _own(obj: Any, name: str, kind: type | None = None) -> bool:
    """An instance attribute aiortc set in ``__init__`` (of type ``kind`` if given).

    Instance state is looked for on the instance itself: what we replace
    there would only shadow a class attribute of the same name.
    """
    attributes = getattr(obj, "__dict__", {})
    return name in attributes and (kind is None or isinstance(attributes[name], kind))


def _voice_codecs_fit() -> bool:
    try:
        encoder, decoder = OpusEncoder(), OpusDecoder()
    except Exception:
        return False
    return all(hasattr(encoder, n) for n in ("codec", "resampler")) and hasattr(decoder, "codec")


def _process_wide() -> dict[Piece, list[str]]:
    """Module-level names, the same for every call."""
    found: dict[Piece, list[str]] = {}

    def need(piece: Piece, name: str, present: bool) -> None:
        if not present:
            found.setdefault(piece, []).append(name)

    level = getattr(aiortc.rtp, "compute_audio_level_dbov", None)
    need(AUDIO_LEVEL, AUDIO_LEVEL.names[0], callable(level))
    encoder = getattr(aiortc.rtcrtpsender, "get_encoder", None)
    need(VOICE_CODECS, VOICE_CODECS.names[0], callable(encoder))
    decoder = getattr(aiortc.rtcrtpreceiver, "get_decoder", None)
    need(VOICE_CODECS, VOICE_CODECS.names[1], callable(decoder))
    if not _voice_codecs_fit():
        found.setdefault(VOICE_CODECS, []).extend(VOICE_CODECS.names[2:])
    track_queue = getattr(RemoteStreamTrack("audio"), "_queue", None)
    need(INLINE_DECODE, INLINE_DECODE.names[3], isinstance(track_queue, asyncio.Queue))
    table = getattr(aiortc.codecs, "CODECS", None)
    need(
        CODEC_TABLE,
        CODEC_TABLE.names[0],
        isinstance(table, dict) and isinstance(table.get("audio"), list),
    )
    return found


def _per_call(transceiver: Any) -> dict[Piece, list[str]]:
    """Instance names, checked on the call's own sender, receiver and transports."""
    found: dict[Piece, list[str]] = {}

    def need(piece: Piece, name: str, present: bool) -> None:
        if not present:
            found.setdefault(piece, []).append(name)

    sender, receiver = transceiver.sender, transceiver.receiver
    need(INLINE_ENCODE, INLINE_ENCODE.names[0], _own(sender, "_RTCRtpSender__loop"))
    need(INLINE_DECODE, INLINE_DECODE.names[0], _own(receiver, "_RTCRtpReceiver__decoder_queue"))
    need(INLINE_DECODE, INLINE_DECODE.names[1], _own(receiver, "_RTCRtpReceiver__decoder_error"))
    need(INLINE_DECODE, INLINE_DECODE.names[2], _own(receiver, "_track"))  # None until negotiated
    handler = getattr(receiver, "_handle_rtp_packet", None)
    need(RECEIVE_TAP, RECEIVE_TAP.names[0], callable(handler))
    need(RECEIVE_TAP, RECEIVE_TAP.names[1], _own(receiver, "_enabled", bool))
    need(JITTER, JITTER.names[0], _own(receiver, "_RTCRtpReceiver__jitter_buffer"))
    send_rtp = getattr(sender.transport, "_send_rtp", None)
    need(SEND_TAP, SEND_TAP.names[0], callable(send_rtp))
    need(SEND_TAP, SEND_TAP.names[1], _own(sender, "_ssrc", int))
    need(NEGOTIATED_CODECS, NEGOTIATED_CODECS.names[0], _own(transceiver, "_codecs", list))
    need(DTLS_ROLE, DTLS_ROLE.names[0], _own(receiver.transport, "_role", str))
    connection = getattr(getattr(receiver.transport, "transport", None), "__dict__", {}).get(
        "_connection"
    )
    need(CONSENT_END, CONSENT_END.names[0], connection is not None)
    if connection is not None:
        need(
            CONSENT_END, CONSENT_END.names[1], callable(getattr(connection, "query_consent", None))
        )
        need(CONSENT_END, CONSENT_END.names[2], _own(connection, "_query_consent_task"))
    return found


_process_missing: dict[Piece, list[str]] | None = None
_warned: set[Piece] = set()


def check(transceiver: Any) -> Support:
    """What of our changes this call's aiortc objects allow; warns once per missing piece."""
    global _process_missing
    if _process_missing is None:
        _process_missing = _process_wide()
    return _warn({p: tuple(n) for p, n in {**_process_missing, **_per_call(transceiver)}.items()})


def process_support() -> Support:
    """The module-level pieces only (no call needed): for the codec and level swaps."""
    global _process_missing
    if _process_missing is None:
        _process_missing = _process_wide()
    return _warn({p: tuple(n) for p, n in _process_missing.items()})


def _warn(missing: dict[Piece, tuple[str, ...]]) -> Support:
    for piece in PIECES:
        if piece in missing and piece not in _warned:
            _warned.add(piece)
            logger.warning(
                "aiortc %s has no %s: %s is off; %s",
                aiortc_version(),
                ", ".join(missing[piece]),
                piece.gives,
                piece.fallback,
            )
    return Support(missing)


async def verify() -> Support:
    """Check every piece on a throwaway peer connection of the installed aiortc.

    What a test or an aiortc upgrade runs (see the package docstring); each
    call checks its own objects in ``attach``.
    """
    pc = RTCPeerConnection()
    try:
        return check(pc.addTransceiver("audio", direction="sendrecv"))
    finally:
        await pc.close()


def forget_warnings() -> None:
    """Tests: let the next ``check`` warn (and re-read module names) again."""
    global _process_missing
    _process_missing = None
    _warned.clear()
