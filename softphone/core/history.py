"""The call history: every call the agent saw, in SQLite, kept through crashes.

A record is written the moment a call appears and completed field by field
as the call goes on (answered, callTraceID known, ended, call code set), each
in its own committed transaction, so killing the process loses nothing that
was already known; the next start shows the record as it stood. WAL with
``synchronous=NORMAL`` keeps each write a sub-millisecond append (a power
loss may lose the last writes, a process kill none).

The schema carries its version in ``PRAGMA user_version``; ``MIGRATIONS[i]``
takes a database from version ``i`` to ``i + 1``, so an older file is
upgraded in place on open and a newer one is refused rather than damaged.
"""

from __future__ import annotations

import sqlite3
from dataclasses import fields
from pathlib import Path
from typing import Any

from softphone.core.agent_snapshot import CallType, Direction
from softphone.core.call_end import CallEnd
from softphone.core.call_records import CallRecord, HistoryQuery

MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1: the calls table
    """
    CREATE TABLE calls (
        id TEXT PRIMARY KEY,
        direction TEXT NOT NULL,
        call_type TEXT NOT NULL,
        started_at REAL NOT NULL,
        number TEXT,
        queue TEXT,
        call_trace_id TEXT,
        recording_url TEXT,
        answered_at REAL,
        ended_at REAL,
        call_code_id INTEGER,
        call_code_name TEXT,
        end_cause TEXT,
        quality TEXT
    );
    """,
    # 1 -> 2: the lookups the history screen and a restart make
    """
    CREATE INDEX calls_started ON calls(started_at);
    CREATE INDEX calls_trace ON calls(call_trace_id);
    CREATE INDEX calls_number ON calls(number);
    """,
    # 2 -> 3: how the call ended in the agent's terms (call_end.CallEnd)
    """
    ALTER TABLE calls ADD COLUMN end_reason TEXT;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
_COLUMNS = tuple(f.name for f in fields(CallRecord))
_UPDATABLE = frozenset(_COLUMNS) - {"id"}
_END_VALUES = frozenset(end.value for end in CallEnd)
"""A value a newer version wrote and this one does not know reads as None."""


class HistoryError(Exception):
    """The history file cannot be used (newer schema, not a database...)."""


class CallHistory:
    """One agent's call history file. ``":memory:"`` keeps it in memory (tests)."""

    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        try:
            self._db = sqlite3.connect(str(path), isolation_level=None, timeout=5.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"the call history {path} cannot be opened: {exc}") from None

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"the call history {self.path} was written by a newer version "
                f"(schema {version}, this one knows {SCHEMA_VERSION})"
            )
        for number in range(version, SCHEMA_VERSION):
            with self._db:  # the migration and the version bump commit together
                self._db.execute("BEGIN")
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number + 1}")

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self._db.close()

    # -- writing ---------------------------------------------------------------

    def start(self, record: CallRecord) -> None:
        """Write a new call (or overwrite one with the same id)."""
        values = [_to_sql(getattr(record, name)) for name in _COLUMNS]
        marks = ", ".join("?" for _ in _COLUMNS)
        self._db.execute(
            f"INSERT OR REPLACE INTO calls ({', '.join(_COLUMNS)}) VALUES ({marks})", values
        )

    def update(self, call_id: str, **changes: Any) -> None:
        """Set some fields of a call (each call commits on its own)."""
        unknown = set(changes) - _UPDATABLE
        if unknown:
            raise ValueError(f"not a call record field: {', '.join(sorted(unknown))}")
        if not changes:
            return
        names = sorted(changes)
        assignments = ", ".join(f"{name} = ?" for name in names)
        values = [_to_sql(changes[name]) for name in names]
        self._db.execute(f"UPDATE calls SET {assignments} WHERE id = ?", [*values, call_id])

    # -- reading ---------------------------------------------------------------

    def get(self, call_id: str) -> CallRecord | None:
        row = self._db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM calls WHERE id = ?", (call_id,)
        ).fetchone()
        return _record(row) if row else None

    def find_by_trace(self, call_trace_id: str) -> CallRecord | None:
        """The latest call with this callTraceID (a restart picks its call up again)."""
        row = self._db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM calls WHERE call_trace_id = ? "
            "ORDER BY started_at DESC LIMIT 1",
            (call_trace_id,),
        ).fetchone()
        return _record(row) if row else None

    def query(self, query: HistoryQuery) -> list[CallRecord]:
        """Newest first."""
        where: list[str] = []
        args: list[Any] = []
        if query.since is not None:
            where.append("started_at >= ?")
            args.append(query.since)
        if query.until is not None:
            where.append("started_at < ?")
            args.append(query.until)
        if query.number:
            where.append("number LIKE ? ESCAPE '\\'")
            args.append("%" + _escape_like(query.number) + "%")
        if query.call_code_id is not None:
            where.append("call_code_id = ?")
            args.append(query.call_code_id)
        sql = f"SELECT {', '.join(_COLUMNS)} FROM calls"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY started_at DESC LIMIT ?"
        args.append(max(0, query.limit))
        return [_record(row) for row in self._db.execute(sql, args).fetchall()]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _to_sql(value: Any) -> Any:
    if isinstance(value, Direction | CallType | CallEnd):
        return value.value
    return value


def _record(row: tuple[Any, ...]) -> CallRecord:
    data = dict(zip(_COLUMNS, row, strict=True))
    data["direction"] = Direction(data["direction"])
    data["call_type"] = CallType(data["call_type"])
    reason = data["end_reason"]
    data["end_reason"] = CallEnd(reason) if reason in _END_VALUES else None
    return CallRecord(**data)
