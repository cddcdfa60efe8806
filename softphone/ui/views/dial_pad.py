"""Twelve keys, 1–9, *, 0, #, with their letters; emits the key pressed.

Used twice: for dialling (the digits go into the number field) and as the
DTMF pad during a call (each key is sent as a tone).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QWidget

KEYS = (
    ("1", ""),
    ("2", "ABC"),
    ("3", "DEF"),
    ("4", "GHI"),
    ("5", "JKL"),
    ("6", "MNO"),
    ("7", "PQRS"),
    ("8", "TUV"),
    ("9", "WXYZ"),
    ("*", ""),
    ("0", "+"),
    ("#", ""),
)


class DialPad(QWidget):
    pressed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)
        height = 34 if compact else 44
        for index, (digit, letters) in enumerate(KEYS):
            label = f"{digit}\n{letters}" if letters and not compact else digit
            button = QPushButton(label, self)
            button.setObjectName(f"key_{digit}")
            button.setMinimumHeight(height)
            button.setMaximumHeight(int(height * 1.3))
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setAccessibleName(
                QCoreApplication.translate("DialPad", "Key {digit}").format(digit=digit)
            )
            button.clicked.connect(lambda _checked=False, d=digit: self.pressed.emit(d))
            grid.addWidget(button, index // 3, index % 3)
            self.buttons[digit] = button
        self.setMaximumHeight(4 * int(height * 1.3) + 3 * grid.spacing())
        self.setStyleSheet("QPushButton { font-size: 15px; }" if compact else "")
