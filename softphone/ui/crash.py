"""The last line of defence: every uncaught exception is logged and said in words.

``@asyncSlot`` hands a slot's exception to ``sys.excepthook``; a windowed
build has no console, so the default hook would lose it. The hook installed
here logs the traceback (redacted, via the log filter), ignores cancellation
(quitting cancels work in flight), and opens one dialog with a sentence and
a "Copy details" button for support (``crash_dialog``, loaded at the first
error). The dialog is opened with ``open()``, never ``exec()``, so the event
loop — and the call — keep running.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from softphone.logs import redact

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from softphone.ui.crash_dialog import CrashDialog

logger = logging.getLogger("softphone.crash")


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
        # Imported at the first error: the dialog, the diagnostics (platform, zipfile) and
        # the Qt classes they use are not kept all day by an app that never fails.
        from softphone.ui.diagnostics import human_message

        sentence = human_message(exc)
        if sentence is None:
            logger.info("cancelled: %r", exc)
            return
        logger.error("uncaught error", exc_info=(type(exc), exc, exc.__traceback__))
        try:
            from softphone.ui.crash_dialog import CrashDialog, details_text

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
