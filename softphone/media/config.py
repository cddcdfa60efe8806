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

    The defaults wait for nothing and pass late packets on (``pass_late``):
    the adaptive playout buffer behind the decoder orders frames by their
    timestamp, conceals the missing ones and drops what comes after its time,
    so waiting here would only add delay. ``window=1, max_window=4,
    pass_late=False`` is the receive path before it.
    """

    enabled: bool = True
    window: int = 0
    max_window: int = 0
    max_wait_ms: int = 60
    pass_late: bool = True


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
