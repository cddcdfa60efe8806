"""The installed Qt binding does not corrupt reference counts.

PySide6-Essentials 6.12.0 releases a reference to ``None`` on every call of
a Qt method that returns nothing. On CPython before 3.12 (where ``None`` is
not immortal) the process aborts with "deallocating None" after a few
thousand such calls: within minutes for a running app, and at random points
in the test suite. pyproject.toml keeps PySide6 below 6.12 for that reason.
This test fails when a broken build is installed.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_qt_calls_keep_none_alive(qapp: object) -> None:
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(1000):
        label.setText("x")
        label.setEnabled(True)
    lost = before - sys.getrefcount(None)
    assert lost < 100, f"{lost} references to None lost in 2000 Qt calls: reinstall PySide6 <6.12"
