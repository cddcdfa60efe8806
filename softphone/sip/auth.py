"""Digest authentication for a SIP client (RFC 2617, RFC 7616, RFC 3261 §22).

Why a separate object keeps state: a registrar or proxy challenges once, and
every FOLLOWING request (re-REGISTER, INVITE, BYE, ...) should carry
credentials pre-emptively with the nonce count incremented, so that calls do
not pay a 401/407 round trip each time. The same state is what tells a retry
("stale nonce, try again") from a failure ("you already answered this realm's
fresh challenge and it challenged again": wrong password), so the UA stops
instead of looping.

Public API
==========

Pure functions:

``parse_challenge(value: str) -> Challenge``
    Parse one ``WWW-Authenticate`` / ``Proxy-Authenticate`` value with the
    ``Digest`` scheme. Raises ``SipParseError`` (never another exception) for
    anything malformed, a non-Digest scheme, or a missing realm/nonce.
    ``Challenge.algorithm`` is canonical upper case (``"MD5"``, ``"MD5-SESS"``,
    ``"SHA-256"``, ``"SHA-256-SESS"``, ``"SHA-512-256"``, ...);
    ``Challenge.qop`` is the lower-cased option tuple (empty: RFC 2069 form);
    ``Challenge.supported`` says whether we can answer it.

``parse_credentials(value: str) -> DigestCredentialsHeader``
    Parse an ``Authorization`` / ``Proxy-Authorization`` value (a server or a
    test uses it; the client uses it to see what a request carried).

``build_authorization(challenge, credentials, *, method, uri, cnonce, nc=1,
body=b"") -> str``
    The header value answering ``challenge``: ``qop=auth`` (or ``auth-int``
    when it is the only option offered) with ``cnonce`` and ``nc``; without a
    qop in the challenge, the RFC 2069 form. ``algorithm``, ``qop`` and ``nc``
    are unquoted, every other directive is a quoted-string (RFC 7616 §3.4).

``digest_response(...) -> str``
    The bare ``response=`` hex digest (exposed for servers and test vectors).

``verify_authorization(value, *, password, method, body=b"") -> bool``
    Server side check of a credentials header against a password (the
    simulator's registrar can use it).

Stateful client helper:

``DigestCredentials(username, password, realm=None)``
    What the user typed; ``realm=None`` answers any realm.

``ClientAuth(credentials, *, cnonce_factory=None)``
    ``credentials`` is one ``DigestCredentials`` or an iterable of them (one
    per realm). ``cnonce_factory`` makes the random client nonce (inject a
    deterministic one in tests).

    ``authorize(request) -> None``
        Add ``Authorization`` (for ``WWW-Authenticate`` challenges) and
        ``Proxy-Authorization`` (for ``Proxy-Authenticate``) headers computed
        from every remembered challenge, replacing any the request already had,
        with ``nc`` incremented per nonce. Call it on every new request
        (REGISTER, INVITE, BYE, re-INVITE, INFO, ...), but not on CANCEL or
        on an ACK for a non-2xx answer: those must copy the INVITE's headers
        (RFC 3261 §22.1).

    ``handle_challenge(request, response) -> AuthResult``
        Feed a 401/407 that answered ``request``. Remembers the new
        challenges and says what to do:
        ``AuthResult.RETRY`` — send the request again (new CSeq, new branch)
        after ``authorize``; ``AuthResult.REJECTED`` — the server challenged
        again the credentials we computed for its fresh nonce (no
        ``stale=true``): the password is wrong, stop and report;
        ``AuthResult.UNANSWERABLE`` — no usable challenge (no credentials for
        the realm, unsupported algorithm or scheme, malformed header, not a
        401/407).

    ``forget(realm=None)``
        Drop remembered challenges (all, or one realm), e.g. after logout.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from softphone.sip.errors import SipParseError
from softphone.sip.grammar import WS, is_token, quote_string, read_quoted, skip_ws
from softphone.sip.message import Request, Response

__all__ = [
    "AuthResult",
    "Challenge",
    "ClientAuth",
    "DigestCredentials",
    "DigestCredentialsHeader",
    "build_authorization",
    "digest_response",
    "parse_challenge",
    "parse_credentials",
    "verify_authorization",
]


def _hasher(name: str) -> Callable[[bytes], str]:
    def run(data: bytes) -> str:
        return hashlib.new(name, data).hexdigest()

    return run


def _available(name: str) -> bool:
    try:
        hashlib.new(name, b"")
    except ValueError:
        return False
    return True


# Algorithm name (without -SESS) -> hash function. SHA-512-256 depends on the
# OpenSSL build, so it is offered only when hashlib has it.
_HASHES: dict[str, Callable[[bytes], str]] = {
    "MD5": _hasher("md5"),
    "SHA-256": _hasher("sha256"),
}
if _available("sha512_256"):
    _HASHES["SHA-512-256"] = _hasher("sha512_256")

# A server that has to pick hands them in preference order (RFC 7616 §3.7);
# when several challenges for one realm arrive, we take the strongest we know.
_STRENGTH = {"SHA-512-256": 3, "SHA-256": 2, "MD5": 1}


def _base_algorithm(algorithm: str) -> str:
    return algorithm[:-5] if algorithm.endswith("-SESS") else algorithm


@dataclass(frozen=True, slots=True)
class Challenge:
    """One Digest challenge from a ``WWW-Authenticate`` or ``Proxy-Authenticate``."""

    realm: str
    nonce: str
    algorithm: str = "MD5"
    qop: tuple[str, ...] = ()
    opaque: str | None = None
    stale: bool = False
    domain: str | None = None
    userhash: bool = False

    @property
    def supported(self) -> bool:
        """True if we can compute an answer: known algorithm, and a qop we do
        (auth / auth-int) or no qop at all."""
        if _base_algorithm(self.algorithm) not in _HASHES:
            return False
        return not self.qop or "auth" in self.qop or "auth-int" in self.qop


@dataclass(frozen=True, slots=True)
class DigestCredentialsHeader:
    """The directives of an ``Authorization`` / ``Proxy-Authorization`` value."""

    username: str
    realm: str
    nonce: str
    uri: str
    response: str
    algorithm: str = "MD5"
    cnonce: str | None = None
    nc: int | None = None
    qop: str | None = None
    opaque: str | None = None
    userhash: bool = False


@dataclass(frozen=True, slots=True)
class DigestCredentials:
    """A user's secret; ``realm=None`` means "answer any realm"."""

    username: str
    password: str = field(repr=False)
    realm: str | None = None


