"""The tray: status icon, tooltip and a menu rebuilt each time it opens.

The tray holds no logic: it shows the latest snapshot and turns menu
choices into signals the app connects to the bridge. The menu is rebuilt on
``aboutToShow`` (as Vorta's tray menu does) so it always offers exactly the
pauses and commands the platform allows at that moment, never a stale list.

Stock GNOME has no tray (``isSystemTrayAvailable()`` is false, and it can
be wrong either way); nothing depends on it: the menu and icon exist all
the same, and ``close_hides_window()`` tells the app whether closing the
window may hide it (tray shown) or must minimise it (no tray to come back
from).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QAction, QActionGroup, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from softphone.core.agent_commands import AgentCommand
from softphone.core.agent_snapshot import AgentSnapshot, SignIn
from softphone.ui.tray_icon import IconState, look_for, make_icon
from softphone.ui.views import text


def status_text(snapshot: AgentSnapshot) -> str:
    """The agent's status in a few words, as the window says it (plus connection trouble)."""
    if snapshot.sign_in is SignIn.SIGNED_IN and not (snapshot.mediatel.up and snapshot.sip.up):
        return QCoreApplication.translate("Tray", "Reconnecting…")
    return text.status_label(snapshot)


class Tray(QObject):
    """Tray icon + menu for one app; ``set_snapshot`` on every new snapshot."""

    show_requested = Signal()
    quit_requested = Signal()
    pause_requested = Signal(int)
    resume_requested = Signal()
    auto_answer_requested = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, available: bool | None = None) -> None:
        super().__init__(parent)
        self._available = (
            QSystemTrayIcon.isSystemTrayAvailable() if available is None else available
        )
        self._snapshot = AgentSnapshot()
        self._missed = 0
        self._icon_state: IconState | None = None
        self.icon = QIcon()
        self.menu = QMenu()
        self.menu.aboutToShow.connect(self.rebuild_menu)
        self.tray = QSystemTrayIcon(self)
        self.tray.setContextMenu(self.menu)
        self.tray.activated.connect(self._on_activated)
        self._refresh()
        self.rebuild_menu()

    # -- what the app asks ----------------------------------------------------

    @property
    def available(self) -> bool:
        """A system tray is there to come back from."""
        return self._available

    def close_hides_window(self) -> bool:
        """Closing the main window hides it (True) or must minimise it (False)."""
        return self._available and self.tray.isVisible()

    def show(self) -> None:
        if self._available:
            self.tray.show()

    def hide(self) -> None:
        self.tray.hide()

    def set_snapshot(self, snapshot: AgentSnapshot) -> None:
        self._snapshot = snapshot
        self._refresh()

    def set_missed(self, count: int) -> None:
        """Missed calls not yet seen (the history view resets it)."""
        self._missed = max(0, count)
        self._refresh()

    @property
    def tooltip(self) -> str:
        return self.tray.toolTip()

    # -- painting ---------------------------------------------------------------

    def _refresh(self) -> None:
        snap = self._snapshot
        state = IconState(
            look=look_for(snap),
            auto_answer=snap.sign_in is SignIn.SIGNED_IN and snap.auto_answer.enabled,
            missed=self._missed,
        )
        if state != self._icon_state:
            self._icon_state = state
            self.icon = make_icon(state)
            self.tray.setIcon(self.icon)
        self.tray.setToolTip(self._tooltip_text())

    def _tooltip_text(self) -> str:
        snap = self._snapshot
        lines = [self.tr("Softphone: {status}").format(status=status_text(snap))]
        if snap.sign_in is SignIn.SIGNED_IN:
            lines.append(
                self.tr("Auto-answer on")
                if snap.auto_answer.enabled
                else self.tr("Auto-answer off")
            )
        if self._missed:
            lines.append(self.tr("Missed calls: {count}").format(count=self._missed))
        return "\n".join(lines)

    # -- the menu -----------------------------------------------------------------

    def rebuild_menu(self) -> None:
        """Fill the menu from the latest snapshot (connected to ``aboutToShow``)."""
        snap = self._snapshot
        menu = self.menu
        menu.clear()
        header = menu.addAction(status_text(snap))
        header.setEnabled(False)
        font = header.font()
        font.setBold(True)
        header.setFont(font)
        if self._missed:
            missed = menu.addAction(self.tr("Missed calls: {count}").format(count=self._missed))
            missed.triggered.connect(self.show_requested)
        menu.addSeparator()
        if snap.sign_in is SignIn.SIGNED_IN:
            self._add_pauses(menu, snap)
            resume = menu.addAction(self.tr("Resume (available)"))
            self._allow(resume, snap, AgentCommand.RESUME)
            resume.triggered.connect(self.resume_requested)
            menu.addSeparator()
            auto = menu.addAction(self.tr("Auto-answer"))
            auto.setCheckable(True)
            auto.setChecked(snap.auto_answer.enabled)
            auto.toggled.connect(self.auto_answer_requested)
            menu.addSeparator()
        show = menu.addAction(self.tr("Show window"))
        show.triggered.connect(self.show_requested)
        quit_action = menu.addAction(self.tr("Quit"))
        quit_action.triggered.connect(self.quit_requested)

    def _add_pauses(self, menu: QMenu, snap: AgentSnapshot) -> None:
        pauses = menu.addMenu(self.tr("Pause"))
        why_not = text.why_not(snap, AgentCommand.PAUSE)
        pauses.setEnabled(why_not is None and bool(snap.pauses))
        if why_not is not None:
            pauses.setToolTip(why_not)
        group = QActionGroup(pauses)
        group.setExclusive(True)
        current = snap.pause.id if snap.pause is not None else None
        queued = snap.next_pause.id if snap.next_pause is not None else None
        for pause in snap.pauses:
            label = pause.name
            if pause.id == queued:
                label = self.tr("{name} (next)").format(name=pause.name)
            action = pauses.addAction(label)
            action.setCheckable(True)
            action.setChecked(pause.id == current)
            group.addAction(action)
            action.triggered.connect(lambda _=False, pid=pause.id: self.pause_requested.emit(pid))

    @staticmethod
    def _allow(action: QAction, snap: AgentSnapshot, command: AgentCommand) -> None:
        why_not = text.why_not(snap, command)
        action.setEnabled(why_not is None)
        action.setToolTip(why_not or "")

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.show_requested.emit()
