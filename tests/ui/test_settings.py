"""Settings pages: load, save, restore defaults; secrets stay out of QSettings."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QCheckBox
from pytestqt.qtbot import QtBot

from softphone.core.agent_snapshot import AutoAnswerView, CallType
from softphone.core.audio_check import DeviceChoice
from softphone.media.devices import NullBackend
from softphone.ui.settings import autostart
from softphone.ui.settings.audio_page import AudioPage, level_percent
from softphone.ui.settings.dialog import SettingsDialog
from softphone.ui.settings.pages import AutoAnswerPage, GeneralPage, IntegrationPage, ProfilesPage
from softphone.ui.settings.store import DEFAULTS, TOKEN_KEY, UiSettings
from tests.ui.conftest import Desk
from tests.ui.shell_support import scratch_settings, shell_on

DEVICES = DeviceChoice(inputs=("Jabra Evolve",), outputs=("Jabra Evolve", "Laptop speaker"))


@pytest.fixture
def settings(tmp_path: Path) -> UiSettings:
    return scratch_settings(tmp_path / "softphone.ini")


def _audio_page(settings: UiSettings, **kwargs: object) -> AudioPage:
    return AudioPage(settings, devices=DEVICES, backend=NullBackend(), **kwargs)  # type: ignore[arg-type]


def test_audio_page_saves_and_loads_devices_ring_and_beep(
    qtbot: QtBot, settings: UiSettings
) -> None:
    page = _audio_page(settings)
    qtbot.addWidget(page)
    page.load()
    assert page.microphone.currentText() == "System default"
    page.microphone.setCurrentIndex(page.microphone.findData("Jabra Evolve"))
    page.ring_device.setCurrentIndex(page.ring_device.findData("Laptop speaker"))
    page.ring_volume.setValue(35)
    page.ring_enabled.setChecked(False)
    page.beep.setChecked(False)
    page.save()
    assert settings.get("audio/ring_device") == "Laptop speaker"
    again = _audio_page(settings)
    qtbot.addWidget(again)
    again.load()
    assert again.microphone.currentData() == "Jabra Evolve"
    assert again.ring_volume.value() == 35
    assert not again.ring_volume.isEnabled()  # ringing is off
    assert not again.beep.isChecked()
    again.restore_defaults()
    assert again.values() == {k: DEFAULTS[k] for k in AudioPage.KEYS}


def test_a_device_not_plugged_in_now_is_kept(qtbot: QtBot, settings: UiSettings) -> None:
    settings.set("audio/speaker", "USB headset")
    page = _audio_page(settings)
    qtbot.addWidget(page)
    page.load()
    assert page.speaker.currentData() == "USB headset"


def test_microphone_meter_shows_the_level(
    qtbot: QtBot, settings: UiSettings, qloop: asyncio.AbstractEventLoop
) -> None:
    from softphone.media import tones

    generator = tones.ToneGenerator((1000.0,), 48000, 0.5)
    page = AudioPage(
        settings, devices=DEVICES, backend=NullBackend(source=generator.read), run=qloop.create_task
    )
    qtbot.addWidget(page)
    page.show()
    page.listen.setChecked(True)
    qloop.run_until_complete(_until(lambda: page.level.value() > 70))
    page.listen.setChecked(False)
    qloop.run_until_complete(asyncio.sleep(0.05))
    assert page.level.value() == 0


async def _until(condition, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), timeout)


def test_level_scale() -> None:
    assert level_percent(-90.0) == 0
    assert level_percent(-30.0) == 50
    assert level_percent(0.0) == 100


def test_a_failed_check_is_a_sentence_on_the_page(
    qtbot: QtBot, settings: UiSettings, qloop: asyncio.AbstractEventLoop
) -> None:
    from softphone.media.devices import NoAudioDevice

    class Broken(NullBackend):
        async def open_output(self, device, callback, *, blocksize_ms=5.0):  # type: ignore[no-untyped-def]
            raise NoAudioDevice("No sound devices were found (plug in a headset).")

    tasks: list[asyncio.Task[object]] = []
    page = AudioPage(
        settings,
        devices=DEVICES,
        backend=Broken(),
        run=lambda c: tasks.append(qloop.create_task(c)),
    )
    qtbot.addWidget(page)
    page.test_speaker.click()
    qloop.run_until_complete(asyncio.gather(*tasks))
    assert page.result.text() == "No sound devices were found (plug in a headset)."


def test_auto_answer_rules_from_the_server_are_read_only(
    qtbot: QtBot, settings: UiSettings
) -> None:
    page = AutoAnswerPage(settings)
    qtbot.addWidget(page)
    page.load()
    view = AutoAnswerView(
        enabled=True,
        by_type={CallType.INBOUND: True, CallType.PREDICTIVE: False, CallType.MANUAL: True},
        delay_ms=1500,
        from_server=True,
    )
    page.show_server_rules(view)
    assert page.delay.value() == 1500 and not page.delay.isEnabled()
    assert not page.predictive.isChecked() and not page.predictive.isEnabled()
    assert not page.server_note.isHidden()
    page.show_server_rules(AutoAnswerView())
    assert page.delay.isEnabled() and page.server_note.isHidden()


def test_integration_token_lives_in_the_keyring_not_in_qsettings(
    qtbot: QtBot, settings: UiSettings, tmp_path: Path
) -> None:
    page = IntegrationPage(settings)
    qtbot.addWidget(page)
    page.load()
    token = page.token.text()
    assert len(token) >= 32
    assert settings.secrets.get(TOKEN_KEY) == token
    page.copy.click()
    assert QGuiApplication.clipboard().text() == token
    page.regenerate.click()
    assert page.token.text() != token
    page.port.setValue(9000)
    page.save()
    settings.sync()
    ini = (tmp_path / "softphone.ini").read_text()
    assert "9000" in ini
    assert token not in ini and page.token.text() not in ini


def test_profiles_are_added_edited_and_checked(qtbot: QtBot, settings: UiSettings) -> None:
    page = ProfilesPage(settings)
    qtbot.addWidget(page)
    page.load()
    page.add.click()
    page.name.setText("Kyiv")
    page.server.setText("mediatel.example.com")
    page.sip.setText("wss://pbx.example.com/ws")
    page.name.editingFinished.emit()
    assert "https://" in page.error.text()
    page.server.setText("https://mediatel.example.com")
    page.save()
    again = ProfilesPage(settings)
    qtbot.addWidget(again)
    again.load()
    assert again.list.count() == 1
    assert again.server.text() == "https://mediatel.example.com"
    assert settings.get("profiles/current") == "Kyiv"


def test_general_page_language_restart_note_and_autostart(
    qtbot: QtBot, settings: UiSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setattr("sys.platform", "linux")
    page = GeneralPage(settings)
    qtbot.addWidget(page)
    page.load()
    assert page.restart_note.isHidden()
    page.language.setCurrentIndex(page.language.findData("uk"))
    assert not page.restart_note.isHidden()
    page.start_with_system.setChecked(True)
    page.save()
    assert settings.get("general/language") == "uk"
    assert autostart.is_enabled()
    assert "softphone" in (tmp_path / "config/autostart/softphone.desktop").read_text()
    page.start_with_system.setChecked(False)
    page.save()
    assert not autostart.is_enabled()
    assert settings.get("shortcuts/answer") == "Ctrl+Return"  # the window's own key table


def test_dialog_saves_all_pages_on_ok_and_restores_the_current_page(
    qtbot: QtBot, settings: UiSettings
) -> None:
    audio = _audio_page(settings)
    auto = AutoAnswerPage(settings)
    dialog = SettingsDialog([auto, audio])
    qtbot.addWidget(dialog)
    dialog.show_page(AudioPage)
    audio.ring_volume.setValue(10)
    auto.delay.setValue(500)
    dialog.restore_current()  # only the page in view
    assert audio.ring_volume.value() == DEFAULTS["audio/ring_volume"]
    assert auto.delay.value() == 500
    with qtbot.waitSignal(dialog.saved):
        dialog.accept()
    assert settings.get("auto_answer/delay_ms") == 500


def test_ringtone_file_is_kept_and_played_on_the_ring_device_at_its_volume(
    qtbot: QtBot, settings: UiSettings, tmp_path: Path, qloop: asyncio.AbstractEventLoop
) -> None:
    import wave

    import numpy as np

    from softphone.media import tones

    path = tmp_path / "bell.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(48000)
        out.writeframes(tones.sine(900.0, 0.3, 48000, 0.5).tobytes())
    played: list[np.ndarray] = []
    tasks: list[asyncio.Task[object]] = []
    page = AudioPage(
        settings,
        devices=DEVICES,
        backend=NullBackend(tap=lambda block: played.append(block.copy())),
        run=lambda c: tasks.append(qloop.create_task(c)),
    )
    qtbot.addWidget(page)
    page.load()
    page.use_ringtone_file(str(path))
    assert page.ringtone.currentText() == "bell.wav"
    page.ring_volume.setValue(50)
    page.test_ring.click()
    qloop.run_until_complete(asyncio.gather(*tasks))
    heard = np.concatenate(played)
    assert tones.contains_tone(heard[np.flatnonzero(heard)[0] :][:4800], 900.0, 48000)
    assert abs(int(np.abs(heard).max()) - int(0.5 * 0.5 * 32767)) < 600  # half of a half-scale tone
    page.save()
    again = _audio_page(settings)
    qtbot.addWidget(again)
    again.load()
    assert again.ringtone.currentData() == str(path)
    assert again.ringtone.currentText() == "bell.wav"


def test_the_token_goes_where_the_core_reads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's token is the core's ``Secrets.api_token`` for the agent's login."""
    from softphone.core import secrets as core_secrets
    from softphone.ui.settings.store import KeyringSecrets

    stored: dict[tuple[str, str], str] = {}

    class FakeKeyring:
        def get_password(self, service: str, account: str) -> str | None:
            return stored.get((service, account))

        def set_password(self, service: str, account: str, password: str) -> None:
            stored[(service, account)] = password

    monkeypatch.setattr(core_secrets, "_keyring", FakeKeyring)
    settings = UiSettings(QSettings(), KeyringSecrets(lambda: "olena"))
    token = settings.token()
    assert core_secrets.load_secrets("olena", {}).api_token == token
    assert settings.regenerate_token() == core_secrets.load_secrets("olena", {}).api_token
    assert list(stored) == [("softphone", "olena:api_token")]


