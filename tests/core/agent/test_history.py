"""The call history: written as the call goes, queried, migrated, and kept through a kill."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from softphone.core.agent_snapshot import CallType, Direction
from softphone.core.call_end import CallEnd
from softphone.core.call_records import CallRecord, HistoryQuery
from softphone.core.history import MIGRATIONS, SCHEMA_VERSION, CallHistory, HistoryError


def _record(call_id: str, started: float, number: str = "0661234567") -> CallRecord:
    return CallRecord(call_id, Direction.OUTBOUND, CallType.MANUAL, started, number, "Q1")


def test_a_call_is_written_at_start_and_completed_as_it_goes(tmp_path: Path) -> None:
    history = CallHistory(tmp_path / "h.sqlite")
    history.start(_record("c1", 100.0))
    assert history.get("c1") == _record("c1", 100.0)
    history.update("c1", answered_at=101.0, call_trace_id="777")
    history.update("c1", ended_at=131.0, end_cause="remote hang-up", call_code_id=4)
    got = history.get("c1")
    assert got is not None
    assert got.call_trace_id == "777" and got.duration_s == 30.0 and got.call_code_id == 4
    assert history.find_by_trace("777") == got
    with pytest.raises(ValueError, match="not a call record field: bogus"):
        history.update("c1", bogus=1)


def test_query_by_date_number_and_call_code(tmp_path: Path) -> None:
    history = CallHistory(tmp_path / "h.sqlite")
    for i in range(5):
        history.start(_record(f"c{i}", 100.0 + i, number=f"06600000{i}"))
    history.update("c3", call_code_id=15)
    assert [r.id for r in history.query(HistoryQuery())] == ["c4", "c3", "c2", "c1", "c0"]
    assert [r.id for r in history.query(HistoryQuery(since=101, until=103))] == ["c2", "c1"]
    assert [r.id for r in history.query(HistoryQuery(number="0002"))] == ["c2"]
    assert [r.id for r in history.query(HistoryQuery(number="%"))] == []
    assert [r.id for r in history.query(HistoryQuery(call_code_id=15))] == ["c3"]
    assert len(history.query(HistoryQuery(limit=2))) == 2


def test_wal_and_synchronous_normal(tmp_path: Path) -> None:
    history = CallHistory(tmp_path / "h.sqlite")
    assert history._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert history._db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL


def test_an_old_schema_is_migrated_and_a_newer_one_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0])
    db.execute(
        "INSERT INTO calls (id, direction, call_type, started_at) VALUES ('old', "
        "'inbound', 'inbound', 5.0)"
    )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    history = CallHistory(path)
    assert history.schema_version == SCHEMA_VERSION
    old = history.get("old")
    assert old is not None and old.missed and old.end_reason is None
    history.update("old", end_reason=CallEnd.MEDIATEL_LOST)
    assert (got := history.get("old")) is not None and got.end_reason is CallEnd.MEDIATEL_LOST
    history.close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(HistoryError, match="newer version"):
        CallHistory(path)


def test_a_killed_process_loses_nothing_already_written(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    script = textwrap.dedent(
        f"""
        import sys, time
        from softphone.core.agent_snapshot import CallType, Direction
        from softphone.core.call_records import CallRecord
        from softphone.core.history import CallHistory
        h = CallHistory({str(path)!r})
        h.start(CallRecord("k1", Direction.INBOUND, CallType.INBOUND, 10.0, "0501"))
        h.update("k1", answered_at=11.0, call_trace_id="9001")
        h.update("k1", call_code_id=17)
        print("written", flush=True)
        time.sleep(60)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(Path.cwd())}
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "written"
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
    record = CallHistory(path).get("k1")
    assert record is not None
    assert (record.answered_at, record.call_trace_id, record.call_code_id) == (11.0, "9001", 17)
    assert record.ended_at is None  # the call never ended: it shows as cut off
