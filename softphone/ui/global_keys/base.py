"""The one interface every global-shortcut backend offers, and its results.

A backend grabs keys for the whole desktop (the CRM can have the focus),
says for each key whether it got it, and emits ``pressed(name)``. Nothing
here raises at the agent: a desktop that cannot do it is an ``Outcome``
with a sentence the settings page shows next to the key.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QObject, Signal, SignalInstance

from softphone.ui.global_keys.chord import Chord, ChordProblem, parse_chord


class Outcome(enum.Enum):
    REGISTERED = "registered"
    REQUESTED = "requested"
    """Asked the desktop (Wayland portal), which answers later (``changed``)."""
    TAKEN = "taken"
    INVALID = "invalid"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Registration:
    """What became of one shortcut: ``sentence`` is shown next to its key when not ``ok``."""

    name: str
    sequence: str
    outcome: Outcome
    sentence: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome in (Outcome.REGISTERED, Outcome.REQUESTED)


class GlobalHotkeys(Protocol):
    """System-wide keys: the only API the controller and the settings page use."""

    @property
    def pressed(self) -> SignalInstance:
        """``pressed(name)``: the key registered under ``name`` was pressed anywhere."""
        ...

    @property
    def changed(self) -> SignalInstance:
        """The registrations changed on the desktop's side (the portal answered)."""
        ...

    def unavailable_reason(self) -> str:
        """Empty when the backend works here, else the sentence saying why not."""
        ...

    def register(self, name: str, sequence: str) -> Registration: ...

    def unregister(self, name: str) -> None: ...

    def registrations(self) -> dict[str, Registration]: ...

    def close(self) -> None:
        """Give every key back (quit, or global shortcuts switched off)."""
        ...


def taken_sentence(sequence: str) -> str:
    return QCoreApplication.translate(
        "GlobalKeys", "{key} is taken by another program; choose another key."
    ).format(key=sequence)


def problem_sentence(problem: ChordProblem, sequence: str) -> str:
    sentences = {
        ChordProblem.EMPTY: QCoreApplication.translate("GlobalKeys", "No key set."),
        ChordProblem.SEVERAL_KEYS: QCoreApplication.translate(
            "GlobalKeys", "A global shortcut is one key combination, not a sequence."
        ),
        ChordProblem.NO_MODIFIER: QCoreApplication.translate(
            "GlobalKeys", "A global shortcut needs Ctrl, Alt or the Windows/Super key."
        ),
        ChordProblem.UNSUPPORTED_KEY: QCoreApplication.translate(
            "GlobalKeys", "{key} cannot be used as a global shortcut here."
        ).format(key=sequence),
    }
    return sentences[problem]


def taken(name: str, sequence: str) -> Registration:
    """Another program holds the key."""
    return Registration(name, sequence, Outcome.TAKEN, taken_sentence(sequence))


def unsupported(name: str, sequence: str) -> Registration:
    """The backend has no code for this key."""
    sentence = problem_sentence(ChordProblem.UNSUPPORTED_KEY, sequence)
    return Registration(name, sequence, Outcome.INVALID, sentence)


class HotkeysBase(QObject):
    """Bookkeeping shared by the backends: the registrations and the two signals.

    A backend implements ``_grab(name, chord, sequence)`` (returning the
    registration) and ``_release(name)``.
    """

    pressed = Signal(str)
    changed = Signal()
    can_check = True
    """Whether registering a key at once says if it is free (not so with the portal)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._registrations: dict[str, Registration] = {}

    def unavailable_reason(self) -> str:
        return ""

    def registrations(self) -> dict[str, Registration]:
        return dict(self._registrations)

    def register(self, name: str, sequence: str) -> Registration:
        self.unregister(name)
        reason = self.unavailable_reason()
        chord = parse_chord(sequence)
        if reason:
            result = Registration(name, sequence, Outcome.UNAVAILABLE, reason)
        elif isinstance(chord, ChordProblem):
            result = Registration(
                name, sequence, Outcome.INVALID, problem_sentence(chord, sequence)
            )
        elif any(r.ok and r.sequence == sequence for r in self._registrations.values()):
            sentence = QCoreApplication.translate(
                "GlobalKeys", "{key} is already used for another action."
            ).format(key=sequence)
            result = Registration(name, sequence, Outcome.TAKEN, sentence)
        else:
            result = self._grab(name, chord, sequence)
        self._registrations[name] = result
        return result

    def unregister(self, name: str) -> None:
        if self._registrations.pop(name, None) is not None:
            self._release(name)  # also for a refused key: the portal still lists it

    def close(self) -> None:
        for name in list(self._registrations):
            self.unregister(name)

    def _grab(self, name: str, chord: Chord, sequence: str) -> Registration:
        raise NotImplementedError

    def _release(self, name: str) -> None:
        """Give back what ``_grab`` took for ``name`` (nothing, if it took nothing)."""


class Unavailable(HotkeysBase):
    """A desktop where no backend works: every key gets ``reason``."""

    def __init__(self, reason: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reason = reason

    def unavailable_reason(self) -> str:
        return self._reason
