"""The integration API as a CRM meets it: a real WebSocket server on loopback,
a real client, and a fake session (``tests/fakes/working_agent.py``) behind it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest

from softphone.core.agent_snapshot import State
from softphone.core.cti_client import CtiClient
from softphone.core.cti_events import CtiEventName
from softphone.core.cti_server import CtiServer, CtiServerConfig
from tests.fakes.working_agent import FakeAgent, signed_in_agent

TOKEN = "s3cret-token"
CRM = "https://crm.example.com"


@dataclass
class Api:
    agent: FakeAgent
    server: CtiServer

    async def client(self, **kwargs: object) -> CtiClient:
        client = await CtiClient.connect(self.server.port, TOKEN, **kwargs)  # type: ignore[arg-type]
        self.clients.append(client)
        return client

    def __post_init__(self) -> None:
        self.clients: list[CtiClient] = []

    async def server_idle(self) -> None:
        """Until the server has let go of every disconnected client."""
        async with asyncio.timeout(10):
            while self.server.clients:
                await asyncio.sleep(0.01)


async def serve(**config: object) -> AsyncIterator[Api]:
    agent = await signed_in_agent()
    server = CtiServer(agent, CtiServerConfig(token=TOKEN, allowed_origins=(CRM,), **config))  # type: ignore[arg-type]
    await server.start()
    api = Api(agent, server)
    try:
        yield api
    finally:
        for client in api.clients:
            await client.aclose()
        await server.aclose()


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    async for value in serve():
        yield value


async def handshake(port: int, query: str, origin: str | None = None) -> tuple[int, str]:
    """Status and body of a raw WebSocket handshake (what a browser's console would show)."""
    headers = {
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    }
    if origin:
        headers["Origin"] = origin
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}/cti{query}", headers=headers) as response,
    ):
        return response.status, await response.text()


async def test_listens_on_loopback_only(api: Api) -> None:
    assert api.server.url == f"ws://127.0.0.1:{api.server.port}/cti"
    site_sockets = api.server._listener.sockets  # type: ignore[union-attr]
    assert [s.getsockname()[0] for s in site_sockets] == ["127.0.0.1"]


async def test_token_missing_or_wrong_is_refused_at_the_handshake(api: Api) -> None:
    status, text = await handshake(api.server.port, "")
    assert (status, "token required") == (401, text[:14])
    status, text = await handshake(api.server.port, "?token=s3cret-tokem")
    assert (status, text.strip()) == (401, "wrong token")
    status, _ = await handshake(api.server.port, f"?token={TOKEN}")
    assert status == 101
    assert api.agent.calls[-1][0] == "sign_in"  # nothing reached the session


async def test_origin_allow_list(api: Api) -> None:
    status, text = await handshake(api.server.port, f"?token={TOKEN}", "https://evil.example")
    assert status == 403 and "https://evil.example" in text and "not allowed" in text
    # The same origin spelt differently is the same origin.
    assert (await handshake(api.server.port, f"?token={TOKEN}", "HTTPS://crm.example.com:443"))[
        0
    ] == 101
    client = await api.client(origin=CRM)
    assert (await client.request("getState"))["ok"] is True


async def test_a_foreign_host_header_is_refused(api: Api) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            f"http://127.0.0.1:{api.server.port}/cti?token={TOKEN}",
            headers={"Host": "rebind.evil.example"},
        ) as response,
    ):
        assert response.status == 403


async def test_late_joiner_gets_the_current_state_first(api: Api) -> None:
    await api.agent.dial("0661234567")
    api.agent.connect_call("trace-42")
    client = await api.client()
    first = await client.wait_event(("onState", "onNewCall", "onAgentStateChange"))
    assert first["event"] == "onState"
    assert first["state"] == State.CALL_ACTIVE.value
    assert first["call"]["number"] == "0661234567"
    assert first["call"]["callTraceID"] == "trace-42"
    assert first["call"]["recordingUrl"].endswith("trace-42.wav")
    assert first["commands"]["hangup"] is None
    assert first["commands"]["dial"] == "the agent is not available"


