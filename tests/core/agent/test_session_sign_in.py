"""Every way sign-in fails gets its own sentence and field, and leaves nothing open.

"Nothing open" is checked where it matters: the simulator shows the agent
logged out and no SIP binding for the extension, so the platform cannot
offer a call to a half-signed-in agent.
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import replace
from pathlib import Path

import pytest

from softphone.core.agent_commands import SignInError, SignInField
from softphone.core.agent_snapshot import SignIn
from softphone.net.mediatel import State
from softphone.sim.config import SimSettings
from tests.core.agent.session_harness import DEMO, build_agent
from tests.peers.mediatel_sip import SipSimFactory, SipSimHarness

pytestmark = pytest.mark.usefixtures("loopback_ice")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def nothing_open(h: SipSimHarness) -> bool:
    bindings = h.telephony.registrar.lookup("1001", asyncio.get_running_loop().time())
    return h.sim.state_of("demo") is State.LOGOUT and not list(bindings)


async def fails(
    h: SipSimHarness, tmp_path: Path, request: object = DEMO, **kw: object
) -> SignInError:
    agent = build_agent(h, tmp_path, **kw)  # type: ignore[arg-type]
    with pytest.raises(SignInError) as failure:
        await agent.session.sign_in(request)  # type: ignore[arg-type]
    snap = agent.session.snapshot
    assert snap.sign_in is SignIn.SIGNED_OUT and snap.sign_in_error == str(failure.value)
    assert nothing_open(h)
    return failure.value


async def test_wrong_mediatel_password(sip_sim: SipSimFactory, tmp_path: Path) -> None:
    h = await sip_sim()
    error = await fails(h, tmp_path, replace(DEMO, password="wrong"))
    assert error.field is SignInField.LOGIN
    assert "Mediatel refused the login" in str(error) and "Invalid user name or password" in str(
        error
    )


async def test_wrong_sip_password(sip_sim: SipSimFactory, tmp_path: Path) -> None:
    h = await sip_sim()
    error = await fails(h, tmp_path, replace(DEMO, sip_password="wrong"))
    assert error.field is SignInField.SIP and "SIP user and password" in str(error)


async def test_unreachable_mediatel(sip_sim: SipSimFactory, tmp_path: Path) -> None:
    h = await sip_sim()
    error = await fails(h, tmp_path, mediatel_url=f"http://127.0.0.1:{free_port()}")
    assert error.field is SignInField.SERVER and "Cannot reach Mediatel" in str(error)


async def test_tls_failure(sip_sim: SipSimFactory, tmp_path: Path) -> None:
    h = await sip_sim()
    error = await fails(h, tmp_path, mediatel_url=h.sim.url.replace("http://", "https://"))
    assert error.field is SignInField.SERVER and "secure connection" in str(error)


async def test_gateway_403(sip_sim: SipSimFactory, tmp_path: Path) -> None:
    h = await sip_sim(settings=replace(SimSettings(), vouch_token="a-token-we-do-not-have"))
    error = await fails(h, tmp_path)
    assert error.field is SignInField.GATEWAY and "403" in str(error)
    assert h.sim.rejected_handshakes >= 1


async def test_unreachable_sip_server(sip_sim: SipSimFactory, tmp_path: Path) -> None:
    h = await sip_sim()
    error = await fails(h, tmp_path, sip_urls=(f"ws://127.0.0.1:{free_port()}/ws",))
    assert error.field is SignInField.SERVER and "SIP server" in str(error)


async def test_gateway_403_on_the_sip_websocket(sip_sim: SipSimFactory, tmp_path: Path) -> None:
    h = await sip_sim(vouch_token="a-sip-gateway-token")
    error = await fails(h, tmp_path)
    assert error.field is SignInField.GATEWAY and "SIP connection (403)" in str(error)
