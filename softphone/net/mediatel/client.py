"""The Mediatel agent client: python-socketio in, typed state and events out.

One :class:`MediatelClient` per agent connection. It

* connects over WebSocket only, at ``/mediatel/socket.io``, TLS verified,
  with the gateway's ``VouchCookie`` on every handshake (headers are a
  callable, so automatic reconnects carry the cookie too);
* turns every ``data`` snapshot into an :class:`AgentState` (a malformed one
  becomes a :class:`ProtocolError` event and the last good state stays);
* offers one method per documented command, gated by the current state;
* restores the session after a reconnect (logs in again with the credentials
  it holds in memory) and never loses a chosen call code (kept on disk until
  the server shows it applied).

The reconnect loop and the session restore are ``reconnect.Reconnect`` (a
mixin of the client); an event subscription is ``stream.EventStream``; the
configuration is ``config.MediatelConfig``.

Events come out of :meth:`MediatelClient.events`: each call returns a new
subscription that sees every event from then on, so subscribe before
:meth:`connect` to see the first snapshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

from softphone.net import tls
from softphone.net.mediatel import commands
from softphone.net.mediatel.commands import GATES, CommandType
from softphone.net.mediatel.config import Credentials, MediatelConfig
from softphone.net.mediatel.errors import (
    CommandNotAvailable,
    InvalidArgument,
    MediatelConnectionError,
    StateParseError,
)
from softphone.net.mediatel.events import (
    AgentUnavailable,
    CallFailed,
    LoginFailed,
    MediatelEvent,
    ProtocolError,
    RemoteConnect,
    StateChanged,
)
from softphone.net.mediatel.pending import PendingCallCode, PendingCallCodeStore
from softphone.net.mediatel.reconnect import Reconnect
from softphone.net.mediatel.sio import socketio
from softphone.net.mediatel.state import AgentState, State, parse_state
from softphone.net.mediatel.stream import EventStream
from softphone.tasks import cancel_and_wait

__all__ = ["SOCKETIO_PATH", "Credentials", "EventStream", "MediatelClient", "MediatelConfig"]

log = logging.getLogger(__name__)

SOCKETIO_PATH = "mediatel/socket.io"


class MediatelClient(Reconnect):
    """An agent's connection to Mediatel (see the module docstring)."""

    def __init__(
        self, config: MediatelConfig, *, store: PendingCallCodeStore | None = None
    ) -> None:
        self.config = config
        self._store = store or (
            PendingCallCodeStore(config.data_dir) if config.data_dir is not None else None
        )
        self._pending: PendingCallCode | None = self._store.load() if self._store else None
        # A code found on disk is re-sent once the server shows clerical for its call.
        self._resend_armed = self._pending is not None
        self._state: AgentState | None = None
        # Both follow the Socket.IO namespace, not ``AsyncClient.connected``: python-socketio
        # calls our connect handler (and delivers the first snapshots) a loop turn or more
        # before its ``connect()`` returns and sets that flag (see reconnect.py).
        self._link_up = False  # from Connected to Disconnected: commands can be sent
        self._state_current = False  # self._state arrived on the connection that is up
        self._credentials: Credentials | None = None
        self._login_pending = False
        self._auto_login = False
        self._call_pending = False
        self._ever_connected = False
        self._resync = False
        self._closing = False
        self._attempting = False  # inside _connect_once: its caller decides what a drop means
        self._revive_task: asyncio.Task[None] | None = None
        self._streams: list[EventStream] = []
        self._waiters: list[asyncio.Future[None]] = []
        self._sio = self._make_socket()

    # -- lifecycle ---------------------------------------------------------

    def _make_socket(self) -> socketio.AsyncClient:
        extra: dict[str, Any] = {}
        if self.config.ca_bundle is not None:
            extra["ssl"] = tls.client_context(self.config.ca_bundle)
        sio = socketio.AsyncClient(
            handle_sigint=False,
            reconnection=False,  # _revive reconnects: it can say when the next attempt is
            ssl_verify=self.config.verify_tls,
            websocket_extra_options=extra,
            logger=False,  # engineio's logger would print the login payload
            engineio_logger=False,
        )
        sio.on("connect", self._on_connect)
        sio.on("disconnect", self._on_disconnect)
        sio.on("data", self._on_data)
        sio.on("agentUnavailable", self._on_agent_unavailable)
        sio.on("remoteConnect", self._on_remote_connect)
        sio.on("*", self._on_other)
        return sio

    def _headers(self) -> dict[str, str]:
        """A fresh dict per attempt: engineio moves the Cookie out of whatever it gets."""
        return self.config.vouch.headers() if self.config.vouch is not None else {}

    async def connect(self) -> AgentState:
        """Connect and wait for the first snapshot; raises MediatelConnectionError."""
        if self._closing:
            raise MediatelConnectionError("the client is closed")
        try:
            await self._connect_once()
            return await self.wait_for(lambda _s: True, timeout=self.config.connect_timeout)
        except (TimeoutError, MediatelConnectionError) as exc:
            await self._sio.disconnect()
            raise MediatelConnectionError(
                f"Mediatel at {self.config.server_url} did not answer: {exc}"
            ) from None

    async def _connect_once(self) -> None:
        self._attempting = True
        try:
            await self._sio.connect(
                self.config.server_url,
                headers=self._headers,
                transports=["websocket"],
                socketio_path=SOCKETIO_PATH,
                wait_timeout=self.config.connect_timeout,
            )
            if self._sio.eio.state != "connected":
                await self._dropped_while_connecting()
        except socketio.exceptions.ConnectionError as exc:
            raise MediatelConnectionError(
                f"cannot connect to {self.config.server_url} "
                f"(refused, forbidden by the gateway, or TLS failed): {exc}"
            ) from None
        except ValueError as exc:
            url = self.config.server_url
            raise MediatelConnectionError(f"bad Mediatel URL {url!r}: {exc}") from None
        finally:
            self._attempting = False

    async def aclose(self) -> None:
        """Disconnect for good; every event stream ends."""
        self._closing = True
        await cancel_and_wait(self._revive_task)
        await self._sio.disconnect()
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_exception(MediatelConnectionError("the client is closed"))
        for stream in list(self._streams):
            stream.close()

    async def __aenter__(self) -> Self:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- observing ---------------------------------------------------------

    @property
    def state(self) -> AgentState | None:
        """The last good snapshot (None before the first one); kept while the link is
        down, so the agent still sees where it was -- but :meth:`wait_for` waits for one
        from the link that is up."""
        return self._state

    @property
    def connected(self) -> bool:
        """True from the :class:`Connected` event to the :class:`Disconnected` one: commands
        are accepted exactly while this says so."""
        return self._link_up

    @property
    def user(self) -> str | None:
        """The login this client keeps the agent logged in as, if any."""
        return self._credentials.user if self._credentials else None

    @property
    def pending_call_code(self) -> PendingCallCode | None:
        return self._pending

    def events(self) -> EventStream:
        stream = EventStream(self._streams.remove)
        self._streams.append(stream)
        return stream

    async def wait_for(
        self, predicate: Callable[[AgentState], bool], timeout: float | None = None
    ) -> AgentState:
        """The first snapshot received on the current connection -- the last one, or
        one still to come -- that satisfies ``predicate``.

        A snapshot from before a drop never answers: after a reconnect the server may
        have logged the agent out, so ``wait_for(idle)`` must not return the stale IDLE
        at once. The wait runs in the caller's task (``asyncio.timeout``, not
        ``wait_for``: see softphone/tasks.py), so a caller's cancellation is never lost.
        """

        async def waiting() -> AgentState:
            while True:
                if self._state is not None and self._state_current and predicate(self._state):
                    return self._state
                waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
                self._waiters.append(waiter)
                try:
                    await waiter
                finally:
                    with contextlib.suppress(ValueError):
                        self._waiters.remove(waiter)

        async with asyncio.timeout(timeout):
            return await waiting()

    def _emit(self, event: MediatelEvent) -> None:
        for stream in list(self._streams):
            stream._put(event)

    # -- commands ----------------------------------------------------------

    def _require_state(self, name: str) -> AgentState:
        if self._state is None or not self._link_up:
            raise CommandNotAvailable(name, "not connected to Mediatel")
        return self._state

    def _gate(self, command: CommandType) -> AgentState:
        state = self._require_state(command.value)
        GATES[command].check(command.value, state)
        return state

    async def _send(self, payload: dict[str, Any]) -> None:
        try:
            await self._sio.emit(commands.EVENT, payload)
        except socketio.exceptions.SocketIOError as exc:
            raise CommandNotAvailable(str(payload.get("type")), f"not connected: {exc}") from None

    async def login(self, user: str, password: str, extension: str) -> None:
        """Log in; the credentials stay in memory to restore the session after a reconnect."""
        if not user or not extension:
            raise InvalidArgument("login needs a user name and an extension")
        self._gate(CommandType.LOGIN)
        self._credentials = Credentials(user, password, extension)
        await self._send_login(automatic=False)

    async def _send_login(self, *, automatic: bool) -> None:
        assert self._credentials is not None
        creds = self._credentials
        self._login_pending = True
        self._auto_login = automatic
        await self._send(commands.login(creds.user, creds.password, creds.extension))

    async def logout(self) -> None:
        self._gate(CommandType.LOGOUT)
        self._credentials = None
        await self._send(commands.logout())

    async def make_call(self, phone_number: str, queue: str | None = None) -> None:
        """Dial a customer through ``queue`` (default: the first of the agent's queues)."""
        state = self._gate(CommandType.MAKE_CALL)
        number = phone_number.strip()
        if not number:
            raise InvalidArgument("the phone number is empty")
        if queue is None:
            if not state.queues:
                raise InvalidArgument("the agent has no queue to call through")
            queue = state.queues[0]
        self._call_pending = True
        await self._send(commands.make_call(number, queue))

    async def close_call(self) -> None:
        self._gate(CommandType.CLOSE_CALL)
        await self._send(commands.close_call())

    async def pause(self, pause_id: int) -> None:
        """Go on the pause ``pause_id`` (one of ``state.pause_list``)."""
        state = self._gate(CommandType.PAUSE)
        if pause_id == 0:
            raise InvalidArgument("pause id 0 ends a pause; call resume()")
        if not any(p.id == pause_id for p in state.pause_list):
            known = ", ".join(f"{p.id} ({p.name})" for p in state.pause_list) or "none"
            raise InvalidArgument(f"unknown pause id {pause_id}; known: {known}")
        # The example client sends the pauseList's own text id.
        await self._send(commands.pause(str(pause_id)))

    async def resume(self) -> None:
        """End the pause (``pause`` with id 0)."""
        state = self._gate(CommandType.PAUSE)
        if state.state != State.PAUSE and state.pause_id is None and not state.pause_acknowledge:
            raise CommandNotAvailable(
                "pause 0", "the agent is not on pause", state=state.state_name
            )
        await self._send(commands.pause(0))

    async def toggle_predictive(self) -> None:
        self._gate(CommandType.PREDICTIVE)
        await self._send(commands.predictive())

    async def hold(self) -> None:
        self._gate(CommandType.HOLD)
        await self._send(commands.hold())

    async def retrieve(self) -> None:
        self._gate(CommandType.RETRIEVE)
        await self._send(commands.retrieve())

    async def mute(self) -> None:
        """Toggle mute (the state's ``mute`` shows the result)."""
        self._gate(CommandType.MUTE)
        await self._send(commands.mute())

    async def exit(self) -> None:
        """Restart the agent on the server; the session is not restored afterwards."""
        self._gate(CommandType.EXIT)
        self._credentials = None
        await self._send(commands.exit_agent())

    async def set_result(self, code_id: int) -> None:
        """Set the call code for the call in clerical; kept on disk until applied.

        While the connection is down during after-call work the code is only
        kept: it is sent once Mediatel shows that call in clerical again, or
        reported as :class:`CallCodeDropped` when it no longer does.
        """
        last = self._state
        offline = (
            last is not None
            and not self._link_up
            and not self._closing
            and last.state == State.CLERICAL
            and last.call_trace_id is not None
        )
        state = last if offline and last is not None else self._gate(CommandType.RESOLUTION_SET)
        if state.call_codes and state.call_code(code_id) is None:
            known = ", ".join(f"{c.id} ({c.name})" for c in state.call_codes)
            raise InvalidArgument(f"unknown call code {code_id}; known: {known}")
        if state.call_trace_id is not None:
            self._pending = self._remember(state.call_trace_id, code_id, sent=not offline)
        self._resend_armed = offline
        if not offline:
            await self._send(commands.resolution_set(code_id))

    def _remember(self, call_trace_id: str, code_id: int, *, sent: bool) -> PendingCallCode:
        if self._store is not None:
            return self._store.save(call_trace_id, code_id, sent=sent)
        return PendingCallCode(call_trace_id, code_id, datetime.now(UTC), sent)

    # -- socket handlers -----------------------------------------------------

    async def _on_data(self, *args: Any) -> None:
        # Everything up to the first await runs in arrival order (engineio
        # starts one task per message), so snapshots are applied in order.
        try:
            if len(args) != 1:
                raise StateParseError(f"expected one payload, got {len(args)}")
            new = parse_state(args[0])
        except StateParseError as exc:
            log.warning("Mediatel sent an unusable snapshot: %s", exc)
            self._emit(ProtocolError(str(exc)))
            return
        except Exception as exc:  # a parser bug must not kill the connection
            log.exception("unexpected error parsing a Mediatel snapshot")
            self._emit(ProtocolError(f"unexpected error: {exc}"))
            return
        old = self._state
        self._state = new
        self._state_current = True
        self._emit(StateChanged(old, new))
        self._report_errors(old, new)
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        try:
            await self._restore(new)
        except Exception as exc:  # e.g. the socket dropped while re-sending
            log.warning("could not restore the Mediatel session: %s", exc)

    def _report_errors(self, old: AgentState | None, new: AgentState) -> None:
        login_error = (new.login_error_id, new.login_error_text)
        old_login_error = (old.login_error_id, old.login_error_text) if old else (None, None)
        if new.login_error is not None and (self._login_pending or login_error != old_login_error):
            self._emit(
                LoginFailed(
                    new.login_error_id,
                    new.login_error_text,
                    new.login_error,
                    automatic=self._auto_login,
                )
            )
            if self._login_pending:
                # Never retry a refused password on our own.
                self._credentials = None
            self._login_pending = False
        elif self._login_pending and new.logged_in:
            self._login_pending = False

        call_error = (new.call_error_id, new.call_error_text)
        old_call_error = (old.call_error_id, old.call_error_text) if old else (None, None)
        if new.call_error is not None and (self._call_pending or call_error != old_call_error):
            self._emit(
                CallFailed(
                    new.call_error_id,
                    new.call_error_text,
                    new.call_error,
                    force_pause=new.state == State.PAUSE,
                )
            )
            self._call_pending = False
        elif new.state in (State.CALL_ACTIVE, State.CALL_DELIVERED):
            self._call_pending = False

    async def _on_agent_unavailable(self, *args: Any) -> None:
        self._emit(AgentUnavailable(args[0] if len(args) == 1 else list(args) or None))

    async def _on_remote_connect(self, *args: Any) -> None:
        payload = args[0] if len(args) == 1 else None
        if not isinstance(payload, dict):
            self._emit(ProtocolError("remoteConnect without {host, port}", "remoteConnect"))
            return
        host = payload.get("host")
        port = payload.get("port")
        try:
            port_number = int(port) if port not in (None, "") else None
        except (TypeError, ValueError):
            port_number = None
        if port_number is not None and not 0 < port_number < 65536:
            port_number = None
        self._emit(RemoteConnect(str(host) if host not in (None, "") else None, port_number))

    async def _on_other(self, event: str, *args: Any) -> None:
        log.debug("ignoring undocumented Mediatel event %r", event)