async def test_events_of_a_call_arrive_in_order(api: Api) -> None:
    client = await api.client()
    await client.wait_event("onState")
    assert (await client.request("makeCall", number="0661234567", queue="Sales"))["ok"]
    api.agent.connect_call("trace-7")
    assert (await client.request("hangup"))["ok"]
    assert (await client.request("setCallCode", codeId=10))["ok"]
    await client.wait_event("onCallCodeSet")
    cti = [e["event"] for e in client.events if e["event"] not in ("onState",)]
    assert cti == [
        "onNewCall",
        "onAgentStateChange",
        "onAcceptCall",
        "onUuidCall",
        "onBridgeCall",
        "onAgentStateChange",
        "onHangupCall",
        "onAgentStateChange",
        "onCallCodeSet",
        "onAgentStateChange",
    ]
    hangup = next(e for e in client.events if e["event"] == "onHangupCall")
    assert hangup["callTraceID"] == "trace-7" and hangup["callId"]
    states = [e["state"] for e in client.events if e["event"] == "onState"]
    assert states[0] == "STATE_IDLE" and states[-1] == "STATE_IDLE"
    assert "STATE_CALL_ACTIVE" in states and "STATE_CLERICAL" in states


async def test_every_command_reaches_the_session(api: Api) -> None:
    client = await api.client()
    agent = api.agent

    async def ok(command: str, **args: object) -> None:
        reply = await client.request(command, **args)
        assert reply["ok"] is True, reply
        assert reply["command"] == command

    await ok("makeCall", number="0661234567", queue="Support")
    assert agent.calls[-1] == ("dial", ("0661234567", "Support"))
    agent.connect_call()
    for command, method, args in [
        ("hold", "hold", ()),
        ("unhold", "unhold", ()),
        ("mute", "mute", ()),
        ("unmute", "unmute", ()),
    ]:
        await ok(command)
        assert agent.calls[-1] == (method, args)
    await ok("dtmf", digits="12#")
    assert agent.calls[-1] == ("dtmf", ("12#",))
    await ok("hangup")
    assert agent.calls[-1] == ("hangup", ())
    await ok("setCallCode", codeId="11")  # Mediatel's ids come as text, too
    assert agent.calls[-1] == ("set_call_code", (11,))
    await ok("pause", pauseId=2)
    assert agent.calls[-1] == ("pause", (2,))
    await ok("resume")
    assert agent.calls[-1] == ("resume", ())
    await ok("makeCall", number="100")
    assert agent.calls[-1] == ("dial", ("100", None))
    await ok("hangup")
    agent.incoming_call("0501112233")
    await ok("answer")
    assert agent.calls[-1] == ("answer", ())
    await ok("hangup")
    await ok("setCallCode", codeId=10)
    agent.incoming_call("0501112234")
    await ok("reject")
    assert agent.calls[-1] == ("reject", ())
    state = await client.request("getState")
    assert state["result"]["event"] == "onState" and state["result"]["state"] == "STATE_CLERICAL"
    history = await client.request("getHistory", number="05011122", limit=1)
    assert [r["number"] for r in history["result"]] == ["0501112234"]
    assert history["result"][0]["endCause"] == "rejected"
    assert history["result"][0]["endReason"] == "agent-hung-up"


