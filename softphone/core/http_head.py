"""The head of an HTTP/1.1 request, as far as a WebSocket upgrade needs it.

The integration API speaks HTTP only to be upgraded to a WebSocket (RFC 6455
§4): one request per connection, no body, so a full HTTP server (aiohttp's,
with its router, file responses and MIME database: +3.4 MiB in the agent's
app) is more than it needs. This module parses the request head strictly —
anything a proxy or a smuggling trick could read two ways is a 400 — and
builds the plain-text error responses a browser's console shows.

``read_head`` bounds the head's size and the time to send it
(``MAX_HEAD_BYTES``, ``HEAD_TIMEOUT_S``): a client that never finishes
asking holds nothing for long.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import parse_qsl, urlsplit

#: The end of a request head.
HEAD_END = b"\r\n\r\n"
#: A browser sends its cookies for 127.0.0.1 too: room for a few, not for a flood.
MAX_HEAD_BYTES = 32 * 1024
MAX_HEADERS = 100
#: Time a client has to send its whole head after connecting.
HEAD_TIMEOUT_S = 10.0
#: Time a refused client has to read its response and hang up.
LINGER_S = 2.0

# RFC 9110 §5.6.2: a header name is a token.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VERSIONS = frozenset({"HTTP/1.0", "HTTP/1.1"})
# Control characters other than tab may not appear in a field value (RFC 9110 §5.5).
_BAD_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class HeadError(Exception):
    """A request the server answers with an HTTP error; ``sentence`` says why.

    The sentence goes into the response body and the log: it must never
    quote the request target, whose query holds the API token.
    """

    def __init__(
        self, status: HTTPStatus, sentence: str, headers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        super().__init__(sentence)
        self.status = status
        self.sentence = sentence
        self.headers = headers

    def response(self) -> bytes:
        return response(self.status, self.sentence + "\n", self.headers)


@dataclass(frozen=True, repr=False)
class RequestHead:
    method: str
    target: str
    version: str
    headers: tuple[tuple[str, str], ...]
    """(lower-case name, value) in the order sent; a name may repeat."""

    def __repr__(self) -> str:  # the target's query holds the token: never in a log
        return f"RequestHead({self.method} {self.path} {self.version})"

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    def query(self, name: str) -> str | None:
        """The first value of ``name`` in the target's query, decoded; None if absent."""
        for key, value in parse_qsl(urlsplit(self.target).query, keep_blank_values=True):
            if key == name:
                return value
        return None

    def get(self, name: str) -> str | None:
        """The first value of header ``name`` (any case); None if absent."""
        name = name.lower()
        return next((value for key, value in self.headers if key == name), None)

    def tokens(self, name: str) -> frozenset[str]:
        """The comma-separated tokens of every ``name`` header, lower-cased
        (``Connection: keep-alive, Upgrade`` → {"keep-alive", "upgrade"})."""
        name = name.lower()
        return frozenset(
            token.strip().lower()
            for key, value in self.headers
            if key == name
            for token in value.split(",")
            if token.strip()
        )


def parse_head(data: bytes) -> RequestHead:
    """The request head in ``data`` (up to and including the blank line).

    ``HeadError`` (400, 431) for anything malformed: a bad request line,
    a header line without a colon or with space before it, a folded line,
    control characters, too many headers.
    """
    text = data.decode("latin-1")
    if text.endswith("\r\n\r\n"):
        text = text[:-4]
    request_line, *lines = text.split("\r\n")
    parts = request_line.split(" ")
    if len(parts) != 3 or not _TOKEN.fullmatch(parts[0]) or not parts[1].startswith("/"):
        raise HeadError(HTTPStatus.BAD_REQUEST, "not an HTTP request line")
    method, target, version = parts
    if version not in _VERSIONS:
        raise HeadError(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, "only HTTP/1.1 is spoken here")
    if _BAD_VALUE.search(target):
        raise HeadError(HTTPStatus.BAD_REQUEST, "control characters in the request target")
    if len(lines) > MAX_HEADERS:
        raise HeadError(
            HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, f"more than {MAX_HEADERS} header lines"
        )
    headers = []
    for line in lines:
        name, colon, value = line.partition(":")
        if not colon or not _TOKEN.fullmatch(name):
            raise HeadError(HTTPStatus.BAD_REQUEST, "a header line is not 'Name: value'")
        value = value.strip(" \t")
        if _BAD_VALUE.search(value):
            raise HeadError(HTTPStatus.BAD_REQUEST, "control characters in a header value")
        headers.append((name.lower(), value))
    return RequestHead(method, target, version, tuple(headers))


def response(status: HTTPStatus, text: str = "", headers: Iterable[tuple[str, str]] = ()) -> bytes:
    """A complete response that ends the connection (``text`` as its plain-text body)."""
    body = text.encode()
    lines = [
        f"HTTP/1.1 {status.value} {status.phrase}",
        *(f"{name}: {value}" for name, value in headers),
    ]
    if status is not HTTPStatus.SWITCHING_PROTOCOLS:
        lines += [
            "Content-Type: text/plain; charset=utf-8",
            f"Content-Length: {len(body)}",
            "Connection: close",
        ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def read_head(
    reader: asyncio.StreamReader, max_bytes: int, timeout_s: float
) -> RequestHead | None:
    """The request head, parsed; None when the client hung up before it ended.

    ``HeadError`` 431 when it is over ``max_bytes`` (``reader``'s limit must
    be that: ``asyncio.start_server(limit=...)``), 408 when it did not come
    in ``timeout_s``, 400 when it is malformed.
    """
    try:
        async with asyncio.timeout(timeout_s):
            data = await reader.readuntil(HEAD_END)
    except asyncio.LimitOverrunError:
        raise HeadError(
            HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
            f"the request head is over {max_bytes // 1024} KiB",
        ) from None
    except TimeoutError:
        raise HeadError(
            HTTPStatus.REQUEST_TIMEOUT, f"the request head did not arrive in {timeout_s:g} s"
        ) from None
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    return parse_head(data)


async def answer_and_hang_up(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes
) -> None:
    """Send a response and end the connection so that the client reads it.

    Closing with unread input resets the connection, and the client could
    lose the response: so our side ends after it (FIN), and what the client
    still sends is read and dropped for a moment (a "lingering close").
    """
    try:
        async with asyncio.timeout(LINGER_S):
            writer.write(data)
            if writer.can_write_eof():
                writer.write_eof()
            await writer.drain()
            while await reader.read(64 * 1024):
                pass
    except (TimeoutError, ConnectionError):
        writer.transport.abort()
        return
    writer.close()
