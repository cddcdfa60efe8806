"""The pending call code survives the process, written atomically."""

from __future__ import annotations

from pathlib import Path

from softphone.net.mediatel import PendingCallCodeStore


def test_round_trip_and_clear(tmp_path: Path) -> None:
    store = PendingCallCodeStore(tmp_path / "data")
    assert store.load() is None
    saved = store.save("1185574264", 4)
    loaded = PendingCallCodeStore(tmp_path / "data").load()
    assert loaded == saved and loaded.call_trace_id == "1185574264" and loaded.code_id == 4
    store.clear()
    assert store.load() is None
    store.clear()  # clearing twice is fine


def test_no_temporary_files_are_left(tmp_path: Path) -> None:
    store = PendingCallCodeStore(tmp_path)
    store.save("1", 4)
    store.save("2", 15)
    assert [p.name for p in tmp_path.iterdir()] == [store.path.name]
    assert store.load().call_trace_id == "2"  # type: ignore[union-attr]


def test_a_corrupt_file_is_ignored_not_fatal(tmp_path: Path) -> None:
    store = PendingCallCodeStore(tmp_path)
    store.path.write_text("{not json")
    assert store.load() is None
    store.path.write_text('{"call_trace_id": "1"}')
    assert store.load() is None
