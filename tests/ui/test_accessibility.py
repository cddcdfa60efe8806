"""Every control in every state can be named by a screen reader and reached by Tab."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QListWidget, QWidget

from tests.fakes import agent_scenes as scenes
from tests.ui.conftest import Desk

CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QListWidget)


def unnamed(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or not widget.isVisibleTo(root):
            continue
        if isinstance(widget.parentWidget(), QLineEdit):
            continue  # Qt's own clear and icon buttons inside a line edit
        text = widget.text() if isinstance(widget, QAbstractButton) else ""
        if not (widget.accessibleName() or text.replace("&", "").strip()):
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


def test_every_visible_control_has_a_name(desk: Desk) -> None:
    for name, make in scenes.SCENES.items():
        desk.show(make())
        desk.settle()
        assert unnamed(desk.window) == [], name
        dialog = desk.controller.clerical.dialog
        if dialog is not None and dialog.isVisible():
            assert unnamed(dialog) == [], "call-code dialog"
