"""The simulator on its own: wire styles, hostile clients, agents file, control API, telephony."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import socketio

from softphone.net.mediatel import State, parse_state
from softphone.sim.config import ConfigError, Numbers, Spelling, load_agents
from softphone.sim.telephony import CallKind, RingOutcome, RingRequest, VirtualTelephony
from tests.peers.mediatel import WAIT, SimFactory


class RawClient:
    """A bare Socket.IO client that sends whatever a test wants."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(handle_sigint=False, reconnection=False)
        self.snapshots: asyncio.Queue[Any] = asyncio.Queue()
        self.sio.on("data", self.snapshots.put)

    async def connect(self, url: str) -> dict[str, Any]:
        await self.sio.connect(url, transports=["websocket"], socketio_path="mediatel/socket.io")
        return await self.next()

    async def next(self) -> Any:
        return await asyncio.wait_for(self.snapshots.get(), WAIT)

    async def send(self, *args: Any) -> Any:
        await self.sio.emit("data", args[0] if len(args) == 1 else args)
        return await self.next()


@pytest.fixture
async def raw() -> Any:
    client = RawClient()
    yield client
    await client.sio.disconnect()


HOSTILE_COMMANDS: list[Any] = [
    None,
    [],
    "login",
    12,
    {"no": "type"},
    {"type": 5},
    {"type": "nope"},
    {"type": "login"},
    {"type": "login", "user": ["demo"], "password": "demo", "extension": "1001"},
    {"type": "makeCall", "phoneNumber": "0661234567", "queueName": "DM_MFO_1"},
    {"type": "resolutionSet", "id": 4},
    {"type": "pause", "id": {"x": 1}},
    {"type": "login", "user": "x" * 200_000, "password": "p", "extension": "1"},
]


async def test_hostile_commands_get_the_unchanged_state(
    mediatel_sim: SimFactory, raw: RawClient
) -> None:
    h = await mediatel_sim()
    first = await raw.connect(h.sim.url)
    assert first["state"] == "STATE_LOGOUT"
    for command in HOSTILE_COMMANDS:
        answer = await raw.send(command)
        assert answer["state"] == "STATE_LOGOUT", command
    answer = await raw.send(
        {"type": "login", "user": "demo", "password": "demo", "extension": "1001"}
    )
    assert answer["state"] == "STATE_IDLE"
    for command in (
        {"type": "pause", "id": "77"},
        {"type": "makeCall", "phoneNumber": 5, "queueName": None},
        {"type": "resolutionSet", "id": 4},
        {"type": "login"},
        {"type": "holdCall"},
        {"type": "pause", "id": True},
    ):
        answer = await raw.send(command)
        assert answer["state"] == "STATE_IDLE", command
    # unknown events are ignored, the connection stays
    await raw.sio.emit("whatever", {"x": 1})
    answer = await raw.send({"type": "pause", "id": "1"})
    assert answer["state"] == "STATE_PAUSE" and answer["pauseId"] == "1"


async def test_payloads_as_the_example_client_sends_them(
    mediatel_sim: SimFactory, raw: RawClient
) -> None:
    """Ids as text (pauseList[i][0]) or numbers (setResult(15), pause id 0) both work."""
    h = await mediatel_sim()
    await raw.connect(h.sim.url)
    await raw.send({"type": "login", "user": "demo", "password": "demo", "extension": "1001"})
    assert (await raw.send({"type": "pause", "id": 3}))["state"] == "STATE_PAUSE"
    assert (await raw.send({"type": "pause", "id": "0"}))["state"] == "STATE_IDLE"
    await raw.sio.emit(
        "data",
        {"type": "makeCall", "phoneNumber": "18001234567", "queueName": "DM_Banks_ManualCalls"},
    )
    while (snap := await raw.next())["state"] != "STATE_CALL_ACTIVE":
        pass
    assert snap["ani"] == "18001234567" and snap["callTraceID"] != "-1"
    await raw.sio.emit("data", {"type": "closeCall"})
    while (snap := await raw.next())["state"] != "STATE_CLERICAL":
        pass
    assert (await raw.send({"type": "resolutionSet", "id": "15"}))["state"] == "STATE_IDLE"


@pytest.mark.parametrize("spelling", list(Spelling))
@pytest.mark.parametrize("numbers", list(Numbers))
async def test_wire_styles(
    mediatel_sim: SimFactory, raw: RawClient, spelling: Spelling, numbers: Numbers
) -> None:
    h = await mediatel_sim(spelling=spelling, numbers=numbers)
    snap = await raw.connect(h.sim.url)
    legacy = spelling is Spelling.LEGACY
    assert ("avaliableCommand" in snap) is legacy and ("availableCommand" in snap) is not legacy
    assert ("awaliableCallCodes" in snap) is legacy and ("isAvaliable" in snap) is legacy
    assert isinstance(snap["agentId"], int if numbers is Numbers.NUMBERS else str)
    assert snap["callStartTime"] == "1999-01-01 01:01:01" and snap["queues"] == [""]
    assert snap["time"] is None
    snap = await raw.send(
        {"type": "login", "user": "demo", "password": "demo", "extension": "1001"}
    )
    state = parse_state(snap)
    assert state.state is State.IDLE and state.agent_id == 329 and state.queues
    assert state.pause_list and state.can("CMD_MAKECALL")


