"""The last line of defence: every uncaught exception is logged and said in words.

``@asyncSlot`` hands a slot's exception to ``sys.excepthook``; a windowed
build has no console, so the default hook would lose it. The hook installed
here logs the traceback (redacted, via the log filter), ignores cancellation
(quitting cancels work in flight), and opens one dialog with a sentence and
a "Copy details" button for support. The dialog is opened with ``open()``,
never ``exec()``, so the event loop — and the call — keep running.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any

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
from softphone.ui.diagnostics import human_message, versions

logger = logging.getLogger("softphone.crash")


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


class ExceptHook:
    """``sys.excepthook``, ``threading.excepthook`` and the asyncio loop's handler."""

    def __init__(self, dialog_parent: Callable[[], QWidget | None] = lambda: None) -> None:
        self._parent = dialog_parent
        self.dialog: CrashDialog | None = None
        self._previous: Any = None

    def install(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._previous = sys.excepthook
        sys.excepthook = self
        threading.excepthook = self._thread_hook
        if loop is not None:
            loop.set_exception_handler(self._loop_handler)

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook = self._previous
        threading.excepthook = threading.__excepthook__

    def __call__(
        self,
        kind: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if isinstance(exc, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        if exc.__traceback__ is None and tb is not None:
            exc = exc.with_traceback(tb)
        self.report(exc)

    def report(self, exc: BaseException) -> None:
        sentence = human_message(exc)
        if sentence is None:
            logger.info("cancelled: %r", exc)
            return
        logger.error("uncaught error", exc_info=(type(exc), exc, exc.__traceback__))
        try:
            if self.dialog is None:
                self.dialog = CrashDialog(self._parent())
            self.dialog.add_error(sentence, details_text(exc))
        except Exception:  # never let the hook itself raise
            logger.exception("could not show the error dialog")

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            logger.error(
                "uncaught error in thread %s",
                args.thread.name if args.thread else "?",
                exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
            )

    def _loop_handler(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, BaseException):
            self.report(exc)
        else:
            logger.error("event loop: %s", redact(str(context.get("message"))))
