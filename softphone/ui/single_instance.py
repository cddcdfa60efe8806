"""One softphone per user: a second launch hands its request to the first.

Two softphones signed in as the same agent would fight over the extension's
registration, so the first instance listens on a per-user local socket
(a Unix-domain socket served by asyncio, ``instance_socket``; a named pipe
from QtNetwork on Windows, ``instance_pipe``) and any later launch — a
double click, ``softphone dial NUMBER``, a ``tel:`` link from the CRM —
connects, sends one line of JSON ("show", or "dial" with the number) and
exits. The first instance raises its window and fills the number in.

Claiming the socket (``start``) happens before the event loop exists, so a
later launch can exit at once; serving (``listen``) runs on the app's loop.
Launches that come in between wait in the socket's backlog.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import sys
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from softphone.core.dial_target import dial_number, is_dial_link

if sys.platform == "win32":
    from softphone.ui.instance_pipe import PipeChannel as Channel
else:
    from softphone.ui.instance_socket import UnixChannel as Channel

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 1.0
#: ``cti_discovery.RUNTIME_ENV`` (not imported: that module pulls the keyring in before the window)
RUNTIME_ENV = "SOFTPHONE_RUNTIME_DIR"


def server_name(app: str = "softphone", user: str | None = None) -> str:
    """A socket name unique per user (hashed: user names may hold any character).

    A ``SOFTPHONE_RUNTIME_DIR`` override (tests, a second sandboxed agent) is
    part of the name, as it is of the headless agent's lock: an app started
    with its own runtime directory never takes another one's hand-over.
    """
    user = user if user is not None else getpass.getuser()
    key = f"{app}:{user}"
    override = os.environ.get(RUNTIME_ENV)
    if override:
        key += f":{override}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{app}-{digest}"


@dataclass(frozen=True)
class Request:
    """What a later launch asks of the running instance."""

    action: str  # "show" or "dial"
    number: str | None = None

    def encode(self) -> bytes:
        body: dict[str, str] = {"action": self.action}
        if self.number is not None:
            body["number"] = self.number
        return json.dumps(body).encode() + b"\n"

    @classmethod
    def decode(cls, data: bytes) -> Request | None:
        try:
            body = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None
        if not isinstance(body, dict) or body.get("action") not in ("show", "dial"):
            return None
        number = body.get("number")
        if body["action"] == "dial" and not isinstance(number, str):
            return None
        return cls(body["action"], number if isinstance(number, str) else None)


def number_from_link(link: str) -> str | None:
    """The number in a ``tel:``, ``callto:`` or ``sip:`` link; None for anything else.

    The one reading of such links is ``core.dial_target`` (the headless
    agent's ``softphone dial`` uses it too), so both front ends accept the
    same links.
    """
    if not is_dial_link(link):
        return None
    try:
        return dial_number(link)
    except ValueError:
        return None


def request_from_args(argv: list[str]) -> Request:
    """What this launch wants: ``dial NUMBER``, a ``tel:`` link, or just the window."""
    if len(argv) >= 2 and argv[0] == "dial":
        return Request("dial", argv[1])
    for arg in argv:
        number = number_from_link(arg)
        if number is not None:
            return Request("dial", number)
    return Request("show")


class SingleInstance(QObject):
    """Either the primary instance (serves requests) or a way to reach it."""

    request_received = Signal(object)
    """A ``Request`` from a later launch."""

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self._channel = Channel(self.name)
        self._primary = False

    @property
    def primary(self) -> bool:
        return self._primary

    def send_to_running(self, request: Request) -> bool:
        """Hand ``request`` to a running instance; False when there is none."""
        return self._channel.send(request.encode(), CONNECT_TIMEOUT_S)

    def start(self) -> bool:
        """Become the primary instance; False if another one is running.

        What a killed instance left behind does not count as running. When
        the socket cannot be made at all this process runs anyway, not
        primary: better two windows than none.
        """
        try:
            self._primary = self._channel.claim()
        except OSError as exc:
            logger.warning("single-instance socket unavailable: %s", exc)
            return True
        return self._primary

    async def listen(self) -> None:
        """Take later launches' requests from now on (on the running loop); primary only."""
        if self._primary:
            await self._channel.listen(self._on_line)

    def stop(self) -> None:
        self._channel.close()
        self._primary = False

    def _on_line(self, line: bytes) -> None:
        request = Request.decode(line)
        if request is None:
            logger.warning("ignored a malformed request from another launch")
            return
        self.request_received.emit(request)


def hand_over(argv: list[str], instance: SingleInstance) -> bool:
    """At launch: True when a running instance took this launch's request (so exit).

    Otherwise this process has become the primary instance and goes on.
    """
    if instance.start():
        return False
    return instance.send_to_running(request_from_args(argv))
