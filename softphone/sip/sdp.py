"""A small SDP (RFC 4566) model: enough to read an offer, and to rewrite it
for hold / unhold without losing a single line the media stack put in.

The media layer (aiortc) owns SDP generation; the SIP core only needs to
look inside (direction, codecs, telephone-event, connection address) and to
change the direction of an offer or answer. So a description keeps every
line in order as ``(type, value)`` and exposes typed views; serialising an
unchanged description gives back the same lines.

Public API
==========

``parse_sdp(data: str | bytes) -> SessionDescription``
    Raises ``SipParseError`` when it is not SDP: missing/misplaced ``v=``,
    ``o=`` or ``s=``, a line that is not ``<letter>=<value>``, a bad ``m=``,
    ``c=`` or ``o=`` line, a bad rtpmap, too many lines.

``SessionDescription``  (frozen)
    ``.session`` — the session-level lines; ``.media`` — tuple of
    ``MediaSection``; ``.origin`` (``Origin``), ``.connection``
    (``Connection | None``), ``.attributes(name)``, ``str(sdp)`` /
    ``.to_bytes()`` (CRLF line ends), ``.with_session_version(n)``.

``MediaSection``  (frozen)
    ``.kind`` ("audio"), ``.port``, ``.port_count``, ``.proto``,
    ``.formats`` (payload types as strings), ``.lines`` (the lines after
    ``m=``), ``.connection``, ``.attributes(name)``, ``.attribute(name)``.

``Direction``  (enum: SENDRECV, SENDONLY, RECVONLY, INACTIVE)
    ``.reversed()`` gives the answer's direction for an offer's.

``direction(sdp, index=None) -> Direction``
    The direction of media section ``index`` (default: the first audio one,
    else the first): media-level attribute, else session-level, else
    sendrecv. A connection address of 0.0.0.0 (RFC 2543 hold, RFC 3264
    §8.4) takes away our receiving: sendrecv → sendonly, recvonly → inactive.

``with_direction(sdp, d) -> SessionDescription``
    A copy with every direction attribute removed and ``a=<d>`` set on each
    active media section (port ≠ 0).

``codecs(sdp, kind="audio") -> list[Codec]``
    The formats of the first ``kind`` section in offer order, with rtpmap
    and fmtp applied (static payload types 0, 3, 4, 8, 9, 13, 18 known;
    ``clock_rate`` 0 when an rtpmap omits it).

``telephone_event(sdp) -> Codec | None``
    The RFC 4733 ``telephone-event`` format of the first audio section.

``audio_offer(data: str | bytes) -> AudioOffer``
    What the media layer acts on, read from the first audio section:
    ``.direction`` (as ``direction()``: the far end's view, c=0.0.0.0 folded
    in), ``.is_hold`` and ``.codecs`` as (name, clock rate, payload type) in
    SDP order. ``SipParseError`` also when there is no audio section, it is
    rejected (port 0), or a format is not an RTP payload type.

``as_answer(sdp: str, *, we_are_dtls_client: bool) -> str``
    An old offer of the far end's re-read as its answer to our offer
    (``a=setup:actpass`` becomes the role it already has, RFC 5763 §5).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from softphone.sip.errors import LocalProtocolError, SipParseError

__all__ = [
    "AudioOffer",
    "Codec",
    "Connection",
    "Direction",
    "MediaSection",
    "Origin",
    "SessionDescription",
    "as_answer",
    "audio_offer",
    "codecs",
    "direction",
    "parse_sdp",
    "telephone_event",
    "with_direction",
]

MAX_LINES = 2000
Line = tuple[str, str]


class Direction(enum.Enum):
    SENDRECV = "sendrecv"
    SENDONLY = "sendonly"
    RECVONLY = "recvonly"
    INACTIVE = "inactive"

    def reversed(self) -> Direction:
        """The direction an answer takes for this offered one (RFC 3264 §6.1)."""
        return _REVERSED[self]


_REVERSED = {
    Direction.SENDRECV: Direction.SENDRECV,
    Direction.SENDONLY: Direction.RECVONLY,
    Direction.RECVONLY: Direction.SENDONLY,
    Direction.INACTIVE: Direction.INACTIVE,
}
_DIRECTIONS = frozenset(d.value for d in Direction)


@dataclass(frozen=True, slots=True)
class Origin:
    username: str
    session_id: str
    session_version: int
    net_type: str
    addr_type: str
    address: str

    def __str__(self) -> str:
        return (
            f"{self.username} {self.session_id} {self.session_version} "
            f"{self.net_type} {self.addr_type} {self.address}"
        )


@dataclass(frozen=True, slots=True)
class Connection:
    net_type: str
    addr_type: str
    address: str

    @property
    def is_hold_address(self) -> bool:
        return self.address.split("/", 1)[0] in ("0.0.0.0", "::")


@dataclass(frozen=True, slots=True)
class Codec:
    payload_type: int
    name: str
    clock_rate: int
    channels: int = 1
    fmtp: str | None = None


# RFC 3551 static payload types a peer may offer without an rtpmap.
_STATIC = {
    0: ("PCMU", 8000),
    3: ("GSM", 8000),
    4: ("G723", 8000),
    8: ("PCMA", 8000),
    9: ("G722", 8000),
    13: ("CN", 8000),
    18: ("G729", 8000),
}


def _attributes(lines: tuple[Line, ...], name: str) -> list[str | None]:
    """Values of ``a=name[:value]`` lines (None for a property attribute)."""
    out: list[str | None] = []
    for kind, value in lines:
        if kind != "a":
            continue
        attr, colon, rest = value.partition(":")
        if attr == name:
            out.append(rest if colon else None)
    return out


def _connection(lines: tuple[Line, ...]) -> Connection | None:
    for kind, value in lines:
        if kind == "c":
            return _parse_connection(value)
    return None


@dataclass(frozen=True, slots=True)
class MediaSection:
    kind: str
    port: int
    proto: str
    formats: tuple[str, ...]
    port_count: int | None = None
    lines: tuple[Line, ...] = ()

    @property
    def m_line(self) -> str:
        port = f"{self.port}/{self.port_count}" if self.port_count is not None else str(self.port)
        return " ".join([self.kind, port, self.proto, *self.formats])

    @property
    def connection(self) -> Connection | None:
        return _connection(self.lines)

    def attributes(self, name: str) -> list[str | None]:
        return _attributes(self.lines, name)

    def attribute(self, name: str) -> str | None:
        """The first ``a=name:value``'s value (None if absent or valueless)."""
        values = self.attributes(name)
        return values[0] if values else None

    def has_attribute(self, name: str) -> bool:
        return bool(self.attributes(name))


