"""RFC 3261 timer values and a small registry of named deadlines.

Why deadlines instead of sleeps: the core is sans-IO. Every state machine
(transaction, call, registration) keeps absolute deadlines in the caller's
clock, and the user agent reports only the earliest one (``get_timer``);
the driver calls back with the time it woke up (``handle_timer``).
"""

from __future__ import annotations

import enum
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class TimerValues:
    """T1/T2/T4 and the derived timers of RFC 3261 §17 and RFC 6026.

    ``reliable`` selects the values for a reliable transport such as the
    WebSocket: requests and non-2xx responses are never retransmitted by a
    transaction (A, E, G are off) and the "absorb retransmissions" waits
    (D, I, J, K) are zero. ``None`` means "this timer is not started".
    """

    t1: float = 0.5
    t2: float = 4.0
    t4: float = 5.0
    reliable: bool = True

    @property
    def a(self) -> float | None:
        return None if self.reliable else self.t1

    @property
    def b(self) -> float:
        return 64 * self.t1

    @property
    def d(self) -> float:
        return 0.0 if self.reliable else max(32.0, 64 * self.t1)

    @property
    def e(self) -> float | None:
        return None if self.reliable else self.t1

    @property
    def f(self) -> float:
        return 64 * self.t1

    @property
    def g(self) -> float | None:
        return None if self.reliable else self.t1

    @property
    def h(self) -> float:
        return 64 * self.t1

    @property
    def i(self) -> float:
        return 0.0 if self.reliable else self.t4

    @property
    def j(self) -> float:
        return 0.0 if self.reliable else 64 * self.t1

    @property
    def k(self) -> float:
        return 0.0 if self.reliable else self.t4

    @property
    def l(self) -> float:  # noqa: E743 - the RFC's name
        return 64 * self.t1

    @property
    def m(self) -> float:
        return 64 * self.t1

    def initial(self, name: str) -> float | None:
        """The first duration of timer ``name`` ("A" ... "M")."""
        value: float | None = getattr(self, name.lower())
        return value


class Deadlines(Generic[K]):
    """Named absolute deadlines of one state machine (names: an enum or str)."""

    __slots__ = ("_at",)

    def __init__(self) -> None:
        self._at: dict[K, float] = {}

    def start(self, name: K, at: float) -> None:
        self._at[name] = at

    def stop(self, name: K) -> None:
        self._at.pop(name, None)

    def clear(self) -> None:
        self._at.clear()

    def get(self, name: K) -> float | None:
        return self._at.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._at

    def earliest(self) -> float | None:
        return min(self._at.values(), default=None)

    def pop_due(self, now: float) -> list[K]:
        """Names whose deadline is ``<= now``, earliest first, removed."""
        due = sorted(
            ((at, name) for name, at in self._at.items() if at <= now),
            key=lambda item: (item[0], _sort_key(item[1])),
        )
        for _, name in due:
            del self._at[name]
        return [name for _, name in due]


def _sort_key(name: object) -> str:
    """Ties break by name (an enum by its value), so the order is reproducible."""
    return str(name.value) if isinstance(name, enum.Enum) else str(name)
