#!/usr/bin/env python3
"""Render the shell's parts to PNG: tray, incoming-call popup, settings → audio and global keys.

Runs under its own Xvfb like scripts/screenshots.py (whose helper it uses),
against the fake session's scenes, in English or another language:

    python3 scripts/shell_screenshots.py                # -> docs/screenshots/*.png
    python3 scripts/shell_screenshots.py --lang uk
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

from screenshots import CHILD_FLAG, relaunch_on_x  # noqa: E402


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--lang", default="en", help="en, uk or ru")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if os.environ.get(CHILD_FLAG):
        return render(args)
    return relaunch_on_x(Path(__file__), argv)


def render(args: argparse.Namespace) -> int:
    import dataclasses

    from PySide6.QtCore import QLocale, QPoint, QRectF, QSettings, Qt
    from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
    from PySide6.QtWidgets import QApplication

    from softphone.core.audio_check import DeviceChoice
    from softphone.media.devices import NullBackend
    from softphone.ui.controllers.global_keys import GlobalShortcuts
    from softphone.ui.global_keys.x11 import XcbHotkeys
    from softphone.ui.i18n import install_translators
    from softphone.ui.incoming_popup import IncomingCallPopup
    from softphone.ui.settings.audio_page import AudioPage
    from softphone.ui.settings.dialog import SettingsDialog
    from softphone.ui.settings.global_keys_page import GlobalKeysPage
    from softphone.ui.settings.pages import AutoAnswerPage, GeneralPage, ProfilesPage
    from softphone.ui.settings.store import MemorySecrets, UiSettings
    from softphone.ui.tray import Tray
    from softphone.ui.tray_icon import LOOKS, IconState, Shape, paint
    from tests.fakes import agent_scenes as scenes

    QLocale.setDefault(QLocale(args.lang))
    qapp = QApplication([sys.argv[0], "-platform", "xcb"])
    translators = install_translators(qapp, args.lang)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.lang == "en" else f".{args.lang}"
    written: list[Path] = []

    def settle() -> None:
        for _ in range(20):
            qapp.processEvents()

    def save(pixmap: QPixmap, name: str) -> None:
        path = out / f"{name}{suffix}.png"
        pixmap.save(str(path))
        written.append(path)

    # -- the icon in every state, at tray size and large --------------------------------
    if args.lang == "en":
        names = {
            Shape.RING: "signed out",
            Shape.CIRCLE: "available",
            Shape.PAUSE: "pause",
            Shape.BELL: "ringing",
            Shape.DIAMOND: "in a call",
            Shape.HOLD: "on hold",
            Shape.CLERICAL: "after-call work",
            Shape.WARNING: "reconnecting",
        }
        cell = 110
        sheet = QPixmap(cell * len(names), 150)
        sheet.fill(QColor("#f4f5f7"))
        painter = QPainter(sheet)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont()
        font.setPixelSize(12)
        painter.setFont(font)
        for i, (shape, label) in enumerate(names.items()):
            state = IconState(
                LOOKS[shape], auto_answer=shape is Shape.CIRCLE, missed=2 * (shape is Shape.PAUSE)
            )
            painter.drawPixmap(i * cell + 23, 10, paint(state, 64, 1.0))
            painter.drawPixmap(i * cell + 47, 86, paint(state, 16, 1.0))
            painter.setPen(QColor("#222"))
            painter.drawText(QRectF(i * cell, 110, cell, 30), Qt.AlignmentFlag.AlignCenter, label)
        painter.end()
        save(sheet, "tray-icons")

    # -- the tray menu ----------------------------------------------------------------------
    tray = Tray(available=False)
    snapshot = scenes.idle()
    tray.set_snapshot(
        dataclasses.replace(
            snapshot, auto_answer=dataclasses.replace(snapshot.auto_answer, enabled=True)
        )
    )
    tray.set_missed(2)
    tray.menu.popup(QPoint(40, 40))
    settle()
    pause_menu = next(a.menu() for a in tray.menu.actions() if a.menu() is not None)
    pause_menu.popup(QPoint(40 + tray.menu.width() - 4, 40 + 50))
    settle()
    menu_face = tray.menu.grab()
    sub_face = pause_menu.grab()
    canvas = QPixmap(menu_face.width() + sub_face.width() + 96, menu_face.height() + 40)
    canvas.fill(QColor("#dfe3e8"))
    painter = QPainter(canvas)
    painter.drawPixmap(8, 8, paint(IconState(LOOKS[Shape.CIRCLE], True, 2), 32, 1.0))
    painter.drawPixmap(48, 20, menu_face)
    painter.drawPixmap(48 + menu_face.width() - 4, 20 + 50, sub_face)
    painter.end()
    save(canvas, "tray-menu")
    pause_menu.hide()
    tray.menu.hide()

    # -- the incoming-call popup (agent answers; auto-answer countdown) ----------------------
    popup = IncomingCallPopup(clock=lambda: scenes.NOW)
    ringing = scenes.ringing()
    manual = dataclasses.replace(
        ringing,
        call=dataclasses.replace(ringing.call, auto_answer_at=None),  # type: ignore[arg-type]
    )
    popup.set_snapshot(manual)
    settle()
    save(popup.grab(), "incoming-call")
    auto = dataclasses.replace(
        ringing,
        call=dataclasses.replace(ringing.call, auto_answer_at=scenes.NOW + 3),  # type: ignore[arg-type]
    )
    popup.set_snapshot(auto)
    settle()
    save(popup.grab(), "incoming-call-auto-answer")
    popup.hide()

    # -- settings → audio ----------------------------------------------------------------------
    settings = UiSettings(
        QSettings(str(out / ".shots.ini"), QSettings.Format.IniFormat), MemorySecrets()
    )
    devices = DeviceChoice(
        inputs=("Jabra Evolve2 65", "Built-in Audio Analog Stereo"),
        outputs=("Jabra Evolve2 65", "Built-in Audio Analog Stereo", "HDMI Audio"),
    )
    settings.set("audio/microphone", "Jabra Evolve2 65")
    settings.set("audio/speaker", "Jabra Evolve2 65")
    settings.set("audio/ring_device", "Built-in Audio Analog Stereo")
    audio = AudioPage(settings, devices=devices, backend=NullBackend(), run=lambda c: c.close())
    # Global keys for real on this X display, with another program holding Ctrl+Alt+M.
    other_program = XcbHotkeys()
    other_program.register("theirs", "Ctrl+Alt+M")
    settings.set("global_shortcuts/enabled", True)
    global_keys = GlobalShortcuts(settings, {})
    global_keys.apply()
    pages = [ProfilesPage(settings), audio, AutoAnswerPage(settings), GeneralPage(settings)]
    dialog = SettingsDialog([*pages, GlobalKeysPage(settings, global_keys)])
    dialog.show_page(AudioPage)
    audio.level.setValue(62)
    dialog.show()
    settle()
    save(dialog.grab(), "settings-audio")
    dialog.show_page(GlobalKeysPage)
    settle()
    save(dialog.grab(), "settings-global-shortcuts")
    dialog.close()
    global_keys.close()
    other_program.close()
    (out / ".shots.ini").unlink(missing_ok=True)

    del translators
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
