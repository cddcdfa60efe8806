"""After-call work: the call-code dialog, by keyboard alone, never losing a code."""

from __future__ import annotations

import dataclasses

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from softphone.core.agent_snapshot import CallCode, ClericalView
from softphone.ui.views.call_code_dialog import CallCodeDialog
from tests.fakes import agent_scenes as scenes
from tests.ui.conftest import Desk, turns


def dialog_of(desk: Desk) -> CallCodeDialog:
    dialog = desk.controller.clerical.dialog
    assert dialog is not None
    return dialog


def visible_codes(dialog: CallCodeDialog) -> list[str]:
    items = [dialog.list.item(row) for row in range(dialog.list.count())]
    return [item.text() for item in items if not item.isHidden()]


def current(dialog: CallCodeDialog) -> str:
    item = dialog.list.currentItem()
    return item.text() if item is not None else ""


@pytest.fixture
def clerical(desk: Desk) -> Desk:
    desk.show(scenes.in_call())
    desk.show(scenes.clerical())
    desk.settle()
    return desk


def test_opens_when_after_call_work_begins(clerical: Desk) -> None:
    dialog = dialog_of(clerical)
    assert dialog.isVisible()
    assert visible_codes(dialog) == [c.name for c in scenes.CALL_CODES]
    assert current(dialog) == "Sale"
    assert dialog.search.hasFocus()
    assert clerical.window.phone.currentIndex() == 2  # the desk shows after-call work too


def test_countdown_ticks_and_turns_urgent(clerical: Desk) -> None:
    dialog = dialog_of(clerical)
    assert dialog.countdown.text() == "After-call work ends by itself in 0:52."
    assert dialog.countdown.styleSheet() == ""
    clerical.tick(45)
    assert dialog.countdown.text() == "After-call work ends by itself in 0:07."
    assert "background-color" in dialog.countdown.styleSheet()
    assert clerical.window.clerical.countdown.text() == "Ends by itself in 0:07."


def test_reminder_asks_for_a_code(clerical: Desk) -> None:
    snapshot = scenes.clerical()
    assert snapshot.clerical is not None
    clerical.show(
        dataclasses.replace(
            snapshot, clerical=dataclasses.replace(snapshot.clerical, reminder_due=True)
        )
    )
    assert dialog_of(clerical).countdown.text().endswith("Please choose a code now.")


def test_type_to_search_then_enter(clerical: Desk) -> None:
    dialog = dialog_of(clerical)

    async def scenario() -> None:
        QTest.keyClicks(dialog.search, "WRO")
        assert visible_codes(dialog) == ["Wrong number"]
        assert current(dialog) == "Wrong number"
        QTest.keyClick(dialog.search, Qt.Key.Key_Return)
        recorded = await clerical.fake.next_command()
        assert (recorded.name, recorded.args) == ("set_call_code", (13,))

    clerical.run(scenario())


def test_arrow_keys_from_the_search_field_move_the_selection(clerical: Desk) -> None:
    dialog = dialog_of(clerical)

    async def scenario() -> None:
        QTest.keyClick(dialog.search, Qt.Key.Key_Down)
        QTest.keyClick(dialog.search, Qt.Key.Key_Down)
        QTest.keyClick(dialog.search, Qt.Key.Key_Up)
        assert current(dialog) == "Callback requested"
        assert dialog.search.hasFocus()
        QTest.keyClick(dialog.search, Qt.Key.Key_Enter)
        assert (await clerical.fake.next_command()).args == (11,)

    clerical.run(scenario())


def test_a_failed_code_stays_chosen_and_is_retried_with_enter(clerical: Desk) -> None:
    dialog = dialog_of(clerical)
    clerical.fake.fail("set_call_code", "Mediatel did not confirm the code.")

    async def scenario() -> None:
        QTest.keyClicks(dialog.search, "compl")
        QTest.keyClick(dialog.search, Qt.Key.Key_Return)
        assert (await clerical.fake.next_command()).args == (14,)
        await turns()
        assert dialog.isVisible()
        assert dialog.state.text() == (
            "The code was not set: That did not work: Mediatel did not confirm the code."
            " Press Enter to try again."
        )
        assert current(dialog) == "Complaint"
        assert dialog.chosen_id == 14
        QTest.keyClick(dialog.search, Qt.Key.Key_Return)
        assert (await clerical.fake.next_command()).args == (14,)

    clerical.run(scenario())


