"""A transport that drops while python-socketio is still finishing its ``connect()``.

python-socketio calls our connect handler once the namespace is up, but sets its own
``connected`` flag only when ``connect()`` returns; a drop in between skips our
disconnect handler, and python-socketio then believes it is connected over a dead
transport (each emit silently dropped, no drop ever reported). These tests drop the
simulator's socket at exactly that moment: while our connect handler runs, the test
cuts the socket and waits until the client's transport has seen it go, so
``connect()`` returns only afterwards. The client must end Disconnected and
reconnecting (or, on a first connect, fail), never believing it is connected.
"""

from __future__ import annotations

import pytest

from softphone.net.mediatel import (
    Connected,
    Disconnected,
    MediatelClient,
    MediatelConfig,
    MediatelConnectionError,
    Reconnecting,
    State,
)
from softphone.sim.config import Reconnect
from softphone.sim.server import MediatelSimulator
from tests.net.mediatel.waits import next_of, reach
from tests.peers.mediatel import WAIT, SimFactory, SimHarness
from tests.waiting import until


class DroppedAsItConnects(MediatelClient):
    """A client whose next connection the simulator cuts while it comes up."""

    def __init__(self, config: MediatelConfig, sim: MediatelSimulator) -> None:
        super().__init__(config)
        self.sim = sim
        self.drop_next = False

    async def _on_connect(self) -> None:
        await super()._on_connect()
        if self.drop_next:
            self.drop_next = False
            sio = self._sio
            await self.sim.drop_socket(sio.get_sid())
            await until(lambda: sio.eio.state != "connected", timeout=WAIT, what="the drop")


def dropping_client(h: SimHarness) -> DroppedAsItConnects:
    config = MediatelConfig(
        url=h.sim.url, reconnection_delay=0.05, reconnection_delay_max=0.2, connect_timeout=WAIT
    )
    client = DroppedAsItConnects(config, h.sim)
    h.clients.append(client)
    return client


async def test_a_reconnect_dropped_as_it_comes_up_reconnects_again(
    mediatel_sim: SimFactory,
) -> None:
    h = await mediatel_sim(reconnect=Reconnect.KEEP_LOGIN)
    client = dropping_client(h)
    await client.connect()
    await client.login("demo", "demo", "1001")
    await reach(client, State.IDLE)
    events = client.events()
    client.drop_next = True
    await h.sim.drop_connection("demo")
    await next_of(events, Disconnected)  # the first drop
    assert (await next_of(events, Connected)).reconnected  # the attempt cut as it came up
    await next_of(events, Disconnected)  # python-socketio alone never reports this one
    assert not client.connected
    await next_of(events, Reconnecting)
    assert (await next_of(events, Connected)).reconnected
    await reach(client, State.IDLE)
    await client.make_call("0661234567")  # the session really works again
    await reach(client, State.CALL_ACTIVE)


async def test_a_first_connect_dropped_as_it_comes_up_fails(mediatel_sim: SimFactory) -> None:
    h = await mediatel_sim(reconnect=Reconnect.KEEP_LOGIN)
    client = dropping_client(h)
    events = client.events()
    client.drop_next = True
    with pytest.raises(MediatelConnectionError):
        await client.connect()
    assert not client.connected
    seen = [type(e) for e in events.pending()]
    assert [kind for kind in seen if kind in (Connected, Disconnected)] == [
        Connected,
        Disconnected,
    ]
    assert Reconnecting not in seen  # a first connect: its caller decides
    await client.connect()  # and the next attempt works
    await client.login("demo", "demo", "1001")
    await reach(client, State.IDLE)
