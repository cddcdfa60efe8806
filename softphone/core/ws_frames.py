"""WebSocket framing for the server side (RFC 6455 §5), without I/O.

The values (opcodes, close codes), the rules a server enforces on what a
client sends, and the one piece of state a connection keeps between frames:
a fragmented message being put together. ``ws_connection`` does the
reading and writing. No extension is ever agreed (no permessage-deflate:
the API's messages are small, and a zlib context per client costs memory),
so a frame with a reserved bit set is a protocol error.
"""

from __future__ import annotations

import base64
import enum
import hashlib
from dataclasses import dataclass

#: RFC 6455 §1.3: appended to the client's key to prove the server read it.
_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
VERSION = "13"
#: RFC 6455 §5.5: a control frame carries at most this much.
MAX_CONTROL_PAYLOAD = 125


class Opcode(enum.IntEnum):
    CONTINUATION = 0x0
    TEXT = 0x1
    BINARY = 0x2
    CLOSE = 0x8
    PING = 0x9
    PONG = 0xA

    @property
    def is_control(self) -> bool:
        return self >= 0x8


class CloseCode(enum.IntEnum):
    """RFC 6455 §7.4.1 and the IANA registry."""

    NORMAL = 1000
    GOING_AWAY = 1001
    PROTOCOL_ERROR = 1002
    UNSUPPORTED_DATA = 1003
    NO_STATUS = 1005
    """Received without a code; never sent."""
    ABNORMAL = 1006
    """The connection ended without a close frame; never sent."""
    INVALID_DATA = 1007
    POLICY_VIOLATION = 1008
    MESSAGE_TOO_BIG = 1009
    INTERNAL_ERROR = 1011
    SERVICE_RESTART = 1012
    TRY_AGAIN_LATER = 1013


# Codes a peer may put in a close frame (RFC 6455 §7.4; 3000-4999: registered and private).
# Ranges, not a set of their 2,012 numbers: that set alone was ~0.2 MiB kept all day.
_SENDABLE = (range(1000, 1004), range(1007, 1015), range(3000, 5000))


