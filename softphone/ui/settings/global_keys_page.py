"""The "Global shortcuts" page: the on switch and one key per action, each with its status.

Off by default: while on, these keys are taken from every other program.
A key another program holds is shown as a sentence next to it, both while
the agent edits it (the page asks ``check``) and after saving (the keys
the app actually holds, ``registrations``). Where the desktop offers no
global shortcuts, the page says so and the editors stay disabled.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QKeySequenceEdit, QLabel, QWidget

from softphone.ui.global_keys.base import Outcome, Registration
from softphone.ui.palette import problem_style
from softphone.ui.settings.page import SettingsPage
from softphone.ui.settings.store import UiSettings
from softphone.ui.shortcuts import GLOBAL_KEYS, Shortcut


class KeyChecker(Protocol):
    """What the page needs of ``controllers.global_keys.GlobalShortcuts``."""

    @property
    def changed(self) -> SignalInstance:
        """The keys held changed (the desktop answered, the keymap moved)."""
        ...

    def unavailable_reason(self) -> str: ...

    def registrations(self) -> dict[Shortcut, Registration]: ...

    def check(self, shortcut: Shortcut, sequence: str) -> Registration: ...


class GlobalKeysPage(SettingsPage):
    KEYS = (
        "global_shortcuts/enabled",
        *(f"global_shortcuts/{name.value}" for name in GLOBAL_KEYS),
    )

    def __init__(
        self, settings: UiSettings, keys: KeyChecker, parent: QWidget | None = None
    ) -> None:
        super().__init__(settings, parent)
        self.keys = keys
        self.enabled = QCheckBox(self.tr("Use global shortcuts"))
        self.note = QLabel(
            self.tr(
                "These keys work while another program, such as the CRM, has the focus. "
                "While they are on, no other program gets these keys."
            )
        )
        self.note.setWordWrap(True)
        self.unavailable = QLabel()
        self.unavailable.setWordWrap(True)
        self.unavailable.setStyleSheet(problem_style())
        labels = {
            Shortcut.ANSWER: self.tr("Answer"),
            Shortcut.HANGUP: self.tr("Hang up"),
            Shortcut.HOLD: self.tr("Hold / resume"),
            Shortcut.MUTE: self.tr("Mute / unmute"),
        }
        self.editors: dict[Shortcut, QKeySequenceEdit] = {}
        self.status: dict[Shortcut, QLabel] = {}
        form = QFormLayout(self)
        form.addRow(self.enabled)
        form.addRow(self.note)
        form.addRow(self.unavailable)
        for shortcut in GLOBAL_KEYS:
            edit = QKeySequenceEdit()
            edit.setAccessibleName(labels[shortcut])
            edit.setMaximumSequenceLength(1)
            status = QLabel()
            status.setWordWrap(True)
            status.setStyleSheet(problem_style())
            status.setAccessibleName(
                self.tr("{action}: key status").format(action=labels[shortcut])
            )
            edit.editingFinished.connect(lambda s=shortcut: self._check(s))
            row = QHBoxLayout()
            # Top-aligned: a sentence of several lines next to the key must not push
            # the key below its action's name.
            row.addWidget(edit, 0, Qt.AlignmentFlag.AlignTop)
            row.addWidget(status, 1, Qt.AlignmentFlag.AlignTop)
            form.addRow(labels[shortcut], row)
            self.editors[shortcut], self.status[shortcut] = edit, status
        self.enabled.toggled.connect(self._enable_editors)
        keys.changed.connect(self._show_held)

    def title(self) -> str:
        return self.tr("Global shortcuts")

    def show_values(self, values: dict[str, object]) -> None:
        reason = self.keys.unavailable_reason()
        self.unavailable.setText(reason)
        self.unavailable.setVisible(bool(reason))
        self.enabled.setEnabled(not reason)
        self.enabled.setChecked(bool(values["global_shortcuts/enabled"]) and not reason)
        for shortcut, edit in self.editors.items():
            edit.setKeySequence(QKeySequence(str(values[f"global_shortcuts/{shortcut.value}"])))
        self._show_held()
        self._enable_editors(self.enabled.isChecked())

    def values(self) -> dict[str, object]:
        values: dict[str, object] = {"global_shortcuts/enabled": self.enabled.isChecked()}
        for shortcut in self.editors:
            values[f"global_shortcuts/{shortcut.value}"] = self._sequence(shortcut)
        return values

    def _show_held(self) -> None:
        """Each key's status as the app holds it (blank for a key being edited)."""
        held = self.keys.registrations()
        for shortcut in self.editors:
            registration = held.get(shortcut)
            same = registration is not None and registration.sequence == self._sequence(shortcut)
            self._show_status(shortcut, registration if same else None)

    def _sequence(self, shortcut: Shortcut) -> str:
        sequence = self.editors[shortcut].keySequence()
        return sequence.toString(QKeySequence.SequenceFormat.PortableText)

    def _enable_editors(self, on: bool) -> None:
        for edit in self.editors.values():
            edit.setEnabled(on)
        for label in self.status.values():
            label.setVisible(on)

    def _check(self, shortcut: Shortcut) -> None:
        if not self.enabled.isChecked():
            return
        result = self.keys.check(shortcut, self._sequence(shortcut))
        self._show_status(shortcut, result)

    def _show_status(self, shortcut: Shortcut, registration: Registration | None) -> None:
        label = self.status[shortcut]
        if registration is None:
            label.setText("")
        elif registration.outcome is Outcome.REGISTERED and registration.sentence:
            label.setText(registration.sentence)  # the key the desktop assigned (portal)
        else:
            label.setText("" if registration.ok else registration.sentence)
        label.setStyleSheet("" if registration is None or registration.ok else problem_style())