async def test_refusals_and_failures_say_why(api: Api) -> None:
    client = await api.client()
    reply = await client.request("hangup")
    assert reply == {
        "id": reply["id"],
        "command": "hangup",
        "ok": False,
        "code": "refused",
        "error": "no call is up",
    }
    api.agent.fail["pause"] = "Mediatel did not answer"
    reply = await client.request("pause", pauseId=1)
    assert (reply["code"], reply["error"]) == ("failed", "Mediatel did not answer")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"id": 5}', 'missing "command"'),
        ('{"command": "format_disk", "id": 5}', "unknown command 'format_disk'"),
        ('{"command": "makeCall", "id": 5}', "makeCall: 'number' is required"),
        ('{"command": "makeCall", "id": 5, "number": ""}', "non-empty string"),
        ('{"command": "makeCall", "id": 5, "number": "1", "qeue": "x"}', "unknown argument 'qeue'"),
        ('{"command": "dtmf", "id": 5, "digits": "12x"}', "0-9 * # A-D"),
        ('{"command": "pause", "id": 5, "pauseId": true}', "integer id"),
        ('{"command": "getHistory", "id": 5, "limit": 0}', "'limit' must be 1 to 1000"),
        ('{"command": "hangup", "id": 5, "callId": "c1"}', "unknown argument 'callId'"),
    ],
)
async def test_bad_input_gets_a_clear_error_and_the_session_carries_on(
    api: Api, text: str, error: str
) -> None:
    client = await api.client()
    before = list(api.agent.calls)
    await client.send_raw(text)
    (reply,) = await client.wait_replies(1)
    assert reply["ok"] is False and reply["code"] == "bad_request"
    assert error in reply["error"]
    if text.startswith('{"command"') or text.startswith('{"id"'):
        assert reply["id"] == 5
    assert api.agent.calls == before
    assert (await client.request("getState"))["ok"] is True


async def test_id_is_echoed_never_used(api: Api) -> None:
    client = await api.client()
    await client.send_raw(json.dumps({"command": "makeCall", "number": "123", "id": {"x": [1]}}))
    (reply,) = await client.wait_replies(1)
    assert reply["id"] == {"x": [1]} and reply["ok"] is True
    assert api.agent.calls[-1] == ("dial", ("123", None))


async def test_oversized_message_closes_only_that_client() -> None:
    async for api in serve(max_message_bytes=1024):
        big, small = await api.client(), await api.client()
        await big.send_raw(json.dumps({"command": "makeCall", "number": "1" * 2000}))
        await big.wait_closed()
        assert big.close_code == 1009  # "message too big"
        assert (await small.request("getState"))["ok"] is True
        assert all(name != "dial" for name, _ in api.agent.calls)


async def test_rate_limit() -> None:
    async for api in serve(rate_per_s=1.0, burst=5):
        client = await api.client()
        for n in range(8):
            await client.send_raw(json.dumps({"command": "getState", "id": n}))
        replies = await client.wait_replies(8)
        assert [r["ok"] for r in replies] == [True] * 5 + [False] * 3
        assert {r["code"] for r in replies[5:]} == {"rate_limited"}
        assert [r["id"] for r in replies] == list(range(8))
        assert "at most 1 a second" in replies[-1]["error"]


async def test_a_client_that_cannot_keep_up_is_dropped() -> None:
    async for api in serve(send_queue=5):
        client = await api.client()
        await client.wait_event("onState")
        for n in range(50):  # faster than any socket drains: the queue overflows
            api.agent.emit(CtiEventName.DTMF_CALL, digit=str(n % 10))
        await client.wait_closed()
        assert client.close_code == 1013
        await api.server_idle()


async def test_a_session_bug_still_gets_a_reply(api: Api) -> None:
    async def broken() -> None:
        raise KeyError("oops")

    api.agent.hold = broken  # type: ignore[method-assign]
    client = await api.client()
    reply = await client.request("hold")
    assert (reply["ok"], reply["code"], reply["error"]) == (
        False,
        "internal",
        "internal error: KeyError",
    )
    assert (await client.request("getState"))["ok"] is True


async def test_slow_command_times_out_with_a_reply() -> None:
    async for api in serve(command_timeout_s=0.2):
        api.agent.command_delay_s = 5.0
        client = await api.client()
        reply = await client.request("resume")
        assert (reply["code"], reply["error"]) == ("timeout", "the agent did not answer in 0.2 s")


async def test_server_stop_closes_clients(api: Api) -> None:
    client = await api.client()
    await api.server.aclose()
    await client.wait_closed()
    assert client.close_code == 1001
