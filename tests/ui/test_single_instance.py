"""One instance per user: a second launch brings the first one up and hands it the number.

The running instance serves on the app's asyncio loop (qasync here, as in
the app); later launches are real processes.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from softphone.ui.single_instance import (
    Request,
    SingleInstance,
    hand_over,
    number_from_link,
    request_from_args,
    server_name,
)

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 20.0

SECOND_LAUNCH = """
import sys
from PySide6.QtCore import QCoreApplication
from softphone.ui.single_instance import SingleInstance, hand_over
app = QCoreApplication([])
sys.exit(0 if hand_over(sys.argv[2:], SingleInstance(sys.argv[1])) else 3)
"""


# A running instance that is killed: it leaves its socket file and lock file behind.
KILLED_INSTANCE = """
import signal, sys
from softphone.ui.single_instance import SingleInstance
assert SingleInstance(sys.argv[1]).start()
print("primary", flush=True)
signal.pause()
"""


@pytest.fixture(autouse=True)
def runtime_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A runtime folder of this test's own (short: a Unix socket path holds ~100 bytes)."""
    from softphone.core.cti_discovery import RUNTIME_ENV

    folder = Path(tempfile.mkdtemp(prefix="sp-")) / "run"
    folder.parent.chmod(0o755)  # open, like /run/user: the app's own folder must guard the socket
    monkeypatch.setenv(RUNTIME_ENV, str(folder))
    yield folder
    shutil.rmtree(folder.parent, ignore_errors=True)


@pytest.fixture
def name() -> str:
    return f"softphone-test-{uuid.uuid4().hex[:12]}"


def _launch(name: str, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", SECOND_LAUNCH, name, *args], cwd=ROOT)


async def next_request(instance: SingleInstance) -> Request:
    """Serve as the app does and return the first request that arrives."""
    arrived: asyncio.Future[Request] = asyncio.get_running_loop().create_future()
    instance.request_received.connect(lambda r: arrived.done() or arrived.set_result(r))
    await instance.listen()
    async with asyncio.timeout(WAIT_S):
        return await arrived


def hand_over_from_a_second_process(
    loop: asyncio.AbstractEventLoop, first: SingleInstance, *args: str
) -> Request:
    async def scenario() -> Request:
        waiting = asyncio.ensure_future(next_request(first))
        second = _launch(first.name, *args)
        request = await waiting
        # it found the first one and exited
        assert await asyncio.to_thread(second.wait, WAIT_S) == 0
        return request

    return loop.run_until_complete(scenario())


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["dial", "0441234567"], Request("dial", "0441234567")),
        (["tel:+380-44-123-45-67"], Request("dial", "+380441234567")),
        (["--minimized", "callto://0441234567"], Request("dial", "0441234567")),
        ([], Request("show")),
    ],
)
def test_second_process_hands_its_request_to_the_first(
    qloop: asyncio.AbstractEventLoop, name: str, args: list[str], expected: Request
) -> None:
    first = SingleInstance(name)
    assert first.start() and first.primary
    try:
        assert hand_over_from_a_second_process(qloop, first, *args) == expected
    finally:
        first.stop()


def test_first_launch_becomes_primary(qapp: object, name: str) -> None:
    instance = SingleInstance(name)
    assert not hand_over(["dial", "123"], instance)
    assert instance.primary
    instance.stop()


@pytest.mark.skipif(sys.platform == "win32", reason="Windows removes a pipe with its process")
def test_a_socket_left_by_a_crash_is_taken_over(
    qloop: asyncio.AbstractEventLoop, name: str
) -> None:
    from softphone.ui.instance_socket import private_dir, socket_path

    path = socket_path(name)
    private_dir(path.parent)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as stale:
        stale.bind(str(path))  # closed without cleanup, as after a crash: the file lingers
    assert path.exists()
    instance = SingleInstance(name)
    assert instance.start() and instance.primary
    try:
        assert hand_over_from_a_second_process(qloop, instance, "dial", "101") == Request(
            "dial", "101"
        )
    finally:
        instance.stop()
    assert not path.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="Windows removes a pipe with its process")
def test_a_killed_app_does_not_block_the_next_start(
    qloop: asyncio.AbstractEventLoop, name: str
) -> None:
    """``kill -9`` leaves the socket and lock files; the next start takes over and serves."""
    from softphone.ui.instance_socket import socket_path

    killed = subprocess.Popen(
        [sys.executable, "-c", KILLED_INSTANCE, name], cwd=ROOT, stdout=subprocess.PIPE
    )
    try:
        assert killed.stdout is not None and killed.stdout.readline() == b"primary\n"
        assert not SingleInstance(name).start()  # it runs: this one is not the primary
    finally:
        killed.send_signal(signal.SIGKILL)
        killed.wait(WAIT_S)
    assert socket_path(name).exists()  # nobody cleaned up
    instance = SingleInstance(name)
    assert instance.start() and instance.primary
    try:
        assert hand_over_from_a_second_process(qloop, instance) == Request("show")
    finally:
        instance.stop()


