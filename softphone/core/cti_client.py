"""A client of the local integration API, for ``softphone dial`` and for automation.

Messages from the server are either events (they have ``"event"``) or
replies (they have ``"ok"``). The client keeps both in arrival order, so a
caller can ``request()`` and then ``wait_event()`` for what the request
caused without racing it: an event that came before the wait still counts.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import Callable
from typing import Any

import aiohttp

from softphone.core.cti_server import LOOPBACK, PATH
from softphone.tasks import cancel_and_wait

Message = dict[str, Any]


class CtiClientError(Exception):
    """Could not talk to the agent; ``str()`` says why in a sentence."""


_ENDS = frozenset(
    {
        aiohttp.WSMsgType.CLOSE,
        aiohttp.WSMsgType.CLOSING,
        aiohttp.WSMsgType.CLOSED,
        aiohttp.WSMsgType.ERROR,
    }
)


class CtiClient:
    def __init__(self, http: aiohttp.ClientSession, ws: aiohttp.ClientWebSocketResponse) -> None:
        self._http = http
        self._ws = ws
        self._ids = itertools.count(1)
        self.events: list[Message] = []
        self.replies: list[Message] = []
        self._consumed: set[int] = set()
        self._changed = asyncio.Condition()
        self.closed = False
        self.close_code: int | None = None
        self.close_reason: str | None = None
        """Why the agent closed the connection (the API moved, the token changed...)."""
        self._reader = asyncio.create_task(self._read_all(), name="cti-client-reader")

    @classmethod
    async def connect(
        cls, port: int, token: str, *, origin: str | None = None, timeout: float = 5.0
    ) -> CtiClient:
        http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout))
        headers = {"Origin": origin} if origin else {}
        url = f"http://{LOOPBACK}:{port}{PATH}"
        try:
            ws = await http.ws_connect(
                url, params={"token": token}, headers=headers, autoping=True, max_msg_size=0
            )
        except aiohttp.WSServerHandshakeError as exc:
            await http.close()
            raise CtiClientError(f"the agent refused the connection ({exc.status})") from None
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            await http.close()
            raise CtiClientError(f"cannot reach the agent on port {port}: {exc}") from None
        return cls(http, ws)

    async def _read_all(self) -> None:
        try:
            while True:
                message = await self._ws.receive()
                if message.type is aiohttp.WSMsgType.CLOSE:
                    self.close_reason = str(message.extra or "") or None
                if message.type in _ENDS:
                    break
                if message.type is not aiohttp.WSMsgType.TEXT:
                    continue
                data = json.loads(message.data)
                async with self._changed:
                    (self.events if "event" in data else self.replies).append(data)
                    self._changed.notify_all()
        finally:
            self.close_code = self._ws.close_code
            async with self._changed:
                self.closed = True
                self._changed.notify_all()

    async def send_raw(self, text: str) -> None:
        await self._ws.send_str(text)

    async def request(self, command: str, timeout: float = 10.0, **args: Any) -> Message:
        """Send one command and return its reply (``{"ok": ..., ...}``)."""
        rid = f"r{next(self._ids)}"
        await self._ws.send_str(json.dumps({"command": command, "id": rid, **args}))
        return await self._wait(self.replies, lambda m: m.get("id") == rid, timeout, command)

    async def wait_event(
        self,
        name: str | tuple[str, ...],
        timeout: float = 10.0,
        predicate: Callable[[Message], bool] | None = None,
        *,
        after: int = 0,
    ) -> Message:
        """The oldest event named ``name`` that no earlier wait returned.

        ``after``: only events from that index of ``events`` on (``mark()``).
        """
        names = (name,) if isinstance(name, str) else name

        def match(m: Message) -> bool:
            return m["event"] in names and (predicate is None or predicate(m))

        return await self._wait(self.events, match, timeout, str(name), after)

    def mark(self) -> int:
        """The index the next event will have (for ``wait_event(after=...)``)."""
        return len(self.events)

    async def wait_replies(self, count: int, timeout: float = 10.0) -> list[Message]:
        async with asyncio.timeout(timeout):
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.replies) >= count or self.closed)
        return self.replies

    async def _wait(
        self,
        messages: list[Message],
        match: Callable[[Message], bool],
        timeout: float,
        what: str,
        after: int = 0,
    ) -> Message:
        found: list[Message] = []

        def ready() -> bool:
            for m in messages[after:]:
                if id(m) not in self._consumed and match(m):
                    found.append(m)
                    return True
            return self.closed

        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(ready)
        except TimeoutError:
            raise CtiClientError(f"no {what} from the agent in {timeout:g} s") from None
        if not found:
            raise CtiClientError(f"the agent closed the connection (code {self.close_code})")
        self._consumed.add(id(found[0]))
        return found[0]

    async def wait_closed(self, timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: self.closed)

    async def aclose(self) -> None:
        with contextlib.suppress(Exception):
            await self._ws.close()
        await cancel_and_wait(self._reader)
        await self._http.close()
