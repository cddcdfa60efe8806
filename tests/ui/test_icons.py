"""Every SVG icon ships in the package and renders in the palette's colour."""

from __future__ import annotations

import tomllib
from pathlib import Path

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from softphone.ui import icons

ROOT = Path(__file__).resolve().parents[2]


def test_icons_are_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["softphone"]
    assert "resources/**/*.svg" in patterns
    assert len(icons.icon_names()) >= 20


def test_every_icon_renders_sharp_and_tinted(qapp: QApplication) -> None:
    for name in icons.icon_names():
        image = icons.pixmap(name, 24, QColor("#ff0000"), scale=2.0).toImage()
        assert (image.width(), image.height()) == (48, 48), name
        painted = [
            image.pixelColor(x, y)
            for y in range(image.height())
            for x in range(image.width())
            if image.pixelColor(x, y).alpha() > 200
        ]
        assert len(painted) > 40, f"{name} is (almost) empty"
        if name != "app":  # the app icon has its own colours
            assert all(c.red() > 200 and c.green() < 60 for c in painted), name


def test_an_icon_is_drawn_at_the_size_and_scale_asked_in_its_mode(qapp: QApplication) -> None:
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon

    shown = icons.icon("phone", "#ff0000")
    for side, scale in ((16, 1.0), (24, 2.0), (48, 1.5)):
        image = shown.pixmap(QSize(side, side), scale).toImage()
        assert image.width() == round(side * scale), (side, scale)
    normal = shown.pixmap(QSize(24, 24), 1.0, QIcon.Mode.Normal).toImage()
    faded = shown.pixmap(QSize(24, 24), 1.0, QIcon.Mode.Disabled).toImage()
    assert normal != faded  # a disabled button's icon is greyed, not the tint