@dataclass(frozen=True, slots=True)
class SessionDescription:
    session: tuple[Line, ...]
    media: tuple[MediaSection, ...] = ()

    @property
    def origin(self) -> Origin:
        for kind, value in self.session:
            if kind == "o":
                return _parse_origin(value)
        raise SipParseError("SDP without o=")  # parse_sdp guarantees one

    @property
    def connection(self) -> Connection | None:
        return _connection(self.session)

    def attributes(self, name: str) -> list[str | None]:
        return _attributes(self.session, name)

    def lines(self) -> list[Line]:
        out = list(self.session)
        for media in self.media:
            out.append(("m", media.m_line))
            out.extend(media.lines)
        return out

    def __str__(self) -> str:
        return "".join(f"{kind}={value}\r\n" for kind, value in self.lines())

    def to_bytes(self) -> bytes:
        return str(self).encode("utf-8")

    def with_session_version(self, version: int) -> SessionDescription:
        """A copy with ``o=``'s version set (RFC 3264 §8: bump on change)."""
        origin = replace(self.origin, session_version=version)
        session = tuple(("o", str(origin)) if k == "o" else (k, v) for k, v in self.session)
        return replace(self, session=session)


def parse_sdp(data: str | bytes) -> SessionDescription:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SipParseError("SDP is not UTF-8") from exc
    raw_lines = data.replace("\r\n", "\n").split("\n")
    while raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    if len(raw_lines) > MAX_LINES:
        raise SipParseError("SDP has too many lines")
    lines: list[Line] = []
    for raw in raw_lines:
        if len(raw) < 2 or raw[1] != "=" or not ("a" <= raw[0] <= "z"):
            raise SipParseError(f"bad SDP line {raw[:40]!r}")
        if "\r" in raw or "\x00" in raw:
            raise SipParseError("control character in SDP")
        lines.append((raw[0], raw[2:]))
    if not lines or lines[0] != ("v", "0"):
        raise SipParseError("SDP must start with v=0")
    session: list[Line] = []
    media: list[MediaSection] = []
    current: tuple[str, int, int | None, str, tuple[str, ...]] | None = None
    current_lines: list[Line] = []

    def close() -> None:
        if current is not None:
            kind, port, count, proto, formats = current
            media.append(MediaSection(kind, port, proto, formats, count, tuple(current_lines)))

    for kind, value in lines:
        if kind == "m":
            close()
            current = _parse_m_line(value)
            current_lines = []
        elif current is None:
            session.append((kind, value))
        else:
            current_lines.append((kind, value))
    close()
    _validate_session(session)
    result = SessionDescription(tuple(session), tuple(media))
    for section in result.media:
        _validate_media(section)
    return result


