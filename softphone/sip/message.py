"""SIP requests and responses: parsing, validation and serialisation.

``parse_message`` is the one door through which peer bytes enter the core.
It either returns a fully validated message or raises ``SipParseError`` —
no other exception type and no partial result — so that everything behind it
can trust the headers it reads (Via, From, To, Call-ID, CSeq).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from softphone.sip.errors import LocalProtocolError, SipParseError
from softphone.sip.grammar import WS, is_token
from softphone.sip.headers import (
    LIST_HEADERS,
    ContentType,
    CSeq,
    Headers,
    Via,
    canonical_name,
    parse_content_type,
    parse_cseq,
    parse_date,
    parse_uint,
    parse_via,
    validate_call_id,
)
from softphone.sip.uri import NameAddr, SipUri, Uri, parse_name_addr, parse_uri

SIP_VERSION = "SIP/2.0"
MAX_DELTA_SECONDS = 2**32 - 1
_FRAMING_BREAKERS = frozenset("\r\n")
MAX_MESSAGE_SIZE = 65535 * 4  # far above any sane SIP message; bounds memory
MAX_HEADERS = 256


@dataclass(eq=False)
class _Message:
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""

    # Typed views of the mandatory headers. parse_message validated them, so
    # for a parsed message these never raise.
    @property
    def via(self) -> list[Via]:
        return [parse_via(v) for v in self.headers.get_all("Via")]

    @property
    def top_via(self) -> Via:
        vias = self.headers.get_all("Via")
        if not vias:
            raise SipParseError("missing Via")
        return parse_via(vias[0])

    @property
    def from_(self) -> NameAddr:
        return parse_name_addr(self._required("From"))

    @property
    def to(self) -> NameAddr:
        return parse_name_addr(self._required("To"))

    @property
    def call_id(self) -> str:
        return self._required("Call-ID").strip(WS)

    @property
    def cseq(self) -> CSeq:
        return parse_cseq(self._required("CSeq"))

    @property
    def contact(self) -> list[NameAddr]:
        return [parse_name_addr(v) for v in self.headers.get_all("Contact") if v.strip() != "*"]

    @property
    def record_route(self) -> list[NameAddr]:
        return [parse_name_addr(v) for v in self.headers.get_all("Record-Route")]

    @property
    def content_type(self) -> ContentType | None:
        value = self.headers.get("Content-Type")
        return parse_content_type(value) if value is not None else None

    @property
    def max_forwards(self) -> int | None:
        value = self.headers.get("Max-Forwards")
        return parse_uint(value, "Max-Forwards", 255) if value is not None else None

    @property
    def expires(self) -> int | None:
        value = self.headers.get("Expires")
        return parse_uint(value, "Expires", MAX_DELTA_SECONDS) if value is not None else None

    @property
    def date(self) -> datetime | None:
        """The Date header as an aware UTC datetime.

        Not checked by ``parse_message``: RFC 4475 §3.1.2.12 says a bad
        Date should only fail the element that actually uses it, so this
        raises ``SipParseError`` on access instead.
        """
        value = self.headers.get("Date")
        return parse_date(value) if value is not None else None

    def _required(self, name: str) -> str:
        value = self.headers.get(name)
        if value is None:
            raise SipParseError(f"missing {name}")
        return value

    def _start_line(self) -> str:
        raise NotImplementedError

    def to_bytes(self) -> bytes:
        """Serialise; Content-Length is always (re)computed from the body.

        Raises ``LocalProtocolError`` if a header name, value or the start
        line would break the framing (CR or LF, or a name that is not a
        token): text that came from a user or a peer must never smuggle a
        header or a second message into what we send.
        """
        start = self._start_line()
        if _FRAMING_BREAKERS.intersection(start):
            raise LocalProtocolError("CR/LF in the start line")
        lines = [start]
        for name, value in self.headers:
            if name == "Content-Length":
                continue
            if not is_token(name) or _FRAMING_BREAKERS.intersection(value):
                raise LocalProtocolError(f"header {name[:40]!r} cannot be serialised")
            lines.append(f"{name}: {value}")
        lines.append(f"Content-Length: {len(self.body)}")
        head = "\r\n".join(lines) + "\r\n\r\n"
        return head.encode("utf-8") + self.body

    def __bytes__(self) -> bytes:
        return self.to_bytes()


@dataclass(eq=False)
class Request(_Message):
    method: str = "OPTIONS"
    uri: Uri = field(default_factory=lambda: SipUri(host="invalid"))

    def _start_line(self) -> str:
        return f"{self.method} {self.uri} {SIP_VERSION}"

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.uri}>"


@dataclass(eq=False)
class Response(_Message):
    status_code: int = 200
    reason: str = "OK"

    def _start_line(self) -> str:
        return f"{SIP_VERSION} {self.status_code} {self.reason}"

    def __repr__(self) -> str:
        return f"<Response {self.status_code} {self.reason}>"

    @property
    def is_provisional(self) -> bool:
        return self.status_code < 200

    @property
    def is_final(self) -> bool:
        return self.status_code >= 200


Message = Request | Response


def parse_message(data: bytes) -> Message:
    """Parse one complete SIP message (one datagram / WebSocket frame).

    Leading CRLFs are ignored (RFC 3261 §7.5). Without Content-Length the
    body is the rest of the data (allowed on message-oriented transports).
    Raises ``SipParseError`` for anything malformed.
    """
    try:
        return _parse(data)
    except SipParseError:
        raise
    except (ValueError, IndexError, UnicodeError, AssertionError, RecursionError) as exc:
        # Defence in depth: a grammar corner we did not foresee is still the
        # peer's bad message, not our crash.
        raise SipParseError(f"malformed message ({type(exc).__name__})") from exc


def _split_head(data: bytes) -> tuple[bytes, bytes]:
    for sep in (b"\r\n\r\n", b"\n\n"):
        idx = data.find(sep)
        if idx >= 0:
            return data[:idx], data[idx + len(sep) :]
    # A whole frame that ends right after a header line lost only its empty
    # line (RFC 4475's own baddn.dat does); on a message transport nothing
    # else can follow, so read it as headers with an empty body.
    for eol in (b"\r\n", b"\n"):
        if data.endswith(eol) and eol in data[: -len(eol)]:
            return data[: -len(eol)], b""
    raise SipParseError("no blank line after the headers")


def _parse(data: bytes) -> Message:
    if len(data) > MAX_MESSAGE_SIZE:
        raise SipParseError("message too large", status_code=513, reason="Message Too Large")
    data = data.lstrip(b"\r\n")
    if not data:
        raise SipParseError("empty message")
    head_bytes, rest = _split_head(data)
    try:
        head = head_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SipParseError("header section is not UTF-8") from exc
    unix_head = head.replace("\r\n", "\n")
    if "\r" in unix_head:
        # A lone CR is no line end and no header text (RFC 3261 §25.1);
        # letting it through would let it out again in what we relay.
        raise SipParseError("bare CR in the header section")
    raw_lines = unix_head.split("\n")
    start = raw_lines[0]
    header_lines = _unfold(raw_lines[1:])
    headers = Headers()
    if len(header_lines) > MAX_HEADERS:
        raise SipParseError("too many header fields")
    for line in header_lines:
        name, colon, value = line.partition(":")
        name = name.rstrip(WS)
        if not colon or not is_token(name):
            raise SipParseError(f"bad header line {line[:40]!r}")
        headers.add(name, value.strip(WS))

    message: Message
    message = _parse_status_line(start) if start.startswith("SIP/") else _parse_request_line(start)
    message.headers = headers
    message.body = _take_body(headers, rest)
    _validate(message)
    return message


def _unfold(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line[:1] in (" ", "\t"):
            if not out:
                raise SipParseError("continuation line before any header")
            out[-1] = out[-1].rstrip(WS) + " " + line.strip(WS)
        elif line == "":
            raise SipParseError("empty line inside the header section")
        else:
            out.append(line)
    return out


def _parse_request_line(line: str) -> Request:
    parts = line.split(" ")
    if len(parts) != 3 or not all(parts):
        # Name the defect: RFC 4475 §3.1.2.8-10 are each a different one.
        if line != line.rstrip(WS):
            raise SipParseError("whitespace after the SIP version in the request line")
        if "  " in line or line.startswith(" "):
            raise SipParseError("more than one SP between request line elements")
        if len(parts) > 3:
            raise SipParseError("whitespace inside the Request-URI")
        raise SipParseError("malformed request line")
    method, uri_text, version = parts
    if not is_token(method):
        raise SipParseError(f"bad method {method[:20]!r}")
    _check_version(version)
    if uri_text.startswith("<"):
        raise SipParseError("Request-URI enclosed in angle brackets")
    uri = parse_uri(uri_text)
    if isinstance(uri, SipUri) and uri.headers:
        raise SipParseError("Request-URI must not carry headers")
    return Request(method=method, uri=uri)


def _parse_status_line(line: str) -> Response:
    version, _, rest = line.partition(" ")
    _check_version(version)
    code_text, _, reason = rest.partition(" ")
    if len(code_text) != 3 or not code_text.isdigit() or not 100 <= int(code_text) <= 699:
        raise SipParseError(f"bad status code {code_text[:20]!r}")
    if any(c in reason for c in "\r\n"):
        raise SipParseError("bad reason phrase")
    return Response(status_code=int(code_text), reason=reason)


def _check_version(version: str) -> None:
    if version.upper() != SIP_VERSION:
        if version.upper().startswith("SIP/"):
            raise SipParseError(
                f"unsupported version {version[:20]!r}",
                status_code=505,
                reason="Version Not Supported",
            )
        raise SipParseError(f"bad protocol version {version[:20]!r}")


def _take_body(headers: Headers, rest: bytes) -> bytes:
    lengths = headers.get_lines("Content-Length")
    if not lengths:
        return rest
    if len(lengths) > 1 and len({v.strip(WS) for v in lengths}) > 1:
        raise SipParseError("conflicting Content-Length values")
    length = parse_uint(lengths[0], "Content-Length", MAX_MESSAGE_SIZE)
    if length > len(rest):
        raise SipParseError("body shorter than Content-Length")
    return rest[:length]


_REQUIRED = ("To", "From", "CSeq", "Call-ID", "Via")
# Methods RFC 3261 and its extensions define (others are "unknown": 501).
KNOWN_METHODS = frozenset(
    {
        "INVITE",
        "ACK",
        "BYE",
        "CANCEL",
        "OPTIONS",
        "REGISTER",
        "PRACK",
        "SUBSCRIBE",
        "NOTIFY",
        "PUBLISH",
        "INFO",
        "REFER",
        "MESSAGE",
        "UPDATE",
    }
)


def _validate(message: Message) -> None:
    for name in _REQUIRED:
        if message.headers.get(name) is None:
            raise SipParseError(f"missing {name}")
    for name in ("To", "From", "CSeq", "Call-ID", "Max-Forwards", "Content-Type", "Expires"):
        if len(message.headers.get_lines(name)) > 1:
            raise SipParseError(f"more than one {name}")
    if not message.via:
        raise SipParseError("missing Via")
    message.from_  # noqa: B018 - parse for validation
    message.to  # noqa: B018
    validate_call_id(message.call_id)
    cseq = message.cseq
    if isinstance(message, Request) and cseq.method != message.method:
        if message.method not in KNOWN_METHODS:
            # RFC 4475 §3.1.2.18: an unknown method is best answered 501.
            raise SipParseError(
                "CSeq method does not match an unknown request method",
                status_code=501,
                reason="Not Implemented",
            )
        raise SipParseError("CSeq method does not match the request method")
    message.max_forwards  # noqa: B018
    message.expires  # noqa: B018
    message.content_type  # noqa: B018
    for contact in message.headers.get_all("Contact"):
        if contact.strip(WS) != "*":
            parse_name_addr(contact)
    for name in ("Route", "Record-Route"):
        for value in message.headers.get_all(name):
            parse_name_addr(value)
    for name in LIST_HEADERS:
        # Splitting at commas must work for every list header, so that
        # readers of Require, Supported, Accept... can never trip on quotes.
        message.headers.get_all(name)


class StreamFramer:
    """Cuts a byte stream (TCP/TLS, or several messages in one buffer) into
    messages using Content-Length, which is mandatory on streams.

    Bare CRLFs between messages are keepalives (RFC 5626 §3.5.1) and are
    reported by ``keepalives``.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self.keepalives = 0

    def feed(self, data: bytes) -> Iterator[Message]:
        self._buffer += data
        while True:
            while self._buffer[:2] == b"\r\n":
                del self._buffer[:2]
                self.keepalives += 1
            if not self._buffer:
                return
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self._buffer) > MAX_MESSAGE_SIZE:
                    self._buffer.clear()
                    raise SipParseError("header section too large")
                return
            length = _stream_content_length(bytes(self._buffer[:end]))
            total = end + 4 + length
            if len(self._buffer) < total:
                return
            chunk = bytes(self._buffer[:total])
            del self._buffer[:total]
            yield parse_message(chunk)


def _stream_content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, colon, value = line.partition(b":")
        if colon and canonical_name(name.strip().decode("latin-1")) == "Content-Length":
            try:
                return parse_uint(value.decode("latin-1"), "Content-Length", MAX_MESSAGE_SIZE)
            except SipParseError:
                raise
    raise SipParseError("Content-Length is required on a stream transport")
