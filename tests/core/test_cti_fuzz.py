"""Whatever a client sends, the integration API answers each message exactly once
and keeps serving: random JSON objects shaped like commands, and random text."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from softphone.core.cti_client import CtiClient
from softphone.core.cti_commands import COMMANDS
from softphone.core.cti_server import CtiServer, CtiServerConfig
from tests.fakes.agent import signed_in_agent

TOKEN = "fuzz"
ARG_NAMES = sorted({a.name for spec in COMMANDS.values() for a in spec.args})

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
commands = st.fixed_dictionaries(
    {"command": st.sampled_from(sorted(COMMANDS)) | st.text(max_size=12) | json_values},
    optional={
        "id": json_values,
        **{
            name: json_values | st.sampled_from(["1", "0661234567", "12#", 1, 10])
            for name in ARG_NAMES
        },
        "extra": json_values,
    },
)
messages = st.lists(
    commands.map(lambda c: json.dumps(c, allow_nan=True))
    | json_values.map(json.dumps)
    | st.text(max_size=60),
    min_size=1,
    max_size=15,
)


async def exchange(texts: list[str]) -> tuple[list[dict[str, Any]], bool]:
    agent = await signed_in_agent()
    server = CtiServer(agent, CtiServerConfig(token=TOKEN, rate_per_s=1e6, burst=1000))
    await server.start()
    client = await CtiClient.connect(server.port, TOKEN)
    try:
        for text in texts:
            await client.send_raw(text)
        replies = list(await client.wait_replies(len(texts), timeout=20))
        still_serving = (await client.request("getState"))["ok"] is True
        return replies, still_serving
    finally:
        await client.aclose()
        await server.aclose()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages)
def test_every_message_gets_exactly_one_reply(texts: list[str]) -> None:
    replies, still_serving = asyncio.run(exchange(texts))
    assert still_serving
    assert len(replies) == len(texts)
    for text, reply in zip(texts, replies, strict=True):
        assert isinstance(reply["ok"], bool)
        assert reply["ok"] or (isinstance(reply["error"], str) and reply["error"])
        assert reply.get("code") != "internal", reply
        try:
            sent = json.loads(text)
        except ValueError:
            continue
        if isinstance(sent, dict) and "id" in sent:
            # Echoed as sent (JSON has no NaN/Infinity: those come back as null).
            expected = json.loads(json.dumps(sent["id"], allow_nan=True).replace("NaN", "null"))
            assert reply["id"] == expected or "Infinity" in text or "NaN" in text
