"""Render the app icon (packaging/icons/softphone.svg) to the PNG sizes the
desktops want, and to .ico for Windows; PyInstaller turns the PNG into .icns
on macOS. Qt renders the SVG, so no extra SVG library is needed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def main(folder: str) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    out = Path(folder)
    app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(out / "softphone.svg"))
    if not renderer.isValid():
        print(f"cannot read {out / 'softphone.svg'}", file=sys.stderr)
        return 1
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        image.save(str(out / f"softphone-{size}.png"))
    try:
        from PIL import Image
    except ImportError:
        print("Pillow missing: no .ico/.icns", file=sys.stderr)
    else:
        big = Image.open(out / "softphone-256.png")
        big.save(out / "softphone.ico", sizes=[(s, s) for s in SIZES if s <= 256])
        Image.open(out / "softphone-512.png").save(out / "softphone.icns")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "packaging/icons"))
