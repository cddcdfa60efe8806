"""Global shortcuts through the Wayland portal, against a fake portal on a private bus."""

from __future__ import annotations

import os
import shutil

import pytest
from pytestqt.qtbot import QtBot

from softphone.ui.global_keys.base import Outcome
from softphone.ui.global_keys.portal import PortalHotkeys
from tests.ui.global_keys.fake_portal import fake_portal

pytestmark = pytest.mark.skipif(
    shutil.which("dbus-daemon") is None and not os.environ.get("SOFTPHONE_REQUIRE_PEERS"),
    reason="dbus-daemon is not installed",
)


def test_without_a_portal_the_keys_say_why(qtbot: QtBot) -> None:
    with fake_portal(running=False) as portal:
        keys = PortalHotkeys(bus=portal.address)
        assert "no GlobalShortcuts portal" in keys.unavailable_reason()
        assert keys.register("answer", "Ctrl+Alt+A").outcome is Outcome.UNAVAILABLE
        keys.close()


def test_keys_are_asked_for_in_one_batch_and_presses_arrive(qtbot: QtBot) -> None:
    with fake_portal() as portal:
        portal.refuse = {"mute"}
        keys = PortalHotkeys(bus=portal.address)
        assert keys.unavailable_reason() == ""
        with qtbot.waitSignal(keys.changed, timeout=10000):
            assert keys.register("answer", "Ctrl+Alt+A").outcome is Outcome.REQUESTED
            assert keys.register("mute", "Ctrl+Alt+M").outcome is Outcome.REQUESTED
        held = keys.registrations()
        assert held["answer"].outcome is Outcome.REGISTERED
        assert held["mute"].outcome is Outcome.UNAVAILABLE  # the user did not allow it
        assert "did not assign" in held["mute"].sentence
        binds = [body for member, body in portal.calls if member == "BindShortcuts"]
        assert len(binds) == 1  # both keys in one request
        shortcuts = dict(binds[0][1])
        assert shortcuts["answer"]["preferred_trigger"] == ("s", "CTRL+ALT+a")

        with qtbot.waitSignal(keys.pressed, timeout=10000) as pressed:
            portal.activate("answer")
        assert pressed.args == ["answer"]

        with qtbot.waitSignal(keys.changed, timeout=10000):
            keys.unregister("mute")  # a new set: the old session closes, a new one binds
        assert [member for member, _ in portal.calls].count("CreateSession") == 2
        assert "Close" in [member for member, _ in portal.calls]
        keys.close()
