"""One softphone per user: a second launch hands its request to the first.

Two softphones signed in as the same agent would fight over the extension's
registration, so the first instance listens on a per-user local socket
(QLocalServer: a Unix socket, or a named pipe on Windows) and any later
launch — a double click, ``softphone dial NUMBER``, a ``tel:`` link from
the CRM — connects, sends one line of JSON ("show", or "dial" with the
number) and exits. The first instance raises its window and fills the
number in.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from softphone.core.dial_target import dial_number, is_dial_link

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_MS = 1000
#: ``cti_discovery.RUNTIME_ENV`` (not imported: that module pulls the keyring in before the window)
RUNTIME_ENV = "SOFTPHONE_RUNTIME_DIR"
MAX_MESSAGE = 4096


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
        self._server: QLocalServer | None = None

    @property
    def primary(self) -> bool:
        return self._server is not None

    def send_to_running(self, request: Request) -> bool:
        """Hand ``request`` to a running instance; False when there is none."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            return False
        data = request.encode()
        ok = socket.write(data) == len(data)
        while ok and socket.bytesToWrite() > 0:
            ok = socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
        socket.disconnectFromServer()
        if socket.state() is not QLocalSocket.LocalSocketState.UnconnectedState:
            socket.waitForDisconnected(CONNECT_TIMEOUT_MS)
        return ok

    def start(self) -> bool:
        """Become the primary instance; False if another one is running.

        A socket file left by a crashed instance (nobody answers on it) is
        removed and taken over.
        """
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(CONNECT_TIMEOUT_MS):
            probe.disconnectFromServer()
            return False
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            QLocalServer.removeServer(self.name)  # stale, from a crash
            if not server.listen(self.name):
                logger.warning("single-instance socket unavailable: %s", server.errorString())
                return True  # run anyway: better two windows than none
        server.newConnection.connect(self._on_connection)
        self._server = server
        return True

    def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None

    def _on_connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(self._on_data)

    def _on_data(self) -> None:
        socket = self.sender()
        if not isinstance(socket, QLocalSocket):
            return
        if socket.bytesAvailable() > MAX_MESSAGE:
            socket.abort()
            return
        if not socket.canReadLine():
            return  # the rest of the line is still on its way
        line = bytes(socket.readLine().data()).rstrip(b"\n")
        socket.readyRead.disconnect(self._on_data)
        socket.disconnectFromServer()
        socket.deleteLater()
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