class AuthResult(enum.Enum):
    RETRY = "retry"
    REJECTED = "rejected"
    UNANSWERABLE = "unanswerable"


# --------------------------------------------------------------------------
# auth-param lists


def _parse_auth_params(text: str, start: int) -> dict[str, tuple[str, bool]]:
    """``auth-param *(COMMA auth-param)`` from ``start``: name -> (value, quoted).

    Names are lower-cased; a repeated directive is an error (RFC 7616 §3.3
    says each appears at most once, and two nonces would be ambiguous).
    """
    out: dict[str, tuple[str, bool]] = {}
    i = skip_ws(text, start)
    n = len(text)
    if i >= n:
        raise SipParseError("authentication header without parameters")
    while True:
        j = i
        while j < n and text[j] not in "= \t,":
            j += 1
        name = text[i:j]
        if not is_token(name):
            raise SipParseError(f"bad auth-param name {name[:30]!r}")
        j = skip_ws(text, j)
        if j >= n or text[j] != "=":
            raise SipParseError(f"auth-param {name[:30]!r} without a value")
        j = skip_ws(text, j + 1)
        if j < n and text[j] == '"':
            value, j = read_quoted(text, j)
            quoted = True
        else:
            k = j
            while k < n and text[k] not in " \t,":
                k += 1
            value = text[j:k]
            if not is_token(value):
                raise SipParseError(f"bad value for auth-param {name[:30]!r}")
            j = k
            quoted = False
        key = name.lower()
        if key in out:
            raise SipParseError(f"auth-param {name[:30]!r} repeated")
        out[key] = (value, quoted)
        j = skip_ws(text, j)
        if j >= n:
            return out
        if text[j] != ",":
            raise SipParseError(f"junk after auth-param {name[:30]!r}")
        i = skip_ws(text, j + 1)
        if i >= n:
            raise SipParseError("trailing comma in authentication header")


