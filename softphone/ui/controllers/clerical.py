"""After-call work: open the call-code dialog when it begins, close it when it ends.

The dialog is opened with ``run_dialog`` (never ``exec()``); a code the
agent picks goes to the session, and a failure comes back into the dialog
with the code still selected.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from softphone.core.agent_snapshot import AgentSnapshot, ClericalView
from softphone.ui.aio import spawn
from softphone.ui.bridge import AgentBridge
from softphone.ui.views.main_window import MainWindow

if TYPE_CHECKING:
    from softphone.ui.views.call_code_dialog import CallCodeDialog


class ClericalController(QObject):
    def __init__(
        self, bridge: AgentBridge, window: MainWindow, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__(window)
        self.bridge = bridge
        self.window = window
        self.clock = clock
        self.dialog: CallCodeDialog | None = None
        self._active = False
        bridge.clerical_changed.connect(self.on_clerical)
        bridge.snapshot_changed.connect(self.on_snapshot)
        window.clerical.open_codes.connect(self.open_dialog)

    def on_clerical(self, clerical: ClericalView | None) -> None:
        began = clerical is not None and not self._active
        self._active = clerical is not None
        if began:
            self.open_dialog()
        elif clerical is None and self.dialog is not None:
            self.dialog.accept()
            self.dialog.deleteLater()
            self.dialog = None

    def on_snapshot(self, snapshot: AgentSnapshot) -> None:
        if self.dialog is not None:
            self.dialog.present(snapshot, self.clock())

    def tick(self, now: float) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.tick(now)

    def open_dialog(self) -> None:
        # Imported at the first after-call work: an agent who is not given call codes,
        # and every agent until the first call ends, does without the dialog's module.
        from softphone.ui.dialogs import run_dialog
        from softphone.ui.views.call_code_dialog import CallCodeDialog

        if self.dialog is None:
            self.dialog = CallCodeDialog(self.window)
            self.dialog.code_chosen.connect(self.choose)
        self.dialog.present(self.bridge.snapshot, self.clock())
        if not self.dialog.isVisible():
            spawn(run_dialog(self.dialog), self.window.show_error, "call-code dialog")
        self.dialog.raise_()
        self.dialog.activateWindow()
        self.dialog.search.setFocus()

    def choose(self, code_id: int) -> None:
        dialog = self.dialog
        on_error = dialog.show_failure if dialog is not None else None
        self.bridge.set_call_code(code_id, on_error=on_error)
