"""The call history: filter, redial, copy the callTraceID, and missed calls until seen.

Rows come from ``AgentApi.history`` (the core's store); the view only
filters what it asks for and shows the answer. Missed calls are counted on
the window and the tray until the agent has looked at this list: the core
counts every missed call, the UI remembers how many had been seen.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QObject, Qt, QTime, Signal
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
from softphone.core.call_records import CallRecord, HistoryQuery

logger = logging.getLogger(__name__)

HistorySource = Callable[[HistoryQuery], Awaitable[list[CallRecord]]]


class MissedCalls(QObject):
    """Missed calls not yet seen: the core's running count minus those already seen."""

    changed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._total = 0
        self._seen = 0

    @property
    def unseen(self) -> int:
        return max(0, self._total - self._seen)

    def set_total(self, total: int) -> None:
        """The snapshot's ``missed_calls`` (a new session may start again at 0)."""
        before = self.unseen
        if total < self._seen:
            self._seen = 0
        self._total = total
        if self.unseen != before:
            self.changed.emit(self.unseen)

    def mark_seen(self) -> None:
        if self.unseen:
            self._seen = self._total
            self.changed.emit(0)


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
    """Filters on top, the calls below, actions for the selected call."""

    redial_requested = Signal(str)
    COLUMNS = 7
    QUEUE_COLUMN = 3
    CODE_COLUMN = 5

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
                self.tr("Direction"),
                self.tr("Number"),
                self.tr("Queue"),
                self.tr("Duration"),
                self.tr("Call code"),
                self.tr("callTraceID"),
            ]
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # Shown after the call code: at the window's usual width the number, talk time and
        # code are what an agent scans for; queue names are long. (Model columns unchanged.)
        header.moveSection(self.QUEUE_COLUMN, self.CODE_COLUMN)
        self.table.setWordWrap(False)  # one line per call; long values scroll, never wrap
        self.table.verticalHeader().setVisible(False)
        self.table.setAccessibleName(self.tr("Call history"))
        self.table.doubleClicked.connect(self._redial)

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
            direction = (
                self.tr("Missed")
                if record.missed
                else self.tr("In")
                if record.direction is Direction.INBOUND
                else self.tr("Out")
            )
            cells = [
                _format_time(record.started_at),
                direction,
                record.number or "",
                record.queue or "",
                _format_duration(record.duration_s),
                record.call_code_name or "",
                record.call_trace_id or "",
            ]
            row = [QStandardItem(text) for text in cells]
            row[0].setToolTip(_full_time(record.started_at))
            if record.missed:
                for item in row:
                    item.setForeground(Qt.GlobalColor.red)
            self.model.appendRow(row)
        # Sized here, not by ResizeToContents: that mode sized the columns to their
        # headers only and elided every number.
        self.table.resizeColumnsToContents()
        self.status.setText(self.tr("{count} calls").format(count=len(self._records)))
        self._update_actions()

    def selected(self) -> CallRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self._records[rows[0].row()] if rows else None

    def _update_actions(self) -> None:
        record = self.selected()
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