class ProtocolError(Exception):
    """The client broke the protocol: the connection is closed with ``code``."""

    def __init__(self, code: CloseCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class FrameHead:
    """The first two bytes of a client's frame, checked."""

    fin: bool
    opcode: Opcode
    length: int
    """0-125: the payload's length; 126 or 127: it follows in 2 or 8 bytes."""


@dataclass(frozen=True)
class Frame:
    opcode: Opcode
    payload: bytes
    fin: bool = True


def accept_key(key: str) -> str:
    """``Sec-WebSocket-Accept`` for the client's ``Sec-WebSocket-Key``."""
    digest = hashlib.sha1(key.encode("ascii") + _GUID, usedforsecurity=False).digest()
    return base64.b64encode(digest).decode("ascii")


def valid_key(key: str | None) -> bool:
    """A key is 16 random bytes in base64 (RFC 6455 §4.1)."""
    if key is None:
        return False
    try:
        return len(base64.b64decode(key.encode("ascii"), validate=True)) == 16
    except (ValueError, UnicodeEncodeError):
        return False


def parse_head(first: int, second: int) -> FrameHead:
    """Check a client frame's first two bytes; ``ProtocolError`` 1002 if broken."""
    if first & 0x70:
        raise ProtocolError(CloseCode.PROTOCOL_ERROR, "reserved bits set: no extension was agreed")
    try:
        opcode = Opcode(first & 0x0F)
    except ValueError:
        raise ProtocolError(
            CloseCode.PROTOCOL_ERROR, f"reserved opcode {first & 0x0F:#x}"
        ) from None
    if not second & 0x80:
        raise ProtocolError(CloseCode.PROTOCOL_ERROR, "a client's frames must be masked")
    fin, length = bool(first & 0x80), second & 0x7F
    if opcode.is_control and not fin:
        raise ProtocolError(CloseCode.PROTOCOL_ERROR, "a control frame cannot be fragmented")
    if opcode.is_control and length > MAX_CONTROL_PAYLOAD:
        raise ProtocolError(CloseCode.PROTOCOL_ERROR, "a control frame carries at most 125 bytes")
    return FrameHead(fin, opcode, length)


def extended_length(data: bytes) -> int:
    """The 2- or 8-byte payload length that follows a head of length 126 or 127."""
    length = int.from_bytes(data, "big")
    if length >> 63:
        raise ProtocolError(CloseCode.PROTOCOL_ERROR, "the payload length's top bit is set")
    return length


def unmask(mask: bytes, payload: bytes) -> bytes:
    n = len(payload)
    if not n:
        return payload
    key = (mask * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(n, "big")


def encode(opcode: Opcode, payload: bytes = b"", *, fin: bool = True) -> bytes:
    """A server frame: never masked (RFC 6455 §5.1)."""
    first = (0x80 if fin else 0) | opcode
    n = len(payload)
    if n < 126:
        head = bytes((first, n))
    elif n < 1 << 16:
        head = bytes((first, 126)) + n.to_bytes(2, "big")
    else:
        head = bytes((first, 127)) + n.to_bytes(8, "big")
    return head + payload


def close_frame(code: int, reason: str = "") -> bytes:
    """A close frame; ``reason`` cut to fit a control frame (at a character)."""
    if code == CloseCode.NO_STATUS:
        return encode(Opcode.CLOSE)
    room = MAX_CONTROL_PAYLOAD - 2
    data = reason.encode()[:room].decode(errors="ignore").encode()
    return encode(Opcode.CLOSE, code.to_bytes(2, "big") + data)


def parse_close(payload: bytes) -> tuple[int, str]:
    """The code and reason of a client's close frame (1005 when it gave none)."""
    if not payload:
        return CloseCode.NO_STATUS, ""
    if len(payload) == 1:
        raise ProtocolError(CloseCode.PROTOCOL_ERROR, "a close frame's code is two bytes")
    code = int.from_bytes(payload[:2], "big")
    if not any(code in codes for codes in _SENDABLE):
        raise ProtocolError(CloseCode.PROTOCOL_ERROR, f"close code {code} may not be sent")
    try:
        return code, payload[2:].decode()
    except UnicodeDecodeError:
        raise ProtocolError(CloseCode.INVALID_DATA, "a close reason is not valid UTF-8") from None


class Message:
    """Puts together one message from its frames (RFC 6455 §5.4), bounded in size.

    ``add`` takes each data frame and returns the message (``str`` for text,
    ``bytes`` for binary) once its last frame came, None before.
    """

    def __init__(self, max_bytes: int) -> None:
        self._max = max_bytes
        self._opcode: Opcode | None = None
        self._parts: list[bytes] = []
        self._size = 0

    def room(self) -> int:
        """How many more payload bytes the message may grow by."""
        return self._max - self._size

    def too_big(self) -> ProtocolError:
        return ProtocolError(CloseCode.MESSAGE_TOO_BIG, f"a message is over {self._max} bytes")

    def add(self, frame: Frame) -> str | bytes | None:
        if frame.opcode is Opcode.CONTINUATION:
            if self._opcode is None:
                raise ProtocolError(CloseCode.PROTOCOL_ERROR, "a continuation with no message")
        elif self._opcode is not None:
            raise ProtocolError(
                CloseCode.PROTOCOL_ERROR, "a new message began before the last one ended"
            )
        else:
            self._opcode = frame.opcode
        if len(frame.payload) > self.room():
            raise self.too_big()
        self._parts.append(frame.payload)
        self._size += len(frame.payload)
        if not frame.fin:
            return None
        opcode, data = self._opcode, b"".join(self._parts)
        self._opcode, self._parts, self._size = None, [], 0
        if opcode is Opcode.BINARY:
            return data
        try:
            return data.decode()
        except UnicodeDecodeError:
            raise ProtocolError(CloseCode.INVALID_DATA, "a text message is not UTF-8") from None