def _split_scheme(value: str) -> tuple[str, int]:
    text = value.strip(WS)
    i = 0
    while i < len(text) and text[i] not in WS:
        i += 1
    scheme = text[:i]
    if not is_token(scheme):
        raise SipParseError(f"bad authentication scheme {scheme[:20]!r}")
    if scheme.lower() != "digest":
        raise SipParseError(f"unsupported authentication scheme {scheme[:20]!r}")
    return text, i


def _check_text(value: str, what: str) -> str:
    if any(ord(c) < 0x20 and c != "\t" for c in value):
        raise SipParseError(f"control character in {what}")
    return value


def parse_challenge(value: str) -> Challenge:
    """Parse one Digest challenge; see the module docstring."""
    text, i = _split_scheme(value)
    params = _parse_auth_params(text, i)
    if "realm" not in params or "nonce" not in params:
        raise SipParseError("Digest challenge without realm or nonce")
    algorithm = params.get("algorithm", ("MD5", False))[0].upper()
    if not is_token(algorithm):
        raise SipParseError("bad Digest algorithm")
    qop: tuple[str, ...] = ()
    if "qop" in params:
        options = [o.strip(WS).lower() for o in params["qop"][0].split(",")]
        if not all(is_token(o) for o in options):
            raise SipParseError("bad qop options")
        qop = tuple(options)
    stale_text = params.get("stale", ("false", False))[0].lower()
    if stale_text not in ("true", "false"):
        raise SipParseError("bad stale flag")
    userhash_text = params.get("userhash", ("false", False))[0].lower()
    return Challenge(
        realm=_check_text(params["realm"][0], "realm"),
        nonce=_check_text(params["nonce"][0], "nonce"),
        algorithm=algorithm,
        qop=qop,
        opaque=_check_text(params["opaque"][0], "opaque") if "opaque" in params else None,
        stale=stale_text == "true",
        domain=params["domain"][0] if "domain" in params else None,
        userhash=userhash_text == "true",
    )


def parse_credentials(value: str) -> DigestCredentialsHeader:
    """Parse an ``Authorization`` / ``Proxy-Authorization`` Digest value."""
    text, i = _split_scheme(value)
    params = _parse_auth_params(text, i)
    for name in ("username", "realm", "nonce", "uri", "response"):
        if name not in params:
            raise SipParseError(f"Digest credentials without {name}")
    nc: int | None = None
    if "nc" in params:
        nc_text = params["nc"][0]
        if len(nc_text) != 8 or any(c not in "0123456789abcdefABCDEF" for c in nc_text):
            raise SipParseError("bad nonce count")
        nc = int(nc_text, 16)
    qop = params["qop"][0].lower() if "qop" in params else None
    cnonce = params["cnonce"][0] if "cnonce" in params else None
    if qop is not None and (cnonce is None or nc is None):
        raise SipParseError("qop without cnonce and nc")
    return DigestCredentialsHeader(
        username=params["username"][0],
        realm=params["realm"][0],
        nonce=params["nonce"][0],
        uri=params["uri"][0],
        response=params["response"][0].lower(),
        algorithm=params.get("algorithm", ("MD5", False))[0].upper(),
        cnonce=cnonce,
        nc=nc,
        qop=qop,
        opaque=params["opaque"][0] if "opaque" in params else None,
        userhash=params.get("userhash", ("false", False))[0].lower() == "true",
    )


# --------------------------------------------------------------------------
# the computation


