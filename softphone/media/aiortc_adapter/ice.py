"""Ending aioice's consent checks with the call.

Once ICE connects, aioice's ``Connection.connect()`` starts a consent
freshness task (``query_consent``, RFC 7675) that ``Connection.close()``
cancels. But a call can end while ``connect()`` is still on its way out
(ICE completed, the coroutine not yet resumed -- a customer who hangs up as
soon as the call is bridged): ``close()`` then finds no task to cancel, and
``connect()`` starts one afterwards on the closed connection. It loops every
~5 s over no nominated pair for the life of the process, holding the
connection and its buffers: one per such call.

Before the peer connection closes, ``disarm`` makes any consent task the
connection starts from then on end at once; after it closes, ``reap``
cancels one that got started anyway.
"""

from __future__ import annotations

import asyncio
from typing import Any


async def _no_consent_checks() -> None:
    """What a closing connection runs instead of its consent checks."""


def ice_connection(transceiver: Any) -> Any:
    """The aioice ``Connection`` under the transceiver's ICE transport (or None)."""
    ice_transport = getattr(transceiver.receiver.transport, "transport", None)
    return getattr(ice_transport, "__dict__", {}).get("_connection")


def disarm(connection: Any) -> None:
    """From now on a consent task this connection starts ends at once."""
    connection.query_consent = _no_consent_checks


def reap(connection: Any) -> None:
    """Cancel a consent task still running on the closed connection."""
    task = connection.__dict__.get("_query_consent_task")
    if isinstance(task, asyncio.Task) and not task.done():
        task.cancel()