def test_saved_choices_reach_the_core_profile_under_the_environment(
    settings: UiSettings, tmp_path: Path
) -> None:
    from softphone.core.config import load_config
    from softphone.ui.settings.store import core_overrides

    settings.set("audio/microphone", "Jabra")
    settings.set("audio/speaker", "")  # "System default": the profile decides
    settings.set("auto_answer/delay_ms", 1500)
    settings.set("auto_answer/predictive", False)
    settings.set("integration/port", 9100)
    profile = tmp_path / "profile.toml"
    profile.write_text(
        'mediatel_url = "https://hes.example.com"\nspeaker = "Laptop"\nmic = "USB"\n'
    )
    env = {"SOFTPHONE_PROFILE": str(profile), "SOFTPHONE_API_PORT": "9200"}
    overrides = core_overrides(settings, env)
    assert "api_port" not in overrides  # the environment wins over a preference
    config = load_config(None, overrides, env)
    assert (config.mic, config.speaker) == ("Jabra", "Laptop")
    assert config.auto_answer_ms == 1500 and config.auto_answer_predictive is False
    assert config.api_port == 9200


def test_microphone_switches_save_load_and_restore_defaults(
    qtbot: QtBot, settings: UiSettings, tmp_path: Path
) -> None:
    from softphone.core.config import load_config
    from softphone.ui.settings.store import core_overrides

    page = _audio_page(settings)
    qtbot.addWidget(page)
    page.load()
    boxes = mic_boxes(page)
    assert [box.isChecked() for box in boxes] == [True, True, False]  # issue 12's defaults
    assert all(box.toolTip() for box in boxes)  # each says why
    page.noise_suppression.setChecked(False)
    page.echo_cancellation.setChecked(True)
    page.save()
    again = _audio_page(settings)
    qtbot.addWidget(again)
    again.load()
    assert [box.isChecked() for box in mic_boxes(again)] == [False, True, True]
    profile = tmp_path / "profile.toml"
    profile.write_text('mediatel_url = "https://hes.example.com"\n')
    config = load_config(profile, core_overrides(settings, {}), {})
    assert (config.noise_suppression, config.auto_gain, config.echo_cancellation) == (
        False,
        True,
        True,
    )
    again.restore_defaults()
    assert [box.isChecked() for box in mic_boxes(again)] == [True, True, False]


def mic_boxes(page: AudioPage) -> tuple[QCheckBox, QCheckBox, QCheckBox]:
    return (page.noise_suppression, page.auto_gain, page.echo_cancellation)


def test_every_topic_shows_whole_in_every_language(
    desk: Desk, settings: UiSettings, language: str
) -> None:
    shell = shell_on(desk.bridge, desk.window, settings)
    dialog = shell.open_settings()
    topics = dialog.topics
    assert topics.count() >= 5
    assert not topics.horizontalScrollBar().isVisible(), language
    for row in range(topics.count()):
        shown = topics.visualItemRect(topics.item(row))
        wanted = topics.fontMetrics().horizontalAdvance(topics.item(row).text())
        assert shown.width() >= wanted and shown.right() <= topics.viewport().width(), (
            language,
            topics.item(row).text(),
        )
    dialog.reject()
    shell.stop()
