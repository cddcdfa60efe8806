"""One instance per user: a second launch brings the first one up and hands it the number."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from PySide6.QtNetwork import QLocalServer
from pytestqt.qtbot import QtBot

from softphone.ui.single_instance import (
    Request,
    SingleInstance,
    hand_over,
    number_from_link,
    request_from_args,
    server_name,
)

ROOT = Path(__file__).resolve().parents[2]

SECOND_LAUNCH = """
import sys
from PySide6.QtCore import QCoreApplication
from softphone.ui.single_instance import SingleInstance, hand_over
app = QCoreApplication([])
sys.exit(0 if hand_over(sys.argv[2:], SingleInstance(sys.argv[1])) else 3)
"""


@pytest.fixture
def name() -> str:
    return f"softphone-test-{uuid.uuid4().hex[:12]}"


def _launch(name: str, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", SECOND_LAUNCH, name, *args], cwd=ROOT)


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
    qtbot: QtBot, name: str, args: list[str], expected: Request
) -> None:
    first = SingleInstance(name)
    assert first.start() and first.primary
    with qtbot.waitSignal(first.request_received, timeout=20000) as blocker:
        second = _launch(name, *args)
    assert second.wait(20) == 0  # it found the first one and exited
    assert blocker.args == [expected]
    first.stop()


def test_first_launch_becomes_primary(qapp: object, name: str) -> None:
    instance = SingleInstance(name)
    assert not hand_over(["dial", "123"], instance)
    assert instance.primary
    instance.stop()


def test_a_socket_left_by_a_crash_is_taken_over(qapp: object, name: str) -> None:
    stale = QLocalServer()
    assert stale.listen(name)
    stale.close()  # closed without cleanup, as after a crash (the file may linger)
    instance = SingleInstance(name)
    assert instance.start()
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
    qtbot: QtBot, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``softphone dial N`` from a CRM works even where this process could not start an app."""
    from softphone.cli import desktop
    from softphone.ui import single_instance

    first = SingleInstance(name)
    assert first.start()
    monkeypatch.setattr(single_instance, "server_name", lambda: name)
    monkeypatch.setattr(desktop, "prepare", lambda *a, **k: pytest.fail("profile was read"))
    from softphone import cli

    with qtbot.waitSignal(first.request_received, timeout=10000) as blocker:
        assert cli.main(["dial", "0441234567"]) == 0
    assert blocker.args == [Request("dial", "0441234567")]
    first.stop()
