"""Wires the whole window to the bridge: rendering, the clock, errors, areas.

Another engineer's area joins here: build its controller in ``__init__``
with the bridge and the window (``TrayController(bridge, window)``...).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from softphone.core.agent_snapshot import AgentSnapshot
from softphone.ui.bridge import AgentBridge
from softphone.ui.controllers.clerical import ClericalController
from softphone.ui.controllers.desk import DeskController
from softphone.ui.controllers.sign_in import SignInController
from softphone.ui.views.main_window import MainWindow
from softphone.ui.views.sign_in import SignInDefaults

TICK_MS = 1000


class MainController(QObject):
    def __init__(
        self,
        bridge: AgentBridge,
        window: MainWindow,
        clock: Callable[[], float] = time.time,
        sign_in_defaults: SignInDefaults | None = None,
    ) -> None:
        super().__init__(window)
        self.bridge = bridge
        self.window = window
        self.clock = clock
        self.sign_in = SignInController(bridge, window, sign_in_defaults)
        self.desk = DeskController(bridge, window)
        self.clerical = ClericalController(bridge, window, clock)
        bridge.snapshot_changed.connect(self.present)
        bridge.error.connect(window.show_error)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def present(self, snapshot: AgentSnapshot) -> None:
        self.window.present(snapshot, self.clock())

    def tick(self) -> None:
        now = self.clock()
        self.window.tick(now)
        self.clerical.tick(now)
