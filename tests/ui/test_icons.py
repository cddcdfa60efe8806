"""Every SVG icon ships in the package and renders in the palette's colour."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QPainter, QPixmap
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


def test_an_icon_painted_on_a_high_dpi_device_is_drawn_at_its_pixel_ratio(
    qapp: QApplication,
) -> None:
    """The pixel ratio comes from the painter's transforms, a world transform or not."""
    for ratio, world_scale in ((1.0, 1.0), (2.0, 1.0), (1.5, 1.0), (2.0, 3.0)):
        target = QPixmap(200, 200)
        target.setDevicePixelRatio(ratio)
        painter = QPainter(target)
        painter.scale(world_scale, world_scale)
        painter.rotate(90 if world_scale != 1.0 else 0)
        assert icons.device_pixel_ratio(painter) == pytest.approx(ratio)
        painter.end()
    idle = QPainter()
    assert icons.device_pixel_ratio(idle) == 1.0  # not painting: no device to ask


def test_a_painted_icon_is_as_sharp_as_the_device(qapp: QApplication) -> None:
    """Painted on a 2x device, the icon is the one rendered at 2x, not 1x blown up."""
    target = QPixmap(48, 48)
    target.setDevicePixelRatio(2.0)
    target.fill(QColor(0, 0, 0, 0))
    painter = QPainter(target)
    icons.icon("phone", QColor("#ff0000")).paint(painter, QRect(0, 0, 24, 24))
    painter.end()
    sharp = icons.pixmap("phone", 24, QColor("#ff0000"), scale=2.0).toImage()
    blown_up = icons.pixmap("phone", 24, QColor("#ff0000"), scale=1.0).toImage()
    painted = target.toImage().convertToFormat(sharp.format())
    assert painted == sharp and painted != blown_up.scaled(48, 48)
