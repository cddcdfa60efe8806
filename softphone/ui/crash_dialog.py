"""The crash dialog: a sentence for the agent, the details for support on request.

Its own module so that the app loads it (and the diagnostics it reads the
versions from) at the first uncaught error, not for the whole day
(``crash.ExceptHook.report``).
"""

from __future__ import annotations

import traceback

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from softphone.logs import redact
from softphone.ui.diagnostics import versions


def details_text(exc: BaseException) -> str:
    """Traceback plus versions, secrets masked: what "Copy details" puts on the clipboard."""
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    header = ", ".join(f"{k} {v}" for k, v in versions().items())
    return redact(header + "\n\n" + "".join(lines))


class CrashDialog(QDialog):
    """A sentence for the agent; the technical details only on request."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Softphone: something went wrong"))
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setVisible(False)
        self.details.setAccessibleName(self.tr("Technical details"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.show_details = QPushButton(self.tr("Show details"))
        self.copy_details = QPushButton(self.tr("Copy details"))
        buttons.addButton(self.show_details, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy_details, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        self.show_details.clicked.connect(self._toggle_details)
        self.copy_details.clicked.connect(self._copy)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.details)
        layout.addWidget(buttons)
        self.resize(480, 160)

    def add_error(self, sentence: str, details: str) -> None:
        """Show ``sentence``; a second error while open is added, not a second dialog."""
        if self.isVisible() and self.message.text():
            if sentence not in self.message.text():
                self.message.setText(self.message.text() + "\n" + sentence)
            self.details.setPlainText(self.details.toPlainText() + "\n" + details)
        else:
            self.message.setText(sentence)
            self.details.setPlainText(details)
        self.open()

    def _toggle_details(self) -> None:
        visible = not self.details.isVisible()
        self.details.setVisible(visible)
        self.show_details.setText(self.tr("Hide details") if visible else self.tr("Show details"))

    def _copy(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(self.details.toPlainText())
