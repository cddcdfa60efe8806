"""Settings pages other than audio: profiles, auto-answer, integration API, general."""

from __future__ import annotations

import json
import logging

from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from softphone.core.agent_snapshot import AutoAnswerView, CallType
from softphone.ui.palette import problem_style
from softphone.ui.settings import autostart
from softphone.ui.settings.page import SettingsPage
from softphone.ui.settings.store import UiSettings
from softphone.ui.shortcuts import Shortcut

logger = logging.getLogger(__name__)

LANGUAGES = (("en", "English"), ("uk", "Українська"), ("ru", "Русский"))
"""Each language named in itself, so an agent finds theirs whatever the current one."""


class ProfilesPage(SettingsPage):
    """Named server profiles: where to connect (no secrets: those are in the keyring)."""

    KEYS = ("profiles/list", "profiles/current")

    def __init__(self, settings: UiSettings, parent: QWidget | None = None) -> None:
        super().__init__(settings, parent)
        self._profiles: list[dict[str, str]] = []
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Server profiles"))
        self.name = QLineEdit()
        self.server = QLineEdit()
        self.server.setPlaceholderText("https://mediatel.example.com")
        self.sip = QLineEdit()
        self.sip.setPlaceholderText("wss://pbx.example.com:8089/ws")
        self.add = QPushButton(self.tr("Add"))
        self.remove = QPushButton(self.tr("Remove"))
        self.error = QLabel()
        self.error.setStyleSheet(problem_style())
        self.add.clicked.connect(self._add)
        self.remove.clicked.connect(self._remove)
        self.list.currentRowChanged.connect(self._show_profile)
        for field in (self.name, self.server, self.sip):
            field.editingFinished.connect(self._store_profile)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Mediatel server"), self.server)
        form.addRow(self.tr("SIP WebSocket"), self.sip)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addLayout(form)
        layout.addWidget(self.error)

    def title(self) -> str:
        return self.tr("Server profiles")

    def show_values(self, values: dict[str, object]) -> None:
        try:
            profiles = json.loads(str(values["profiles/list"]))
        except json.JSONDecodeError:
            profiles = []
        self._profiles = [p for p in profiles if isinstance(p, dict)]
        self.list.clear()
        for profile in self._profiles:
            self.list.addItem(profile.get("name", ""))
        names = [p.get("name") for p in self._profiles]
        current = str(values["profiles/current"])
        self.list.setCurrentRow(names.index(current) if current in names else 0)

    def values(self) -> dict[str, object]:
        self._store_profile()
        row = self.list.currentRow()
        current = self._profiles[row]["name"] if 0 <= row < len(self._profiles) else ""
        return {"profiles/list": json.dumps(self._profiles), "profiles/current": current}

    def _add(self) -> None:
        self._profiles.append({"name": self.tr("New profile"), "server": "", "sip": ""})
        self.list.addItem(self._profiles[-1]["name"])
        self.list.setCurrentRow(len(self._profiles) - 1)

    def _remove(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._profiles):
            del self._profiles[row]
            self.list.takeItem(row)

    def _show_profile(self, row: int) -> None:
        profile = self._profiles[row] if 0 <= row < len(self._profiles) else {}
        self.name.setText(profile.get("name", ""))
        self.server.setText(profile.get("server", ""))
        self.sip.setText(profile.get("sip", ""))

    def _store_profile(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self._profiles):
            return
        server, sip = self.server.text().strip(), self.sip.text().strip()
        problems = []
        if server and not server.startswith(("https://", "http://")):
            problems.append(self.tr("The Mediatel server address starts with https://"))
        if sip and not sip.startswith(("wss://", "ws://")):
            problems.append(self.tr("The SIP WebSocket address starts with wss://"))
        self.error.setText("\n".join(problems))
        self._profiles[row] = {"name": self.name.text().strip(), "server": server, "sip": sip}
        item = self.list.item(row)
        if item is not None:
            item.setText(self._profiles[row]["name"])


