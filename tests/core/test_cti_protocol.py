"""The integration API's HTTP and WebSocket edges, as a client sees them.

Well-formed traffic comes from a real WebSocket client (the ``websockets``
package, as a CRM's own program would use); malformed traffic from a raw
socket, because no client library can be made to send it. Each verdict is
checked as the client reads it: the HTTP status and sentence, or the close
frame's code.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import AsyncIterator

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from softphone.core.ws_frames import CloseCode, Opcode
from tests.core.test_cti_server import TOKEN, Api, serve
from tests.fresh_python import report_of

WAIT = 10.0
KEY = "dGhlIHNhbXBsZSBub25jZQ=="  # RFC 6455 §1.3's example
UPGRADE = {
    "Host": "127.0.0.1",
    "Connection": "Upgrade",
    "Upgrade": "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": KEY,
}


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    async for value in serve(max_message_bytes=1024):
        yield value


def head(headers: dict[str, str] | None = None, *, method: str = "GET", target: str = "") -> bytes:
    lines = [f"{method} {target or f'/cti?token={TOKEN}'} HTTP/1.1"]
    fields = UPGRADE if headers is None else headers
    lines += [f"{name}: {value}" for name, value in fields.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def http_answer(port: int, data: bytes) -> tuple[int, dict[str, str], str]:
    """Status, headers and body of the server's answer to raw ``data``."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        async with asyncio.timeout(WAIT):
            answer = await reader.read()  # until the server hangs up
    finally:
        writer.close()
    top, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = top.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return int(status_line.split(" ")[1]), headers, body.decode()


class RawWs:
    """A WebSocket client that sends whatever bytes the test asks for."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> RawWs:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(head())
        async with asyncio.timeout(WAIT):
            answer = await reader.readuntil(b"\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 101 "), answer
        # RFC 6455 §1.3: the accept value for the example key.
        assert b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" in answer
        return cls(reader, writer)

    def send(
        self, opcode: int, payload: bytes, *, fin: bool = True, mask: bool = True, rsv: int = 0
    ) -> None:
        first = (0x80 if fin else 0) | rsv | opcode
        n = len(payload)
        length = bytes([n]) if n < 126 else bytes([126]) + n.to_bytes(2, "big")
        length = bytes([length[0] | (0x80 if mask else 0)]) + length[1:]
        key = os.urandom(4) if mask else b""
        body = bytes(b ^ key[i % 4] for i, b in enumerate(payload)) if mask else payload
        self.writer.write(bytes([first]) + length + key + body)

    async def frame(self) -> tuple[int, bytes]:
        """The server's next frame, which must be unmasked."""
        async with asyncio.timeout(WAIT):
            first, second = await self.reader.readexactly(2)
            assert not second & 0x80, "a server frame must not be masked"
            n = second & 0x7F
            if n == 126:
                n = int.from_bytes(await self.reader.readexactly(2), "big")
            elif n == 127:
                n = int.from_bytes(await self.reader.readexactly(8), "big")
            return first & 0x0F, await self.reader.readexactly(n)

    async def closed_with(self) -> tuple[int, str]:
        """Read until the server's close frame: its code and reason."""
        while True:
            opcode, payload = await self.frame()
            if opcode == Opcode.CLOSE:
                return int.from_bytes(payload[:2], "big"), payload[2:].decode()

    async def hung_up(self) -> bool:
        async with asyncio.timeout(WAIT):
            return await self.reader.read() == b""

    async def aclose(self) -> None:
        self.writer.close()


async def replied(ws: ClientConnection) -> dict[str, object]:
    """The next reply (events are skipped)."""
    async with asyncio.timeout(WAIT):
        while True:
            message = json.loads(await ws.recv())
            if "ok" in message:
                return message  # type: ignore[no-any-return]


def url(api: Api) -> str:
    return f"ws://127.0.0.1:{api.server.port}/cti?token={TOKEN}"


# -- WebSocket framing ---------------------------------------------------------


