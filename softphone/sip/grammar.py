"""Character classes and small lexers of the RFC 3261 §25 grammar.

Everything that splits or scans header text lives here, so that quoting,
escaping and bracket rules are decided in one place and every header parser
agrees on them.
"""

from __future__ import annotations

import re

from softphone.sip.errors import SipParseError

ALPHANUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
MARK = frozenset("-_.!~*'()")
UNRESERVED = ALPHANUM | MARK
TOKEN_CHARS = ALPHANUM | frozenset("-.!%*_+`'~")
WORD_CHARS = TOKEN_CHARS | frozenset('()<>:\\"/[]?{}')
USER_UNRESERVED = frozenset("&=+$,;?/")
PASSWORD_CHARS = UNRESERVED | frozenset("&=+$,")
PARAM_UNRESERVED = frozenset("[]/:&+$")
HNV_UNRESERVED = frozenset("[]/?:+$")
HOST_CHARS = ALPHANUM | frozenset("-.")
WS = " \t"

_TOKEN_RE = re.compile(r"[A-Za-z0-9\-.!%*_+`'~]+")


def is_token(text: str) -> bool:
    return bool(text) and _TOKEN_RE.fullmatch(text) is not None


def is_escaped_run(text: str, allowed: frozenset[str]) -> bool:
    """True if ``text`` consists of ``allowed`` characters and %HH escapes."""
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "%":
            pair = text[i + 1 : i + 3]
            if len(pair) != 2 or any(c not in "0123456789abcdefABCDEF" for c in pair):
                return False
            i += 3
            continue
        if ch not in allowed:
            return False
        i += 1
    return True


def unescape(text: str) -> str:
    """Decode %HH escapes (RFC 3261 §19.1.4 compares URIs unescaped)."""
    if "%" not in text:
        return text
    out = bytearray()
    i = 0
    raw = text.encode("utf-8")
    while i < len(raw):
        if raw[i] == 0x25 and i + 2 < len(raw):
            try:
                out.append(int(raw[i + 1 : i + 3], 16))
                i += 3
                continue
            except ValueError:
                pass
        out.append(raw[i])
        i += 1
    return out.decode("utf-8", errors="replace")


def quote_string(text: str) -> str:
    """Render ``text`` as a quoted-string, escaping ``"`` and ``\\``."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def read_quoted(text: str, start: int) -> tuple[str, int]:
    """Read a quoted-string beginning at ``text[start] == '"'``.

    Returns the unescaped content and the index just after the closing quote.
    """
    assert text[start] == '"'
    out: list[str] = []
    i = start + 1
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            if i + 1 >= n:
                break
            nxt = text[i + 1]
            if nxt in "\r\n":
                raise SipParseError("bad escape in quoted string")
            out.append(nxt)
            i += 2
            continue
        if ch == '"':
            return "".join(out), i + 1
        if ch in "\r\n":
            break
        out.append(ch)
        i += 1
    raise SipParseError("unterminated quoted string")


def skip_ws(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i] in WS:
        i += 1
    return i


def split_top_level(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside quoted strings and ``<...>``.

    Used for comma-separated header lists and ``;`` parameters, where a
    separator inside a quoted display name or a bracketed URI must not count.
    """
    parts: list[str] = []
    buf: list[str] = []
    i = 0
    n = len(text)
    in_angle = False
    while i < n:
        ch = text[i]
        if ch == '"' and not in_angle:
            _, end = read_quoted(text, i)
            buf.append(text[i:end])
            i = end
            continue
        if ch == "<":
            in_angle = True
        elif ch == ">":
            in_angle = False
        if ch == sep and not in_angle:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    if in_angle:
        raise SipParseError("unbalanced '<' in header value")
    parts.append("".join(buf))
    return parts


Params = tuple[tuple[str, str | None], ...]


def parse_params(text: str, *, what: str = "parameter") -> Params:
    """Parse ``;name[=value]`` pairs (generic-param). ``text`` starts after the
    first ``;`` or is empty. Quoted values keep their quotes so they survive a
    round trip; use :func:`param_value` to read them unquoted."""
    if not text.strip():
        return ()
    out: list[tuple[str, str | None]] = []
    for raw in split_top_level(text, ";"):
        item = raw.strip(WS)
        if not item:
            raise SipParseError(f"empty {what}")
        name, eq, value = item.partition("=")
        name = name.strip(WS)
        if not is_token(name):
            raise SipParseError(f"bad {what} name {name!r}")
        if eq:
            value = value.strip(WS)
            if value.startswith('"'):
                _, end = read_quoted(value, 0)
                if end != len(value):
                    raise SipParseError(f"junk after quoted {what} value")
            elif not value or not all(c in WORD_CHARS or c == "[" or c == "]" for c in value):
                raise SipParseError(f"bad {what} value {value!r}")
            out.append((name, value))
        else:
            out.append((name, None))
    return tuple(out)


def render_params(params: Params) -> str:
    return "".join(f";{k}" if v is None else f";{k}={v}" for k, v in params)


def find_param(params: Params, name: str) -> tuple[bool, str | None]:
    """(present, raw value) of a parameter, names compared case-insensitively."""
    lname = name.lower()
    for k, v in params:
        if k.lower() == lname:
            return True, v
    return False, None


def param_value(params: Params, name: str) -> str | None:
    """The parameter's value, unquoted; None when absent or valueless."""
    _, value = find_param(params, name)
    if value is not None and value.startswith('"'):
        return read_quoted(value, 0)[0]
    return value


def replace_param(params: Params, name: str, value: str | None) -> Params:
    """Set (or add) a parameter, keeping the others in order."""
    lname = name.lower()
    out = [(k, v) for k, v in params if k.lower() != lname]
    out.append((name, value))
    return tuple(out)


def validate_host(host: str) -> None:
    """hostname / IPv4address / IPv6reference."""
    if not host:
        raise SipParseError("empty host")
    if host.startswith("["):
        if (
            not host.endswith("]")
            or not all(c in "0123456789abcdefABCDEF:." for c in host[1:-1])
            or ":" not in host
        ):
            raise SipParseError(f"bad IPv6 reference {host!r}")
        return
    if not all(c in HOST_CHARS for c in host):
        raise SipParseError(f"bad host {host!r}")
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    if any(not label or label.startswith("-") or label.endswith("-") for label in labels):
        raise SipParseError(f"bad host {host!r}")


def parse_port(text: str) -> int:
    if not text.isdigit() or len(text) > 5 or int(text) > 65535:
        raise SipParseError(f"bad port {text!r}")
    return int(text)