def _validate_session(session: list[Line]) -> None:
    kinds = [k for k, _ in session]
    if kinds[:3] != ["v", "o", "s"]:
        raise SipParseError("SDP must begin with v=, o=, s=")
    for kind, value in session:
        if kind == "o":
            _parse_origin(value)
        elif kind == "c":
            _parse_connection(value)
        elif kind == "v" and value != "0":
            raise SipParseError("more than one v= line")


def _validate_media(section: MediaSection) -> None:
    for kind, value in section.lines:
        if kind == "c":
            _parse_connection(value)
        elif kind in ("v", "o", "s", "t", "z", "r"):
            raise SipParseError(f"session-level {kind}= inside a media section")
    for rtpmap in section.attributes("rtpmap"):
        if rtpmap is None:
            raise SipParseError("rtpmap without a value")
        _parse_rtpmap(rtpmap)


def _parse_m_line(value: str) -> tuple[str, int, int | None, str, tuple[str, ...]]:
    parts = value.split(" ")
    if len(parts) < 4 or not all(parts):
        raise SipParseError(f"bad m= line {value[:60]!r}")
    kind, port_text, proto, *formats = parts
    port_text, slash, count_text = port_text.partition("/")
    port = _number(port_text, 65535, "m= port")
    count = _number(count_text, 65535, "m= port count") if slash else None
    return kind, port, count, proto, tuple(formats)


def _number(text: str, maximum: int, what: str) -> int:
    too_long = len(text) > len(str(maximum))  # before int(): no huge conversions
    if not text.isdigit() or not text.isascii() or too_long or int(text) > maximum:
        raise SipParseError(f"bad {what} {text[:20]!r}")
    return int(text)


def _parse_origin(value: str) -> Origin:
    parts = value.split(" ")
    if len(parts) != 6 or not all(parts):
        raise SipParseError(f"bad o= line {value[:60]!r}")
    username, sess_id, version, net_type, addr_type, address = parts
    return Origin(
        username,
        sess_id,
        _number(version, 2**64 - 1, "o= version"),
        net_type,
        addr_type,
        address,
    )


def _parse_connection(value: str) -> Connection:
    parts = value.split(" ")
    if len(parts) != 3 or not all(parts):
        raise SipParseError(f"bad c= line {value[:60]!r}")
    return Connection(*parts)


def _parse_rtpmap(value: str) -> tuple[int, str, int, int]:
    pt_text, _, encoding = value.partition(" ")
    name, _, rest = encoding.strip().partition("/")
    rate_text, slash, channels_text = rest.partition("/")
    if not name:
        raise SipParseError(f"bad rtpmap {value[:40]!r}")
    pt = _number(pt_text, 127, "rtpmap payload type")
    # RFC 4566 wants a clock rate, but real peers (and every RFC 4475 body:
    # "a=rtpmap:31 LPC") omit it; 0 stands for "not given".
    rate = _number(rate_text, 10**7, "rtpmap clock rate") if rest else 0
    channels = _number(channels_text, 255, "rtpmap channels") if slash else 1
    return pt, name, rate, channels


def _audio_or_first(sdp: SessionDescription, index: int | None) -> MediaSection | None:
    if index is not None:
        if not 0 <= index < len(sdp.media):
            raise LocalProtocolError(f"no media section {index}")
        return sdp.media[index]
    for section in sdp.media:
        if section.kind == "audio":
            return section
    return sdp.media[0] if sdp.media else None