def digest_response(
    *,
    algorithm: str,
    username: str,
    realm: str,
    password: str,
    nonce: str,
    method: str,
    uri: str,
    qop: str | None = None,
    cnonce: str | None = None,
    nc: int | None = None,
    body: bytes = b"",
) -> str:
    """The ``response`` directive (RFC 7616 §3.4.1–3.4.3, RFC 2617 §3.2.2).

    ``username`` is the plain name (userhash only changes what is sent).
    """
    algorithm = algorithm.upper()
    base = _base_algorithm(algorithm)
    if base not in _HASHES:
        raise SipParseError(f"unsupported Digest algorithm {algorithm[:20]!r}")
    h = _HASHES[base]

    def hs(text: str) -> str:
        return h(text.encode("utf-8"))

    ha1 = hs(f"{username}:{realm}:{password}")
    if algorithm.endswith("-SESS"):
        if cnonce is None:
            raise SipParseError("-sess algorithm needs a cnonce")
        ha1 = hs(f"{ha1}:{nonce}:{cnonce}")
    a2 = f"{method}:{uri}:{h(body)}" if qop == "auth-int" else f"{method}:{uri}"
    ha2 = hs(a2)
    if qop is None:
        return hs(f"{ha1}:{nonce}:{ha2}")
    if cnonce is None or nc is None:
        raise SipParseError("qop needs cnonce and nc")
    return hs(f"{ha1}:{nonce}:{nc:08x}:{cnonce}:{qop}:{ha2}")


def _choose_qop(challenge: Challenge, body: bytes) -> str | None:
    if not challenge.qop:
        return None
    if "auth" in challenge.qop:
        return "auth"
    if "auth-int" in challenge.qop:
        return "auth-int"
    raise SipParseError(f"no supported qop in {challenge.qop!r}")


def build_authorization(
    challenge: Challenge,
    credentials: DigestCredentials,
    *,
    method: str,
    uri: str,
    cnonce: str,
    nc: int = 1,
    body: bytes = b"",
) -> str:
    """The ``Authorization`` / ``Proxy-Authorization`` value for ``challenge``."""
    qop = _choose_qop(challenge, body)
    needs_cnonce = qop is not None or challenge.algorithm.endswith("-SESS")
    response = digest_response(
        algorithm=challenge.algorithm,
        username=credentials.username,
        realm=challenge.realm,
        password=credentials.password,
        nonce=challenge.nonce,
        method=method,
        uri=uri,
        qop=qop,
        cnonce=cnonce if needs_cnonce else None,
        nc=nc if qop is not None else None,
        body=body,
    )
    username = credentials.username
    if challenge.userhash:
        h = _HASHES[_base_algorithm(challenge.algorithm)]
        username = h(f"{credentials.username}:{challenge.realm}".encode())
    parts = [
        f"username={quote_string(username)}",
        f"realm={quote_string(challenge.realm)}",
        f"nonce={quote_string(challenge.nonce)}",
        f"uri={quote_string(uri)}",
        f"response={quote_string(response)}",
        f"algorithm={challenge.algorithm}",
    ]
    if needs_cnonce:
        parts.append(f"cnonce={quote_string(cnonce)}")
    if challenge.opaque is not None:
        parts.append(f"opaque={quote_string(challenge.opaque)}")
    if qop is not None:
        parts.append(f"qop={qop}")
        parts.append(f"nc={nc:08x}")
    if challenge.userhash:
        parts.append("userhash=true")
    return "Digest " + ", ".join(parts)


def verify_authorization(
    value: str, *, password: str, method: str, body: bytes = b"", username: str | None = None
) -> bool:
    """True if ``value`` answers its own realm/nonce with ``password``.

    Checking that the nonce is one the server issued (and fresh) is the
    caller's job; this only checks the arithmetic. With ``userhash=true``,
    ``username`` (the plain name) must be given.
    """
    try:
        creds = parse_credentials(value)
        plain = creds.username
        if creds.userhash:
            if username is None:
                return False
            plain = username
        expected = digest_response(
            algorithm=creds.algorithm,
            username=plain,
            realm=creds.realm,
            password=password,
            nonce=creds.nonce,
            method=method,
            uri=creds.uri,
            qop=creds.qop,
            cnonce=creds.cnonce,
            nc=creds.nc,
            body=body,
        )
    except SipParseError:
        return False
    return secrets.compare_digest(expected, creds.response)


# --------------------------------------------------------------------------
# the client's memory


@dataclass(slots=True)
class _Entry:
    challenge: Challenge
    proxy: bool
    nc: int = 0


