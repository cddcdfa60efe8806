"""DTMF over SIP INFO: the one DTMF alphabet and the INFO bodies that carry a digit.

Two body formats are in use (neither has an RFC; both are what PBXs send):
``application/dtmf-relay`` (``Signal=5\\r\\nDuration=160\\r\\n``, Cisco/Asterisk)
and ``application/dtmf`` (the bare digit). We send the first and read both.

``DTMF_ALPHABET`` is also the RFC 4733 event order (events 0-15), so the
media layer indexes telephone-events and tones with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from softphone.sip.errors import LocalProtocolError

DTMF_ALPHABET = "0123456789*#ABCD"  # RFC 4733 §3.2: the digit of event n is DTMF_ALPHABET[n]
DTMF_RELAY = "application/dtmf-relay"
DTMF_PLAIN = "application/dtmf"
DTMF_INFO_TYPES = (DTMF_RELAY, DTMF_PLAIN)
MIN_DURATION_MS = 40
MAX_DURATION_MS = 10_000


def is_dtmf_digit(digit: str) -> bool:
    """One key of the alphabet (a-d accepted as A-D)."""
    return len(digit) == 1 and digit.upper() in DTMF_ALPHABET


@dataclass(frozen=True, slots=True)
class DtmfInfo:
    """The body of an INFO that carries one digit."""

    content_type: str
    body: str


def build_dtmf_info(digit: str, duration_ms: int = 160) -> DtmfInfo:
    """An ``application/dtmf-relay`` body; ``LocalProtocolError`` on a bad digit or duration."""
    if not is_dtmf_digit(digit):
        raise LocalProtocolError(f"not a DTMF digit: {digit!r}")
    if not MIN_DURATION_MS <= duration_ms <= MAX_DURATION_MS:
        raise LocalProtocolError(f"DTMF duration {duration_ms} ms is out of range")
    return DtmfInfo(DTMF_RELAY, f"Signal={digit.upper()}\r\nDuration={duration_ms}\r\n")


def parse_dtmf_info(content_type: str, body: str) -> str | None:
    """The digit of an INFO body (upper case), or None when it carries none."""
    mime = content_type.split(";")[0].strip().lower()
    if mime == DTMF_RELAY:
        for line in body.splitlines():
            name, _, value = line.partition("=")
            if name.strip().lower() == "signal":
                digit = value.strip().upper()
                return digit if is_dtmf_digit(digit) else None
        return None
    if mime == DTMF_PLAIN:
        digit = body.strip().upper()
        return digit if is_dtmf_digit(digit) else None
    return None