def direction(sdp: SessionDescription, index: int | None = None) -> Direction:
    section = _audio_or_first(sdp, index)
    found: Direction | None = None
    if section is not None:
        found = _direction_in(section.lines)
    if found is None:
        found = _direction_in(sdp.session)
    result = found or Direction.SENDRECV
    connection = (section.connection if section is not None else None) or sdp.connection
    if connection is not None and connection.is_hold_address:
        if result is Direction.SENDRECV:
            return Direction.SENDONLY
        if result is Direction.RECVONLY:
            return Direction.INACTIVE
    return result


def _direction_in(lines: tuple[Line, ...]) -> Direction | None:
    for kind, value in lines:
        if kind == "a" and value in _DIRECTIONS:
            return Direction(value)
    return None


def with_direction(sdp: SessionDescription, new: Direction) -> SessionDescription:
    def strip(lines: tuple[Line, ...]) -> tuple[Line, ...]:
        return tuple((k, v) for k, v in lines if not (k == "a" and v in _DIRECTIONS))

    media = tuple(
        replace(m, lines=strip(m.lines) + ((("a", new.value),) if m.port != 0 else ()))
        for m in sdp.media
    )
    return SessionDescription(strip(sdp.session), media)


def codecs(sdp: SessionDescription, kind: str = "audio") -> list[Codec]:
    section = next((m for m in sdp.media if m.kind == kind), None)
    if section is None:
        return []
    maps: dict[int, tuple[str, int, int]] = {}
    for value in section.attributes("rtpmap"):
        if value is not None:
            pt, name, rate, channels = _parse_rtpmap(value)
            maps.setdefault(pt, (name, rate, channels))
    fmtps: dict[str, str] = {}
    for value in section.attributes("fmtp"):
        if value is not None:
            pt_text, _, params = value.partition(" ")
            fmtps.setdefault(pt_text, params.strip())
    out: list[Codec] = []
    for fmt in section.formats:
        if not fmt.isdigit() or not fmt.isascii() or int(fmt) > 127:
            continue  # not an RTP payload type (e.g. "webrtc-datachannel")
        pt = int(fmt)
        if pt in maps:
            name, rate, channels = maps[pt]
        elif pt in _STATIC:
            (name, rate), channels = _STATIC[pt], 1
        else:
            continue  # dynamic type without rtpmap: unusable
        out.append(Codec(pt, name, rate, channels, fmtps.get(fmt)))
    return out


def telephone_event(sdp: SessionDescription) -> Codec | None:
    for codec in codecs(sdp):
        if codec.name.lower() == "telephone-event":
            return codec
    return None


@dataclass(frozen=True, slots=True)
class AudioOffer:
    """The facts of the first audio section that a media session acts on."""

    direction: Direction  # the far end's view: SENDONLY = it sends, we only receive
    codecs: tuple[tuple[str, int, int], ...]  # (name, clock rate, payload type), in SDP order

    @property
    def is_hold(self) -> bool:
        """The far end puts us on hold: it will not receive our audio (RFC 3264 §8.4)."""
        return self.direction in (Direction.SENDONLY, Direction.INACTIVE)


def audio_offer(data: str | bytes) -> AudioOffer:
    sdp = parse_sdp(data)
    index = next((i for i, m in enumerate(sdp.media) if m.kind == "audio"), None)
    if index is None:
        raise SipParseError("SDP has no audio section")
    section = sdp.media[index]
    if section.port == 0:
        raise SipParseError("the audio section is rejected (port 0)")
    bad = [f for f in section.formats if not (f.isascii() and f.isdigit() and int(f) <= 127)]
    if bad:
        raise SipParseError(f"not an RTP payload type in the audio section: {bad[0][:20]!r}")
    found = tuple((c.name, c.clock_rate, c.payload_type) for c in codecs(sdp))
    return AudioOffer(direction(sdp, index), found)


def as_answer(offer: str, *, we_are_dtls_client: bool) -> str:
    """The far end's old offer, read as an answer to an offer of ours.

    For a media session that rolls back a refused offer by re-applying the
    session in use: only what an answer may not say changes —
    ``a=setup:actpass`` becomes the DTLS role the far end already has.
    """
    role = "passive" if we_are_dtls_client else "active"
    return offer.replace("a=setup:actpass", f"a=setup:{role}")
