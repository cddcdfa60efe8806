"""UI tests: offscreen Qt, one qasync loop per test on pytest-qt's ``qapp``.

The tests are plain (sync) functions that drive the qasync loop with
``desk.run(coro)``, so pytest-asyncio's own loop never meets the Qt loop.
``QT_QPA_PLATFORM`` is set here, before any test creates the QApplication;
a test that needs a real X display runs its own pytest with
``SOFTPHONE_TEST_QT_PLATFORM=xcb`` and ``DISPLAY`` (``global_keys/test_x11_grabs.py``).
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = os.environ.get("SOFTPHONE_TEST_QT_PLATFORM", "offscreen")

import asyncio
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
import qasync
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication

from softphone.core.agent_snapshot import AgentSnapshot
from softphone.ui.bridge import AgentBridge
from softphone.ui.controllers.main import MainController
from softphone.ui.i18n import install_translators
from softphone.ui.views.main_window import MainWindow
from tests.fakes.agent import FakeAgent
from tests.fakes.agent_scenes import NOW
from tests.peers.loopback_ice import loopback_ice

T = TypeVar("T")
TIMEOUT_S = 20.0


async def turns(count: int = 5) -> None:
    """Let tasks the UI just started run a few steps."""
    for _ in range(count):
        await asyncio.sleep(0)


class Clock:
    """The window's clock, moved by hand."""

    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["en", "uk", "ru"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    """The app's translation installed before the widgets are built (as at start)."""
    before = QLocale()
    translators = install_translators(qapp, request.param)
    try:
        yield request.param
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
        QLocale.setDefault(before)


@pytest.fixture
def ice() -> Iterator[None]:
    """ICE on loopback only, for calls against the simulator (no network needed)."""
    with loopback_ice():
        yield


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop on the test's QApplication (as qasync's own tests build it)."""
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        # Tasks still waiting (an open dialog's) end here, not as "destroyed but pending".
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, asyncio.sleep(0), return_exceptions=True))
        loop.close()
        asyncio.set_event_loop(None)


@dataclass
class Desk:
    """The window wired to a fake session, with a hand-moved clock."""

    fake: FakeAgent
    bridge: AgentBridge
    window: MainWindow
    controller: MainController
    clock: Clock
    loop: asyncio.AbstractEventLoop

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the Qt loop (bounded)."""
        return self.loop.run_until_complete(asyncio.wait_for(coro, TIMEOUT_S))

    def show(self, snapshot: AgentSnapshot) -> AgentSnapshot:
        return self.fake.publish(snapshot)

    def tick(self, seconds: float) -> None:
        self.clock.now += seconds
        self.controller.tick()

    def settle(self) -> None:
        """Let queued tasks and posted events run (a few loop turns)."""

        self.run(turns())


@pytest.fixture
def desk(qapp: QApplication, qloop: asyncio.AbstractEventLoop, qtbot: Any) -> Iterator[Desk]:
    fake = FakeAgent()
    clock = Clock()
    bridge = AgentBridge(fake)
    window = MainWindow()
    qtbot.addWidget(window)
    controller = MainController(bridge, window, clock)
    bridge.start()
    window.show()
    yield Desk(fake, bridge, window, controller, clock, qloop)
    controller.timer.stop()
    bridge.stop()
    window.allow_close = True
