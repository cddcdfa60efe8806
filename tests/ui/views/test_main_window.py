"""The main window's extension points: another engineer's page joins with two calls."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from softphone.core.agent_snapshot import AgentSnapshot
from softphone.ui.views.status import ElidedLabel
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


def _cut(widget: QWidget) -> bool:
    """A button or one-line label narrower than its text needs (or past the window's edge)."""
    if not widget.isVisible() or isinstance(widget, ElidedLabel):
        return False
    if isinstance(widget, QLabel) and (widget.wordWrap() or not widget.text()):
        return False
    if not isinstance(widget, QLabel | QAbstractButton):
        return False
    window = widget.window()
    right = widget.mapTo(window, widget.rect().topRight()).x()
    return widget.width() < widget.sizeHint().width() or right >= window.width()


@pytest.mark.parametrize("scene", [*sorted(scenes.SCENES), "paused-long"])
def test_every_state_shows_its_words_whole_at_the_usual_width(
    language: str, desk: Desk, scene: str
) -> None:
    """At 440 px, in every language and state, no button or label is cut: the badge with
    its time, the queued pause, the call buttons (also muted and on hold)."""
    assert desk.window.pause_button.text() != "Pause" or language == "en"  # built translated
    desk.window.resize(440, 720)
    snapshot = scenes.SCENES[scene.removesuffix("-long")]()
    if scene == "paused-long":  # a pause name from the platform can be any length
        assert snapshot.pause is not None
        pause = dataclasses.replace(snapshot.pause, name="Talk with Supervisor (team lead)")
        snapshot = dataclasses.replace(snapshot, pause=pause)
    if scene == "on-hold":  # the longest texts: on hold, muted, a pause queued
        assert snapshot.call is not None and snapshot.next_pause is not None
        muted = dataclasses.replace(snapshot.call, muted=True)
        snapshot = dataclasses.replace(snapshot, call=muted)
    desk.show(snapshot)
    QApplication.processEvents()
    cut = [
        f"{type(w).__name__} {w.objectName() or ''} {getattr(w, 'text', lambda: '')()!r}"
        for w in desk.window.findChildren(QWidget)
        if _cut(w)
    ]
    assert cut == [], (language, scene)
    badge = desk.window.status.badge
    fits = badge.width() >= badge.minimumSizeHint().width() or not badge.isVisible()
    assert fits, (language, scene, badge.text())
    assert badge.text().endswith(" · 4:12") or scene != "paused-long", badge.text()
    if scene == "paused":  # a short pause name is never cut
        assert badge.text() == badge.full_text(), (language, badge.text())


def test_a_long_notice_is_read_whole(desk: Desk) -> None:
    """The status bar's notice wraps and the bar grows: a sentence is never cut."""
    desk.window.resize(440, 720)
    sentence = (
        "The call code “Promise to pay” was not sent: when Mediatel came back it no longer "
        "had the call 1185574288 in after-call work. The code is kept in your call history."
    )
    desk.show(dataclasses.replace(scenes.idle(), notice=sentence))
    for _ in range(3):
        QApplication.processEvents()
    notice = desk.window.notice
    assert notice.text() == sentence and notice.toolTip() == sentence
    assert notice.height() >= notice.heightForWidth(notice.width()), notice.geometry()
    assert notice.mapTo(desk.window, notice.rect().bottomLeft()).y() < desk.window.height()
