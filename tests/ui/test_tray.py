"""The tray shows the status by colour and shape, and its menu follows the snapshot."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QAction, QColor, QImage
from pytestqt.qtbot import QtBot

from softphone.core.agent_snapshot import AgentSnapshot, AutoAnswerView, LinkHealth, LinkState
from softphone.ui.tray import Tray
from softphone.ui.tray_icon import LOOKS, IconState, Shape, look_for, paint
from tests.ui.shell_support import paused, ringing, signed_in


def _actions(tray: Tray) -> dict[str, QAction]:
    tray.menu.aboutToShow.emit()
    return {a.text(): a for a in tray.menu.actions() if a.text()}


def test_every_status_has_its_own_shape_and_colour() -> None:
    shapes = {look.shape for look in LOOKS.values()}
    colours = {look.colour for look in LOOKS.values()}
    assert len(shapes) == len(LOOKS) == len(colours)


def test_shape_follows_the_snapshot() -> None:
    assert look_for(AgentSnapshot()).shape is Shape.RING
    assert look_for(signed_in()).shape is Shape.CIRCLE
    assert look_for(paused()).shape is Shape.PAUSE
    assert look_for(ringing()).shape is Shape.BELL
    lost = signed_in(mediatel=LinkHealth(LinkState.RECONNECTING, reason="lost"))
    assert look_for(lost).shape is Shape.WARNING


def _opaque_mask(image: QImage) -> list[tuple[int, int]]:
    return [
        (x, y)
        for y in range(image.height())
        for x in range(image.width())
        if image.pixelColor(x, y).alpha() > 128
    ]


def test_shapes_differ_in_outline_not_only_in_colour(qapp: object) -> None:
    """A colour-blind agent tells them apart: the painted silhouettes differ."""
    masks = {
        shape: frozenset(_opaque_mask(paint(IconState(LOOKS[shape]), 32).toImage()))
        for shape in Shape
    }
    assert len(set(masks.values())) == len(masks)


def test_icon_is_sharp_at_high_dpi(qapp: object) -> None:
    pixmap = paint(IconState(LOOKS[Shape.CIRCLE]), 32, 2.0)
    assert (pixmap.width(), pixmap.height()) == (64, 64)
    assert pixmap.devicePixelRatio() == 2.0


def test_badge_and_missed_count_are_painted(qapp: object) -> None:
    plain = paint(IconState(LOOKS[Shape.CIRCLE]), 64).toImage()
    badged = paint(IconState(LOOKS[Shape.CIRCLE], auto_answer=True), 64).toImage()
    missed = paint(IconState(LOOKS[Shape.CIRCLE], missed=3), 64).toImage()
    # the auto-answer badge is blue, bottom left; the missed bubble red, top right
    assert badged.pixelColor(6, 58).blue() > 150 and plain.pixelColor(6, 58) != badged.pixelColor(
        6, 58
    )
    red = missed.pixelColor(58, 12)
    assert red.red() > 200 and red.green() < 100
    assert plain.pixelColor(58, 12) != red


def test_menu_offers_pauses_resume_auto_answer_show_quit(qtbot: QtBot) -> None:
    tray = Tray(available=False)
    tray.set_snapshot(signed_in(auto_answer=AutoAnswerView(enabled=True)))
    actions = _actions(tray)
    assert "Available" in actions and not actions["Available"].isEnabled()
    assert not actions["Resume (available)"].isEnabled()  # not in a pause
    assert actions["Resume (available)"].toolTip() == "you are not in a pause"
    assert actions["Auto-answer"].isChecked()
    pause_menu = actions["Pause"].menu()
    assert [a.text() for a in pause_menu.actions()] == ["Break", "Lunch", "Meeting", "Training"]

    with qtbot.waitSignal(tray.pause_requested) as blocker:
        pause_menu.actions()[1].trigger()
    assert blocker.args == [2]
    with qtbot.waitSignal(tray.auto_answer_requested) as blocker:
        actions["Auto-answer"].trigger()
    assert blocker.args == [False]
    with qtbot.waitSignal(tray.show_requested):
        actions["Show window"].trigger()
    with qtbot.waitSignal(tray.quit_requested):
        actions["Quit"].trigger()


def test_menu_is_rebuilt_when_it_opens(qtbot: QtBot) -> None:
    tray = Tray(available=False)
    tray.set_snapshot(signed_in())
    assert "Resume (available)" in _actions(tray)
    tray.set_snapshot(paused())
    actions = _actions(tray)
    assert "Pause: Lunch" in actions
    assert actions["Resume (available)"].isEnabled()
    checked = [a.text() for a in actions["Pause"].menu().actions() if a.isChecked()]
    assert checked == ["Lunch"]
    with qtbot.waitSignal(tray.resume_requested):
        actions["Resume (available)"].trigger()


def test_queued_pause_is_marked_next(qapp: object) -> None:
    tray = Tray(available=False)
    snap = ringing()
    tray.set_snapshot(replace(snap, next_pause=snap.pauses[0]))
    names = [a.text() for a in _actions(tray)["Pause"].menu().actions()]
    assert names[0] == "Break (next)"


def test_signed_out_menu_only_shows_and_quits(qapp: object) -> None:
    tray = Tray(available=False)
    assert set(_actions(tray)) == {"Signed out", "Show window", "Quit"}


def test_tooltip_says_status_auto_answer_and_missed(qapp: object) -> None:
    tray = Tray(available=False)
    tray.set_snapshot(signed_in(auto_answer=AutoAnswerView(enabled=False)))
    tray.set_missed(2)
    assert tray.tooltip.splitlines() == [
        "Softphone: Available",
        "Auto-answer off",
        "Missed calls: 2",
    ]


def test_without_a_system_tray_closing_minimises(qapp: object) -> None:
    tray = Tray(available=False)
    tray.show()
    assert not tray.close_hides_window()
    assert QColor(LOOKS[Shape.CIRCLE].colour).isValid()