class AutoAnswerPage(SettingsPage):
    """Auto-answer rules; read-only when the server's per-agent settings set them."""

    KEYS = (
        "auto_answer/enabled",
        "auto_answer/delay_ms",
        "auto_answer/inbound",
        "auto_answer/predictive",
        "auto_answer/manual",
    )

    def __init__(self, settings: UiSettings, parent: QWidget | None = None) -> None:
        super().__init__(settings, parent)
        self.enabled = QCheckBox(self.tr("Answer calls automatically"))
        self.delay = QSpinBox()
        self.delay.setRange(0, 10000)
        self.delay.setSingleStep(250)
        self.delay.setSuffix(self.tr(" ms"))
        self.delay.setAccessibleName(self.tr("Delay before answering"))
        self.inbound = QCheckBox(self.tr("Inbound calls"))
        self.predictive = QCheckBox(self.tr("Predictive calls"))
        self.manual = QCheckBox(self.tr("My own outgoing calls"))
        self.server_note = QLabel(self.tr("Set by the server for your account."))
        self.server_note.setVisible(False)
        self._server: AutoAnswerView | None = None
        form = QFormLayout(self)
        form.addRow(self.enabled)
        form.addRow(self.tr("Delay before answering"), self.delay)
        form.addRow(self.inbound)
        form.addRow(self.predictive)
        form.addRow(self.manual)
        form.addRow(self.server_note)

    def title(self) -> str:
        return self.tr("Auto-answer")

    def load(self) -> None:
        super().load()
        if self._server is not None:
            self.show_server_rules(self._server)

    def save(self) -> None:
        """The server's rules are not the agent's to save."""
        if self._server is None:
            super().save()

    def show_server_rules(self, view: AutoAnswerView) -> None:
        """The rules in force; when the server set them the agent cannot change them."""
        self._server = view if view.from_server else None
        self.enabled.setChecked(view.enabled)
        self.delay.setValue(view.delay_ms)
        for box, call_type in (
            (self.inbound, CallType.INBOUND),
            (self.predictive, CallType.PREDICTIVE),
            (self.manual, CallType.MANUAL),
        ):
            box.setChecked(view.by_type.get(call_type, True))
        for widget in (self.delay, self.inbound, self.predictive, self.manual):
            widget.setEnabled(not view.from_server)
        self.server_note.setVisible(view.from_server)

    def show_values(self, values: dict[str, object]) -> None:
        self.enabled.setChecked(bool(values["auto_answer/enabled"]))
        self.delay.setValue(int(str(values["auto_answer/delay_ms"])))
        self.inbound.setChecked(bool(values["auto_answer/inbound"]))
        self.predictive.setChecked(bool(values["auto_answer/predictive"]))
        self.manual.setChecked(bool(values["auto_answer/manual"]))

    def values(self) -> dict[str, object]:
        return {
            "auto_answer/enabled": self.enabled.isChecked(),
            "auto_answer/delay_ms": self.delay.value(),
            "auto_answer/inbound": self.inbound.isChecked(),
            "auto_answer/predictive": self.predictive.isChecked(),
            "auto_answer/manual": self.manual.isChecked(),
        }


