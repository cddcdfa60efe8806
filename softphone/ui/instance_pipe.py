"""The single instance's channel on Windows: QtNetwork's local server, a named pipe.

Imported on Windows only: Linux and macOS use a Unix-domain socket
(``instance_socket``) and do not load QtNetwork's ~2 MiB at all. The pipe
is created with ``UserAccessOption``, so only the same user can open it,
and Windows removes it with its process: nothing is left by a killed app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtNetwork import QLocalServer, QLocalSocket

logger = logging.getLogger(__name__)

MAX_MESSAGE = 4096


class PipeChannel:
    """The running instance's pipe server, or a way to reach it (``UnixChannel``'s interface)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._server: QLocalServer | None = None
        self._deliver: Callable[[bytes], None] | None = None

    def send(self, data: bytes, timeout: float) -> bool:
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        wait_ms = int(timeout * 1000)
        if not socket.waitForConnected(wait_ms):
            return False
        ok = socket.write(data) == len(data)
        while ok and socket.bytesToWrite() > 0:
            ok = socket.waitForBytesWritten(wait_ms)
        socket.disconnectFromServer()
        if socket.state() is not QLocalSocket.LocalSocketState.UnconnectedState:
            socket.waitForDisconnected(wait_ms)
        return ok

    def claim(self) -> bool:
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(1000):
            probe.disconnectFromServer()
            return False
        server = QLocalServer()
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                raise OSError(f"single-instance pipe unavailable: {server.errorString()}")
        self._server = server
        return True

    async def listen(self, deliver: Callable[[bytes], None]) -> None:
        if self._server is None or self._deliver is not None:
            return
        self._deliver = deliver
        self._server.newConnection.connect(self._on_connection)
        self._on_connection()  # launches that came before the loop ran

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None

    def _on_connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda socket=socket: self._on_data(socket))
            self._on_data(socket)  # its line may have arrived already

    def _on_data(self, socket: QLocalSocket) -> None:
        if socket.bytesAvailable() > MAX_MESSAGE:
            socket.abort()
            return
        if not socket.canReadLine():
            return  # the rest of the line is still on its way
        line = bytes(socket.readLine().data()).rstrip(b"\n")
        socket.readyRead.disconnect()
        socket.disconnectFromServer()
        socket.deleteLater()
        if self._deliver is not None:
            self._deliver(line)