def test_a_refreshed_list_keeps_the_selection(clerical: Desk) -> None:
    dialog = dialog_of(clerical)
    QTest.keyClicks(dialog.search, "not")
    assert current(dialog) == "Not interested"
    dialog.search.clear()
    assert current(dialog) == "Not interested"  # clearing the search keeps it too
    snapshot = scenes.clerical()
    codes = (CallCode(99, "Escalated"), *reversed(scenes.CALL_CODES))
    clerical.show(dataclasses.replace(snapshot, clerical=ClericalView(call_codes=codes)))
    assert visible_codes(dialog)[0] == "Escalated"
    assert current(dialog) == "Not interested"


def test_a_code_waiting_for_confirmation_is_shown(clerical: Desk) -> None:
    snapshot = scenes.clerical()
    assert snapshot.clerical is not None
    waiting = dataclasses.replace(snapshot.clerical, chosen=scenes.CALL_CODES[1])
    clerical.show(dataclasses.replace(snapshot, clerical=waiting))
    dialog = dialog_of(clerical)
    assert dialog.state.text() == (
        "Code “Callback requested” sent; waiting for the platform to confirm."
    )
    assert current(dialog) == "Callback requested"
    assert clerical.window.clerical.chosen.text() == (
        "Code “Callback requested” sent; waiting for the platform."
    )


def test_escape_means_later_and_the_desk_brings_it_back(clerical: Desk) -> None:
    dialog = dialog_of(clerical)
    QTest.keyClick(dialog.search, Qt.Key.Key_Down)
    QTest.keyClick(dialog.search, Qt.Key.Key_Escape)
    clerical.settle()
    assert not dialog.isVisible()
    assert clerical.window.message_banner.isHidden()  # closing is not an error
    reopen = clerical.window.clerical.button
    assert reopen.isEnabled()
    reopen.click()
    clerical.settle()
    assert dialog_of(clerical) is dialog
    assert dialog.isVisible()
    assert current(dialog) == "Callback requested"


def test_set_is_disabled_when_the_platform_refuses(clerical: Desk) -> None:
    snapshot = scenes.clerical()
    reasons = dict(snapshot.commands)
    reasons[scenes.AgentCommand.SET_CALL_CODE] = "reconnecting to Mediatel"
    clerical.show(dataclasses.replace(snapshot, commands=reasons))
    dialog = dialog_of(clerical)
    assert not dialog.set_button.isEnabled()
    assert dialog.set_button.toolTip() == "reconnecting to Mediatel"
    QTest.keyClick(dialog.search, Qt.Key.Key_Return)
    clerical.settle()
    assert clerical.fake.calls == []


def test_closes_when_after_call_work_ends(clerical: Desk) -> None:
    dialog = dialog_of(clerical)
    clerical.show(scenes.idle())
    clerical.settle()
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()
    assert clerical.controller.clerical.dialog is None
    assert clerical.window.message_banner.isHidden()


def test_a_reminder_counts_down_when_there_is_no_timeout(clerical: Desk) -> None:
    snapshot = scenes.clerical()
    waiting = ClericalView(call_codes=scenes.CALL_CODES, reminder_at=scenes.NOW + 30)
    clerical.show(dataclasses.replace(snapshot, clerical=waiting))
    dialog = dialog_of(clerical)
    assert dialog.countdown.text() == "Please choose a code within 0:30."
    clerical.tick(25)
    assert dialog.countdown.text() == "Please choose a code within 0:05."
    assert "background-color" in dialog.countdown.styleSheet()


def test_the_dialog_names_the_call_it_asks_about(clerical: Desk) -> None:
    """The session keeps the ended call in the snapshot during after-call work; the
    window shows the after-call panel (not the ended call's) so the code comes first."""
    dialog = dialog_of(clerical)
    talked = scenes.in_call().call
    assert talked is not None
    assert dialog.about.isVisible()
    assert dialog.about.text() == f"Inbound call · {talked.number} · {talked.queue}"
    assert clerical.window.phone.currentWidget().isAncestorOf(clerical.window.clerical)
    clerical.show(dataclasses.replace(scenes.clerical(), call=None))  # restarted in it
    assert not dialog.about.isVisible()
