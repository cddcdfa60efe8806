"""Saved settings handed to the running session (``settings.live``), on the scripted fake.

Only what the agent changed goes, once; a key an administrator's
``SOFTPHONE_*`` variable sets stays the environment's; rules the server set
are not the agent's to change.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from softphone.core.agent_snapshot import CallType
from softphone.core.audio_preferences import AudioPreferences
from softphone.ui.settings.live import LiveSettings
from softphone.ui.settings.store import UiSettings
from tests.fakes import agent_scenes as scenes
from tests.fakes.agent import FakeAgent
from tests.ui.shell_support import scratch_settings


@pytest.fixture
def settings(tmp_path: Path) -> UiSettings:
    return scratch_settings(tmp_path / "ui.ini")


def live(settings: UiSettings, fake: FakeAgent, env: dict[str, str] | None = None) -> LiveSettings:
    return LiveSettings(settings, fake, api=lambda: None, report=print, env=env or {})


def sent(fake: FakeAgent, name: str) -> list[object]:
    return [call.args[0] for call in fake.calls if call.name == name]


def test_the_saved_ring_is_in_force_from_the_start(settings: UiSettings) -> None:
    settings.set("audio/ring_volume", 40)
    settings.set("audio/ring_enabled", False)
    settings.set("audio/auto_answer_beep", False)
    fake = FakeAgent(scenes.idle())
    live(settings, fake)
    assert sent(fake, "set_audio") == [
        AudioPreferences(
            ring_volume=0.4, ring_enabled=False, ringtone=Path(""), auto_answer_beep=False
        )
    ]


def test_changed_sound_settings_go_once_and_only_what_changed(settings: UiSettings) -> None:
    fake = FakeAgent(scenes.idle())
    controller = live(settings, fake)
    fake.calls.clear()  # the ring's settings, at start
    settings.set("audio/microphone", "Jabra")
    settings.set("audio/ring_volume", 35)
    settings.set("audio/noise_suppression", False)
    settings.set("audio/auto_answer_beep", False)
    settings.set("audio/ringtone", "classic")  # the default: not a change
    controller.apply()
    assert sent(fake, "set_audio") == [
        AudioPreferences(
            microphone="Jabra", ring_volume=0.35, noise_suppression=False, auto_answer_beep=False
        )
    ]
    controller.apply()  # saved again, nothing changed
    assert len(sent(fake, "set_audio")) == 1
    settings.set("audio/microphone", "")  # back to "System default"
    settings.set("audio/ringtone", "/home/olena/bell.wav")
    controller.apply()
    assert sent(fake, "set_audio")[-1] == AudioPreferences(
        microphone="", ringtone=Path("/home/olena/bell.wav")
    )
    assert sent(fake, "set_auto_answer_rules") == []


def test_auto_answer_rules_keep_what_the_agent_did_not_change(settings: UiSettings) -> None:
    snap = scenes.idle()
    view = dataclasses.replace(snap.auto_answer, delay_ms=250)
    fake = FakeAgent(dataclasses.replace(snap, auto_answer=view))
    controller = live(settings, fake)
    settings.set("auto_answer/delay_ms", 1500)
    settings.set("auto_answer/inbound", False)
    controller.apply()
    [rules] = sent(fake, "set_auto_answer_rules")
    assert rules.delay_ms == 1500 and rules.enabled == view.enabled  # type: ignore[attr-defined]
    assert rules.by_type[CallType.INBOUND] is False  # type: ignore[attr-defined]
    assert rules.by_type[CallType.PREDICTIVE] == view.by_type[CallType.PREDICTIVE]  # type: ignore[attr-defined]
    assert not rules.from_server  # type: ignore[attr-defined]


def test_the_environment_and_the_server_keep_their_rules(settings: UiSettings) -> None:
    fake = FakeAgent(scenes.idle())
    controller = live(settings, fake, {"SOFTPHONE_AUTO_ANSWER_MS": "300", "SOFTPHONE_MIC": "USB"})
    settings.set("auto_answer/delay_ms", 1500)
    settings.set("audio/microphone", "Jabra")
    fake.calls.clear()
    controller.apply()
    assert fake.calls == []  # both keys belong to the administrator's environment

    snap = scenes.idle()
    server = dataclasses.replace(snap.auto_answer, from_server=True)
    fake = FakeAgent(dataclasses.replace(snap, auto_answer=server))
    controller = live(settings, fake)
    settings.set("auto_answer/manual", False)
    controller.apply()
    assert sent(fake, "set_auto_answer_rules") == []
