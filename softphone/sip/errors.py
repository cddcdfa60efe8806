"""Errors of the SIP core, split by blame.

A caller of the core needs to know *whose* fault a failure is: a bug or a
misuse in our own code (``LocalProtocolError``) must surface loudly, while a
peer's bad message (``RemoteProtocolError``) must be answered (e.g. 400) and
must never break the core or other calls.
"""

from __future__ import annotations


class SipError(Exception):
    """Base class of every error the SIP core raises on purpose."""


class LocalProtocolError(SipError):
    """Our side asked for something the protocol or the current state forbids."""


class RemoteProtocolError(SipError):
    """The peer sent something we cannot accept.

    ``status_code`` and ``reason`` say what a server should answer if the bad
    input was a request (400 with a reason phrase naming the defect, 505 for
    an unknown version, ...).
    """

    def __init__(self, message: str, *, status_code: int = 400, reason: str | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.reason = safe_reason(reason or f"Bad Request ({message})")


# Reason-Phrase characters (RFC 3261 §25.1) minus the ones that would need
# escaping; ASCII only, so a peer's bytes quoted in an error message can
# never smuggle CR/LF or odd Unicode into the response we send back.
_REASON_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.!~*'();/?:@&=+$,"
)


def safe_reason(text: str, limit: int = 120) -> str:
    """``text`` made safe as a Reason-Phrase: other characters become '?'."""
    return "".join(c if c in _REASON_CHARS else "?" for c in text[:limit]).strip() or "Error"


class SipParseError(RemoteProtocolError):
    """Bytes that are not a well-formed SIP message (RFC 3261 §25 grammar)."""