class IntegrationPage(SettingsPage):
    """The local integration API a CRM talks to: loopback port and its token."""

    KEYS = ("integration/port",)

    def __init__(self, settings: UiSettings, parent: QWidget | None = None) -> None:
        super().__init__(settings, parent)
        self.port = QSpinBox()
        self.port.setRange(1024, 65535)
        self.port.setAccessibleName(self.tr("Port"))
        self.token = QLineEdit()
        self.token.setReadOnly(True)
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setAccessibleName(self.tr("Token"))
        self.copy = QPushButton(self.tr("Copy"))
        self.regenerate = QPushButton(self.tr("Regenerate"))
        self.copy.clicked.connect(self._copy)
        self.regenerate.clicked.connect(self._regenerate)
        note = QLabel(
            self.tr("Only programs on this computer can connect (127.0.0.1), with this token.")
        )
        note.setWordWrap(True)
        token_row = QHBoxLayout()
        token_row.addWidget(self.token, 1)
        token_row.addWidget(self.copy)
        token_row.addWidget(self.regenerate)
        form = QFormLayout(self)
        form.addRow(self.tr("Port"), self.port)
        form.addRow(self.tr("Token"), token_row)
        form.addRow(note)

    def title(self) -> str:
        return self.tr("Integration API")

    def show_values(self, values: dict[str, object]) -> None:
        self.port.setValue(int(str(values["integration/port"])))
        self.token.setText(self.settings.token())

    def values(self) -> dict[str, object]:
        return {"integration/port": self.port.value()}

    def _copy(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(self.token.text())

    def _regenerate(self) -> None:
        """A new token at once (the old one stops working; the CRM needs the new one)."""
        self.token.setText(self.settings.regenerate_token())


class GeneralPage(SettingsPage):
    """Language, start-up and keyboard shortcuts."""

    KEYS = (
        "general/language",
        "general/start_minimised",
        "general/start_with_system",
        *(f"shortcuts/{name.value}" for name in Shortcut),
    )

    def __init__(self, settings: UiSettings, parent: QWidget | None = None) -> None:
        super().__init__(settings, parent)
        self.language = QComboBox()
        self.language.setAccessibleName(self.tr("Language"))
        self.language.addItem(self.tr("System language"), "")
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        self.restart_note = QLabel(self.tr("The new language is used after a restart."))
        self.restart_note.setVisible(False)
        self.language.currentIndexChanged.connect(self._language_changed)
        self.start_minimised = QCheckBox(self.tr("Start minimised to the tray"))
        self.start_with_system = QCheckBox(self.tr("Start when I sign in to the computer"))
        self.shortcuts: dict[str, QKeySequenceEdit] = {}
        form = QFormLayout(self)
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.restart_note)
        form.addRow(self.start_minimised)
        form.addRow(self.start_with_system)
        labels = {
            Shortcut.ANSWER: self.tr("Answer"),
            Shortcut.HANGUP: self.tr("Hang up"),
            Shortcut.HOLD: self.tr("Hold / resume"),
            Shortcut.MUTE: self.tr("Mute / unmute"),
            Shortcut.FOCUS_NUMBER: self.tr("Go to the number field"),
            Shortcut.REDIAL: self.tr("Redial"),
        }
        form.addRow(QLabel(self.tr("Keyboard shortcuts (while the window is active)")))
        for name in Shortcut:
            key, label = f"shortcuts/{name.value}", labels[name]
            edit = QKeySequenceEdit()
            edit.setAccessibleName(label)
            self.shortcuts[key] = edit
            form.addRow(label, edit)
        self._loaded_language = ""

    def title(self) -> str:
        return self.tr("General")

    def show_values(self, values: dict[str, object]) -> None:
        index = self.language.findData(values["general/language"])
        self.language.setCurrentIndex(max(0, index))
        self._loaded_language = str(values["general/language"])
        self.start_minimised.setChecked(bool(values["general/start_minimised"]))
        self.start_with_system.setChecked(bool(values["general/start_with_system"]))
        for key, edit in self.shortcuts.items():
            edit.setKeySequence(QKeySequence(str(values[key])))
        self.restart_note.setVisible(False)

    def values(self) -> dict[str, object]:
        values: dict[str, object] = {
            "general/language": self.language.currentData(),
            "general/start_minimised": self.start_minimised.isChecked(),
            "general/start_with_system": self.start_with_system.isChecked(),
        }
        for key, edit in self.shortcuts.items():
            values[key] = edit.keySequence().toString(QKeySequence.SequenceFormat.PortableText)
        return values

    def save(self) -> None:
        super().save()
        try:
            autostart.set_enabled(self.start_with_system.isChecked())
        except OSError as exc:
            logger.warning("could not change the autostart entry: %s", exc)

    def _language_changed(self) -> None:
        self.restart_note.setVisible(self.language.currentData() != self._loaded_language)
