"""What ``softphone dial`` accepts: a number, or a ``tel:``/``sip:`` link for one.

Links come from web pages, e-mails and other programs (the OS hands them to
``softphone tel:...``), so they are parsed strictly: the result is a number
Mediatel can dial, or a sentence saying why the link is not one. Visual
separators are dropped as RFC 3966 §5.1.1 allows ("+380 (44) 123-45-67").
"""

from __future__ import annotations

import re
from urllib.parse import unquote

SCHEMES = ("tel:", "sip:", "sips:", "callto:")
MAX_DIGITS = 32
_VISUAL = re.compile(r"[\s\-.()]")
_NUMBER = re.compile(rf"\+?[0-9*#]{{1,{MAX_DIGITS}}}")


def is_dial_link(text: str) -> bool:
    return text.strip().lower().startswith(SCHEMES)


def dial_number(text: str) -> str:
    """The number in ``text`` (a number or a link); raises ValueError saying why not."""
    raw = text.strip()
    lowered = raw.lower()
    number = raw
    if lowered.startswith(("sip:", "sips:")):
        rest = raw.split(":", 1)[1]
        if "@" not in rest:
            raise ValueError(f"{raw!r} names no number (a sip: link needs number@server)")
        number = rest.split("@", 1)[0]
    elif lowered.startswith(("tel:", "callto:")):
        number = raw.split(":", 1)[1]
    number = unquote(number.split(";", 1)[0].split("?", 1)[0])
    number = _VISUAL.sub("", number)
    if lowered.startswith("callto:"):
        number = number.lstrip("/")
    if not _NUMBER.fullmatch(number):
        raise ValueError(
            f"{raw[:80]!r} is not a phone number (digits, * and #, an optional leading +)"
        )
    return number
