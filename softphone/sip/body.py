"""Message bodies: multipart (RFC 2046 §5.1, RFC 5621) and finding the SDP.

An INVITE may carry its offer inside ``multipart/mixed`` (next to, say, an
ISUP or XML part) or ``multipart/alternative``; the call logic just wants
"the SDP of this message". Parts keep their own headers and exact bytes
(binary parts included — RFC 4475 §3.1.1.11 has an S/MIME one).

Public API
==========

``parse_multipart(body: bytes, content_type: ContentType) -> list[BodyPart]``
    Split a ``multipart/*`` body at its ``boundary``. Preamble and epilogue
    are ignored. Raises ``SipParseError`` without a boundary parameter, when
    the body has no delimiter or no close delimiter, when a part's headers
    are malformed, or past ``MAX_PARTS``.

``BodyPart(headers: Headers, body: bytes)``  (frozen)
    ``.content_type`` (``ContentType``; a part without one is
    ``text/plain``, RFC 2046 §5.1), ``.disposition`` (the
    Content-Disposition type, lower case, or None).

``find_part(body, content_type, mime) -> BodyPart | None``
    The first part of type ``mime`` (e.g. ``"application/sdp"``),
    searching nested multiparts depth-first (bounded depth). A body that
    is itself of type ``mime`` is returned as one part.

``sdp_body(message) -> bytes | None``
    The SDP of a request or response: the body if it is application/sdp
    (or has no Content-Type but a body — RFC 3261 §20.15), else the
    application/sdp part of a multipart body; None when there is none.

``build_multipart(parts, *, boundary, subtype="mixed") -> tuple[bytes, ContentType]``
    Serialise parts (their headers as given) with CRLF delimiters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from softphone.sip.errors import LocalProtocolError, SipParseError
from softphone.sip.grammar import WS, is_token
from softphone.sip.headers import ContentType, Headers, parse_content_type
from softphone.sip.message import Message

__all__ = ["MAX_PARTS", "BodyPart", "build_multipart", "find_part", "parse_multipart", "sdp_body"]

MAX_PARTS = 64
MAX_DEPTH = 4
_BCHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'()+_,-./:=? ")
_TEXT_PLAIN = ContentType("text", "plain")


@dataclass(frozen=True, slots=True)
class BodyPart:
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""

    @property
    def content_type(self) -> ContentType:
        value = self.headers.get("Content-Type")
        return parse_content_type(value) if value is not None else _TEXT_PLAIN

    @property
    def disposition(self) -> str | None:
        value = self.headers.get("Content-Disposition")
        if value is None:
            return None
        return value.split(";", 1)[0].strip(WS).lower() or None


def _boundary(content_type: ContentType) -> str:
    if content_type.type.lower() != "multipart":
        raise SipParseError(f"not a multipart body: {content_type.mime}")
    boundary = content_type.param("boundary")
    if (
        not boundary
        or len(boundary) > 70
        or not all(c in _BCHARS for c in boundary)
        or boundary.endswith(" ")
    ):
        raise SipParseError("multipart body without a valid boundary parameter")
    return boundary


def parse_multipart(body: bytes, content_type: ContentType) -> list[BodyPart]:
    delimiter = b"--" + _boundary(content_type).encode("ascii")
    # Every delimiter after the first is preceded by CRLF, which belongs to it
    # (RFC 2046 §5.1.1): a part's bytes end before that CRLF.
    if body.startswith(delimiter):
        position = 0
    else:
        position = body.find(b"\r\n" + delimiter)
        if position < 0:
            raise SipParseError("multipart body without its boundary")
        position += 2
    parts: list[BodyPart] = []
    while True:
        after = position + len(delimiter)
        if body[after : after + 2] == b"--":
            return parts  # close delimiter; the epilogue is ignored
        line_end = body.find(b"\r\n", after)
        if line_end < 0 or body[after:line_end].strip(b" \t"):
            raise SipParseError("junk after a multipart boundary")
        start = line_end + 2
        end = body.find(b"\r\n" + delimiter, start - 2)
        if end < 0:
            raise SipParseError("multipart body without a close delimiter")
        if len(parts) >= MAX_PARTS:
            raise SipParseError("too many body parts")
        parts.append(_parse_part(body[start:end] if end >= start else b""))
        position = end + 2


def _parse_part(data: bytes) -> BodyPart:
    if data.startswith(b"\r\n"):
        return BodyPart(Headers(), data[2:])  # no headers at all
    end = data.find(b"\r\n\r\n")
    if end < 0:
        raise SipParseError("body part without an empty line after its headers")
    try:
        head = data[:end].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SipParseError("body part headers are not UTF-8") from exc
    lines: list[str] = []
    for line in head.split("\r\n"):
        if line[:1] in (" ", "\t") and lines:
            lines[-1] = lines[-1].rstrip(WS) + " " + line.strip(WS)
        else:
            lines.append(line)
    headers = Headers()
    for line in lines:
        name, colon, value = line.partition(":")
        name = name.strip(WS)
        if not colon or not is_token(name) or "\r" in value or "\n" in value:
            raise SipParseError(f"bad body part header {line[:40]!r}")
        headers.add(name, value.strip(WS))
    part = BodyPart(headers, data[end + 4 :])
    _ = part.content_type  # validate once, so readers never trip on it
    return part


def find_part(
    body: bytes, content_type: ContentType, mime: str, *, _depth: int = 0
) -> BodyPart | None:
    wanted = mime.lower()
    if content_type.mime == wanted:
        return BodyPart(Headers([("Content-Type", str(content_type))]), body)
    if content_type.type.lower() != "multipart" or _depth >= MAX_DEPTH:
        return None
    for part in parse_multipart(body, content_type):
        inner = part.content_type
        if inner.mime == wanted:
            return part
        if inner.type.lower() == "multipart":
            found = find_part(part.body, inner, mime, _depth=_depth + 1)
            if found is not None:
                return found
    return None


def sdp_body(message: Message) -> bytes | None:
    if not message.body:
        return None
    content_type = message.content_type
    if content_type is None:
        return message.body
    part = find_part(message.body, content_type, "application/sdp")
    return part.body if part is not None else None


def build_multipart(
    parts: Sequence[BodyPart], *, boundary: str, subtype: str = "mixed"
) -> tuple[bytes, ContentType]:
    content_type = ContentType("multipart", subtype, (("boundary", boundary),))
    try:
        _boundary(content_type)
    except SipParseError as exc:
        raise LocalProtocolError(str(exc)) from exc
    delimiter = b"--" + boundary.encode("ascii")
    out = bytearray()
    for part in parts:
        if delimiter in part.body:
            raise LocalProtocolError("a body part contains the boundary")
        out += delimiter + b"\r\n"
        for name, value in part.headers:
            out += f"{name}: {value}\r\n".encode()
        out += b"\r\n" + part.body + b"\r\n"
    out += delimiter + b"--\r\n"
    return bytes(out), content_type
