"""One settings page: load from the store, save to it, restore the defaults."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from softphone.ui.settings.store import DEFAULTS, UiSettings


class SettingsPage(QWidget):
    """Base of every page; ``KEYS`` are the settings it owns."""

    KEYS: tuple[str, ...] = ()

    def __init__(self, settings: UiSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings

    def title(self) -> str:
        raise NotImplementedError

    def load(self) -> None:
        self.show_values({key: self.settings.get(key) for key in self.KEYS})

    def save(self) -> None:
        for key, value in self.values().items():
            self.settings.set(key, value)

    def restore_defaults(self) -> None:
        self.show_values({key: DEFAULTS[key] for key in self.KEYS})

    def show_values(self, values: dict[str, object]) -> None:
        """Put ``values`` into the widgets."""
        raise NotImplementedError

    def values(self) -> dict[str, object]:
        """What the widgets hold now."""
        raise NotImplementedError