@pytest.mark.parametrize(
    ("send", "code"),
    [
        ({"opcode": Opcode.TEXT, "payload": b"{}", "mask": False}, CloseCode.PROTOCOL_ERROR),
        ({"opcode": Opcode.TEXT, "payload": b"\xff\xfe"}, CloseCode.INVALID_DATA),
        ({"opcode": Opcode.TEXT, "payload": b"{}", "rsv": 0x40}, CloseCode.PROTOCOL_ERROR),
        ({"opcode": 0x3, "payload": b"{}"}, CloseCode.PROTOCOL_ERROR),
        ({"opcode": Opcode.PING, "payload": b"x" * 126}, CloseCode.PROTOCOL_ERROR),
        ({"opcode": Opcode.PING, "payload": b"x", "fin": False}, CloseCode.PROTOCOL_ERROR),
        ({"opcode": Opcode.CONTINUATION, "payload": b"{}"}, CloseCode.PROTOCOL_ERROR),
        ({"opcode": Opcode.TEXT, "payload": b"1" * 2000}, CloseCode.MESSAGE_TOO_BIG),
        ({"opcode": Opcode.CLOSE, "payload": (1005).to_bytes(2, "big")}, CloseCode.PROTOCOL_ERROR),
        ({"opcode": Opcode.CLOSE, "payload": b"\x03\xe8\xff"}, CloseCode.INVALID_DATA),
    ],
    ids=[
        "unmasked",
        "invalid-utf8",
        "reserved-bit",
        "reserved-opcode",
        "long-control",
        "fragmented-control",
        "stray-continuation",
        "too-big",
        "close-code-1005",
        "close-reason-not-utf8",
    ],
)
async def test_a_broken_frame_closes_that_client_with_the_rfc_code(
    api: Api, send: dict[str, object], code: CloseCode
) -> None:
    other = await api.client()
    raw = await RawWs.open(api.server.port)
    try:
        raw.send(**send)  # type: ignore[arg-type]
        assert (await raw.closed_with())[0] == code
        assert await raw.hung_up()
    finally:
        await raw.aclose()
    assert (await other.request("getState"))["ok"] is True
    assert [name for name, _ in api.agent.calls] == ["sign_in"]


async def test_a_fragmented_message_is_put_together(api: Api) -> None:
    async with connect(url(api)) as ws:
        await ws.send(['{"command": "getSt', 'ate", ', '"id": 7}'])
        reply = await replied(ws)
        assert (reply["id"], reply["ok"]) == (7, True)


async def test_a_fragmented_message_over_the_limit_closes_with_1009(api: Api) -> None:
    async with connect(url(api)) as ws:
        await ws.send(['{"command": "makeCall", "number": "', "1" * 600, "1" * 600 + '"}'])
        with pytest.raises(ConnectionClosed):
            async with asyncio.timeout(WAIT):
                while True:
                    await ws.recv()
        assert ws.close_code == CloseCode.MESSAGE_TOO_BIG
    assert all(name != "dial" for name, _ in api.agent.calls)


async def test_ping_is_answered_and_a_pong_is_ignored(api: Api) -> None:
    async with connect(url(api), ping_interval=None) as ws:
        pong = await ws.ping(b"are you there")
        async with asyncio.timeout(WAIT):
            await pong
        await ws.pong(b"unasked")
        await ws.send('{"command": "getState", "id": 1}')
        assert (await replied(ws))["ok"] is True
    raw = await RawWs.open(api.server.port)
    try:
        await raw.frame()  # onState
        raw.send(Opcode.PING, b"echo me")
        assert await raw.frame() == (Opcode.PONG, b"echo me")
    finally:
        await raw.aclose()


async def test_a_binary_message_gets_a_bad_request_reply(api: Api) -> None:
    async with connect(url(api)) as ws:
        await ws.send(b'{"command": "getState"}')
        reply = await replied(ws)
        assert (reply["code"], reply["error"]) == ("bad_request", "send commands as text frames")


async def test_the_client_closes_with_a_code_and_the_server_echoes_it(api: Api) -> None:
    raw = await RawWs.open(api.server.port)
    try:
        raw.send(Opcode.CLOSE, (4000).to_bytes(2, "big") + b"done for today")
        assert (await raw.closed_with())[0] == 4000
        assert await raw.hung_up()
    finally:
        await raw.aclose()
    await api.server_idle()


async def test_a_client_that_does_not_answer_pings_is_dropped() -> None:
    async for api in serve(heartbeat_s=0.2):
        raw = await RawWs.open(api.server.port)
        try:
            await raw.frame()  # onState
            assert (await raw.frame())[0] == Opcode.PING
            assert await raw.hung_up()  # never answered: dropped
        finally:
            await raw.aclose()
        await api.server_idle()


