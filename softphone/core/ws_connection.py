"""One server-side WebSocket on asyncio streams: the handshake, then messages.

``handshake_error`` says whether a request head is a WebSocket upgrade this
server accepts (RFC 6455 §4.2.1); ``WebSocket.accept`` answers it and
returns the connection. Then one task reads (``messages()``): it answers
pings, puts fragmented messages together, and on any breach of the
protocol closes with the code RFC 6455 names (``ws_frames``). Any task may
``send_text`` or ``close``.

Closing is a handshake: the side that closes first sends a close frame and
waits (``CLOSE_TIMEOUT_S`` at most) for the other's, then the server ends
the TCP connection. After a protocol error the server reads and drops what
the client still sends until it hangs up, so the client reads the close
frame instead of a reset. A client that goes silent is pinged every
``HEARTBEAT_S`` and dropped when it does not answer in half that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator
from http import HTTPStatus

from softphone.core.http_head import HeadError, RequestHead, response
from softphone.core.ws_frames import (
    VERSION,
    CloseCode,
    Frame,
    Message,
    Opcode,
    ProtocolError,
    accept_key,
    close_frame,
    encode,
    extended_length,
    parse_close,
    parse_head,
    unmask,
    valid_key,
)

log = logging.getLogger(__name__)

HEARTBEAT_S = 30.0
CLOSE_TIMEOUT_S = 5.0

_GONE = (asyncio.IncompleteReadError, ConnectionError)


def handshake_error(head: RequestHead) -> HeadError | None:
    """Why ``head`` is not a WebSocket upgrade this server accepts, or None."""
    upgrade = head.version == "HTTP/1.1" and "websocket" in head.tokens("Upgrade")
    if not upgrade or "upgrade" not in head.tokens("Connection"):
        return HeadError(HTTPStatus.UPGRADE_REQUIRED, "this is a WebSocket endpoint")
    if head.get("Sec-WebSocket-Version") != VERSION:
        return HeadError(
            HTTPStatus.UPGRADE_REQUIRED,
            f"this is a WebSocket endpoint of version {VERSION} only",
            (("Sec-WebSocket-Version", VERSION),),
        )
    if not valid_key(head.get("Sec-WebSocket-Key")):
        return HeadError(
            HTTPStatus.BAD_REQUEST, "Sec-WebSocket-Key must be 16 bytes in base64 (RFC 6455)"
        )
    return None


class WebSocket:
    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        max_message_bytes: int,
        heartbeat_s: float = HEARTBEAT_S,
        close_timeout_s: float = CLOSE_TIMEOUT_S,
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._max = max_message_bytes
        self._heartbeat_s = heartbeat_s
        self._close_timeout_s = close_timeout_s
        self.close_code: int | None = None
        """The code of the close frame that ended the connection (ours or the
        client's); 1006 when it ended without one."""
        self._closing = False  # our close frame is sent: no more data frames
        self._heard = asyncio.Event()  # a frame arrived since the last heartbeat
        self._busy = False  # the reader's task is handling a message, not reading
        self._done = asyncio.Event()  # the TCP connection is over

    @classmethod
    def accept(
        cls,
        head: RequestHead,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        max_message_bytes: int,
        heartbeat_s: float = HEARTBEAT_S,
    ) -> WebSocket:
        """Answer ``head`` (checked with ``handshake_error``) with 101 and return the socket."""
        key = head.get("Sec-WebSocket-Key") or ""
        headers = (
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Accept", accept_key(key)),
        )
        writer.write(response(HTTPStatus.SWITCHING_PROTOCOLS, "", headers))
        return cls(reader, writer, max_message_bytes=max_message_bytes, heartbeat_s=heartbeat_s)

    async def send_text(self, text: str) -> None:
        """Send one text message; ``ConnectionError`` once the socket is closing."""
        if self._closing or self._writer.is_closing():
            raise ConnectionResetError("the WebSocket is closing")
        self._writer.write(encode(Opcode.TEXT, text.encode()))
        await self._writer.drain()

    async def close(self, code: int, reason: str = "") -> None:
        """Start the closing handshake and wait (bounded) until the connection is over."""
        if self._done.is_set():
            return
        self._send_close(code, reason)
        try:
            async with asyncio.timeout(self._close_timeout_s):
                await self._done.wait()
        except TimeoutError:
            self._writer.transport.abort()  # the reader ends, and with it the connection

    def _send_close(self, code: int, reason: str = "") -> None:
        if self._closing:
            return
        self._closing = True
        if self.close_code is None:
            self.close_code = code
        if not self._writer.is_closing():
            self._writer.write(close_frame(code, reason))

    async def messages(self) -> AsyncGenerator[str | bytes, None]:
        """The client's messages until the connection ends (run by one task only)."""
        heartbeat = asyncio.create_task(self._heartbeat()) if self._heartbeat_s > 0 else None
        message = Message(self._max)
        clean = False
        try:
            while True:
                try:
                    frame = await self._read_frame(message)
                    self._heard.set()
                    if frame.opcode is Opcode.CLOSE:
                        self._answer_close(frame.payload)
                        clean = True
                        return
                    done = self._take(frame, message)
                except ProtocolError as exc:
                    log.info("a WebSocket client broke the protocol: %s", exc.reason)
                    self._send_close(exc.code, exc.reason)
                    clean = await self._drain_input()
                    return
                if done is not None and not self._closing:
                    self._busy = True
                    try:
                        yield done
                    finally:
                        self._busy = False
        except _GONE:
            return
        finally:
            if self.close_code is None:
                self.close_code = CloseCode.ABNORMAL
            if heartbeat is not None:
                heartbeat.cancel()
            if clean:
                self._writer.close()
            else:
                self._writer.transport.abort()
            self._done.set()

    def _answer_close(self, payload: bytes) -> None:
        """Echo the client's close frame (RFC 6455 §5.5.1), unless it answers ours."""
        try:
            code, _ = parse_close(payload)
        except ProtocolError as exc:
            self._send_close(exc.code, exc.reason)
        else:
            self._send_close(code)

    def _take(self, frame: Frame, message: Message) -> str | bytes | None:
        """A message once ``frame`` completes one; pings answered, pongs dropped."""
        if frame.opcode is Opcode.PING:
            if not self._closing:
                self._writer.write(encode(Opcode.PONG, frame.payload))
            return None
        if frame.opcode is Opcode.PONG:
            return None
        return message.add(frame)

    async def _read_frame(self, message: Message) -> Frame:
        first, second = await self._reader.readexactly(2)
        head = parse_head(first, second)
        length = head.length
        if length == 126:
            length = extended_length(await self._reader.readexactly(2))
        elif length == 127:
            length = extended_length(await self._reader.readexactly(8))
        if not head.opcode.is_control and length > message.room():
            raise message.too_big()  # before reading it: a client cannot make the agent buffer it
        mask = await self._reader.readexactly(4)
        payload = unmask(mask, await self._reader.readexactly(length))
        return Frame(head.opcode, payload, head.fin)

    async def _drain_input(self) -> bool:
        """After a protocol error: end our side (the close frame, then FIN), and drop
        what the client still sends until it hangs up; False if it never does."""
        try:
            if self._writer.can_write_eof() and not self._writer.is_closing():
                self._writer.write_eof()
            async with asyncio.timeout(self._close_timeout_s):
                while await self._reader.read(64 * 1024):
                    pass
        except (TimeoutError, *_GONE):
            return False
        return True

    async def _heartbeat(self) -> None:
        while True:
            self._heard.clear()
            await asyncio.sleep(self._heartbeat_s)
            if self._heard.is_set() or self._busy or self._closing:
                continue  # a reader busy with a command reads the pong only after it
            with contextlib.suppress(*_GONE):
                self._writer.write(encode(Opcode.PING))
            try:
                async with asyncio.timeout(self._heartbeat_s / 2):
                    await self._heard.wait()
            except TimeoutError:
                log.info("a WebSocket client did not answer a ping; dropping it")
                self._writer.transport.abort()
                return
