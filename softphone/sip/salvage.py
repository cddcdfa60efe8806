"""Answering a request we could not parse.

RFC 3261 §8.2 and RFC 4475 (§3.1.2, §3.3.1, §3.3.8, §3.3.9) want a broken
request answered — 400 with a reason phrase naming the defect, 505 for an
unknown version — whenever the answer can reach the sender's transaction.
That needs only a few raw header fields (Via, CSeq, and, when present, From,
To, Call-ID), so this module reads them leniently from the bytes that
``parse_message`` refused, without trusting anything else.

Public API
==========

``salvage_response(data: bytes, exc: SipParseError, *, to_tag=None)
-> Response | None``
    The error response (status and reason from ``exc``) to send back, or
    ``None`` when the bytes were a response, an ACK, or lack a usable start
    line, top Via or CSeq — then the message is simply dropped. The fields
    are copied verbatim (the first one of each when duplicated); a To
    without a tag gets ``to_tag`` (by default one derived from the bytes, so
    a retransmission gets the same answer).
"""

from __future__ import annotations

import hashlib

from softphone.sip.errors import SipParseError, safe_reason
from softphone.sip.grammar import WS, is_token
from softphone.sip.headers import Headers, canonical_name, parse_via
from softphone.sip.message import MAX_MESSAGE_SIZE, Response

_COPIED = ("Via", "From", "To", "Call-ID", "CSeq")
_CONTROL = frozenset(chr(c) for c in range(32)) - {"\t"} | {"\x7f"}


def salvage_response(
    data: bytes, exc: SipParseError, *, to_tag: str | None = None
) -> Response | None:
    head = _head_lines(data)
    if not head:
        return None
    method = head[0].split(" ", 1)[0]
    if not is_token(method) or method.upper().startswith("SIP/") or method == "ACK":
        return None  # a response, garbage, or an ACK: nobody waits for an answer
    fields = _fields(head[1:])
    vias = fields.get("Via", [])
    cseqs = fields.get("CSeq", [])
    if not vias or not cseqs:
        return None
    if not _usable_via(vias[0]):
        return None  # nowhere to send it, no transaction to match
    headers = Headers()
    for value in vias:
        headers.add("Via", value)
    for name in _COPIED[1:]:
        values = fields.get(name)
        if not values:
            continue
        value = values[0]
        if name == "To" and ";tag=" not in value.replace(" ", "").replace("\t", "").lower():
            value = f"{value};tag={to_tag or _derived_tag(data)}"
        headers.add(name, value)
    return Response(status_code=exc.status_code, reason=safe_reason(exc.reason), headers=headers)


def _head_lines(data: bytes) -> list[str]:
    """Start line and unfolded header lines, undecodable ones dropped."""
    data = data[:MAX_MESSAGE_SIZE].lstrip(b"\r\n")
    end = data.find(b"\r\n\r\n")
    head = data if end < 0 else data[:end]
    lines: list[str] = []
    for raw in head.replace(b"\r\n", b"\n").split(b"\n"):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = ""  # keep folding honest: a bad line ends the previous one
        if lines and line[:1] in (" ", "\t"):
            lines[-1] = lines[-1].rstrip(WS) + " " + line.strip(WS)
        else:
            lines.append(line)
    return lines


def _fields(lines: list[str]) -> dict[str, list[str]]:
    """The values of the copied fields by canonical name, line by line."""
    out: dict[str, list[str]] = {}
    for line in lines:
        name, colon, value = line.partition(":")
        name = name.strip(WS)
        if not colon or not is_token(name):
            continue
        canon = canonical_name(name)
        value = value.strip(WS)
        if canon not in _COPIED or not value or _CONTROL.intersection(value):
            continue
        out.setdefault(canon, []).append(value)
    return out


def _usable_via(line: str) -> bool:
    """The top Via names a protocol and a sent-by, even if its parameters
    are broken (RFC 4475 §3.1.2.1 still wants that request answered). Vias
    are copied line by line, verbatim, so the sender recognises its own."""
    first = line.split(",", 1)[0]
    for candidate in (first, first.split(";", 1)[0]):
        try:
            parse_via(candidate)
        except SipParseError:
            continue
        return True
    return False


def _derived_tag(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]
