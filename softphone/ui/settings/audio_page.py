"""Settings → Audio: microphone, speaker and ring device, each with a check.

Agents often ring on the laptop speaker and talk on a headset, so the ring
device is separate. Each device has its own check (a test tone, a live
microphone level, a recording played back) so an agent finds a wrong
headset before a customer does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from softphone.core import audio_check
from softphone.core.audio_check import AudioBackend, DeviceChoice
from softphone.core.sentences import said
from softphone.ui.aio import spawn
from softphone.ui.palette import hint_style, problem_style
from softphone.ui.settings.page import SettingsPage
from softphone.ui.settings.store import UiSettings
from softphone.ui.views import text

logger = logging.getLogger(__name__)

Runner = Callable[[Coroutine[Any, Any, Any]], None]

FLOOR_DB = -60.0


def level_percent(dbfs: float) -> int:
    """-60 dBFS (or less) is an empty meter, 0 dBFS a full one."""
    return round(100 * min(1.0, max(0.0, (dbfs - FLOOR_DB) / -FLOOR_DB)))


def _spawn(coro: Coroutine[Any, Any, Any]) -> None:
    spawn(coro, logger.warning, "sound check")


class AudioPage(SettingsPage):
    KEYS = (
        "audio/microphone",
        "audio/speaker",
        "audio/ring_device",
        "audio/ringtone",
        "audio/ring_volume",
        "audio/ring_enabled",
        "audio/auto_answer_beep",
        "audio/noise_suppression",
        "audio/auto_gain",
        "audio/echo_cancellation",
    )

    def __init__(
        self,
        settings: UiSettings,
        parent: QWidget | None = None,
        *,
        devices: DeviceChoice | None = None,
        backend: AudioBackend | None = None,
        run: Runner = _spawn,
    ) -> None:
        super().__init__(settings, parent)
        self._devices = devices if devices is not None else audio_check.device_choice()
        self._backend = backend
        self._run = run
        self._meter: audio_check.LevelMeter | None = None

        self.microphone = self._device_combo(self._devices.inputs, self.tr("Microphone"))
        self.speaker = self._device_combo(self._devices.outputs, self.tr("Speaker"))
        self.ring_device = self._device_combo(self._devices.outputs, self.tr("Ring device"))
        self.test_speaker = QPushButton(self.tr("Play test tone"))
        self.test_ring = QPushButton(self.tr("Play ringtone"))
        self.listen = QPushButton(self.tr("Test microphone"))
        self.listen.setCheckable(True)
        self.record = QPushButton(self.tr("Record and play back"))
        self.level = QProgressBar()
        self.level.setRange(0, 100)
        self.level.setTextVisible(False)
        self.level.setAccessibleName(self.tr("Microphone level"))
        self.result = QLabel()
        self.result.setWordWrap(True)

        self.ringtone = QComboBox()
        self.ringtone.addItem(self.tr("Classic (two short rings)"), "classic")
        self.ringtone.setAccessibleName(self.tr("Ringtone"))
        self.choose_file = QPushButton(self.tr("Choose a file…"))
        self.choose_file.clicked.connect(self._choose_file)
        self.ring_enabled = QCheckBox(self.tr("Ring on incoming calls"))
        self.ring_volume = QSlider(Qt.Orientation.Horizontal)
        self.ring_volume.setRange(0, 100)
        self.ring_volume.setAccessibleName(self.tr("Ring volume"))
        self.ring_enabled.toggled.connect(self.ring_volume.setEnabled)
        self.ring_enabled.toggled.connect(self.ringtone.setEnabled)
        self.ring_enabled.toggled.connect(self.choose_file.setEnabled)
        self.beep = QCheckBox(self.tr("Beep when a call is answered automatically"))
        self.noise_suppression = QCheckBox(self.tr("Noise suppression"))
        self.auto_gain = QCheckBox(self.tr("Automatic gain"))
        self.echo_cancellation = QCheckBox(self.tr("Echo cancellation (for speakers)"))
        processing = (
            (
                self.noise_suppression,
                self.tr("The customer hears you, not the room around you."),
            ),
            (self.auto_gain, self.tr("Keeps your voice at one level, quiet or loud.")),
            (
                self.echo_cancellation,
                self.tr("Only without a headset: stops the customer hearing themselves."),
            ),
        )

        self.test_speaker.clicked.connect(lambda: self._tone(self.speaker))
        self.test_ring.clicked.connect(self._ring)
        self.listen.toggled.connect(self._toggle_meter)
        self.record.clicked.connect(self._record)

        form = QFormLayout()
        form.addRow(self.tr("Microphone"), self._row(self.microphone, self.listen))
        form.addRow(self.tr("Level"), self._row(self.level, self.record))
        form.addRow(self.tr("Speaker"), self._row(self.speaker, self.test_speaker))
        form.addRow(self.tr("Ring device"), self._row(self.ring_device, self.test_ring))
        form.addRow("", self.ring_enabled)
        form.addRow(self.tr("Ringtone"), self._row(self.ringtone, self.choose_file))
        form.addRow(self.tr("Ring volume"), self.ring_volume)
        form.addRow("", self.beep)
        # A grid of its own, below the form: the switches' long names must not
        # widen the form's label column (the page keeps its size in every language).
        mic = QGridLayout()
        mic.addWidget(QLabel(self.tr("Your microphone (from the next call)")), 0, 0, 1, 2)
        for row, (box, why) in enumerate(processing, start=1):
            box.setToolTip(why)
            hint = QLabel(why)
            hint.setWordWrap(True)
            hint.setStyleSheet(hint_style())  # quiet: the why, not a warning
            mic.addWidget(box, row, 0)
            mic.addWidget(hint, row, 1)
        mic.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        if not self._devices.inputs and not self._devices.outputs:
            none = QLabel(self.tr("No sound devices were found. Plug in a headset."))
            none.setStyleSheet(problem_style())
            layout.addWidget(none)
        layout.addLayout(form)
        layout.addLayout(mic)
        layout.addWidget(self.result)
        layout.addStretch(1)

    def title(self) -> str:
        return self.tr("Audio")

    def _device_combo(self, names: tuple[str, ...], accessible: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(accessible)
        combo.addItem(self.tr("System default"), "")
        for name in names:
            combo.addItem(name, name)
        combo.setMinimumContentsLength(24)
        return combo

    @staticmethod
    def _row(*widgets: QWidget) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            layout.addWidget(widget, 1 if isinstance(widget, QComboBox | QProgressBar) else 0)
        return row

    @staticmethod
    def _select(combo: QComboBox, value: object) -> None:
        index = combo.findData(value)
        if index < 0 and value:  # a device not plugged in now, a ringtone file: keep it
            path = Path(str(value))
            combo.addItem(path.name if path.is_absolute() else str(value), value)
            index = combo.count() - 1
        combo.setCurrentIndex(max(0, index))

    def show_values(self, values: dict[str, object]) -> None:
        self._select(self.microphone, values["audio/microphone"])
        self._select(self.speaker, values["audio/speaker"])
        self._select(self.ring_device, values["audio/ring_device"])
        self._select(self.ringtone, values["audio/ringtone"])
        self.ring_volume.setValue(int(str(values["audio/ring_volume"])))
        self.ring_enabled.setChecked(bool(values["audio/ring_enabled"]))
        for widget in (self.ring_volume, self.ringtone, self.choose_file):
            widget.setEnabled(self.ring_enabled.isChecked())
        self.beep.setChecked(bool(values["audio/auto_answer_beep"]))
        self.noise_suppression.setChecked(bool(values["audio/noise_suppression"]))
        self.auto_gain.setChecked(bool(values["audio/auto_gain"]))
        self.echo_cancellation.setChecked(bool(values["audio/echo_cancellation"]))

    def values(self) -> dict[str, object]:
        return {
            "audio/microphone": self.microphone.currentData(),
            "audio/speaker": self.speaker.currentData(),
            "audio/ring_device": self.ring_device.currentData(),
            "audio/ringtone": self.ringtone.currentData(),
            "audio/ring_volume": self.ring_volume.value(),
            "audio/ring_enabled": self.ring_enabled.isChecked(),
            "audio/auto_answer_beep": self.beep.isChecked(),
            "audio/noise_suppression": self.noise_suppression.isChecked(),
            "audio/auto_gain": self.auto_gain.isChecked(),
            "audio/echo_cancellation": self.echo_cancellation.isChecked(),
        }

    # -- checks ---------------------------------------------------------------

    def backend(self) -> AudioBackend:
        if self._backend is None:
            self._backend = audio_check.backend()
        return self._backend

    def _tone(self, combo: QComboBox) -> None:
        self._run(
            self._guard(audio_check.play_test_tone(self.backend(), combo.currentData() or None))
        )

    def _ring(self) -> None:
        """The chosen ringtone, once, on the ring device at the chosen volume."""
        choice = self.ringtone.currentData()
        file = Path(choice) if choice and choice != "classic" else None
        device = self.ring_device.currentData() or None
        volume = self.ring_volume.value() / 100
        self._run(self._guard(audio_check.play_ringtone(self.backend(), device, file, volume)))

    def _choose_file(self) -> None:
        dialog = QFileDialog(self, self.tr("Choose a ringtone"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilter(self.tr("Sound files (*.wav *.mp3 *.ogg *.flac *.m4a)"))
        dialog.fileSelected.connect(self.use_ringtone_file)
        dialog.open()

    def use_ringtone_file(self, path: str) -> None:
        """Offer ``path`` in the ringtone list and select it."""
        self._select(self.ringtone, path)
        self.ringtone.setItemText(self.ringtone.currentIndex(), Path(path).name)

    def _record(self) -> None:
        self.result.setText(self.tr("Recording for 3 seconds: say something…"))

        async def check() -> None:
            await audio_check.record_and_play_back(
                self.backend(),
                self.microphone.currentData() or None,
                self.speaker.currentData() or None,
            )
            self.result.setText(self.tr("Played back. Did you hear yourself clearly?"))

        self._run(self._guard(check()))

    def _toggle_meter(self, on: bool) -> None:
        if on:
            self._meter = audio_check.LevelMeter(self.backend(), self._show_level)
            self._run(self._guard(self._meter.start(self.microphone.currentData() or None)))
        elif self._meter is not None:
            meter, self._meter = self._meter, None
            self.level.setValue(0)
            self._run(self._guard(meter.stop()))

    def _show_level(self, dbfs: float) -> None:
        self.level.setValue(level_percent(dbfs))

    async def _guard(self, coro: Coroutine[Any, Any, Any]) -> None:
        """A failed check is a sentence on the page, never an exception."""
        try:
            await coro
        except Exception as exc:  # AudioDeviceError says what to do; anything else is logged
            logger.warning("sound check failed: %s", exc)
            self.result.setText(text.core_sentence(said(exc)))
            if self.listen.isChecked():
                self.listen.setChecked(False)

    def hideEvent(self, event: Any) -> None:
        """Leaving the page closes the microphone."""
        if self.listen.isChecked():
            self.listen.setChecked(False)
        super().hideEvent(event)
