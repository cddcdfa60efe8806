"""The history view: filters become the query, redial, copy callTraceID, missed until seen."""

from __future__ import annotations

import asyncio
from datetime import datetime

from PySide6.QtCore import QDate, QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from softphone.core.agent_snapshot import CallCode, CallType, Direction
from softphone.core.call_records import CallRecord, HistoryQuery
from softphone.ui.history_view import HistoryView, MissedCalls

T0 = datetime(2026, 12, 7, 10, 0).timestamp()
RECORDS = [
    CallRecord(
        "a",
        Direction.INBOUND,
        CallType.INBOUND,
        T0,
        number="0441234567",
        queue="Sales",
        call_trace_id="1700.1",
        answered_at=T0 + 5,
        ended_at=T0 + 65,
        call_code_id=7,
        call_code_name="Sale",
    ),
    CallRecord(
        "b",
        Direction.INBOUND,
        CallType.INBOUND,
        T0 + 100,
        number="0509998877",
        queue="Support",
        call_trace_id="1700.2",
    ),
    CallRecord("c", Direction.OUTBOUND, CallType.MANUAL, T0 + 200, number="0671112233"),
]


class Source:
    def __init__(self) -> None:
        self.queries: list[HistoryQuery] = []

    async def __call__(self, query: HistoryQuery) -> list[CallRecord]:
        self.queries.append(query)
        return list(RECORDS)


def _select(view: HistoryView, row: int) -> None:
    index = view.model.index(row, 0)
    view.table.selectionModel().select(
        index,
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )


def test_filters_become_the_query(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> None:
    source = Source()
    view = HistoryView(source)
    qtbot.addWidget(view)
    view.set_call_codes((CallCode(7, "Sale"), CallCode(8, "No interest")))
    view.since.setDate(QDate(2026, 12, 1))
    view.until.setDate(QDate(2026, 12, 7))
    view.number.setText("(044) 123-")
    view.call_code.setCurrentIndex(view.call_code.findData(7))
    qloop.run_until_complete(view.reload())
    query = source.queries[-1]
    assert query.number == "044123"
    assert query.call_code_id == 7
    assert query.since == datetime(2026, 12, 1).timestamp()
    assert query.until == datetime(2026, 12, 8).timestamp()
    assert view.model.rowCount() == 3
    assert view.model.item(0, 4).text() == "01:00"  # talk time
    assert view.model.item(1, 1).text() == "Missed"
    assert view.status.text() == "3 calls"


def test_missed_only(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> None:
    view = HistoryView(Source())
    qtbot.addWidget(view)
    view.missed_only.setChecked(True)
    qloop.run_until_complete(view.reload())
    assert [view.model.item(r, 2).text() for r in range(view.model.rowCount())] == ["0509998877"]


def test_redial_and_copy_trace_id(qtbot: QtBot) -> None:
    view = HistoryView(Source())
    qtbot.addWidget(view)
    view.show_records(RECORDS)
    assert not view.redial.isEnabled()
    _select(view, 0)
    assert view.redial.isEnabled() and view.copy_trace.isEnabled()
    with qtbot.waitSignal(view.redial_requested) as blocker:
        qtbot.mouseClick(view.redial, Qt.MouseButton.LeftButton)
    assert blocker.args == ["0441234567"]
    view.copy_trace.click()
    assert QGuiApplication.clipboard().text() == "1700.1"
    _select(view, 2)  # an outbound call without a trace id
    assert not view.copy_trace.isEnabled()


def test_missed_calls_count_until_seen(qtbot: QtBot) -> None:
    missed = MissedCalls()
    with qtbot.waitSignal(missed.changed) as blocker:
        missed.set_total(2)
    assert blocker.args == [2]
    missed.mark_seen()
    assert missed.unseen == 0
    missed.set_total(3)
    assert missed.unseen == 1
    missed.set_total(0)  # a new session counts from zero again
    missed.set_total(1)
    assert missed.unseen == 1