@pytest.mark.skipif(sys.platform == "win32", reason="the pipe is QtNetwork's UserAccessOption")
def test_only_the_user_can_reach_the_socket(qapp: object, name: str, runtime_dir: Path) -> None:
    from softphone.ui.instance_socket import socket_path

    instance = SingleInstance(name)
    assert instance.start()
    try:
        path = socket_path(name)
        assert path.parent == runtime_dir  # the user's runtime folder (here the override)
        folder = os.lstat(path.parent)
        assert folder.st_uid == os.getuid() and stat.S_IMODE(folder.st_mode) == 0o700
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
        assert stat.S_IMODE(os.lstat(path).st_mode) == 0o600
        if os.geteuid() == 0:  # root can be someone else for a moment: try as "nobody"
            assert _connect_as_another_user(path) == "refused"
    finally:
        instance.stop()


def _connect_as_another_user(path: Path) -> str:
    pid = os.fork()
    if pid == 0:  # the child only makes system calls, then leaves without cleanup
        code = 2
        try:
            os.setgid(65534)
            os.setuid(65534)
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
                client.connect(str(path))
            code = 0
        except PermissionError:
            code = 13
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return {0: "connected", 13: "refused"}.get(os.waitstatus_to_exitcode(status), "failed")


@pytest.mark.skipif(sys.platform == "win32", reason="Unix-domain socket paths")
def test_a_deep_runtime_dir_still_gets_a_usable_socket(
    monkeypatch: pytest.MonkeyPatch, runtime_dir: Path, name: str
) -> None:
    from softphone.core.cti_discovery import RUNTIME_ENV
    from softphone.ui.instance_socket import MAX_SOCKET_PATH, socket_path

    deep = runtime_dir / ("d" * 60) / ("e" * 60)
    monkeypatch.setenv(RUNTIME_ENV, str(deep))
    path = socket_path(name)
    assert len(os.fsencode(path)) <= MAX_SOCKET_PATH and path.name == f"{name}.sock"
    instance = SingleInstance(name)
    assert instance.start() and instance.primary
    instance.stop()


def test_garbage_from_a_client_is_ignored() -> None:
    assert Request.decode(b"not json") is None
    assert Request.decode(b'{"action": "format-disk"}') is None
    assert Request.decode(b'{"action": "dial"}') is None
    assert Request.decode(b'{"action": "dial", "number": "12"}') == Request("dial", "12")


@pytest.mark.parametrize(
    ("link", "number"),
    [
        ("tel:+380441234567", "+380441234567"),
        ("tel:0441234567;phone-context=example.com", "0441234567"),
        ("TEL:%2B380441234567", "+380441234567"),
        ("sip:101@pbx.example.com", "101"),
        ("https://example.com", None),
    ],
)
def test_numbers_from_links(link: str, number: str | None) -> None:
    assert number_from_link(link) == number


def test_server_name_is_per_user() -> None:
    assert server_name(user="ann") != server_name(user="bob")
    assert server_name(user="ann") == server_name(user="ann")
    assert request_from_args(["dial", "5"]).number == "5"


def test_server_name_is_per_runtime_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests (and sandboxed agents) with their own runtime dir never meet another app."""
    from softphone.core.cti_discovery import RUNTIME_ENV

    monkeypatch.delenv(RUNTIME_ENV, raising=False)
    default = server_name(user="ann")
    monkeypatch.setenv(RUNTIME_ENV, "/tmp/one")
    one = server_name(user="ann")
    monkeypatch.setenv(RUNTIME_ENV, "/tmp/two")
    assert len({default, one, server_name(user="ann")}) == 3


def test_dial_reaches_the_running_app_before_any_profile_is_read(
    qloop: asyncio.AbstractEventLoop, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``softphone dial N`` from a CRM works even where this process could not start an app."""
    from softphone.cli import desktop
    from softphone.ui import single_instance

    first = SingleInstance(name)
    assert first.start()
    monkeypatch.setattr(single_instance, "server_name", lambda: name)
    monkeypatch.setattr(desktop, "prepare", lambda *a, **k: pytest.fail("profile was read"))
    from softphone import cli

    async def scenario() -> Request:
        waiting = asyncio.ensure_future(next_request(first))
        assert cli.main(["dial", "0441234567"]) == 0  # blocking, as a launch is
        return await waiting

    try:
        assert qloop.run_until_complete(scenario()) == Request("dial", "0441234567")
    finally:
        first.stop()
