"""Header fields: the ordered multi-map and the typed values the core reads.

Headers are kept as received (name spelling, order, folding undone) so a
message can be relayed or logged faithfully; typed views (Via, CSeq, ...) are
parsed from them on demand and validated once when a message is parsed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from softphone.sip.errors import SipParseError
from softphone.sip.grammar import (
    WORD_CHARS,
    WS,
    Params,
    find_param,
    is_token,
    param_value,
    parse_params,
    parse_port,
    render_params,
    replace_param,
    split_top_level,
    validate_host,
)

# RFC 3261 §7.3.3 and later RFCs' compact forms.
COMPACT_FORMS = {
    "i": "Call-ID",
    "m": "Contact",
    "e": "Content-Encoding",
    "l": "Content-Length",
    "c": "Content-Type",
    "f": "From",
    "s": "Subject",
    "k": "Supported",
    "t": "To",
    "v": "Via",
    "o": "Event",
    "r": "Refer-To",
    "b": "Referred-By",
    "u": "Allow-Events",
    "x": "Session-Expires",
    "a": "Accept-Contact",
    "j": "Reject-Contact",
    "d": "Request-Disposition",
    "y": "Identity",
    "n": "Identity-Info",
}

_CANONICAL = {
    name.lower(): name
    for name in (
        "Accept",
        "Accept-Encoding",
        "Accept-Language",
        "Alert-Info",
        "Allow",
        "Authentication-Info",
        "Authorization",
        "Call-ID",
        "Call-Info",
        "Contact",
        "Content-Disposition",
        "Content-Encoding",
        "Content-Language",
        "Content-Length",
        "Content-Type",
        "CSeq",
        "Date",
        "Error-Info",
        "Expires",
        "From",
        "In-Reply-To",
        "Max-Forwards",
        "Min-Expires",
        "Min-SE",
        "MIME-Version",
        "Organization",
        "Priority",
        "Proxy-Authenticate",
        "Proxy-Authorization",
        "Proxy-Require",
        "Record-Route",
        "Reply-To",
        "Require",
        "Retry-After",
        "Route",
        "Server",
        "Session-Expires",
        "Subject",
        "Supported",
        "Timestamp",
        "To",
        "Unsupported",
        "User-Agent",
        "Via",
        "Warning",
        "WWW-Authenticate",
        "Event",
        "Allow-Events",
        "Refer-To",
        "Referred-By",
        "Path",
        "Reason",
    )
}

# Headers whose values are comma-separated lists (RFC 3261 §7.3.1): the same
# list may arrive as one line with commas or as several lines.
LIST_HEADERS = frozenset(
    n.lower()
    for n in (
        "Via",
        "Route",
        "Record-Route",
        "Contact",
        "Allow",
        "Supported",
        "Require",
        "Proxy-Require",
        "Unsupported",
        "Accept",
        "Accept-Encoding",
        "Accept-Language",
        "Allow-Events",
        "Path",
        "Call-Info",
        "Alert-Info",
        "Error-Info",
        "In-Reply-To",
        "Warning",
        "Reason",
    )
)


def canonical_name(name: str) -> str:
    """The spelling we use for ``name``: compact forms expanded, known names
    in their RFC case, others as given."""
    expanded = COMPACT_FORMS.get(name.lower(), name) if len(name) == 1 else name
    return _CANONICAL.get(expanded.lower(), expanded)


class Headers:
    """Ordered multi-map of header fields, case-insensitive by canonical name."""

    __slots__ = ("_items",)

    def __init__(self, items: list[tuple[str, str]] | None = None) -> None:
        self._items: list[tuple[str, str]] = []
        for name, value in items or []:
            self.add(name, value)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        key = canonical_name(name).lower()
        return any(n.lower() == key for n, _ in self._items)

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"

    def __eq__(self, other: object) -> bool:
        """Same fields, same order (names compared in canonical spelling)."""
        if not isinstance(other, Headers):
            return NotImplemented
        return self._items == other._items

    __hash__ = None  # type: ignore[assignment]  # mutable

    def copy(self) -> Headers:
        new = Headers()
        new._items = list(self._items)
        return new

    def add(self, name: str, value: str) -> None:
        self._items.append((canonical_name(name), value))

    def prepend(self, name: str, value: str) -> None:
        self._items.insert(0, (canonical_name(name), value))

    def set(self, name: str, value: str) -> None:
        """Replace every field of ``name`` with one, kept at the first one's place."""
        canon = canonical_name(name)
        key = canon.lower()
        for idx, (n, _) in enumerate(self._items):
            if n.lower() == key:
                self._items[idx] = (canon, value)
                self._items = [
                    item for j, item in enumerate(self._items) if j <= idx or item[0].lower() != key
                ]
                return
        self._items.append((canon, value))

    def remove(self, name: str) -> None:
        key = canonical_name(name).lower()
        self._items = [(n, v) for n, v in self._items if n.lower() != key]

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first field of ``name`` (whole line, not split at commas)."""
        key = canonical_name(name).lower()
        for n, v in self._items:
            if n.lower() == key:
                return v
        return default

    def get_lines(self, name: str) -> list[str]:
        key = canonical_name(name).lower()
        return [v for n, v in self._items if n.lower() == key]

    def get_all(self, name: str) -> list[str]:
        """Every value of ``name``; list headers are split at top-level commas."""
        lines = self.get_lines(name)
        if canonical_name(name).lower() not in LIST_HEADERS:
            return lines
        out: list[str] = []
        for line in lines:
            for part in split_top_level(line, ","):
                part = part.strip(WS)
                if part:
                    out.append(part)
        return out


@dataclass(frozen=True, slots=True)
class Via:
    """One Via hop: ``SIP/2.0/WS host:port;branch=...;rport;received=...``."""

    transport: str
    host: str
    port: int | None = None
    params: Params = ()
    protocol: str = "SIP/2.0"

    def __str__(self) -> str:
        port = f":{self.port}" if self.port is not None else ""
        return f"{self.protocol}/{self.transport} {self.host}{port}{render_params(self.params)}"

    def param(self, name: str) -> str | None:
        return find_param(self.params, name)[1]

    def has_param(self, name: str) -> bool:
        return find_param(self.params, name)[0]

    @property
    def branch(self) -> str | None:
        return self.param("branch")

    @property
    def received(self) -> str | None:
        return self.param("received")

    @property
    def rport(self) -> int | None:
        value = self.param("rport")
        return int(value) if value and value.isdigit() else None

    def with_param(self, name: str, value: str | None) -> Via:
        return replace(self, params=replace_param(self.params, name, value))


def parse_via(text: str) -> Via:
    text = text.strip(WS)
    # sent-protocol: name / version / transport, LWS allowed around slashes.
    parts = []
    rest = text
    for _ in range(2):
        head, slash, rest = rest.partition("/")
        if not slash:
            raise SipParseError(f"bad Via {text[:60]!r}")
        parts.append(head.strip(WS))
    rest = rest.lstrip(WS)
    transport_end = 0
    while transport_end < len(rest) and rest[transport_end] not in WS:
        transport_end += 1
    transport = rest[:transport_end]
    sent_by_and_params = rest[transport_end:].strip(WS)
    if not all(is_token(p) for p in [*parts, transport]):
        raise SipParseError(f"bad Via protocol in {text[:60]!r}")
    sent_by, semi, param_text = sent_by_and_params.partition(";")
    sent_by = sent_by.strip(WS)
    if not sent_by or any(c in WS for c in sent_by):
        raise SipParseError(f"bad Via sent-by in {text[:60]!r}")
    if sent_by.startswith("["):
        end = sent_by.find("]")
        host, port_text = sent_by[: end + 1], sent_by[end + 1 :]
        port_text = port_text[1:] if port_text.startswith(":") else port_text
        colon = bool(port_text)
    else:
        host, colon_s, port_text = sent_by.partition(":")
        colon = bool(colon_s)
    validate_host(host)
    port = parse_port(port_text.strip(WS)) if colon else None
    params = parse_params(param_text, what="Via parameter") if semi else ()
    for name in ("ttl", "rport"):
        value = find_param(params, name)[1]
        if value is not None and (not value.isdigit() or len(value) > 5):
            raise SipParseError(f"bad Via {name}")
    return Via(
        protocol=f"{parts[0].upper()}/{parts[1]}",
        transport=transport.upper(),
        host=host,
        port=port,
        params=params,
    )


@dataclass(frozen=True, slots=True)
class CSeq:
    seq: int
    method: str

    def __str__(self) -> str:
        return f"{self.seq} {self.method}"


MAX_CSEQ = 2**31 - 1


def parse_cseq(text: str) -> CSeq:
    parts = text.strip(WS).split()
    if len(parts) != 2 or not parts[0].isdigit() or not is_token(parts[1]):
        raise SipParseError(f"bad CSeq {text[:40]!r}")
    if len(parts[0]) > 10 or int(parts[0]) > MAX_CSEQ:
        raise SipParseError("CSeq number too large")
    return CSeq(int(parts[0]), parts[1])


def parse_uint(text: str, name: str, maximum: int) -> int:
    value = text.strip(WS)
    if not value.isdigit() or len(value) > 10 or int(value) > maximum:
        raise SipParseError(f"bad {name} {value[:20]!r}")
    return int(value)


def validate_call_id(text: str) -> str:
    """callid = word [ "@" word ]."""
    value = text.strip(WS)
    local, at, host = value.partition("@")
    if not local or not all(c in WORD_CHARS for c in local):
        raise SipParseError(f"bad Call-ID {value[:40]!r}")
    if at and (not host or not all(c in WORD_CHARS for c in host)):
        raise SipParseError(f"bad Call-ID {value[:40]!r}")
    return value


@dataclass(frozen=True, slots=True)
class ContentType:
    type: str
    subtype: str
    params: Params = ()

    @property
    def mime(self) -> str:
        return f"{self.type}/{self.subtype}".lower()

    def param(self, name: str) -> str | None:
        return param_value(self.params, name)

    def __str__(self) -> str:
        return f"{self.type}/{self.subtype}{render_params(self.params)}"


def parse_content_type(text: str) -> ContentType:
    media, semi, param_text = text.strip(WS).partition(";")
    mtype, slash, subtype = media.partition("/")
    mtype, subtype = mtype.strip(WS), subtype.strip(WS)
    if not slash or not is_token(mtype) or not is_token(subtype):
        raise SipParseError(f"bad Content-Type {text[:40]!r}")
    params = parse_params(param_text, what="media parameter") if semi else ()
    return ContentType(mtype, subtype, params)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DATE_RE = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT"
)


def parse_date(text: str) -> datetime:
    """SIP-date (RFC 3261 §25.1: rfc1123-date, and "GMT" is the only zone)."""
    match = _DATE_RE.fullmatch(text.strip(WS))
    if match is None or match.group(3) not in _MONTHS:
        raise SipParseError(f"bad Date {text[:40]!r}")
    wkday, day, month, year, hour, minute, second = match.groups()
    try:
        value = datetime(
            int(year),
            _MONTHS.index(month) + 1,
            int(day),
            int(hour),
            int(minute),
            int(second),
            tzinfo=UTC,
        )
    except ValueError as exc:
        raise SipParseError(f"bad Date {text[:40]!r}") from exc
    if _WKDAYS[value.weekday()] != wkday:
        raise SipParseError(f"Date weekday does not match {text[:40]!r}")
    return value


def format_date(value: datetime) -> str:
    value = value.astimezone(UTC)
    return (
        f"{_WKDAYS[value.weekday()]}, {value.day:02d} {_MONTHS[value.month - 1]} {value.year:04d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d} GMT"
    )
