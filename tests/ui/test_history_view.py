"""The history view: filters become the query, redial, copy callTraceID, missed until seen."""

from __future__ import annotations

import asyncio
from datetime import datetime

from PySide6.QtCore import QDate, QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from softphone.core.agent_snapshot import AgentSnapshot, CallCode, CallType, Direction
from softphone.core.call_end import SENTENCES, CallEnd
from softphone.core.call_records import CallRecord, HistoryQuery
from softphone.ui.history_view import HistoryView
from softphone.ui.missed_calls import MissedCalls
from softphone.ui.views.main_window import MainWindow
from tests.fakes import agent_scenes as scenes

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
    assert view.model.item(0, view.RESULT).text() == "01:00"  # talk time
    assert view.model.item(1, view.RESULT).text() == "Missed"
    assert view.model.item(2, view.RESULT).text() == ""  # no end recorded (yet)
    assert view.model.item(0, view.CODE).text() == "Sale"
    assert view.status.text() == "3 calls"


def test_missed_only(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> None:
    view = HistoryView(Source())
    qtbot.addWidget(view)
    view.missed_only.setChecked(True)
    qloop.run_until_complete(view.reload())
    rows = range(view.model.rowCount())
    assert [view.model.item(r, view.NUMBER).text() for r in rows] == ["0509998877"]


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


def test_the_selected_call_shows_what_the_columns_leave_out(qtbot: QtBot) -> None:
    view = HistoryView(Source())
    qtbot.addWidget(view)
    cut = CallRecord(
        "d",
        Direction.OUTBOUND,
        CallType.MANUAL,
        T0 + 300,
        number="0661234567",
        queue="DM_Banks_ManualCalls",
        call_trace_id="1700.4",
        answered_at=T0 + 305,
        ended_at=T0 + 400,
        end_reason=CallEnd.MEDIATEL_LOST,
    )
    view.show_records([*RECORDS, cut])
    view.show()
    assert not view.details.isVisible()
    _select(view, 3)
    assert view.details.isVisible()
    assert view.details.text() == (
        "Outgoing call · queue DM_Banks_ManualCalls\ncallTraceID\N{NO-BREAK SPACE}1700.4\n"
        "The call was cut: the connection to the Mediatel server was lost."
    )
    assert view.model.item(3, view.NUMBER).toolTip() == view.details.text()
    assert not view.model.item(3, view.RESULT).icon().isNull()  # a cut call stands out
    assert view.model.item(0, view.RESULT).icon().isNull()
    _select(view, 1)
    assert view.details.text().startswith("Missed call · queue Support")


def _long_day() -> list[CallRecord]:
    """Every kind of row, with the longest values an agent sees, and enough of them for
    the list to need its vertical scroll bar (which takes width from the columns)."""
    kinds = [
        CallRecord("m", Direction.INBOUND, CallType.INBOUND, T0, "+380441234567", "Inbound_Main"),
        CallRecord("n", Direction.OUTBOUND, CallType.MANUAL, T0, "0441234567", ended_at=T0 + 30),
        CallRecord(
            "t",
            Direction.OUTBOUND,
            CallType.PREDICTIVE,
            T0,
            "0672223344",
            "DM_MFO_1",
            "1185574251",
            answered_at=T0 + 1,
            ended_at=T0 + 3599,
            call_code_name="Promise to pay by the end of the week",
            end_reason=CallEnd.MEDIATEL_LOST,
        ),
    ]
    return [kinds[i % len(kinds)] for i in range(40)]


def test_a_whole_row_fits_the_usual_window_in_every_language(qtbot: QtBot, language: str) -> None:
    """At the window's default 440 px the agent sees time, number, result and call code
    of every call without scrolling sideways; none of the first three is cut short."""
    window = MainWindow()
    qtbot.addWidget(window)
    view = HistoryView(Source())
    window.tabs.setCurrentIndex(window.add_tab(view, window.tr("History"), "clock"))
    window.present(scenes.idle(), scenes.NOW)  # signed in: the tabs show
    window.resize(440, 720)
    window.show()
    qtbot.waitExposed(window)
    view.show_records(_long_day())
    QApplication.processEvents()
    table, header = view.table, view.table.horizontalHeader()
    assert view.model.headerData(view.RESULT, Qt.Orientation.Horizontal) != "Result" or (
        language == "en"
    )
    qtbot.waitUntil(table.verticalScrollBar().isVisible)
    assert not table.horizontalScrollBar().isVisible()
    viewport = table.viewport().rect()
    for column in range(view.COLUMNS):
        left = header.sectionViewportPosition(column)
        width = header.sectionSize(column)
        name = view.model.headerData(column, Qt.Orientation.Horizontal)
        assert left >= 0 and left + width <= viewport.width(), (language, name, left, width)
        assert header.sectionSizeFromContents(column).width() <= width, (language, name)
        for row in range(3):
            cell = table.visualRect(view.model.index(row, column))
            assert viewport.contains(cell.topLeft()) and cell.right() <= viewport.right(), (
                language,
                name,
                cell,
            )
    for column in (view.TIME, view.NUMBER, view.RESULT):
        wanted = table.sizeHintForColumn(column)
        assert header.sectionSize(column) >= wanted, (language, column)  # nothing elided
    assert header.sectionSize(view.CODE) >= 80, language  # room for a code's first words
    for control in (view.since, view.until, view.missed_only, view.search, view.redial):
        shown = control.mapTo(view, control.rect().topRight()).x()
        assert control.width() >= control.sizeHint().width(), (language, control.text())
        assert shown < view.width(), (language, control)  # a filter cut at the edge
    code = view.model.item(2, view.CODE)
    assert code.toolTip().count("Promise to pay by the end of the week") == 1


def test_the_window_says_in_its_language_why_a_call_was_cut(qtbot: QtBot, language: str) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    notice = SENTENCES[CallEnd.MEDIATEL_LOST]
    window.present(AgentSnapshot(notice=notice), 0.0)
    expected = {
        "en": notice,
        "uk": "Дзвінок обірвався: втрачено з’єднання з сервером Mediatel.",
        "ru": "Звонок оборвался: потеряно соединение с сервером Mediatel.",
    }[language]
    assert window.notice.text() == expected
    banner = window.message_banner
    assert not banner.isHidden() and banner.label.text() == expected  # said on top too
    window.present(scenes.in_call(), scenes.NOW)  # the next call: old news
    assert banner.isHidden()
    window.present(AgentSnapshot(notice="Moved to the SIP server wss://b"), 0.0)
    assert window.notice.text() == "Moved to the SIP server wss://b"  # others as written
    assert banner.isHidden()
