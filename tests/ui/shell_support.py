"""What the shell tests share: the shell on a test window, throwaway settings, and
variations of the fake session's scenes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSettings

from softphone.core.agent_snapshot import AgentSnapshot, AutoAnswerView, CallPhase, CallType
from softphone.ui.bridge import AgentBridge
from softphone.ui.controllers.shell import ShellController
from softphone.ui.settings.store import MemorySecrets, UiSettings
from softphone.ui.views.main_window import MainWindow
from tests.fakes import agent_scenes as scenes

PAUSES = scenes.PAUSES


def scratch_settings(path: Path) -> UiSettings:
    """The agent's preferences in a throwaway INI file (``path``), secrets in memory."""
    return UiSettings(QSettings(str(path), QSettings.Format.IniFormat), MemorySecrets())


def shell_on(
    bridge: AgentBridge,
    window: MainWindow,
    settings: UiSettings,
    show_window: Callable[[], None] = lambda: None,
) -> ShellController:
    """The shell (tray, popup, history, settings, global keys) on a test's window, as
    the app builds it but without a tray icon, so nothing depends on the desktop's."""
    return ShellController(
        bridge,
        window,
        show_window=show_window,
        quit_app=lambda: None,
        settings=settings,
        tray_available=False,
    )


def signed_in(**changes: object) -> AgentSnapshot:
    """An available agent with everything connected; ``changes`` override fields."""
    return replace(scenes.idle(), **changes)  # type: ignore[arg-type]


def paused() -> AgentSnapshot:
    """In the "Lunch" pause (id 2)."""
    return scenes.paused()


def ringing(
    *,
    number: str = "+380441234567",
    queue: str = "Sales",
    call_type: CallType = CallType.INBOUND,
    auto_answer_at: float | None = None,
    auto_answer: bool = False,
) -> AgentSnapshot:
    snap = scenes.ringing()
    assert snap.call is not None
    call = replace(
        snap.call, number=number, queue=queue, call_type=call_type, auto_answer_at=auto_answer_at
    )
    return replace(snap, call=call, auto_answer=AutoAnswerView(enabled=auto_answer))


def talking(base: AgentSnapshot | None = None) -> AgentSnapshot:
    snap = base or ringing()
    assert snap.call is not None
    return replace(snap, call=replace(snap.call, phase=CallPhase.TALKING))
