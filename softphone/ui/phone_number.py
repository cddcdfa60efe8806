"""Clean-up and check of a number the agent typed or pasted.

A number copied from a CRM or an e-mail arrives as "+38 (044) 123-45-67";
the platform dials digits (and ``*``/``#`` for service codes), so the
entry keeps those and drops the punctuation people write numbers with.
"""

from __future__ import annotations

import enum
import re

DIALABLE = frozenset("0123456789*#")
PUNCTUATION = re.compile(r"[\s()\[\]+\-./\u00a0\u2010-\u2015]")
MIN_LENGTH = 2
MAX_LENGTH = 32


def clean_number(text: str) -> str:
    """Drop spaces, brackets, ``+``, dashes, dots and slashes."""
    return PUNCTUATION.sub("", text)


class NumberProblem(enum.Enum):
    """Why a number cannot be dialled (the view says it in the agent's language)."""

    EMPTY = "empty"
    NOT_DIALABLE = "not_dialable"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"


def number_problem(number: str) -> NumberProblem | None:
    """What is wrong with ``number`` (already cleaned), or None."""
    if not number:
        return NumberProblem.EMPTY
    if any(ch not in DIALABLE for ch in number):
        return NumberProblem.NOT_DIALABLE
    if len(number) < MIN_LENGTH:
        return NumberProblem.TOO_SHORT
    if len(number) > MAX_LENGTH:
        return NumberProblem.TOO_LONG
    return None