def _default_cnonce() -> str:
    return secrets.token_hex(8)


class ClientAuth:
    """Remembers challenges per realm and signs requests; see the module docstring."""

    def __init__(
        self,
        credentials: DigestCredentials | Iterable[DigestCredentials],
        *,
        cnonce_factory: Callable[[], str] | None = None,
    ) -> None:
        if isinstance(credentials, DigestCredentials):
            credentials = [credentials]
        self._credentials = list(credentials)
        self._cnonce = cnonce_factory or _default_cnonce
        self._entries: dict[tuple[bool, str], _Entry] = {}

    def credentials_for(self, realm: str) -> DigestCredentials | None:
        """The credentials answering ``realm``: an exact realm match first."""
        for cred in self._credentials:
            if cred.realm == realm:
                return cred
        for cred in self._credentials:
            if cred.realm is None:
                return cred
        return None

    @property
    def realms(self) -> list[str]:
        return [realm for _, realm in self._entries]

    def forget(self, realm: str | None = None) -> None:
        if realm is None:
            self._entries.clear()
        else:
            self._entries = {k: v for k, v in self._entries.items() if k[1] != realm}

    def authorize(self, request: Request) -> None:
        request.headers.remove("Authorization")
        request.headers.remove("Proxy-Authorization")
        uri = str(request.uri)
        for entry in self._entries.values():
            cred = self.credentials_for(entry.challenge.realm)
            if cred is None:
                continue
            entry.nc += 1
            value = build_authorization(
                entry.challenge,
                cred,
                method=request.method,
                uri=uri,
                cnonce=self._cnonce(),
                nc=entry.nc,
                body=request.body,
            )
            request.headers.add("Proxy-Authorization" if entry.proxy else "Authorization", value)

    def handle_challenge(self, request: Request, response: Response) -> AuthResult:
        if response.status_code == 401:
            proxy, header = False, "WWW-Authenticate"
        elif response.status_code == 407:
            proxy, header = True, "Proxy-Authenticate"
        else:
            return AuthResult.UNANSWERABLE
        best: dict[str, Challenge] = {}
        for value in response.headers.get_lines(header):
            try:
                challenge = parse_challenge(value)
            except SipParseError:
                continue
            if not challenge.supported or self.credentials_for(challenge.realm) is None:
                continue
            current = best.get(challenge.realm)
            if current is None or _strength(challenge) > _strength(current):
                best[challenge.realm] = challenge
        if not best:
            return AuthResult.UNANSWERABLE
        sent = _sent_credentials(request, proxy)
        result = AuthResult.RETRY
        for realm, challenge in best.items():
            previous = sent.get(realm)
            entry = self._entries.get((proxy, realm))
            if previous is not None and not challenge.stale and _first_use(previous, entry):
                # We answered this realm's fresh nonce and it still says no.
                result = AuthResult.REJECTED
            self._entries[(proxy, realm)] = _Entry(challenge=challenge, proxy=proxy)
        if result is AuthResult.REJECTED:
            for realm in best:
                self._entries.pop((proxy, realm), None)
        return result


def _strength(challenge: Challenge) -> int:
    return _STRENGTH.get(_base_algorithm(challenge.algorithm), 0)


def _first_use(creds: DigestCredentialsHeader, entry: _Entry | None) -> bool:
    """Credentials computed straight from a challenge, not pre-emptively.

    With qop the nonce count tells (1 = first use of that nonce). The RFC 2069
    form has no counter, so our own count of uses of that nonce decides; a
    nonce we no longer hold was an old, pre-emptive one.
    """
    if creds.nc is not None:
        return creds.nc <= 1
    return entry is not None and entry.challenge.nonce == creds.nonce and entry.nc <= 1


def _sent_credentials(request: Request, proxy: bool) -> dict[str, DigestCredentialsHeader]:
    out: dict[str, DigestCredentialsHeader] = {}
    for value in request.headers.get_lines("Proxy-Authorization" if proxy else "Authorization"):
        try:
            creds = parse_credentials(value)
        except SipParseError:
            continue
        out[creds.realm] = creds
    return out
