"""The Mediatel client's reconnect loop and what it restores once back.

A mixin of ``MediatelClient`` (client.py holds the socket, the commands and
the snapshots). A dropped socket is never silently offline: each attempt is
announced with its reason and delay, the delays double with jitter (so a
restarted server is not hit by every agent at once), the agent is logged in
again with the credentials held in memory, and a call code chosen while
offline is re-sent once the server shows that call in after-call work.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import TYPE_CHECKING, Any

from softphone.net.mediatel import commands
from softphone.net.mediatel.errors import MediatelConnectionError
from softphone.net.mediatel.events import (
    CallCodeDropped,
    CallCodeResent,
    CallCodeSettled,
    Connected,
    Disconnected,
    MediatelEvent,
    Reconnecting,
)
from softphone.net.mediatel.sio import socketio
from softphone.net.mediatel.state import AgentState, Command, State

if TYPE_CHECKING:
    from softphone.net.mediatel.config import Credentials, MediatelConfig
    from softphone.net.mediatel.pending import PendingCallCode, PendingCallCodeStore

log = logging.getLogger(__name__)


class Reconnect:
    """Mixin of ``MediatelClient``: connection up/down, the revive loop, session restore."""

    if TYPE_CHECKING:
        config: MediatelConfig
        _sio: socketio.AsyncClient
        _store: PendingCallCodeStore | None
        _pending: PendingCallCode | None
        _resend_armed: bool
        _credentials: Credentials | None
        _login_pending: bool
        _ever_connected: bool
        _link_up: bool
        _state_current: bool
        _resync: bool
        _closing: bool
        _attempting: bool
        _revive_task: asyncio.Task[None] | None

        def _emit(self, event: MediatelEvent) -> None: ...
        async def _connect_once(self) -> None: ...
        async def _send(self, payload: dict[str, Any]) -> None: ...
        async def _send_login(self, *, automatic: bool) -> None: ...
        def _remember(self, call_trace_id: str, code_id: int, *, sent: bool) -> PendingCallCode: ...

    async def _on_connect(self) -> None:
        # python-socketio calls this once the namespace is up (``emit`` works from here
        # on) but sets ``AsyncClient.connected`` only when its ``connect()`` returns, a
        # loop turn or more later. Whoever reacts to Connected may send at once, so the
        # link counts as up here; the snapshot from before the drop stops counting.
        self._link_up = True
        self._state_current = False
        reconnected = self._ever_connected
        self._ever_connected = True
        self._resync = reconnected
        if self._pending is not None:
            self._resend_armed = True
        self._emit(Connected(reconnected=reconnected))

    async def _on_disconnect(self, reason: str = "") -> None:
        reason = str(reason or "unknown")
        self._link_up = False
        self._state_current = False  # client.state stays: the last good snapshot
        if self._closing:
            self._emit(Disconnected(reason, final=True))
            return
        self._emit(Disconnected(reason))
        if reason == socketio.AsyncClient.reason.CLIENT_DISCONNECT or self._attempting:
            return  # our own disconnect, or a connect attempt that failed: its caller decides
        # A dropped socket or a server that closed the session: never silently offline.
        if self._revive_task is None or self._revive_task.done():
            why = (
                "Mediatel closed the connection"
                if reason == socketio.AsyncClient.reason.SERVER_DISCONNECT
                else "the connection dropped"
            )
            self._revive_task = asyncio.create_task(self._revive(why))

    async def _dropped_while_connecting(self) -> None:
        """The transport dropped between the namespace coming up (``Connected`` went out)
        and python-socketio's ``connect()`` returning.

        python-socketio skipped our disconnect handler then (its ``connected`` flag was
        still False) and now believes it is connected over a dead transport, where each
        emit is silently dropped and no drop will ever be reported: the client would sit
        "connected" for good. Replay the disconnect it skipped (so it forgets the
        namespace, and ``Disconnected`` goes out) and fail the attempt like any other:
        the revive loop tries again, a first ``connect()`` raises to its caller.
        """
        log.warning("the Mediatel connection dropped as it came up")
        if self._sio.connected:
            await self._sio._handle_eio_disconnect(socketio.AsyncClient.reason.TRANSPORT_ERROR)
        raise MediatelConnectionError("the connection dropped as it came up")

    async def _revive(self, why: str) -> None:
        """Reconnect with doubling delays (jittered, so a restarted server is not hit by
        every agent at once), announcing each attempt with its reason and delay."""
        delay = self.config.reconnection_delay
        while not self._closing and not self._link_up:
            wait = delay * random.uniform(0.8, 1.0)
            self._emit(Reconnecting(retry_in=wait, reason=why))
            await asyncio.sleep(wait)
            if self._link_up:
                return
            try:
                await self._connect_once()
                return
            except MediatelConnectionError:
                why = "Mediatel does not answer"
            delay = min(delay * 2, self.config.reconnection_delay_max)

    async def _restore(self, new: AgentState) -> None:
        if self._resync:
            self._resync = False
            if (
                new.state == State.LOGOUT
                and self._credentials is not None
                and not self._login_pending
                and Command.LOGIN in new.available_commands
            ):
                log.info("Mediatel started the new socket logged out; logging in again")
                await self._send_login(automatic=True)
                return
        pending = self._pending
        if pending is None:
            return
        if new.state == State.CLERICAL:
            if new.call_trace_id is None:
                return  # cannot tell which call: keep the code, do not guess
            if new.call_trace_id == pending.call_trace_id:
                if self._resend_armed:
                    self._resend_armed = False
                    await self._send(commands.resolution_set(pending.code_id))
                    if not pending.sent:
                        self._pending = self._remember(
                            pending.call_trace_id, pending.code_id, sent=True
                        )
                    self._emit(CallCodeResent(pending.call_trace_id, pending.code_id))
                return
        elif new.state in (State.LOGOUT, State.UNKNOWN):
            return  # not logged in (yet): the call may still be waiting for its code
        self._pending = None
        if self._store is not None:
            self._store.clear()
        if pending.sent:
            self._emit(CallCodeSettled(pending.call_trace_id, pending.code_id))
        else:
            self._emit(CallCodeDropped(pending.call_trace_id, pending.code_id))
