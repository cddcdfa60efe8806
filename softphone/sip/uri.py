"""SIP, SIPS and tel URIs, other absolute URIs, and name-addr / addr-spec.

URIs are frozen values: a dialog's remote target or route set must not change
behind its back when someone edits a message that quoted it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from softphone.sip.errors import SipParseError
from softphone.sip.grammar import (
    HNV_UNRESERVED,
    PARAM_UNRESERVED,
    PASSWORD_CHARS,
    TOKEN_CHARS,
    UNRESERVED,
    USER_UNRESERVED,
    WS,
    Params,
    find_param,
    is_escaped_run,
    is_token,
    parse_params,
    parse_port,
    quote_string,
    read_quoted,
    render_params,
    skip_ws,
    unescape,
    validate_host,
)


@dataclass(frozen=True, slots=True)
class SipUri:
    """sip: / sips: URI (RFC 3261 §19.1)."""

    host: str
    user: str | None = None
    password: str | None = None
    port: int | None = None
    params: Params = ()
    headers: tuple[tuple[str, str], ...] = ()
    scheme: str = "sip"

    def __str__(self) -> str:
        out = [self.scheme, ":"]
        if self.user is not None:
            out.append(self.user)
            if self.password is not None:
                out.append(":" + self.password)
            out.append("@")
        out.append(self.host)
        if self.port is not None:
            out.append(f":{self.port}")
        out.append(render_params(self.params))
        if self.headers:
            out.append("?" + "&".join(f"{k}={v}" for k, v in self.headers))
        return "".join(out)

    @property
    def secure(self) -> bool:
        return self.scheme == "sips"

    def param(self, name: str) -> str | None:
        return find_param(self.params, name)[1]

    def has_param(self, name: str) -> bool:
        return find_param(self.params, name)[0]

    @property
    def transport(self) -> str | None:
        value = self.param("transport")
        return value.lower() if value else None

    @property
    def lr(self) -> bool:
        return self.has_param("lr")

    def with_params(self, params: Params) -> SipUri:
        return replace(self, params=params)

    def without_headers(self) -> SipUri:
        return replace(self, headers=())

    def equivalent(self, other: object) -> bool:
        """RFC 3261 §19.1.4 comparison (simplified: the rules a UA relies on)."""
        if not isinstance(other, SipUri):
            return False
        if self.scheme != other.scheme:
            return False
        if unescape(self.user or "") != unescape(other.user or ""):
            return False
        if self.password != other.password or self.host.lower() != other.host.lower():
            return False
        if self.port != other.port:
            return False
        mine = {k.lower(): (v or "").lower() for k, v in self.params}
        theirs = {k.lower(): (v or "").lower() for k, v in other.params}
        for key in ("user", "ttl", "method", "maddr", "transport"):
            if (key in mine or key in theirs) and mine.get(key) != theirs.get(key):
                return False
        for key in mine.keys() & theirs.keys():
            if mine[key] != theirs[key]:
                return False
        return {k.lower(): v for k, v in self.headers} == {k.lower(): v for k, v in other.headers}


@dataclass(frozen=True, slots=True)
class TelUri:
    """tel: URI (RFC 3966): a number with parameters."""

    number: str
    params: Params = ()

    def __str__(self) -> str:
        return f"tel:{self.number}{render_params(self.params)}"

    scheme = "tel"


@dataclass(frozen=True, slots=True)
class AbsoluteUri:
    """Any other absolute URI, kept opaque (RFC 3261 allows them in To/From)."""

    scheme: str
    opaque: str = field(default="")

    def __str__(self) -> str:
        return f"{self.scheme}:{self.opaque}"


Uri = SipUri | TelUri | AbsoluteUri

_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.")


def parse_uri(text: str) -> Uri:
    """Parse an absolute URI; sip/sips/tel get a structured value."""
    scheme, colon, rest = text.partition(":")
    if (
        not colon
        or not scheme
        or not scheme[0].isalpha()
        or not all(c in _SCHEME_CHARS for c in scheme)
    ):
        raise SipParseError(f"not a URI: {text[:60]!r}")
    if any(c in WS or c in '\r\n<>"' for c in text):
        raise SipParseError(f"illegal character in URI {text[:60]!r}")
    lscheme = scheme.lower()
    if lscheme in ("sip", "sips"):
        return _parse_sip_uri(lscheme, rest)
    if lscheme == "tel":
        number, _, params = rest.partition(";")
        if not number:
            raise SipParseError("empty tel URI")
        return TelUri(number=number, params=parse_params(params, what="tel parameter"))
    if not rest:
        raise SipParseError(f"empty {scheme} URI")
    return AbsoluteUri(scheme=lscheme, opaque=rest)


def _parse_sip_uri(scheme: str, rest: str) -> SipUri:
    user: str | None = None
    password: str | None = None
    at = rest.find("@")
    if at >= 0:
        userinfo, rest = rest[:at], rest[at + 1 :]
        user, colon, pw = userinfo.partition(":")
        if not user or not is_escaped_run(user, UNRESERVED | USER_UNRESERVED):
            raise SipParseError(f"bad user part {userinfo!r}")
        if colon:
            if not is_escaped_run(pw, PASSWORD_CHARS):
                raise SipParseError("bad password in URI")
            password = pw
    hostport, qmark, header_text = rest.partition("?")
    hostport, _semi, param_text = hostport.partition(";")
    host, port = _split_hostport(hostport)
    params = parse_params(param_text, what="URI parameter") if _semi else ()
    for name, value in params:
        if not is_escaped_run(name, UNRESERVED | PARAM_UNRESERVED) or (
            value is not None and not is_escaped_run(value, UNRESERVED | PARAM_UNRESERVED)
        ):
            raise SipParseError(f"bad URI parameter {name!r}")
    headers: list[tuple[str, str]] = []
    if qmark:
        for item in header_text.split("&"):
            name, eq, value = item.partition("=")
            if not eq or not name:
                raise SipParseError(f"bad URI header {item!r}")
            allowed = UNRESERVED | HNV_UNRESERVED
            if not is_escaped_run(name, allowed) or not is_escaped_run(value, allowed):
                raise SipParseError(f"bad URI header {item!r}")
            headers.append((name, value))
    return SipUri(
        scheme=scheme,
        user=user,
        password=password,
        host=host,
        port=port,
        params=params,
        headers=tuple(headers),
    )


def _split_hostport(text: str) -> tuple[str, int | None]:
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise SipParseError(f"bad IPv6 reference {text!r}")
        host, rest = text[: end + 1], text[end + 1 :]
        if rest and not rest.startswith(":"):
            raise SipParseError(f"bad host/port {text!r}")
        port = parse_port(rest[1:]) if rest else None
    else:
        host, colon, port_text = text.partition(":")
        port = parse_port(port_text) if colon else None
    validate_host(host)
    return host, port


@dataclass(frozen=True, slots=True)
class NameAddr:
    """A From/To/Contact/Route value: optional display name, URI, header params."""

    uri: Uri
    display_name: str | None = None
    params: Params = ()

    def __str__(self) -> str:
        name = ""
        if self.display_name is not None:
            dn = self.display_name
            name = dn if dn and all(is_token(w) for w in dn.split(" ")) else quote_string(dn)
            name += " "
        return f"{name}<{self.uri}>{render_params(self.params)}"

    def param(self, name: str) -> str | None:
        return find_param(self.params, name)[1]

    @property
    def tag(self) -> str | None:
        return self.param("tag")

    def with_params(self, params: Params) -> NameAddr:
        return replace(self, params=params)


def parse_name_addr(text: str) -> NameAddr:
    """Parse ``( name-addr / addr-spec ) *( ";" param )``.

    In the addr-spec form, ``;`` parameters belong to the header, not to the
    URI (RFC 3261 §20.10), and a URI with ``?`` headers or ``,`` is ambiguous
    and rejected.
    """
    text = text.strip(WS)
    if not text:
        raise SipParseError("empty address")
    display: str | None = None
    i = 0
    if text[0] == '"':
        display, i = read_quoted(text, 0)
        i = skip_ws(text, i)
        if i >= len(text) or text[i] != "<":
            raise SipParseError("display name not followed by <URI>")
    elif "<" in text:
        lt = text.index("<")
        words = text[:lt].strip(WS)
        if words:
            if not all(is_token(w) for w in words.split()):
                raise SipParseError(f"bad display name {words!r}")
            display = " ".join(words.split())
        i = lt
    if i < len(text) and text[i] == "<":
        end = text.find(">", i)
        if end < 0:
            raise SipParseError("missing '>' after URI")
        inner = text[i + 1 : end]
        if inner != inner.strip(WS):
            raise SipParseError("whitespace inside the angle brackets of an address")
        uri = parse_uri(inner)
        rest = text[end + 1 :].strip(WS)
    else:
        uri_text, _, rest = text.partition(";")
        uri_text = uri_text.strip(WS)
        rest = ";" + rest if _ else ""
        if any(c in uri_text for c in "?,"):
            raise SipParseError("an addr-spec with '?' or ',' outside angle brackets")
        if any(c in uri_text for c in WS):
            raise SipParseError("whitespace inside an addr-spec")
        uri = parse_uri(uri_text)
    if rest and not rest.startswith(";"):
        raise SipParseError(f"junk after address: {rest[:40]!r}")
    params = parse_params(rest[1:], what="header parameter") if rest else ()
    for name, _value in params:
        if not all(c in TOKEN_CHARS for c in name):
            raise SipParseError(f"bad header parameter {name!r}")
    return NameAddr(uri=uri, display_name=display, params=params)
