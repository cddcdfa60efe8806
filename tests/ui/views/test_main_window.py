"""The main window's extension points: another engineer's page joins with two calls."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from softphone.core.agent_snapshot import AgentSnapshot
from tests.fakes import agent_scenes as scenes
from tests.ui.conftest import Desk


class Page(QLabel):
    def __init__(self) -> None:
        super().__init__("history")
        self.seen: list[tuple[int, float]] = []
        self.ticks: list[float] = []

    def present(self, snapshot: AgentSnapshot, now: float) -> None:
        self.seen.append((snapshot.seq, now))

    def tick(self, now: float) -> None:
        self.ticks.append(now)


def test_a_tab_and_a_view_join_the_window(desk: Desk) -> None:
    page = Page()
    index = desk.window.add_tab(page, "History", "clock")
    desk.window.add_view(page)
    assert desk.window.tabs.tabText(index) == "History"
    assert not desk.window.tabs.tabIcon(index).isNull()
    shown = desk.show(scenes.idle())
    assert page.seen[-1] == (shown.seq, scenes.NOW)
    desk.tick(1)
    assert page.ticks == [scenes.NOW + 1]


def test_closing_asks_the_app_instead_of_closing(desk: Desk) -> None:
    asked: list[bool] = []
    desk.window.close_requested.connect(lambda: asked.append(True))
    desk.window.close()
    assert asked == [True]
    assert desk.window.isVisible()
