"""The single instance's channel on Linux and macOS: a Unix-domain socket served by asyncio.

QtNetwork's QLocalServer did this before, and its library costs ~2 MiB
resident for one socket; Python's ``socket`` and asyncio are loaded anyway.

Who is the running instance is decided by an OS file lock beside the socket
(the headless agent's ``agent.lock`` works the same way): the kernel drops
it when the process dies, however it dies. So a socket file left by a killed
app is recognised as stale without guessing from a failed connection, and
two launches racing after a crash cannot both remove and re-create it.

Only the user can reach the socket: it lives in the user's runtime
directory (made or checked to be theirs and mode 0700), the socket itself is
mode 0600, and on Linux the kernel's word on the peer's user id is checked
too. ``SOFTPHONE_RUNTIME_DIR`` moves it, as it moves the agent's files.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import logging
import os
import socket
import stat
import struct
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger(__name__)

#: ``cti_discovery.RUNTIME_ENV`` (not imported: that module pulls the keyring in before the window)
RUNTIME_ENV = "SOFTPHONE_RUNTIME_DIR"
#: sun_path holds 108 bytes on Linux, 104 on macOS (with the final NUL)
MAX_SOCKET_PATH = 100
MAX_MESSAGE = 4096  # one line of JSON: "show", or "dial" and a number
READ_TIMEOUT = 5.0  # a launch writes its one line at once; a silent client is dropped


class ChannelError(OSError):
    """The socket's directory is not private to the user; no single instance then."""


def runtime_dir() -> Path:
    """``cti_discovery.runtime_dir()``: the override, or the platform's per-user runtime folder."""
    override = os.environ.get(RUNTIME_ENV)
    if override:
        return Path(override)
    import platformdirs

    with warnings.catch_warnings():
        # Without XDG_RUNTIME_DIR platformdirs warns and picks /tmp/runtime-<uid>,
        # which private_dir() below checks like any other.
        warnings.simplefilter("ignore")
        return Path(platformdirs.user_runtime_dir("softphone", appauthor=False))


def socket_path(name: str) -> Path:
    """Where the instance called ``name`` listens.

    A path too long for a Unix socket (a deep override) moves to a per-user
    folder in the temporary directory; ``name`` already tells runtime
    directories apart (``single_instance.server_name``).
    """
    path = runtime_dir() / f"{name}.sock"
    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        path = Path(tempfile.gettempdir()) / f"softphone-{os.getuid()}" / f"{name}.sock"
    return path


def private_dir(path: Path) -> Path:
    """``path`` made if missing, and only if it is the user's own directory, mode 0700.

    Anyone may have made a folder under /tmp first; one that is not ours
    (or is a symlink) is refused rather than trusted.
    """
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise ChannelError(errno.EPERM, f"{path} is not a directory of this user")
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(path, 0o700)
    return path


def _same_user(connection: socket.socket) -> bool:
    """Linux names the peer's user; elsewhere the folder's mode is the guard."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True
    credentials = connection.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return uid in (os.getuid(), 0)


class UnixChannel:
    """The running instance's listening socket, or a way to reach it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock: int | None = None
        self._listener: socket.socket | None = None
        self._server: asyncio.Server | None = None
        self._path: Path | None = None

    def send(self, data: bytes, timeout: float) -> bool:
        """Hand ``data`` to the running instance; False when none answers in ``timeout`` s.

        Blocking, before any event loop runs: a launch that hands over exits
        right after. A refused or missing socket is tried again until the
        timeout, since the running instance may hold the lock and not yet
        listen (two launches at once).
        """
        path = str(socket_path(self.name))
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
                    client.settimeout(max(remaining, 0.01))
                    client.connect(path)
                    client.sendall(data)
                    return True
            except (FileNotFoundError, ConnectionRefusedError):
                if remaining <= 0:
                    return False
                time.sleep(min(0.05, remaining))
            except OSError as exc:  # permissions, a timeout: nobody to hand over to
                logger.info("no running instance at %s: %s", path, exc)
                return False

    def claim(self) -> bool:
        """Take the lock and listen: True when this process is now the running instance.

        Raises :class:`ChannelError` (an OSError) when the socket cannot be made
        private; the caller then runs without a single instance.
        """
        path = socket_path(self.name)
        private_dir(path.parent)
        lock = os.open(path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(lock)
            return False  # another instance holds it (running, or about to listen)
        try:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()  # left by a killed instance: the lock was free
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                listener.bind(str(path))
                os.chmod(path, 0o600)  # the folder is private already; this says so twice
                listener.listen(8)
                listener.setblocking(False)
            except OSError:
                listener.close()
                raise
        except OSError:
            os.close(lock)
            raise
        self._lock, self._listener, self._path = lock, listener, path
        return True

    async def listen(self, deliver: Callable[[bytes], None]) -> None:
        """Serve on the running loop: each client's one line goes to ``deliver``."""
        if self._listener is None or self._server is not None:
            return

        async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                if not _same_user(writer.get_extra_info("socket")):
                    logger.warning("refused a single-instance request from another user")
                    return
                async with asyncio.timeout(READ_TIMEOUT):
                    line = await reader.readline()
            except (TimeoutError, ValueError, OSError):  # silent, over-long, or gone
                logger.warning("ignored an unreadable request from another launch")
                return
            finally:
                writer.close()
            if line.endswith(b"\n"):
                deliver(line.rstrip(b"\n"))

        self._server = await asyncio.start_unix_server(
            client, sock=self._listener, limit=MAX_MESSAGE
        )

    def close(self) -> None:
        """Stop listening and remove the socket; the lock goes last, so no one takes it early."""
        if self._server is not None:
            self._server.close()
            self._server = None
        elif self._listener is not None:
            self._listener.close()
        self._listener = None
        if self._path is not None:
            with contextlib.suppress(OSError):
                self._path.unlink()
            self._path = None
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None
