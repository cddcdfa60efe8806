"""``examples/crm.html`` in a real headless Chromium against the integration API:
the page shows the agent's state and the call, and its buttons send commands."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from softphone.core.cti_server import CtiServer, CtiServerConfig
from tests.fakes.agent import FakeAgent, signed_in_agent
from tests.peers.browser import browse
from tests.peers.errors import PeerUnavailable
from tests.peers.fixtures import unavailable

pytestmark = pytest.mark.peers

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TOKEN = "crm-page-token"


@pytest.fixture
async def crm_site() -> AsyncIterator[str]:
    """The examples directory over HTTP on loopback: the page gets a real web origin."""
    app = web.Application()
    app.router.add_static("/", EXAMPLES)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def run_page(url: str, steps: list[dict[str, object]]) -> list[dict[str, object]]:
    try:
        return await browse(url, steps)
    except PeerUnavailable as exc:
        unavailable(str(exc))


async def test_crm_page_follows_and_drives_the_agent(crm_site: str) -> None:
    agent: FakeAgent = await signed_in_agent(login="mt_agent1", extension="3444")
    server = CtiServer(agent, CtiServerConfig(token=TOKEN, allowed_origins=(crm_site,)))
    await server.start()
    try:
        url = f"{crm_site}/crm.html#port={server.port}&token={TOKEN}"
        steps: list[dict[str, object]] = [
            {"waitText": ["#connection", "connected"]},
            {"waitText": ["#agent-state", "STATE_IDLE"]},
            {"waitText": ["#agent-login", "mt_agent1 (extension 3444)"]},
            {"fill": ["#number", "0661234567"]},
            {"select": ["#queue", "Support"]},
            {"click": "#dial"},
            {"waitText": ["#call-number", "0661234567"]},
            {"waitText": ["#log", "onNewCall 0661234567"]},
        ]
        results = await run_page(url, steps)
        assert results[1]["text"] == "STATE_IDLE"
        assert ("dial", ("0661234567", "Support")) in agent.calls

        # The platform connects the customer: the page shows callTraceID and
        # the recording; hang up, call code and pause go through the page too.
        agent.connect_call("trace-3444-1")
        steps = [
            {"waitText": ["#call-trace-id", "trace-3444-1"]},
            {"waitText": ["#call-recording", "listen"]},
            {"click": "#hold"},
            {"waitText": ["#call-phase", "on hold"]},
            {"click": "#hangup"},
            {"waitText": ["#agent-state", "STATE_CLERICAL"]},
            {"select": ["#code-id", "11"]},
            {"click": "#set-code"},
            {"waitText": ["#agent-state", "STATE_IDLE"]},
            {"select": ["#pause-id", "2"]},
            {"click": "#pause"},
            {"waitText": ["#agent-pause", "Meeting"]},
            {"attr": ["#dial", "disabled"]},  # in pause the page says why not
            {"attr": ["#dial", "title"]},
        ]
        # A new page load is a late joiner: it starts from the current state.
        results = await run_page(url, steps)
        assert results[-2]["text"] == ""
        assert results[-1]["text"] == "the agent is not available"
        names = [name for name, _ in agent.calls]
        assert names[-4:] == ["hold", "hangup", "set_call_code", "pause"]
        assert agent.calls[-2] == ("set_call_code", (11,))
        assert agent.records[-1].call_code_name == "Call back"
    finally:
        await server.aclose()


async def test_crm_page_from_a_foreign_origin_is_refused(crm_site: str) -> None:
    agent = await signed_in_agent()
    server = CtiServer(agent, CtiServerConfig(token=TOKEN, allowed_origins=("https://crm.ok",)))
    await server.start()
    try:
        url = f"{crm_site}/crm.html#port={server.port}&token={TOKEN}"
        results = await run_page(url, [{"waitText": ["#connection", "disconnected (1006"]}])
        assert "1006" in str(results[0]["text"])
        assert [name for name, _ in agent.calls] == ["sign_in"]
    finally:
        await server.aclose()
