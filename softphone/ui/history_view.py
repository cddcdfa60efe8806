"""The call history: filter, redial, copy the callTraceID, and missed calls until seen.

Rows come from ``AgentApi.history`` (the core's store); the view only
filters what it asks for and shows the answer. The shell builds it when the
agent first opens the History tab (``ShellController.history``); the missed
calls counted on the tab and the tray until then are ``missed_calls``'.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtGui import QGuiApplication, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from softphone.core.agent_snapshot import CallCode, Direction
from softphone.core.call_end import CUT
from softphone.core.call_records import CallRecord, HistoryQuery
from softphone.ui import icons, palette
from softphone.ui.palette import Tone
from softphone.ui.views import text

logger = logging.getLogger(__name__)

HistorySource = Callable[[HistoryQuery], Awaitable[list[CallRecord]]]


def _format_time(epoch: float | None) -> str:
    """Month-day and time: the year is in the filter above, the full date in the tooltip."""
    if epoch is None:
        return ""
    return datetime.fromtimestamp(epoch).strftime("%m-%d %H:%M")


def _full_time(epoch: float | None) -> str:
    if epoch is None:
        return ""
    return datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M:%S")


def _format_duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = round(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


class HistoryView(QWidget):
    """Filters on top, the calls below, the selected call's details and actions.

    Four columns — time, number (its direction as an icon), result (talk time
    or "Missed") and call code — so the window's usual 440 px shows a whole
    row in every language; the queue, callTraceID and how the call ended are
    in the details line under the list and in each row's tooltip.
    """

    redial_requested = Signal(str)
    TIME, NUMBER, RESULT, CODE = range(4)
    COLUMNS = 4

    def __init__(self, source: HistorySource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._records: list[CallRecord] = []

        self.since = QDateEdit(QDate.currentDate().addDays(-7))
        self.until = QDateEdit(QDate.currentDate())
        for edit, name in ((self.since, self.tr("From")), (self.until, self.tr("To"))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(name)
        self.number = QLineEdit()
        self.number.setPlaceholderText(self.tr("Any part of the number"))
        self.number.setAccessibleName(self.tr("Number"))
        self.call_code = QComboBox()
        self.call_code.setAccessibleName(self.tr("Call code"))
        self.call_code.addItem(self.tr("Any call code"), None)
        self.missed_only = QCheckBox(self.tr("Missed only"))
        self.search = QPushButton(self.tr("Search"))
        self.search.setDefault(True)

        self.model = QStandardItemModel(0, self.COLUMNS, self)
        self.model.setHorizontalHeaderLabels(
            [
                self.tr("Time"),
                self.tr("Number"),
                self.tr("Result"),
                self.tr("Call code", "column header: short where the language allows"),
            ]
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)  # a long code: "Promise to…"
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(self.CODE, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.table.setWordWrap(False)  # one line per call
        self.table.verticalHeader().setVisible(False)
        self.table.setAccessibleName(self.tr("Call history"))
        self.table.doubleClicked.connect(self._redial)

        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAccessibleName(self.tr("Selected call"))
        self.redial = QPushButton(self.tr("Redial"))
        self.copy_trace = QPushButton(self.tr("Copy callTraceID"))
        self.status = QLabel()
        self.redial.clicked.connect(self._redial)
        self.copy_trace.clicked.connect(self._copy_trace)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)

        # Two rows, so the window's usual width shows every filter whole.
        dates = QHBoxLayout()
        for widget in (QLabel(self.tr("From")), self.since, QLabel(self.tr("To")), self.until):
            dates.addWidget(widget)
        dates.addStretch(1)
        dates.addWidget(self.missed_only)
        filters = QVBoxLayout()
        filters.addLayout(dates)
        what = QHBoxLayout()
        what.addWidget(self.number, 2)
        what.addWidget(self.call_code, 2)
        what.addWidget(self.search)
        filters.addLayout(what)
        actions = QHBoxLayout()
        actions.addWidget(self.status, 1)
        actions.addWidget(self.redial)
        actions.addWidget(self.copy_trace)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addLayout(actions)
        self._update_actions()

    def set_call_codes(self, codes: tuple[CallCode, ...]) -> None:
        """Offer the platform's call codes as a filter (keeps the current choice)."""
        current = self.call_code.currentData()
        known = {self.call_code.itemData(i) for i in range(self.call_code.count())}
        for code in codes:
            if code.id not in known:
                self.call_code.addItem(code.name, code.id)
        index = self.call_code.findData(current)
        self.call_code.setCurrentIndex(max(0, index))

    def query(self) -> HistoryQuery:
        since = QDateTime(self.since.date(), QTime(0, 0)).toSecsSinceEpoch()
        until = QDateTime(self.until.date().addDays(1), QTime(0, 0)).toSecsSinceEpoch()
        number = "".join(ch for ch in self.number.text() if ch.isdigit() or ch == "+")
        return HistoryQuery(
            since=float(since),
            until=float(until),
            number=number or None,
            call_code_id=self.call_code.currentData(),
        )

    async def reload(self) -> None:
        """Ask the core for the calls matching the filters and show them."""
        self.search.setEnabled(False)
        try:
            records = await self._source(self.query())
        finally:
            self.search.setEnabled(True)
        if self.missed_only.isChecked():
            records = [r for r in records if r.missed]
        self.show_records(records)

    def show_records(self, records: list[CallRecord]) -> None:
        self._records = list(records)
        self.model.removeRows(0, self.model.rowCount())
        for record in self._records:
            details = self.describe(record)
            cells = [
                _format_time(record.started_at),
                record.number or "",
                self._result(record),
                record.call_code_name or "",
            ]
            row = [QStandardItem(value) for value in cells]
            for item in row:
                item.setToolTip(details)
            row[self.TIME].setToolTip(f"{_full_time(record.started_at)}\n{details}")
            icon, what = self._direction(record)
            missed = palette.ink(Tone.BAD)  # deeper on light, brighter on dark
            row[self.NUMBER].setIcon(icons.icon(icon, missed if record.missed else None))
            row[self.NUMBER].setData(what, Qt.ItemDataRole.AccessibleDescriptionRole)
            if record.end_reason in CUT:
                row[self.RESULT].setIcon(icons.icon("warning", palette.ink(Tone.WAIT)))
            if record.missed:
                for item in row:
                    item.setForeground(missed)
            self.model.appendRow(row)
        # Time, number and result as wide as their longest value (or header), the code
        # gets the rest and elides (its tooltip and the details line show it whole).
        for column in (self.TIME, self.NUMBER, self.RESULT):
            self.table.resizeColumnToContents(column)
        self.status.setText(self.tr("{count} calls").format(count=len(self._records)))
        self._update_actions()

    def _direction(self, record: CallRecord) -> tuple[str, str]:
        """The number's icon and its words (for the tooltip and screen readers)."""
        if record.missed:
            return "call-missed", self.tr("Missed call")
        if record.direction is Direction.INBOUND:
            return "call-in", self.tr("Incoming call")
        return "call-out", self.tr("Outgoing call")

    def _result(self, record: CallRecord) -> str:
        """Talk time for a call that was answered, else what became of it."""
        if record.duration_s is not None:
            return _format_duration(record.duration_s)
        if record.missed:
            return self.tr("Missed")
        if record.ended_at is not None and record.answered_at is None:
            return self.tr("No answer")
        return ""

    def describe(self, record: CallRecord) -> str:
        """The call in a few short lines: what the columns leave out."""
        _, what = self._direction(record)
        lines = [what]
        if record.queue:
            lines[0] += " · " + self.tr("queue {queue}").format(queue=record.queue)
        if record.call_trace_id:
            # kept on one line: a wrapped ID is easy to misread
            trace = self.tr("callTraceID {id}").format(id=record.call_trace_id)
            lines.append(trace.replace(" ", "\N{NO-BREAK SPACE}"))
        if record.call_code_name:
            lines.append(self.tr("Call code: {code}").format(code=record.call_code_name))
        if record.end_reason is not None:
            lines.append(text.call_end_label(record.end_reason))
        return "\n".join(lines)

    def selected(self) -> CallRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self._records[rows[0].row()] if rows else None

    def _update_actions(self) -> None:
        record = self.selected()
        self.details.setText(self.describe(record) if record is not None else "")
        self.details.setVisible(record is not None)
        self.redial.setEnabled(record is not None and bool(record.number))
        self.copy_trace.setEnabled(record is not None and bool(record.call_trace_id))
        self.redial.setToolTip("" if self.redial.isEnabled() else self.tr("Choose a call first."))

    def _redial(self) -> None:
        record = self.selected()
        if record is not None and record.number:
            self.redial_requested.emit(record.number)

    def _copy_trace(self) -> None:
        record = self.selected()
        clipboard = QGuiApplication.clipboard()
        if record is not None and record.call_trace_id and clipboard is not None:
            clipboard.setText(record.call_trace_id)
            self.status.setText(self.tr("callTraceID copied"))
