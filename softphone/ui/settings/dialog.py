"""The settings dialog: a list of topics on the left, the page on the right.

OK saves every page, Cancel drops the edits, "Restore defaults" resets the
page in view only. Opened with ``open()``: the calls go on meanwhile.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from softphone.ui.palette import hint_style
from softphone.ui.settings.page import SettingsPage


class SettingsDialog(QDialog):
    saved = Signal()

    def __init__(self, pages: list[SettingsPage], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.pages = pages
        self.topics = QListWidget()
        self.topics.setAccessibleName(self.tr("Topics"))
        self.stack = QStackedWidget()
        for page in pages:
            self.topics.addItem(page.title())
            self.stack.addWidget(page)
            page.load()
        # As wide as the longest topic in this language, no wider: no sideways scroll.
        self.topics.setFixedWidth(
            max(120, self.topics.sizeHintForColumn(0) + 2 * self.topics.frameWidth() + 12)
        )
        self.topics.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.topics.setCurrentRow(0)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        self.restore = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        self.restore.clicked.connect(self.restore_current)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.restart_note = QLabel(
            self.tr(
                "Changes take effect when you press OK: sound devices and the microphone "
                "from the next call, the rest at once. Only the language waits for a restart."
            )
        )
        self.restart_note.setWordWrap(True)
        self.restart_note.setStyleSheet(hint_style())  # quiet: a remark, not a warning
        body = QHBoxLayout()
        body.addWidget(self.topics)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(self.restart_note)
        layout.addWidget(buttons)
        self.resize(720, 460)

    def show_page(self, page_type: type[SettingsPage]) -> SettingsPage:
        for row, page in enumerate(self.pages):
            if isinstance(page, page_type):
                self.topics.setCurrentRow(row)
                return page
        raise LookupError(page_type.__name__)

    def restore_current(self) -> None:
        page = self.stack.currentWidget()
        if isinstance(page, SettingsPage):
            page.restore_defaults()

    def accept(self) -> None:
        for page in self.pages:
            page.save()
        if self.pages:
            self.pages[0].settings.sync()
        self.saved.emit()
        super().accept()
