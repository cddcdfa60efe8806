"""Media settings that come from the user's configuration."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

_CODEC = re.compile(r"^(?P<name>[A-Za-z0-9-]+)/(?P<rate>[0-9]+)$")


class HoldDirection(StrEnum):
    """What our re-INVITE offer says when we put the far end on hold."""

    SENDONLY = "sendonly"  # RFC 3264 section 8.4: the usual hold, the held party may hear music
    INACTIVE = "inactive"  # no media either way


@dataclass(frozen=True)
class IceServer:
    """A STUN or TURN server (``stun:host:port``, ``turn:host:port?transport=udp``)."""

    urls: str
    username: str | None = None
    credential: str | None = None


@dataclass(frozen=True)
class JitterConfig:
    """Receive-side reordering, see ``softphone.media.jitter``.

    The receive path hands every in-order packet on at once and waits for a
    missing one only while fewer than ``window`` later packets have arrived
    (and at most ``max_wait_ms``); the window grows by itself up to
    ``max_window`` when packets turn up after they were given up for lost.
    ``enabled=False`` keeps aiortc's stock buffer (4 packets = 80 ms, for
    comparison in the benchmark).

    Opus and G.722 packets are put in order *before* decoding on purpose,
    although the playout buffer behind the decoder places frames by
    timestamp too: their decoders (MDCT overlap, ADPCM) carry state from one
    frame to the next, and frames fed to them out of order come out damaged
    (measured with FFmpeg's streaming resampler after G.711, which had the
    same flaw: PESQ 1.8 instead of 3.4 at 40 ms of reordering jitter). The
    wait this costs shows up as lateness in the playout buffer, whose target
    covers it.

    G.711 skips this stage: it is memoryless, and its frames are converted
    to the card's rate one at a time (``resample.FrameResampler``), so each
    packet goes to the playout buffer the moment it arrives, in any order.
    After a loss the reorder stage held the next packet ~20 ms, which was
    concealed on top of the lost packet and read as lateness that raised the
    playout delay. Measured through real calls (``bench/call_quality.py
    --reordered``, 5 calls, one run, PESQ NB, one-way ms): 5 % loss 2.77 [72]
    → 3.16 [54] (Chromium 2.82 [71]), 3 % 3.15 [73] → 3.15 [55] (2.95 [81]),
    40 ms jitter 3.99 [91] both (3.85 [132]).
    ``reorder_memoryless=True`` puts G.711 back through the stage (for
    comparison in the benchmarks).
    """

    enabled: bool = True
    window: int = 1
    max_window: int = 4
    max_wait_ms: int = 60
    reorder_memoryless: bool = False


class OpusApplication(StrEnum):
    """libopus's tuning: ``voip`` favours intelligibility, ``audio`` fidelity."""

    VOIP = "voip"
    AUDIO = "audio"


@dataclass(frozen=True)
class OpusConfig:
    """How we encode Opus, chosen by measurement (``bench/opus_settings.py``).

    Mono 56 kbit/s VBR, VoIP tuning, complexity 10 scores P.862.2 WB 4.49
    (English) / 4.34 (Russian) on espeak-ng speech, against 4.16 / 3.91 for
    the earlier 32 kbit/s, for +12 µs per 20 ms frame (+0.06 % of a core):
    libopus's cost follows complexity, not bitrate. Lower complexity saves
    CPU but loses a PESQ point at 0–3. ``fec`` adds in-band FEC (LBRR) for
    ``packet_loss_percent`` of expected loss; it costs ~+90 µs a frame
    (+0.45 % of a core) and only helps a far end that decodes it, so it is
    off by default. PyAV opens libopus once with these options and cannot
    change them while it runs, so the loss figure is a setting, not fed from
    RTCP. DTX is not offered: the libopus wrapper in PyAV's FFmpeg ignores it.
    """

    bitrate: int = 56000
    application: OpusApplication = OpusApplication.VOIP
    complexity: int = 10
    fec: bool = False
    packet_loss_percent: int = 0

    def __post_init__(self) -> None:
        if not 6000 <= self.bitrate <= 510000:
            raise ValueError(f"Opus bitrate {self.bitrate} is outside 6000..510000 bit/s")
        if not 0 <= self.complexity <= 10:
            raise ValueError(f"Opus complexity {self.complexity} is outside 0..10")
        if not 0 <= self.packet_loss_percent <= 100:
            raise ValueError(f"packet loss {self.packet_loss_percent} % is outside 0..100")

    def encoder_options(self) -> dict[str, str]:
        """The options for FFmpeg's libopus encoder (``CodecContext.options``)."""
        return {
            "application": self.application.value,
            "compression_level": str(self.complexity),
            "vbr": "on",
            "fec": "1" if self.fec else "0",
            "packet_loss": str(self.packet_loss_percent),
        }


@dataclass(frozen=True)
class MicProcessingConfig:
    """What the microphone's audio goes through (``softphone.media.mic_processing``).

    Noise suppression and automatic gain are on by default: agents work in
    loud rooms with headsets of every make. Echo cancellation is for an agent
    on speakers instead of a headset (with a headset there is no echo to
    remove, and AEC costs CPU and can clip the start of double talk).
    """

    noise_suppression: bool = True
    auto_gain: bool = True
    echo_cancellation: bool = False
    high_pass: bool = True


@dataclass(frozen=True)
class MediaConfig:
    """Per-call media settings.

    ``ice_servers`` is empty by default on purpose: aiortc falls back to a
    public Google STUN server when given none, which leaks the agent's
    address and stalls gathering for up to 5 s on a closed network.
    ``codecs`` is our preference order as ``name/clockrate``; the first one
    the far end also supports is used. ``telephone_event`` offers and
    accepts RFC 4733 DTMF.
    """

    ice_servers: tuple[IceServer, ...] = ()
    codecs: tuple[str, ...] = ("opus/48000", "PCMA/8000", "PCMU/8000")
    telephone_event: bool = True
    hold_direction: HoldDirection = HoldDirection.SENDONLY
    jitter: JitterConfig = field(default_factory=JitterConfig)
    quality_period_s: float = 5.0
    """How often a connected call reports its quality (``session.QualityReport``)."""
    opus: OpusConfig = field(default_factory=OpusConfig)
    mic: MicProcessingConfig = field(default_factory=MicProcessingConfig)

    def __post_init__(self) -> None:
        if not self.codecs:
            raise ValueError("at least one codec is needed")
        for codec in self.codecs:
            parse_codec_name(codec)


SUPPORTED_CODECS = ("opus/48000", "PCMA/8000", "PCMU/8000", "G722/8000")


def parse_codec_name(codec: str) -> tuple[str, int]:
    """``"opus/48000"`` -> ``("opus", 48000)``; ValueError for unknown or malformed names."""
    match = _CODEC.match(codec.strip())
    if match is None:
        raise ValueError(f"codec {codec!r} is not of the form name/clockrate, e.g. PCMA/8000")
    name, rate = match["name"], int(match["rate"])
    known = {c.lower() for c in SUPPORTED_CODECS}
    if f"{name}/{rate}".lower() not in known:
        choices = ", ".join(SUPPORTED_CODECS)
        raise ValueError(f"codec {codec!r} is not supported (choose from {choices})")
    return name, rate