def test_logout_snapshot_has_the_fields_of_the_seed_example() -> None:
    from softphone.sim.config import SimSettings
    from softphone.sim.wire import WireView, render
    from tests.net.mediatel.vectors import vector

    snap = render(WireView(state=State.LOGOUT, server_time_ms=1), SimSettings())
    seed = vector("state-logout-legacy.json")
    assert set(seed) <= set(snap)
    for key in (
        "avaliableCommand",
        "callStartTime",
        "callTraceID",
        "agentId",
        "queues",
        "predictiveStatus",
        "pauseId",
        "state",
        "status",
        "time",
    ):
        assert snap[key] == seed[key], key


async def test_control_api(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim()
    client = await h.logged_in()
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{h.sim.url}/sim/agents") as response:
            agents = await response.json()
        assert agents == [
            {"login": "demo", "extension": "1001", "state": "STATE_IDLE", "connected": True}
        ]
        async with http.post(f"{h.sim.url}/sim/inbound", data="not json") as response:
            assert response.status == 400
        async with http.post(f"{h.sim.url}/sim/hangup", json={"login": "demo"}) as response:
            assert (
                response.status == 400 and "no connected call" in (await response.json())["error"]
            )
        async with http.post(f"{h.sim.url}/sim/inbound", json={"login": "demo"}) as response:
            assert response.status == 200
        await client.wait_for(lambda s: s.state is State.CALL_ACTIVE, WAIT)
        async with http.post(f"{h.sim.url}/sim/hangup", json={"login": "demo"}) as response:
            assert response.status == 200
        await client.wait_for(lambda s: s.state is State.CLERICAL, WAIT)


async def test_force_state_reaches_every_described_state(mediatel_sim: SimFactory) -> None:
    from softphone.sim.server import SimulatorError
    from softphone.sim.tables import STATUS_OF

    h = await mediatel_sim()
    client = await h.logged_in()
    for state in STATUS_OF:
        if state is State.LOGOUT:
            continue
        await h.sim.force_state("demo", state)
        await client.wait_for(lambda s, st=state: s.state is st, WAIT)
    with pytest.raises(SimulatorError):
        await h.sim.force_state("demo", State.MUTE)
    with pytest.raises(SimulatorError):
        await h.sim.force_state("nobody", State.IDLE)


def test_agents_file(tmp_path: Path) -> None:
    path = tmp_path / "agents.json"
    path.write_text(
        json.dumps(
            [
                {"login": "a1", "password": "p1", "extension": "3444", "queues": ["DM_MFO_1"]},
                {"login": "a2", "password": "p2", "extension": "3445", "sip_password": "s"},
            ]
        )
    )
    a1, a2 = load_agents(path)
    assert (a1.login, a1.extension, a1.sip_user, a1.queues) == ("a1", "3444", "3444", ("DM_MFO_1",))
    assert a2.sip_password == "s" and "p2" not in repr(a2)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not valid JSON"),
        ("[]", "non-empty list"),
        ('[{"login": "a"}]', "missing 'password'"),
        ("[1]", "expected an object"),
        (
            '[{"login": "a", "password": "p", "extension": "1"},'
            ' {"login": "a", "password": "p", "extension": "2"}]',
            "duplicate",
        ),
        ('[{"login": "a", "password": "p", "extension": "1", "agent_id": "x"}]', "agent_id"),
    ],
)
def test_bad_agents_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "agents.json"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message):
        load_agents(path)
    with pytest.raises(ConfigError, match="cannot read"):
        load_agents(tmp_path / "missing.json")


def _request(extension: str = "1001") -> RingRequest:
    return RingRequest(extension, "1", "0661234567", CallKind.INBOUND, "Inbound_Main")


async def test_virtual_extension_behaviours() -> None:
    telephony = VirtualTelephony(default_answer_after=None)
    hung_up: list[str] = []

    class Listener:
        def agent_hung_up(self, extension: str) -> None:
            hung_up.append(extension)

    await telephony.start(Listener())
    assert (await telephony.ring(_request(), 0.05)).outcome is RingOutcome.NO_ANSWER
    ext = telephony.extension("1001")
    ring = asyncio.ensure_future(telephony.ring(_request(), WAIT))
    await asyncio.wait_for(ext.wait_ringing(), WAIT)
    ext.answer()
    assert (await ring).answered and ext.call is not None
    ext.hang_up()
    assert hung_up == ["1001"] and ext.call is None
    ring = asyncio.ensure_future(telephony.ring(_request(), WAIT))
    await asyncio.wait_for(ext.wait_ringing(), WAIT)
    ext.reject()
    assert (await ring).outcome is RingOutcome.REJECTED
    ext.registered = False
    assert (await telephony.ring(_request(), WAIT)).outcome is RingOutcome.UNREACHABLE
    assert len(ext.rings) == 4
    await telephony.aclose()
