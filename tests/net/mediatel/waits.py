"""Waiting on the Mediatel client: for an event of a kind, or for a state.

Both wait on the client's own notifications (no polling) with the peers'
generous ``WAIT`` bound.
"""

from __future__ import annotations

import asyncio
from typing import TypeVar

from softphone.net.mediatel import EventStream, MediatelClient, State
from tests.peers.mediatel import WAIT

E = TypeVar("E")


async def next_of(stream: EventStream, kind: type[E]) -> E:
    return await asyncio.wait_for(stream.next_of(kind), WAIT)


async def reach(client: MediatelClient, state: State) -> None:
    """Until the agent's state is ``state``."""
    await client.wait_for(lambda s: s.state == state, WAIT)