# -- the HTTP handshake --------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "status", "sentence"),
    [
        (head({**UPGRADE, "Sec-WebSocket-Key": "short"}), 400, "Sec-WebSocket-Key must be 16"),
        (head({k: v for k, v in UPGRADE.items() if k != "Sec-WebSocket-Key"}), 400, "Key must"),
        (head({**UPGRADE, "Sec-WebSocket-Version": "8"}), 426, "of version 13 only"),
        (head({"Host": "127.0.0.1"}), 426, "this is a WebSocket endpoint"),
        (head({**UPGRADE, "Connection": "keep-alive"}), 426, "this is a WebSocket endpoint"),
        (head(method="POST"), 405, "only GET"),
        (head(target=f"/admin?token={TOKEN}"), 404, "the integration API is at /cti"),
        (b"GET /cti?token=x HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n", 400, "not 'Name: value'"),
        (b"GET /cti?token=x HTTP/1.1\r\n folded\r\n\r\n", 400, "not 'Name: value'"),
        (b"HELLO\r\n\r\n", 400, "not an HTTP request line"),
        (b"GET /cti HTTP/2.0\r\n\r\n", 505, "only HTTP/1.1"),
    ],
    ids=[
        "bad-key",
        "no-key",
        "version-8",
        "no-upgrade",
        "connection-not-upgrade",
        "post",
        "wrong-path",
        "no-colon",
        "folded",
        "not-http",
        "http2",
    ],
)
async def test_a_request_that_is_not_an_upgrade_gets_a_status_and_a_sentence(
    api: Api, data: bytes, status: int, sentence: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    got, headers, body = await http_answer(api.server.port, data)
    assert (got, sentence in body) == (status, True), body
    if status == 426 and "version" in sentence:
        assert headers["sec-websocket-version"] == "13"
    assert TOKEN not in body and TOKEN not in caplog.text  # the target is never quoted
    assert api.server.clients == 0


async def test_upgrade_and_connection_are_token_lists_in_any_case(api: Api) -> None:
    mixed = {**UPGRADE, "Connection": "keep-alive, UPGRADE", "Upgrade": "WebSocket"}
    reader, writer = await asyncio.open_connection("127.0.0.1", api.server.port)
    try:
        writer.write(head(mixed))
        async with asyncio.timeout(WAIT):
            answer = await reader.readuntil(b"\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 101 Switching Protocols\r\n")
    finally:
        writer.close()


async def test_a_head_too_large_is_refused_with_431(api: Api) -> None:
    cookie = "a=" + "x" * (40 * 1024)
    status, _, body = await http_answer(api.server.port, head({**UPGRADE, "Cookie": cookie}))
    assert (status, body.strip()) == (431, "the request head is over 32 KiB")


async def test_a_head_that_never_ends_times_out_with_408() -> None:
    async for api in serve(head_timeout_s=0.3):
        status, _, body = await http_answer(api.server.port, head()[:-2])  # no blank line
        assert (status, body.strip()) == (408, "the request head did not arrive in 0.3 s")


async def test_clients_beyond_max_clients_are_refused_until_one_leaves() -> None:
    async for api in serve(max_clients=2):
        first, _ = await api.client(), await api.client()
        status, _, body = await http_answer(api.server.port, head())
        assert (status, body.strip()) == (503, "too many integration clients connected")
        await first.aclose()
        api.clients.remove(first)
        async with asyncio.timeout(WAIT):
            while api.server.clients > 1:  # the server lets go of the one that left
                await asyncio.sleep(0.01)
        assert (await (await api.client()).request("getState"))["ok"] is True


STARTS_THE_API = """
import asyncio, json, sys, tempfile
from pathlib import Path
from softphone.core.cti_client import CtiClient
from softphone.core.cti_host import integration_api
from tests.fakes.working_agent import signed_in_agent


async def main():
    agent = await signed_in_agent()
    with tempfile.TemporaryDirectory() as folder:
        async with integration_api(
            agent, port=0, token="t", login=None, directory=Path(folder)
        ) as server:
            client = await CtiClient.connect(server.port, "t")
            ok = (await client.request("getState"))["ok"]
            await client.aclose()
    return ok


ok = asyncio.run(main())
print(json.dumps({"ok": ok, "web": sorted(m for m in sys.modules if m.startswith("aiohttp.web"))}))
"""


def test_serving_the_api_does_not_import_aiohttps_web_server() -> None:
    report = report_of(STARTS_THE_API)
    assert report == {"ok": True, "web": []}
