"""A session built from configuration alone: provisioning and per-agent settings, end to end.

The CRM back end provisions the profile (credentials and the gateway JWT);
the first JWT it hands out has expired, so the gateway answers 403 and the
session fetches the profile again. Mediatel's per-agent settings then
decide that inbound calls are answered by hand and that a clerical reminder
comes after a second.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from softphone.core.agent_api import SignInRequest
from softphone.core.agent_commands import AgentCommand
from softphone.core.agent_factory import build_session
from softphone.core.agent_snapshot import AgentSnapshot, CallPhase, CallType
from softphone.core.config import load_config
from softphone.core.secrets import Secrets
from softphone.media.devices import AudioSettings
from softphone.media.tracks import PcmCollector, tone_source
from softphone.net.mediatel import State
from softphone.sim.agent_settings import set_agent_settings
from softphone.sim.config import SimSettings
from tests.core.phone_probe import RATE
from tests.peers.mediatel import WAIT
from tests.peers.mediatel_sip import SipSimFactory

pytestmark = pytest.mark.usefixtures("loopback_ice")
GATEWAY_TOKEN = "the-current-gateway-jwt"


class Provisioner:
    """The CRM back end: hands out the profile to a bearer token, stale JWT first."""

    def __init__(self, profile: dict[str, Any]) -> None:
        self.profile = profile
        self.fetches = 0
        self.app = web.Application()
        self.app.router.add_get("/agent-profile", self.serve)
        self.app.router.add_get("/registrars", self.registrars)
        self.url = ""
        self.registrar_urls: list[str] = []
        self.registrar_fetches = 0
        self.tokens = ["an-expired-jwt", GATEWAY_TOKEN]
        """The gateway JWT of each fetch in turn (the last one from then on)."""

    async def registrars(self, request: web.Request) -> web.Response:
        self.registrar_fetches += 1
        return web.json_response({"urls": self.registrar_urls})

    async def serve(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != "Bearer crm-session-token":
            return web.json_response({"error": "who are you?"}, status=401)
        self.fetches += 1
        token = self.tokens[min(self.fetches, len(self.tokens)) - 1]
        return web.json_response({**self.profile, "gateway_token": token})


@pytest.fixture
async def provisioner() -> AsyncIterator[Provisioner]:
    server = Provisioner({})
    runner = web.AppRunner(server.app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.url = f"http://127.0.0.1:{runner.addresses[0][1]}/agent-profile"
    yield server
    await runner.cleanup()


async def test_provisioned_agent_with_server_settings(
    sip_sim: SipSimFactory, provisioner: Provisioner, tmp_path: Path
) -> None:
    h = await sip_sim(settings=replace(SimSettings(), vouch_token=GATEWAY_TOKEN))
    set_agent_settings(
        h.sim.app,
        "demo",
        {
            "AutoAnswer": {"Manual": 1, "Inbound": 0, "Predictive": 1, "Time": 0},
            "ClericalReminder": 1,
        },
    )
    provisioner.profile = {
        "mediatel_url": h.sim.url,
        "sip_ws": [h.ws_url],
        "insecure": True,
        "agent_settings_url": h.sim.url,
        "login": "demo",
        "extension": "1001",
        "password": "demo",
        "sip_password": "1001",
    }
    profile = tmp_path / "profile.toml"
    profile.write_text(
        f'mediatel_url = "{h.sim.url}"\nprovisioning_url = "{provisioner.url}"\n'
        f'insecure = true\ndata_dir = "{tmp_path / "data"}"\nregistrar_poll_s = 1\n'
        f'registrar_list_url = "{provisioner.url.replace("agent-profile", "registrars")}"\n',
        encoding="utf-8",
    )
    config = load_config(profile, {}, {})
    provisioner.registrar_urls = [h.ws_url]
    collector = PcmCollector(RATE)
    session = build_session(
        config,
        Secrets(provisioning_token="crm-session-token"),
        profile_path=profile,
        env={},
        phone_options={
            "audio": AudioSettings(null=True),
            "ring_incoming": False,
            "source_factory": lambda: tone_source(440.0),
            "sink_factory": lambda: collector,
        },
    )
    seen: list[AgentSnapshot] = []
    session.subscribe(seen.append)
    try:
        await session.sign_in(SignInRequest(login="", password="", extension=""))
        assert provisioner.fetches == 2, "the gateway's 403 did not trigger a fresh profile"
        assert h.sim.rejected_handshakes >= 1
        snap = session.snapshot
        assert snap.login == "demo" and snap.auto_answer.from_server
        assert not snap.auto_answer.by_type[CallType.INBOUND]
        await h.sim.inbound_call("demo")
        await _until(session, lambda s: s.can(AgentCommand.ANSWER))
        assert session.snapshot.call.auto_answer_at is None  # type: ignore[union-attr]
        await session.answer()
        await _until(session, lambda s: s.call is not None and s.call.phase is CallPhase.TALKING)
        await h.sim.customer_hangup("demo")
        await _until(session, lambda s: s.clerical is not None and s.clerical.reminder_due)
        assert (tmp_path / "data" / "history.sqlite").exists()
        assert provisioner.registrar_fetches >= 1
        assert session.registrars.current == (h.ws_url,)
    finally:
        await session.aclose()
    assert session.snapshot.state is State.LOGOUT


async def _until(session: Any, predicate: Any) -> None:
    async def wait() -> None:
        async for snap in session.snapshots():
            if predicate(snap):
                return

    await asyncio.wait_for(wait(), WAIT)


@pytest.mark.parametrize("link", ["mediatel", "sip"])
async def test_a_gateway_token_expiring_while_signed_in_is_fetched_again(
    sip_sim: SipSimFactory, provisioner: Provisioner, tmp_path: Path, link: str
) -> None:
    h = await sip_sim(
        settings=replace(SimSettings(), vouch_token=GATEWAY_TOKEN), vouch_token=GATEWAY_TOKEN
    )  # one gateway in front of Mediatel and the SIP WebSocket
    provisioner.profile = {
        "mediatel_url": h.sim.url,
        "sip_ws": [h.ws_url],
        "insecure": True,
        "login": "demo",
        "extension": "1001",
        "password": "demo",
        "sip_password": "1001",
    }
    profile = tmp_path / "profile.toml"
    profile.write_text(
        f'mediatel_url = "{h.sim.url}"\nprovisioning_url = "{provisioner.url}"\n'
        f'insecure = true\ndata_dir = "{tmp_path / "data"}"\n',
        encoding="utf-8",
    )
    session = build_session(
        load_config(profile, {}, {}),
        Secrets(provisioning_token="crm-session-token"),
        profile_path=profile,
        env={},
        phone_options={"audio": AudioSettings(null=True), "ring_incoming": False},
    )
    try:
        await session.sign_in(SignInRequest(login="", password="", extension=""))
        assert provisioner.fetches == 2
        # the gateway moves on to a new token, which the CRM back end now hands out
        provisioner.tokens = ["rotated-jwt"]
        telephony: Any = h.telephony
        if link == "mediatel":
            h.sim.settings = replace(h.sim.settings, vouch_token="rotated-jwt")
            refused = h.sim.rejected_handshakes
            await h.sim.drop_connection("demo")
            await _until(session, lambda s: not s.mediatel.up)
        else:
            telephony.config = replace(telephony.config, vouch_token="rotated-jwt")
            for ws in list(telephony._sockets):
                await ws.close()
            await _until(session, lambda s: not s.sip.up)
        await _until(session, lambda s: s.mediatel.up and s.sip.up and s.state is State.IDLE)
        assert provisioner.fetches == 3, "the live 403 did not fetch the profile again"
        if link == "mediatel":
            assert h.sim.rejected_handshakes > refused  # the old token was refused first
        assert h.sim.state_of("demo") is State.IDLE
        assert session.snapshot.notice is not None and "new token" in session.snapshot.notice
    finally:
        await session.aclose()
