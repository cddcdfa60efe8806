"""The app's shell around the window: tray, incoming-call alerts, history, settings.

Built by ``SoftphoneApp`` after the main controller. Everything here only
listens to the bridge's snapshots and turns clicks into bridge commands:
the tray's menu, the popup's Answer/Reject, the history's Redial, and a
second launch's "dial this number".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QStandardPaths, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QVBoxLayout, QWidget

from softphone.core.agent_commands import AgentCommand
from softphone.core.agent_snapshot import AgentSnapshot, CallCode
from softphone.ui import shortcuts
from softphone.ui.aio import spawn
from softphone.ui.bridge import AgentBridge
from softphone.ui.controllers.global_keys import GlobalShortcuts
from softphone.ui.incoming_popup import IncomingCallAlerts, IncomingCallPopup
from softphone.ui.missed_calls import MissedCalls
from softphone.ui.notifications import make_notifier
from softphone.ui.settings.store import KeyringSecrets, UiSettings
from softphone.ui.single_instance import Request
from softphone.ui.tray import Tray
from softphone.ui.views.main_window import MainWindow

if TYPE_CHECKING:
    from softphone.ui.history_view import HistoryView
    from softphone.ui.settings.dialog import SettingsDialog
    from softphone.ui.settings.page import SettingsPage

logger = logging.getLogger(__name__)


class ShellController(QObject):
    settings_saved = Signal()
    """The settings dialog saved (``settings.live`` puts the changes in force)."""

    def __init__(
        self,
        bridge: AgentBridge,
        window: MainWindow,
        *,
        show_window: Callable[[], None],
        quit_app: Callable[[], None],
        settings: UiSettings | None = None,
        tray_available: bool | None = None,
    ) -> None:
        super().__init__(window)
        self.bridge = bridge
        self.window = window
        self.show_window = show_window
        self.settings = settings or UiSettings(
            secrets_=KeyringSecrets(lambda: bridge.snapshot.login or window.sign_in.login.text())
        )
        self.tray = Tray(self, available=tray_available)
        self.missed = MissedCalls(self)
        self.popup = IncomingCallPopup(window)  # owned by the window: deleted with it, timer too
        self.alerts = IncomingCallAlerts(self.popup, make_notifier(self.tray.tray, self))
        self.history_page = QWidget()
        """The History tab; its view is built in it when first needed (``history``)."""
        self.history_tab = window.add_tab(self.history_page, self.tr("History"), "clock")
        self._history: HistoryView | None = None
        self._call_codes: dict[int, CallCode] = {}
        """Every call code seen, in order: the history's filter offers them once built."""
        self.settings_dialog: SettingsDialog | None = None

        bridge.snapshot_changed.connect(self.present)
        self.tray.show_requested.connect(show_window)
        self.tray.quit_requested.connect(quit_app)
        self.tray.pause_requested.connect(bridge.pause)
        self.tray.resume_requested.connect(lambda: bridge.command(AgentCommand.RESUME))
        self.tray.auto_answer_requested.connect(bridge.set_auto_answer)
        self.popup.answer_requested.connect(lambda: bridge.command(AgentCommand.ANSWER))
        self.popup.reject_requested.connect(lambda: bridge.command(AgentCommand.REJECT))
        self.alerts.activated.connect(show_window)
        self.missed.changed.connect(self.tray.set_missed)
        self.missed.changed.connect(self._show_missed_on_tab)
        window.tabs.currentChanged.connect(self._tab_changed)

        self.settings_action = QAction(self.tr("&Settings…"), window)
        self.settings_action.setObjectName("settings")
        self.settings_action.triggered.connect(self.open_settings)
        self.export_action = QAction(self.tr("&Export diagnostics…"), window)
        self.export_action.setObjectName("export_diagnostics")
        self.export_action.triggered.connect(self.ask_export_diagnostics)
        first = window.agent_menu.actions()[0]  # "Sign out": settings go above it
        window.agent_menu.insertAction(first, self.settings_action)
        window.agent_menu.insertAction(first, self.export_action)
        window.agent_menu.insertSeparator(first)
        self.global_keys = GlobalShortcuts(self.settings, window.shortcut_actions(), parent=self)
        self.global_keys.changed.connect(self._report_global_keys)
        self.apply_shortcuts()
        self.present(bridge.snapshot)

    def start(self) -> None:
        self.tray.show()

    def stop(self) -> None:
        """Give the global keys back (the app is quitting)."""
        self.global_keys.close()

    def close_hides_window(self) -> bool:
        return self.tray.close_hides_window()

    def present(self, snapshot: AgentSnapshot) -> None:
        self.tray.set_snapshot(snapshot)
        self.alerts.set_snapshot(snapshot)
        self.missed.set_total(snapshot.missed_calls)
        if snapshot.clerical is not None:
            for code in snapshot.clerical.call_codes:
                self._call_codes.setdefault(code.id, code)
            if self._history is not None:
                self._history.set_call_codes(snapshot.clerical.call_codes)
        if self.window.tabs.currentIndex() == self.history_tab and self.window.isVisible():
            self.missed.mark_seen()

    # -- history -----------------------------------------------------------------
    @property
    def history(self) -> HistoryView:
        """The History tab's view, built when the agent first opens the tab.

        Its module, widgets and Qt classes (table, date pickers, item model)
        are not kept all day by an agent who never looks at the history.
        """
        if self._history is None:
            from softphone.ui.history_view import HistoryView

            view = HistoryView(self.bridge.session.history)
            view.set_call_codes(tuple(self._call_codes.values()))
            view.redial_requested.connect(self.dial)
            view.search.clicked.connect(self.reload_history)
            layout = QVBoxLayout(self.history_page)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(view)
            self._history = view
        return self._history

    def _tab_changed(self, index: int) -> None:
        if index == self.history_tab:
            self.missed.mark_seen()
            self.reload_history()

    def _show_missed_on_tab(self, count: int) -> None:
        title = self.tr("History")
        if count:
            title = self.tr("History ({count})").format(count=count)
        self.window.tabs.setTabText(self.history_tab, title)

    def reload_history(self) -> None:
        spawn(self.history.reload(), self.window.show_error, "history")

    def dial(self, number: str) -> None:
        """Put ``number`` in the dial field and bring the phone tab up (the agent presses Call)."""
        self.window.tabs.setCurrentWidget(self.window.phone)
        self.window.dialer.number.setText(number)
        self.window.focus_number()

    def handle_request(self, request: Request) -> None:
        """A second launch: bring the window up, and fill in its number."""
        self.show_window()
        if request.action == "dial" and request.number:
            self.dial(request.number)

    # -- settings and diagnostics --------------------------------------------------
    def settings_pages(self) -> list[SettingsPage]:
        # Imported here: the sound checks pull numpy, av and the SIP stack, which
        # the first window must not wait for (cold start ≤ 1 s); the other pages,
        # the dialog and the diagnostics export (importlib.metadata, email) are
        # loaded when first opened, not kept all day by an app that never opens them.
        from softphone.ui.settings.audio_page import AudioPage
        from softphone.ui.settings.global_keys_page import GlobalKeysPage
        from softphone.ui.settings.pages import (
            AutoAnswerPage,
            GeneralPage,
            IntegrationPage,
            ProfilesPage,
        )

        auto = AutoAnswerPage(self.settings)
        pages: list[SettingsPage] = [
            ProfilesPage(self.settings),
            AudioPage(self.settings),
            auto,
            IntegrationPage(self.settings),
            GeneralPage(self.settings),
            GlobalKeysPage(self.settings, self.global_keys),
        ]
        if self.bridge.snapshot.auto_answer.from_server:
            auto.show_server_rules(self.bridge.snapshot.auto_answer)
        return pages

    def open_settings(self) -> SettingsDialog:
        from softphone.ui.settings.dialog import SettingsDialog

        if self.settings_dialog is None or not self.settings_dialog.isVisible():
            self.settings_dialog = SettingsDialog(self.settings_pages(), self.window)
            self.settings_dialog.saved.connect(self._settings_saved)
        self.settings_dialog.open()
        return self.settings_dialog

    def apply_shortcuts(self) -> None:
        """The agent's keys from the settings onto the window's actions, and the global keys."""
        for name, action in self.window.shortcut_actions().items():
            sequence = str(self.settings.get(f"shortcuts/{name.value}"))
            shortcuts.KEYS[name] = sequence  # tooltips read the table
            action.setShortcut(QKeySequence(sequence))
        self.global_keys.apply()

    def _report_global_keys(self) -> None:
        """Keys just applied (or answered by the desktop later) that are not held."""
        problems = self.global_keys.problems()
        if problems:  # the settings page shows each next to its key
            self.window.show_error(
                self.tr("Some global shortcuts are not active: {problems}").format(
                    problems=" ".join(problems)
                )
            )

    def _settings_saved(self) -> None:
        self.apply_shortcuts()
        self.settings_saved.emit()

    def ask_export_diagnostics(self) -> None:
        from softphone.ui.diagnostics import default_export_name

        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DesktopLocation)
        dialog = QFileDialog(self.window, self.tr("Export diagnostics"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(self.tr("Zip archives (*.zip)"))
        dialog.selectFile(str(Path(folder) / default_export_name()))
        dialog.fileSelected.connect(lambda path: self.export_diagnostics(Path(path)))
        dialog.open()

    def export_diagnostics(self, path: Path) -> Path | None:
        from softphone.core.audio_check import device_choice
        from softphone.ui.diagnostics import export_diagnostics, qsettings_dict

        devices: list[Any] = []
        choice = device_choice()
        devices += [f"input: {name}" for name in choice.inputs]
        devices += [f"output: {name}" for name in choice.outputs]
        try:
            written = export_diagnostics(
                path, settings=qsettings_dict(self.settings.qsettings), devices=devices
            )
        except OSError as exc:
            logger.warning("diagnostics export failed: %s", exc)
            self.window.show_error(
                self.tr("The diagnostics could not be saved: {reason}").format(
                    reason=exc.strerror or str(exc)
                )
            )
            return None
        self.window.statusBar().showMessage(
            self.tr("Diagnostics saved to {path}").format(path=str(written)), 10000
        )
        return written
